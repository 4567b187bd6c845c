//! The async sockets on tokio: every scenario of async_common, plus
//! cancellation by `tokio::time::timeout` and `tokio::select!`.

#![allow(clippy::expect_used, clippy::panic)]

mod async_common;

use std::future::Future;
use std::time::Duration;

use async_common::*;
use ferrozmq::aio::{Tokio, TokioSocket};
use ferrozmq::{Context, Result, SocketType};

#[tokio::test]
async fn push_pull_inproc() -> Result<()> {
    push_pull::<Tokio>(&inproc("pp"), 10_000).await
}

#[tokio::test]
async fn push_pull_tcp() -> Result<()> {
    push_pull::<Tokio>(TCP, 10_000).await
}

#[tokio::test]
async fn req_rep_inproc() -> Result<()> {
    req_rep::<Tokio>(&inproc("rr"), 500).await
}

#[tokio::test]
async fn req_rep_tcp() -> Result<()> {
    req_rep::<Tokio>(TCP, 500).await
}

#[tokio::test]
async fn dealer_router_inproc() -> Result<()> {
    dealer_router::<Tokio>(&inproc("dr"), 500).await
}

#[tokio::test]
async fn dealer_router_tcp() -> Result<()> {
    dealer_router::<Tokio>(TCP, 500).await
}

#[tokio::test]
async fn many_sockets_on_one_task() -> Result<()> {
    many_pairs::<Tokio>(false, 50, 200).await?;
    many_pairs::<Tokio>(true, 20, 200).await
}

/// Fifty pairs as tasks of a multi-threaded runtime: sockets move between
/// worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_sockets_as_tasks() -> Result<()> {
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
}

/// Cancels with `tokio::time::timeout`.
struct Timeout;

impl Cancel for Timeout {
    async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
        tokio::time::timeout(limit, fut).await.ok()
    }
}

/// Cancels with `tokio::select!` against a sleep.
struct Select;

impl Cancel for Select {
    async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
        tokio::select! {
            out = fut => Some(out),
            () = tokio::time::sleep(limit) => None,
        }
    }
}

#[tokio::test]
async fn timeout_cancelled_recvs_lose_nothing() -> Result<()> {
    for endpoint in [inproc("cancel"), TCP.to_owned()] {
        let cancelled = cancelled_recvs_lose_nothing::<Tokio, Timeout>(&endpoint, 1000).await?;
        assert!(cancelled > 0, "some receives were cancelled");
    }
    Ok(())
}

#[tokio::test]
async fn select_cancelled_recvs_lose_nothing() -> Result<()> {
    let cancelled = cancelled_recvs_lose_nothing::<Tokio, Select>(&inproc("select"), 1000).await?;
    assert!(cancelled > 0, "some receives were cancelled");
    Ok(())
}

#[tokio::test]
async fn sink_and_stream_round_trip() -> Result<()> {
    sink_stream::<Tokio>(&inproc("sink"), 300).await?;
    sink_stream::<Tokio>(TCP, 300).await
}

#[tokio::test]
async fn hwm_back_pressure_pends_the_send() -> Result<()> {
    hwm_back_pressure::<Tokio>().await
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
#[tokio::test]
async fn wakes_after_idle() -> Result<()> {
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
}

/// A receiver task and a sender task share one socket (as the halves of a
/// split Stream + Sink would): the sender, blocked at the high-water mark,
/// waits after the receiver did, yet a message arriving still wakes the
/// receiver, and room on the peer still wakes the sender.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receiver_and_sender_tasks_are_both_woken() -> Result<()> {
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
}
