//! inproc connects made before the bind.

use ferrozmq::{Context, SocketType};

use crate::common::*;

#[test]
fn a_bind_adopts_waiting_connects_at_once() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.connect("inproc://early-pub").unwrap();
    publisher.send("before").unwrap();
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.subscribe("").unwrap();
    sub.bind("inproc://early-pub").unwrap();
    // The bind itself sent the subscription: nothing after it is lost.
    publisher.send("after").unwrap();
    assert_eq!(sub.recv_string().unwrap(), "after");
}

#[test]
fn a_closed_connecter_still_delivers_to_a_later_bind() {
    let ctx = Context::new();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let mut push = socket(&ctx, SocketType::Pair);
                push.connect("inproc://late-sink").unwrap();
                push.send("foobar").unwrap();
                push.close();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.bind("inproc://late-sink").unwrap();
    for _ in 0..8 {
        assert_eq!(pull.recv_string().unwrap(), "foobar");
    }
}
