//! Subscription resync (issue 14, libzmq issue 4064): our SUB, SNDHWM=10,
//! holds 1,000 subscriptions; a pyzmq publisher restarts at the same
//! address, and must see all 1,000 again and deliver every topic.
//!
//! The same scenario with a pyzmq SUB (libzmq 4.3.5) shows 10 of 1,000
//! reaching the restarted publisher (see `peers/python/resync.py`).

use std::time::{Duration, Instant};

use ferrozmq::{Context, Socket, SocketType};
use interop_tests::free_port;
use interop_tests::peer::{python_program, Peer, PeerKind};

const TOPICS: usize = 1_000;

/// Starts the publisher and services `sub` until it says how many
/// subscriptions it saw; returns the peer and that count.
fn publisher(ep: &str, sub: &mut Socket) -> Option<(Peer, usize)> {
    let n = TOPICS.to_string();
    let mut peer = Peer::spawn_program(PeerKind::Pyzmq, python_program("resync.py"), &[ep, &n])?;
    peer.bound_endpoint();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "the publisher said nothing");
        // The subscriber's own thread takes in the reconnection (as libzmq's).
        let _ = sub.poll(
            ferrozmq::PollEvents::READABLE,
            Some(Duration::from_millis(5)),
        );
        if let Some(line) = peer.line_within(Duration::from_millis(5)) {
            let count = line.strip_prefix("subs ").expect("subs N").parse().unwrap();
            return Some((peer, count));
        }
    }
}

#[test]
fn pyzmq_publisher_restarted_sees_every_subscription() {
    let ctx = Context::new();
    let ep = format!("tcp://127.0.0.1:{}", free_port());
    let mut sub = ctx.socket(SocketType::Sub).unwrap();
    sub.set_sndhwm(10).unwrap();
    sub.set_reconnect_ivl(Some(Duration::from_millis(10)))
        .unwrap();
    sub.connect(&ep).unwrap();
    for i in 0..TOPICS {
        sub.subscribe(format!("topic-{i:04}")).unwrap();
    }
    let Some((mut first, seen)) = publisher(&ep, &mut sub) else {
        return;
    };
    assert_eq!(seen, TOPICS, "the first publisher");
    assert_eq!(first.line(), "sent");
    sub.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    for _ in 0..TOPICS {
        sub.recv_string().expect("every topic delivered");
    }
    first.tell("quit");
    assert_eq!(first.line(), "bye");
    drop(first);

    let (mut restarted, seen) = publisher(&ep, &mut sub).unwrap();
    assert_eq!(seen, TOPICS, "the restarted publisher");
    assert_eq!(restarted.line(), "sent");
    for _ in 0..TOPICS {
        sub.recv_string().expect("every topic delivered");
    }
    assert!(sub.try_recv().is_err(), "each topic once");
    restarted.tell("quit");
}
