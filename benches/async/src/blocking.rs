//! ferrozmq's blocking sockets.

use std::time::Instant;

use ferrozmq::{Context, SocketType};

use crate::SIZE;

/// PUSH `n` messages to a PULL; messages per second at the PULL, timed
/// from the first message to the last.
pub fn thr(n: usize) -> f64 {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).expect("pull");
    pull.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = pull.last_endpoint().to_owned();
    let sender = {
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let mut push = ctx.socket(SocketType::Push).expect("push");
            push.connect(&endpoint).expect("connect");
            let body = bytes::Bytes::from(vec![7u8; SIZE]);
            for _ in 0..n {
                push.send(body.clone()).expect("send");
            }
            push
        })
    };
    assert_eq!(pull.recv().expect("recv").len(), SIZE);
    let start = Instant::now();
    for _ in 1..n {
        assert_eq!(pull.recv().expect("recv").len(), SIZE);
    }
    let rate = (n - 1) as f64 / start.elapsed().as_secs_f64();
    drop(sender.join());
    rate
}

/// Mean REQ/REP round trip in µs over `n` trips (after 100 to warm up).
pub fn rtt(n: usize) -> f64 {
    let ctx = Context::new();
    let mut rep = ctx.socket(SocketType::Rep).expect("rep");
    rep.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = rep.last_endpoint().to_owned();
    let server = std::thread::spawn(move || {
        for _ in 0..n + 100 {
            let msg = rep.recv().expect("recv");
            rep.send(msg).expect("send");
        }
    });
    let mut req = ctx.socket(SocketType::Req).expect("req");
    req.connect(&endpoint).expect("connect");
    let body = bytes::Bytes::from(vec![7u8; SIZE]);
    let mut start = Instant::now();
    for i in 0..n + 100 {
        if i == 100 {
            start = Instant::now();
        }
        req.send(body.clone()).expect("send");
        assert_eq!(req.recv().expect("recv").len(), SIZE);
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    drop(server.join());
    micros
}
