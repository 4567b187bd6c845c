//! The `zeromq` crate (zmq.rs) on tokio.

use std::time::Instant;

use zeromq::{Socket, SocketRecv, SocketSend, ZmqMessage};

use crate::{runtime, SIZE};

/// As [`crate::blocking::thr`], each side on its own current-thread
/// runtime (zmq.rs is async only).
pub fn thr(n: usize) -> f64 {
    let (tx, rx) = std::sync::mpsc::channel();
    let receiver = std::thread::spawn(move || {
        runtime().block_on(async {
            let mut pull = zeromq::PullSocket::new();
            let endpoint = pull.bind("tcp://127.0.0.1:0").await.expect("bind");
            tx.send(endpoint.to_string()).expect("endpoint");
            assert_eq!(pull.recv().await.expect("recv").get(0).map(|f| f.len()), Some(SIZE));
            let start = Instant::now();
            for _ in 1..n {
                assert_eq!(pull.recv().await.expect("recv").get(0).map(|f| f.len()), Some(SIZE));
            }
            (n - 1) as f64 / start.elapsed().as_secs_f64()
        })
    });
    let endpoint = rx.recv().expect("endpoint");
    runtime().block_on(async {
        let mut push = zeromq::PushSocket::new();
        push.connect(&endpoint).await.expect("connect");
        let body = bytes::Bytes::from(vec![7u8; SIZE]);
        for _ in 0..n {
            push.send(ZmqMessage::from(body.clone()))
                .await
                .expect("send");
        }
        // Keep the socket (and its runtime) until the receiver has all.
        let rate = tokio::task::spawn_blocking(move || receiver.join().expect("receiver"))
            .await
            .expect("join");
        drop(push);
        rate
    })
}

/// As [`crate::blocking::rtt`].
pub fn rtt(n: usize) -> f64 {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        runtime().block_on(async {
            let mut rep = zeromq::RepSocket::new();
            let endpoint = rep.bind("tcp://127.0.0.1:0").await.expect("bind");
            tx.send(endpoint.to_string()).expect("endpoint");
            for _ in 0..n + 100 {
                let msg = rep.recv().await.expect("recv");
                rep.send(msg).await.expect("send");
            }
        })
    });
    let endpoint = rx.recv().expect("endpoint");
    let micros = runtime().block_on(async {
        let mut req = zeromq::ReqSocket::new();
        req.connect(&endpoint).await.expect("connect");
        let body = bytes::Bytes::from(vec![7u8; SIZE]);
        let mut start = Instant::now();
        for i in 0..n + 100 {
            if i == 100 {
                start = Instant::now();
            }
            req.send(ZmqMessage::from(body.clone())).await.expect("send");
            assert_eq!(req.recv().await.expect("recv").get(0).map(|f| f.len()), Some(SIZE));
        }
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    });
    drop(server.join());
    micros
}
