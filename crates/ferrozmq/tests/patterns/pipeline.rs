use ferrozmq::{Context, ErrorKind, PollEvents, SocketType};

use crate::common::*;

#[test]
fn push_round_robins_over_pull_peers() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut push = socket(&ctx, SocketType::Push);
        let ep = bind(&mut push, transport);
        let mut pulls: Vec<_> = (0..3)
            .map(|_| {
                let mut p = socket(&ctx, SocketType::Pull);
                p.connect(&ep).unwrap();
                p
            })
            .collect();
        // Wait until all three peers are attached: probes reach each of them.
        let mut reached = [false; 3];
        for _ in 0..500 {
            push.send("probe").unwrap();
            for (r, p) in reached.iter_mut().zip(pulls.iter_mut()) {
                *r |= p.try_recv().is_ok();
            }
            if reached.iter().all(|&r| r) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // One "sync" each: what a peer holds before it are stray probes.
        for _ in 0..3 {
            push.send("sync").unwrap();
        }
        for p in &mut pulls {
            while p.recv_string().unwrap() != "sync" {}
        }
        for i in 0..30 {
            push.send(format!("{i}")).unwrap();
        }
        for p in &mut pulls {
            for _ in 0..10 {
                assert_ne!(p.recv_string().unwrap(), "end", "{transport}: short");
            }
        }
        // One "end" each, right after its share.
        for _ in 0..3 {
            push.send("end").unwrap();
        }
        for p in &mut pulls {
            assert_eq!(
                p.recv_string().unwrap(),
                "end",
                "{transport}: more than its share"
            );
        }
    }
}

#[test]
fn pull_fair_queues_in_order_of_peers() {
    // libzmq's test_spec_pushpull fair-queue-in case: two messages per peer
    // arrive as A0 B0 C0 A1 B1 C1, one per peer in turn.
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut pull, "inproc");
    let mut pushes: Vec<_> = (0..3)
        .map(|_| {
            let mut p = socket(&ctx, SocketType::Push);
            p.connect(&ep).unwrap();
            p
        })
        .collect();
    for (i, p) in pushes.iter_mut().enumerate() {
        p.send(format!("{i}-0")).unwrap();
        p.send(format!("{i}-1")).unwrap();
    }
    let got: Vec<String> = (0..6).map(|_| pull.recv_string().unwrap()).collect();
    assert_eq!(got, ["0-0", "1-0", "2-0", "0-1", "1-1", "2-1"]);
}

#[test]
fn multipart_is_all_or_nothing_and_pull_cannot_send() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.connect(&ep).unwrap();
        push.send_more("a").unwrap();
        assert!(quiet(&mut pull), "partial message seen");
        assert_eq!(pull.try_recv().unwrap_err(), ErrorKind::Again);
        push.send("b").unwrap();
        assert_eq!(pull.recv_multipart().unwrap(), ["a", "b"]);
        assert_eq!(pull.send("x").unwrap_err(), ErrorKind::NotSupported);
        assert_eq!(push.recv().unwrap_err(), ErrorKind::NotSupported);
    }
}

#[test]
fn pair_exchanges_both_ways() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut a = socket(&ctx, SocketType::Pair);
        let ep = bind(&mut a, transport);
        let mut b = socket(&ctx, SocketType::Pair);
        b.connect(&ep).unwrap();
        for i in 0..100 {
            a.send(format!("ping {i}")).unwrap();
            assert_eq!(b.recv_string().unwrap(), format!("ping {i}"));
            b.send(format!("pong {i}")).unwrap();
            assert_eq!(a.recv_string().unwrap(), format!("pong {i}"));
        }
    }
}

/// When the only peer of a bound PUSH or PAIR goes away, ZMQ_EVENTS stops
/// reporting POLLOUT (as in libzmq), so a poll for POLLOUT agrees with what
/// a send then finds: no peer, EAGAIN. (A stale POLLOUT made pyzmq's
/// strawhouse example block in `send` after `poll(50, POLLOUT)` said yes.)
#[test]
fn writable_ends_when_the_only_peer_leaves() {
    for kind in [SocketType::Push, SocketType::Pair] {
        for transport in ["tcp", "ipc", "inproc"] {
            let ctx = Context::new();
            let mut sender = socket(&ctx, kind);
            let ep = bind(&mut sender, transport);
            let peer_kind = if kind == SocketType::Push {
                SocketType::Pull
            } else {
                SocketType::Pair
            };
            let mut peer = socket(&ctx, peer_kind);
            peer.connect(&ep).unwrap();
            sender.send("hello").unwrap();
            assert_eq!(peer.recv_string().unwrap(), "hello");
            assert!(sender.events().unwrap().contains(PollEvents::WRITABLE));
            peer.close();
            until("POLLOUT to end after the peer left", || {
                !sender.events().unwrap().contains(PollEvents::WRITABLE)
            });
            let refused = sender.try_send("nobody").unwrap_err();
            assert_eq!(
                refused.error().kind(),
                ErrorKind::Again,
                "{kind:?} {transport}"
            );
        }
    }
}
