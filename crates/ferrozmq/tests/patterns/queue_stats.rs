//! `Socket::queue_stats`: queued and dropped messages, exact at the call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ferrozmq::{Context, SocketType};

use super::common::{bind, socket, Handshakes};

#[test]
fn push_to_an_absent_peer_holds_whole_messages() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    // Nobody listens here: the pipe exists (no IMMEDIATE) and fills.
    let dead = "tcp://127.0.0.1:9";
    push.connect(dead).unwrap();
    for i in 0..5 {
        push.try_send_multipart([format!("m{i}"), "part".into()])
            .unwrap();
    }
    let stats = push.queue_stats().unwrap();
    assert_eq!((stats.outbound, stats.inbound), (5, 0), "{stats:?}");
    assert_eq!(stats.peers.len(), 1);
    assert_eq!(stats.peers[0].endpoint, dead);
    assert_eq!(stats.peers[0].outbound, 5);
    assert_eq!((stats.dropped_hwm, stats.dropped_unroutable), (0, 0));
}

#[test]
fn push_to_a_slow_inproc_peer_counts_both_ends() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    let mut pull = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut push, "inproc");
    pull.connect(&ep).unwrap();
    for i in 0..10 {
        push.send(format!("{i}").as_str()).unwrap();
    }
    assert_eq!(push.queue_stats().unwrap().outbound, 10);
    assert_eq!(pull.queue_stats().unwrap().inbound, 10);
    for _ in 0..3 {
        pull.recv().unwrap();
    }
    assert_eq!(push.queue_stats().unwrap().outbound, 7);
    let stats = pull.queue_stats().unwrap();
    assert_eq!((stats.inbound, stats.peers[0].inbound), (7, 7));
}

#[test]
fn pub_counts_what_a_slow_subscriber_missed() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    let mut sub = socket(&ctx, SocketType::Sub);
    publisher.set_sndhwm(4).unwrap();
    sub.set_rcvhwm(4).unwrap();
    let ep = bind(&mut publisher, "inproc");
    sub.connect(&ep).unwrap();
    sub.subscribe("").unwrap();
    let sent = 50u64;
    for i in 0..sent {
        publisher.send(format!("{i}").as_str()).unwrap();
    }
    let stats = publisher.queue_stats().unwrap();
    // inproc: the mark is the sum of both shares.
    assert_eq!(stats.outbound, 8, "{stats:?}");
    assert_eq!(stats.dropped_hwm, sent - 8);
    assert_eq!(stats.peers[0].dropped_hwm, sent - 8);
    let mut received = 0;
    while sub.try_recv().is_ok() {
        received += 1;
    }
    assert_eq!(received + stats.dropped_hwm, sent);
    assert_eq!(publisher.queue_stats().unwrap().outbound, 0);
    // A departed subscriber leaves the total as it was.
    sub.close();
    super::common::until("the subscriber to leave", || {
        publisher.send("x").unwrap();
        publisher.queue_stats().unwrap().peers.is_empty()
    });
    assert_eq!(publisher.queue_stats().unwrap().dropped_hwm, sent - 8);
}

#[test]
fn router_counts_unroutable_and_names_peers_by_routing_id() {
    for transport in ["inproc", "tcp"] {
        let ctx = Context::new();
        let mut router = socket(&ctx, SocketType::Router);
        let mut shakes = Handshakes::watch(&ctx, &mut router);
        let ep = bind(&mut router, transport);
        let mut dealer = socket(&ctx, SocketType::Dealer);
        dealer.set_routing_id(b"d1").unwrap();
        dealer.connect(&ep).unwrap();
        shakes.wait(transport, 1);
        for _ in 0..3 {
            router.send_multipart(["nobody", "lost"]).unwrap();
        }
        router.send_multipart(["d1", "a", "b"]).unwrap();
        let stats = router.queue_stats().unwrap();
        assert_eq!(stats.dropped_unroutable, 3, "{transport}");
        assert_eq!(stats.dropped_hwm, 0);
        assert_eq!(stats.peers.len(), 1);
        assert_eq!(stats.peers[0].routing_id.as_deref(), Some(&b"d1"[..]));
        if transport == "inproc" {
            assert_eq!(stats.outbound, 1, "one multipart message");
        }
        assert_eq!(dealer.recv_multipart().unwrap().len(), 2);
    }
}

/// A sender thread pushes while this thread reads the receiving end's
/// statistics: each read lies between the counts before and after it.
#[test]
fn inbound_is_exact_under_concurrent_sends() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut pull, "inproc");
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(0).unwrap();
    pull.set_rcvhwm(0).unwrap();
    push.connect(&ep).unwrap();
    let total = 200_000u64;
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let sender = std::thread::spawn(move || {
        for i in 0..total {
            push.send(&i.to_le_bytes()[..]).unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
        }
        push
    });
    let mut received = 0u64;
    let mut reads = 0u32;
    while received < total {
        let before = sent.load(Ordering::SeqCst);
        let inbound = pull.queue_stats().unwrap().inbound;
        let after = sent.load(Ordering::SeqCst);
        // A send is queued before it is counted in `sent`: at most one
        // more may be queued (or even received) than `after` says.
        assert!(
            inbound >= before.saturating_sub(received),
            "{inbound} < {before} - {received}"
        );
        assert!(
            inbound <= after + 1 - received,
            "{inbound} > {after} + 1 - {received}"
        );
        reads += 1;
        for _ in 0..inbound.min(1000) {
            let m = pull.recv_bytes().unwrap();
            assert_eq!(m[..], received.to_le_bytes());
            received += 1;
        }
        if inbound == 0 {
            std::thread::yield_now();
        }
    }
    let push = sender.join().unwrap();
    assert!(reads > 1);
    assert_eq!(pull.queue_stats().unwrap().inbound, 0);
    drop(push);
}

/// Over tcp and ipc the counts leave out what the connections hold (write
/// batches, the kernel): both ends together never count more than is in
/// flight, and nothing once everything is received.
#[test]
fn push_to_a_slow_network_peer_never_overcounts() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        pull.set_rcvhwm(1).unwrap();
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.set_sndhwm(0).unwrap();
        push.connect(&ep).unwrap();
        let sent = 20_000u64;
        for i in 0..sent {
            push.send_multipart([&i.to_le_bytes()[..], b"tail"])
                .unwrap();
        }
        let mut received = 0u64;
        while received < sent {
            let held = push.queue_stats().unwrap().outbound + pull.queue_stats().unwrap().inbound;
            assert!(
                held <= sent - received,
                "{transport}: {held} > {sent} - {received}"
            );
            let frames = pull.recv_multipart().unwrap();
            assert_eq!(frames[0][..], received.to_le_bytes());
            received += 1;
        }
        assert_eq!(push.queue_stats().unwrap().outbound, 0);
        assert_eq!(pull.queue_stats().unwrap().inbound, 0);
    }
}
