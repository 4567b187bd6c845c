//! ferrozmq's async sockets on tokio (`ferrozmq::aio::TokioSocket`).

use std::time::Instant;

use ferrozmq::aio::TokioSocket;
use ferrozmq::{Context, SocketType};

use crate::{runtime, SIZE};

/// As [`crate::blocking::thr`], each side an async task on its own
/// current-thread runtime.
pub fn thr(n: usize) -> f64 {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).expect("pull");
    pull.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = pull.last_endpoint().to_owned();
    let sender = {
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            runtime().block_on(async {
                let mut push = ctx.socket(SocketType::Push).expect("push");
                push.connect(&endpoint).expect("connect");
                let mut push = TokioSocket::new(push).expect("async push");
                let body = bytes::Bytes::from(vec![7u8; SIZE]);
                for _ in 0..n {
                    push.send(body.clone()).await.expect("send");
                }
                push
            })
        })
    };
    let rate = runtime().block_on(async {
        let mut pull = TokioSocket::new(pull).expect("async pull");
        assert_eq!(pull.recv().await.expect("recv").len(), SIZE);
        let start = Instant::now();
        for _ in 1..n {
            assert_eq!(pull.recv().await.expect("recv").len(), SIZE);
        }
        (n - 1) as f64 / start.elapsed().as_secs_f64()
    });
    drop(sender.join());
    rate
}

/// As [`crate::blocking::rtt`], each side an async task.
pub fn rtt(n: usize) -> f64 {
    let ctx = Context::new();
    let mut rep = ctx.socket(SocketType::Rep).expect("rep");
    rep.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = rep.last_endpoint().to_owned();
    let server = std::thread::spawn(move || {
        runtime().block_on(async {
            let mut rep = TokioSocket::new(rep).expect("async rep");
            for _ in 0..n + 100 {
                let msg = rep.recv().await.expect("recv");
                rep.send(msg).await.expect("send");
            }
        })
    });
    let micros = runtime().block_on(async {
        let mut req = ctx.socket(SocketType::Req).expect("req");
        req.connect(&endpoint).expect("connect");
        let mut req = TokioSocket::new(req).expect("async req");
        let body = bytes::Bytes::from(vec![7u8; SIZE]);
        let mut start = Instant::now();
        for i in 0..n + 100 {
            if i == 100 {
                start = Instant::now();
            }
            req.send(body.clone()).await.expect("send");
            assert_eq!(req.recv().await.expect("recv").len(), SIZE);
        }
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    });
    drop(server.join());
    micros
}
