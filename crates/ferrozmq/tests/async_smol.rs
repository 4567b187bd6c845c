//! The async sockets on smol (async-io's reactor, async-executor): every
//! scenario of async_common.

#![allow(clippy::expect_used, clippy::panic)]

mod async_common;

use std::time::Duration;

use async_common::*;
use ferrozmq::aio::AsyncIo;
use ferrozmq::{Result, SocketType};

#[test]
fn push_pull_inproc() -> Result<()> {
    smol::block_on(push_pull::<AsyncIo>(&inproc("pp"), 10_000))
}

#[test]
fn push_pull_tcp() -> Result<()> {
    smol::block_on(push_pull::<AsyncIo>(TCP, 10_000))
}

#[test]
fn req_rep_inproc() -> Result<()> {
    smol::block_on(req_rep::<AsyncIo>(&inproc("rr"), 500))
}

#[test]
fn req_rep_tcp() -> Result<()> {
    smol::block_on(req_rep::<AsyncIo>(TCP, 500))
}

#[test]
fn dealer_router_inproc() -> Result<()> {
    smol::block_on(dealer_router::<AsyncIo>(&inproc("dr"), 500))
}

#[test]
fn dealer_router_tcp() -> Result<()> {
    smol::block_on(dealer_router::<AsyncIo>(TCP, 500))
}

#[test]
fn many_sockets_on_one_task() -> Result<()> {
    smol::block_on(async {
        many_pairs::<AsyncIo>(false, 50, 200).await?;
        many_pairs::<AsyncIo>(true, 20, 200).await
    })
}

/// Fifty pairs as tasks of one smol executor.
#[test]
fn many_sockets_as_tasks() -> Result<()> {
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let endpoint = if i % 2 == 0 {
                    inproc("tasks")
                } else {
                    TCP.to_owned()
                };
                ex.spawn(async move { push_pull::<AsyncIo>(&endpoint, 200).await })
            })
            .collect();
        for task in tasks {
            task.await?;
        }
        Ok(())
    }))
}

#[test]
fn timeout_cancelled_recvs_lose_nothing() -> Result<()> {
    for endpoint in [inproc("cancel"), TCP.to_owned()] {
        let cancelled = smol::block_on(cancelled_recvs_lose_nothing::<AsyncIo, AsyncIoTimer>(
            &endpoint, 2000,
        ))?;
        assert!(cancelled > 0, "some receives were cancelled");
    }
    Ok(())
}

#[test]
fn sink_and_stream_round_trip() -> Result<()> {
    smol::block_on(async {
        sink_stream::<AsyncIo>(&inproc("sink"), 300).await?;
        sink_stream::<AsyncIo>(TCP, 300).await
    })
}

#[test]
fn send_more_builds_one_message_inproc() -> Result<()> {
    smol::block_on(send_more_builds_one_message::<AsyncIo>(&inproc("more")))
}

#[test]
fn send_more_builds_one_message_tcp() -> Result<()> {
    smol::block_on(send_more_builds_one_message::<AsyncIo>(TCP))
}

/// A dropped send of a built message's last frame leaves nothing half-sent.
#[test]
fn cancelled_send_of_a_built_message() -> Result<()> {
    smol::block_on(cancelled_send_more_is_never_half_sent::<AsyncIo>())
}

/// Partial direct writes of sparse large messages are finished in order.
#[test]
fn sparse_large_messages() -> Result<()> {
    smol::block_on(sparse_large_messages_arrive_whole::<AsyncIo>())
}

#[test]
fn hwm_back_pressure_pends_the_send() -> Result<()> {
    smol::block_on(hwm_back_pressure::<AsyncIo>())
}

/// A receive waits across a quiet spell (the eventfd wakes it).
#[test]
fn wakes_after_idle() -> Result<()> {
    smol::block_on(async {
        let ctx = ferrozmq::Context::new();
        let (mut pull, mut push) = pair::<AsyncIo>(&ctx, SocketType::Pull, SocketType::Push, TCP)?;
        for i in 0..20 {
            let sender = async {
                smol::Timer::after(Duration::from_millis(2)).await;
                push.send(format!("{i}")).await
            };
            let (sent, got) = futures_lite::future::zip(sender, pull.recv()).await;
            sent?;
            assert_eq!(got?.data(), format!("{i}").as_bytes());
        }
        Ok(())
    })
}

/// A refused send fails at once and hands its message back.
#[test]
fn refused_send_hands_the_message_back() -> Result<()> {
    smol::block_on(async { async_common::refused_send_hands_the_message_back::<AsyncIo>().await })
}

/// The `Sink`'s held message goes before a later `send`.
#[test]
fn sink_message_goes_before_a_later_send() -> Result<()> {
    smol::block_on(async { async_common::sink_message_goes_before_a_later_send::<AsyncIo>().await })
}

/// The read lease under cancelled async receives (see `lease_stress`).
#[test]
fn lease_stress_with_cancelled_receives() -> Result<()> {
    for (i, routed) in [false, true].into_iter().enumerate() {
        for endpoint in [TCP.to_owned(), ipc("lease")] {
            let seed = 51 + i as u64;
            let cancelled = smol::block_on(lease_stress::<AsyncIo, AsyncIoTimer>(
                &endpoint, routed, 300, seed,
            ))?;
            assert!(cancelled > 0, "some receives were cancelled");
        }
    }
    Ok(())
}

#[test]
fn dropped_recv_under_the_lease_leaves_the_connection_watched() -> Result<()> {
    smol::block_on(dropped_recv_leaves_the_connection_watched::<AsyncIo>(TCP))
}
