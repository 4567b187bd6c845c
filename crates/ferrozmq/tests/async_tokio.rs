//! The async sockets on tokio: every scenario of async_common, plus
//! cancellation by `tokio::time::timeout` and by a race (what `select!`
//! does) against a timer.

#![allow(clippy::expect_used, clippy::panic)]

mod async_common;

/// Runs `fut` on a current-thread runtime (tokio's `macros` feature, for
/// `#[tokio::test]`, would bring a second `syn` into the dependency tree).
fn current_thread<T>(fut: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(fut)
}

/// Runs `fut` on a runtime of two worker threads.
fn multi_thread<T>(fut: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(fut)
}

use std::future::Future;
use std::time::Duration;

use async_common::*;
use ferrozmq::aio::{Tokio, TokioSocket};
use ferrozmq::{Context, Result, SocketType};

#[test]
fn push_pull_inproc() -> Result<()> {
    current_thread(async { push_pull::<Tokio>(&inproc("pp"), 10_000).await })
}

#[test]
fn push_pull_tcp() -> Result<()> {
    current_thread(async { push_pull::<Tokio>(TCP, 10_000).await })
}

#[test]
fn req_rep_inproc() -> Result<()> {
    current_thread(async { req_rep::<Tokio>(&inproc("rr"), 500).await })
}

#[test]
fn req_rep_tcp() -> Result<()> {
    current_thread(async { req_rep::<Tokio>(TCP, 500).await })
}

#[test]
fn dealer_router_inproc() -> Result<()> {
    current_thread(async { dealer_router::<Tokio>(&inproc("dr"), 500).await })
}

#[test]
fn dealer_router_tcp() -> Result<()> {
    current_thread(async { dealer_router::<Tokio>(TCP, 500).await })
}

#[test]
fn many_sockets_on_one_task() -> Result<()> {
    current_thread(async {
        many_pairs::<Tokio>(false, 50, 200).await?;
        many_pairs::<Tokio>(true, 20, 200).await
    })
}

/// Fifty pairs as tasks of a multi-threaded runtime: sockets move between
/// worker threads.
#[test]
fn many_sockets_as_tasks() -> Result<()> {
    multi_thread(async {
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let endpoint = if i % 2 == 0 {
                    inproc("tasks")
                } else {
                    TCP.to_owned()
                };
                tokio::spawn(async move { push_pull::<Tokio>(&endpoint, 200).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task ran")?;
        }
        Ok(())
    })
}

/// Cancels with `tokio::time::timeout`.
struct Timeout;

impl Cancel for Timeout {
    async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
        tokio::time::timeout(limit, fut).await.ok()
    }
}

#[test]
fn timeout_cancelled_recvs_lose_nothing() -> Result<()> {
    current_thread(async {
        for endpoint in [inproc("cancel"), TCP.to_owned()] {
            let cancelled = cancelled_recvs_lose_nothing::<Tokio, Timeout>(&endpoint, 1000).await?;
            assert!(cancelled > 0, "some receives were cancelled");
        }
        Ok(())
    })
}

/// A race that drops the losing receive, as `select!` does.
#[test]
fn race_cancelled_recvs_lose_nothing() -> Result<()> {
    current_thread(async {
        let cancelled =
            cancelled_recvs_lose_nothing::<Tokio, AsyncIoTimer>(&inproc("race"), 1000).await?;
        assert!(cancelled > 0, "some receives were cancelled");
        Ok(())
    })
}

#[test]
fn sink_and_stream_round_trip() -> Result<()> {
    current_thread(async {
        sink_stream::<Tokio>(&inproc("sink"), 300).await?;
        sink_stream::<Tokio>(TCP, 300).await
    })
}

#[test]
fn send_more_builds_one_message_inproc() -> Result<()> {
    current_thread(async { send_more_builds_one_message::<Tokio>(&inproc("more")).await })
}

#[test]
fn send_more_builds_one_message_tcp() -> Result<()> {
    current_thread(async { send_more_builds_one_message::<Tokio>(TCP).await })
}

/// A dropped send of a built message's last frame leaves nothing half-sent.
#[test]
fn cancelled_send_of_a_built_message() -> Result<()> {
    current_thread(async { cancelled_send_more_is_never_half_sent::<Tokio>().await })
}

/// Partial direct writes of sparse large messages are finished in order.
#[test]
fn sparse_large_messages() -> Result<()> {
    current_thread(async { sparse_large_messages_arrive_whole::<Tokio>().await })
}

#[test]
fn hwm_back_pressure_pends_the_send() -> Result<()> {
    current_thread(async { hwm_back_pressure::<Tokio>().await })
}

/// Outside a runtime, making a tokio socket is an error, not a panic.
#[test]
fn outside_a_runtime_is_an_error() -> Result<()> {
    let ctx = Context::new();
    assert!(TokioSocket::new(ctx.socket(SocketType::Pull)?).is_err());
    Ok(())
}

/// A receive waits across a quiet spell (the eventfd wakes it), many
/// times over.
#[test]
fn wakes_after_idle() -> Result<()> {
    current_thread(async {
        let ctx = Context::new();
        let (mut pull, mut push) = pair::<Tokio>(&ctx, SocketType::Pull, SocketType::Push, TCP)?;
        for i in 0..20 {
            let sender = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(2)).await;
                push.send(format!("{i}")).await.map(|()| push)
            });
            assert_eq!(pull.recv().await?.data(), format!("{i}").as_bytes());
            push = sender.await.expect("the task ran")?;
        }
        Ok(())
    })
}

/// A receiver task and a sender task share one socket (as the halves of a
/// split Stream + Sink would): the sender, blocked at the high-water mark,
/// waits after the receiver did, yet a message arriving still wakes the
/// receiver, and room on the peer still wakes the sender.
#[test]
fn receiver_and_sender_tasks_are_both_woken() -> Result<()> {
    multi_thread(async {
        use futures_sink::Sink;
        use std::future::poll_fn;
        use std::pin::Pin;
        use std::sync::{Arc, Mutex};
        use std::task::Poll;

        let ctx = Context::new();
        let endpoint = inproc("split");
        let mut x = ctx.socket(SocketType::Dealer)?;
        x.set_option(ferrozmq::SocketOption::SndHwm, 1)?;
        x.bind(&endpoint)?;
        let mut y = ctx.socket(SocketType::Dealer)?;
        y.set_option(ferrozmq::SocketOption::RcvHwm, 1)?;
        y.connect(&endpoint)?;
        let mut filled = 0;
        while x.try_send("fill").is_ok() {
            filled += 1;
        }
        let x = Arc::new(Mutex::new(TokioSocket::new(x)?));

        let receiver = {
            let x = x.clone();
            tokio::spawn(poll_fn(move |cx| {
                x.lock().expect("unpoisoned").poll_recv_multipart(cx)
            }))
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let sender = {
            let x = x.clone();
            let mut msg = Some(ferrozmq::Multipart::from(vec!["late"]));
            tokio::spawn(poll_fn(move |cx| {
                let mut x = x.lock().expect("unpoisoned");
                let mut x = Pin::new(&mut *x);
                if let Some(m) = msg.take() {
                    match Sink::<ferrozmq::Multipart>::poll_ready(x.as_mut(), cx) {
                        Poll::Ready(Ok(())) => x.as_mut().start_send(m)?,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => {
                            msg = Some(m);
                            return Poll::Pending;
                        }
                    }
                }
                Sink::<ferrozmq::Multipart>::poll_flush(x, cx)
            }))
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !sender.is_finished(),
            "the sender waits at the high-water mark"
        );
        assert!(!receiver.is_finished(), "the receiver waits for a message");
        y.send("ping")?;
        let got = tokio::time::timeout(Duration::from_secs(5), receiver)
            .await
            .expect("the receiver was woken")
            .expect("the task ran")?;
        assert_eq!(got, ["ping"]);
        let drained = tokio::task::spawn_blocking(move || {
            let mut seen = Vec::new();
            for _ in 0..=filled {
                seen.push(y.recv_string()?);
            }
            Ok::<_, ferrozmq::Error>(seen)
        });
        tokio::time::timeout(Duration::from_secs(5), sender)
            .await
            .expect("the sender was woken")
            .expect("the task ran")?;
        let seen = drained.await.expect("the task ran")?;
        assert_eq!(seen.last().map(String::as_str), Some("late"));
        Ok(())
    })
}

/// A refused send fails at once and hands its message back.
#[test]
fn refused_send_hands_the_message_back() -> Result<()> {
    current_thread(async { async_common::refused_send_hands_the_message_back::<Tokio>().await })
}

/// The `Sink`'s held message goes before a later `send`.
#[test]
fn sink_message_goes_before_a_later_send() -> Result<()> {
    current_thread(async { async_common::sink_message_goes_before_a_later_send::<Tokio>().await })
}

/// The read lease under cancelled async receives (see `lease_stress`), on
/// both of tokio's schedulers.
#[test]
fn lease_stress_with_cancelled_receives() -> Result<()> {
    current_thread(async {
        for (i, routed) in [false, true].into_iter().enumerate() {
            for endpoint in [TCP.to_owned(), ipc("lease")] {
                let seed = 41 + i as u64;
                let cancelled =
                    lease_stress::<Tokio, Timeout>(&endpoint, routed, 300, seed).await?;
                assert!(cancelled > 0, "some receives were cancelled");
            }
        }
        Ok::<_, ferrozmq::Error>(())
    })?;
    multi_thread(async { lease_stress::<Tokio, AsyncIoTimer>(TCP, true, 300, 43).await })?;
    Ok(())
}

#[test]
fn dropped_recv_under_the_lease_leaves_the_connection_watched() -> Result<()> {
    current_thread(async { dropped_recv_leaves_the_connection_watched::<Tokio>(TCP).await })
}
