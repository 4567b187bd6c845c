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
