use std::time::Duration;

use ferrozmq::{Context, Message, SocketType};

use crate::common::*;

#[test]
fn subscriber_gets_exactly_matching_messages() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut publisher = socket(&ctx, SocketType::Pub);
        let ep = bind(&mut publisher, transport);
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.subscribe("a").unwrap();
        sub.subscribe("bc").unwrap();
        sub.connect(&ep).unwrap();
        wait_subscribed(&mut publisher, &mut sub, "a-probe");
        for topic in ["a1", "b1", "bc1", "c", "a2", "", "zzz-early", "a-end"] {
            publisher.send(topic).unwrap();
        }
        // In order, so "a-end" shows that the others were filtered out.
        let got: Vec<String> = (0..4).map(|_| sub.recv_string().unwrap()).collect();
        assert_eq!(got, ["a1", "bc1", "a2", "a-end"], "{transport}");
        sub.subscribe("zzz").unwrap();
        wait_subscribed(&mut publisher, &mut sub, "zzz-probe");
        publisher.send("zzz-end").unwrap();
        assert_eq!(sub.recv_string().unwrap(), "zzz-end");
        // The subscriber filters too: the cancel need not reach the publisher first.
        sub.unsubscribe("a").unwrap();
        publisher.send("a3").unwrap();
        publisher.send("bc2").unwrap();
        assert_eq!(sub.recv_string().unwrap(), "bc2");
    }
}

#[test]
fn no_subscribers_means_dropped_and_pub_never_blocks() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.set_sndhwm(10).unwrap();
    let ep = bind(&mut publisher, "inproc");
    for _ in 0..1000 {
        publisher.try_send("x").unwrap();
    }
    let mut slow = socket(&ctx, SocketType::Sub);
    slow.set_rcvhwm(10).unwrap();
    slow.subscribe("").unwrap();
    slow.connect(&ep).unwrap();
    let mut fast = socket(&ctx, SocketType::Sub);
    fast.subscribe("").unwrap();
    fast.connect(&ep).unwrap();
    publisher.send("warmup").unwrap();
    let mut fast_got = 0;
    for i in 0..10_000 {
        publisher.try_send(format!("{i}")).unwrap();
        while fast.try_recv().is_ok() {
            fast_got += 1;
        }
    }
    while fast.try_recv().and_then(String::try_from).is_ok() {
        fast_got += 1;
    }
    assert_eq!(fast_got, 10_001, "the fast subscriber loses nothing");
    let mut slow_got = 0;
    while slow.try_recv().is_ok() {
        slow_got += 1;
    }
    assert!(
        slow_got <= 20,
        "slow subscriber bounded by HWM, got {slow_got}"
    );
}

#[test]
fn xpub_sees_subscriptions_and_xsub_sends_them() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut xpub = socket(&ctx, SocketType::XPub);
        let ep = bind(&mut xpub, transport);
        let mut xsub = socket(&ctx, SocketType::XSub);
        xsub.connect(&ep).unwrap();
        xsub.send(&b"\x01news"[..]).unwrap();
        assert_eq!(&xpub.recv_bytes().unwrap()[..], b"\x01news", "{transport}");
        xpub.send("news flash").unwrap();
        xpub.send("other").unwrap();
        assert_eq!(xsub.recv_string().unwrap(), "news flash");
        // A second subscriber to the same topic is not reported (not verbose).
        let mut sub2 = socket(&ctx, SocketType::Sub);
        sub2.subscribe("news").unwrap();
        sub2.connect(&ep).unwrap();
        wait_subscribed(&mut xpub, &mut sub2, "news-probe");
        assert!(xpub.try_recv().is_err());
        // xsub's cancel, then a new topic: once the new topic is reported,
        // the cancel was taken in before it (one pipe keeps order).
        xsub.send(&b"\x00news"[..]).unwrap();
        xsub.send(&b"\x01other"[..]).unwrap();
        assert_eq!(
            &xpub.recv_bytes().unwrap()[..],
            b"\x01other",
            "{transport}: sub2 still subscribed"
        );
        drop(sub2);
        assert_eq!(
            &xpub
                .recv_bytes()
                .unwrap_or_else(|e| panic!("{transport}: {e}"))[..],
            b"\x00news"
        );
    }
}

#[test]
fn xpub_verbose_and_welcome() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    xpub.set_xpub_verbose(true).unwrap();
    xpub.set_xpub_welcome_msg(b"welcome").unwrap();
    let ep = bind(&mut xpub, "tcp");
    let mut a = socket(&ctx, SocketType::Sub);
    a.subscribe("").unwrap();
    a.connect(&ep).unwrap();
    let mut b = socket(&ctx, SocketType::Sub);
    b.subscribe("").unwrap();
    b.connect(&ep).unwrap();
    assert_eq!(&xpub.recv_bytes().unwrap()[..], b"\x01");
    assert_eq!(&xpub.recv_bytes().unwrap()[..], b"\x01");
    assert_eq!(a.recv_string().unwrap(), "welcome");
    assert_eq!(b.recv_string().unwrap(), "welcome");
}

#[test]
fn subscriber_fair_queues_several_publishers() {
    let ctx = Context::new();
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.subscribe("").unwrap();
    let mut pubs: Vec<_> = (0..3)
        .map(|_| {
            let mut p = socket(&ctx, SocketType::Pub);
            let ep = bind(&mut p, "tcp");
            sub.connect(&ep).unwrap();
            p
        })
        .collect();
    for p in pubs.iter_mut() {
        wait_subscribed(p, &mut sub, "probe");
    }
    for (i, p) in pubs.iter_mut().enumerate() {
        for j in 0..10 {
            p.send(format!("{i}:{j}")).unwrap();
        }
    }
    let mut got: Vec<String> = (0..30).map(|_| sub.recv_string().unwrap()).collect();
    got.sort();
    assert_eq!(got.len(), 30);
    std::thread::sleep(Duration::from_millis(10));
}

#[test]
fn subscriptions_survive_publisher_restart() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    let ep = bind(&mut publisher, "tcp");
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.set_reconnect_ivl(Some(Duration::from_millis(50)))
        .unwrap();
    sub.subscribe("t").unwrap();
    sub.connect(&ep).unwrap();
    wait_subscribed(&mut publisher, &mut sub, "t-probe");
    publisher.send("t1").unwrap();
    assert_eq!(sub.recv_string().unwrap(), "t1");
    publisher.close();
    let mut publisher = socket(&ctx, SocketType::Pub);
    // The old listener closes on the I/O thread: the port frees up soon after.
    until("the port to be free", || publisher.bind(&ep).is_ok());
    let mut got = None;
    until("the subscription to come back", || {
        publisher.send("x-unwanted").unwrap();
        publisher.send("t2").unwrap();
        got = sub.try_recv().and_then(String::try_from).ok();
        got.is_some()
    });
    assert_eq!(got.as_deref(), Some("t2"));
}

#[test]
fn conflate_keeps_only_the_last_message() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut publisher = socket(&ctx, SocketType::Pub);
        let ep = bind(&mut publisher, transport);
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.set_conflate(true).unwrap();
        sub.subscribe("").unwrap();
        sub.connect(&ep).unwrap();
        // Wait until the subscription has reached the publisher.
        until("the subscription", || {
            publisher.send("warmup").unwrap();
            sub.try_recv().is_ok()
        });
        while !quiet(&mut sub) {
            sub.recv().unwrap();
        }
        for i in 0..100 {
            publisher.send(format!("{i}")).unwrap();
        }
        // Each message replaces the one waiting: whatever the reads caught
        // on the way, they rise, end at the last, and are few.
        let mut got: Vec<u32> = Vec::new();
        until("the last message", || {
            if let Ok(m) = sub.try_recv().and_then(String::try_from) {
                got.push(m.parse().unwrap());
            }
            got.last() == Some(&99)
        });
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{transport}: {got:?}");
        assert!(got.len() < 100, "{transport}: nothing was conflated");
        assert!(quiet(&mut sub));
    }
}

#[test]
fn xpub_manual_applies_to_the_last_subscriber_and_xsub_does_not_filter() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    xpub.set_xpub_manual(true).unwrap();
    xpub.bind("inproc://manual").unwrap();
    let mut xsub = socket(&ctx, SocketType::XSub);
    xsub.connect("inproc://manual").unwrap();
    xsub.send(&b"\x01A"[..]).unwrap();
    assert_eq!(xpub.recv_bytes().unwrap(), &b"\x01A"[..]);
    // The application subscribes the peer to B instead of A.
    xpub.subscribe("B").unwrap();
    xpub.send("A").unwrap();
    xpub.send("B").unwrap();
    // XSUB passes up whatever comes: the publisher did the filtering.
    assert_eq!(xsub.try_recv().and_then(String::try_from).unwrap(), "B");
    assert!(xsub.try_recv().is_err());
}

#[test]
fn xpub_manual_cancels_each_departing_peers_requests() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    xpub.set_xpub_manual(true).unwrap();
    xpub.bind("inproc://manual-leave").unwrap();
    let mut subs = Vec::new();
    for _ in 0..2 {
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.connect("inproc://manual-leave").unwrap();
        sub.subscribe("1").unwrap();
        assert_eq!(xpub.recv_bytes().unwrap(), &b"\x011"[..]);
        xpub.subscribe("1").unwrap();
        subs.push(sub);
    }
    drop(subs);
    // One cancel per departed peer, not only for the last one.
    assert_eq!(xpub.recv_bytes().unwrap(), &b"\x001"[..]);
    assert_eq!(xpub.recv_bytes().unwrap(), &b"\x001"[..]);
}

/// libzmq's XPUB reports a departing peer's topics that nobody else wants,
/// whether the peer went away or XPUB disconnected it (one detach path).
#[test]
fn xpub_reports_the_topics_of_a_peer_it_disconnects() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut sub = socket(&ctx, SocketType::Sub);
        let ep = bind(&mut sub, transport);
        let mut xpub = socket(&ctx, SocketType::XPub);
        xpub.connect(&ep).unwrap();
        sub.subscribe("news").unwrap();
        let mut got = None;
        until("the subscription", || {
            // A bound SUB takes in new peers (and subscribes them) when used.
            sub.events().unwrap();
            got = xpub.try_recv().map(Message::into_bytes).ok();
            got.is_some()
        });
        assert_eq!(&got.unwrap()[..], b"\x01news", "{transport}");
        xpub.disconnect(&ep).unwrap();
        assert_eq!(&xpub.recv_bytes().unwrap()[..], b"\x00news", "{transport}");
    }
}

/// A SUB's POLLIN counts only messages its filter keeps, as libzmq's
/// (`xsub::xhas_in` drops the others before answering): a publisher that
/// sends what the subscriber did not ask for does not wake its poller.
#[test]
fn sub_pollin_ignores_messages_its_filter_drops() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut xpub = socket(&ctx, SocketType::XPub);
        xpub.set_xpub_manual(true).unwrap();
        let ep = bind(&mut xpub, transport);
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.subscribe("a").unwrap();
        sub.connect(&ep).unwrap();
        assert_eq!(xpub.recv_bytes().unwrap(), &b"\x01a"[..]);
        // The publisher sends everything to this peer, wanted or not.
        xpub.subscribe("").unwrap();
        for _ in 0..10 {
            xpub.send("b-unwanted").unwrap();
        }
        xpub.send("a-wanted").unwrap();
        let ready = sub
            .poll(ferrozmq::PollEvents::READABLE, Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(ready, ferrozmq::PollEvents::READABLE, "{transport}");
        assert_eq!(
            sub.try_recv().and_then(String::try_from).unwrap(),
            "a-wanted",
            "{transport}"
        );
        for _ in 0..10 {
            xpub.send("b-unwanted").unwrap();
        }
        let idle = sub
            .poll(
                ferrozmq::PollEvents::READABLE,
                Some(Duration::from_millis(300)),
            )
            .unwrap();
        assert!(
            idle.is_empty(),
            "{transport}: POLLIN for messages the filter drops"
        );
        assert!(sub.try_recv().is_err(), "{transport}");
    }
}

/// A SUB or XSUB whose publisher never comes does not hold up the
/// context's termination with its queued subscription: both start with
/// ZMQ_LINGER 0, as in libzmq (before, ferrozmq's -1 hung `zmq_ctx_term`).
#[test]
fn an_unanswered_subscription_does_not_hold_up_termination() {
    let ctx = Context::new();
    let mut sub = ctx.socket(SocketType::Sub).unwrap();
    assert_eq!(sub.linger(), Some(Duration::ZERO));
    // Nobody listens there: the connection is retried forever.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ep = format!("tcp://127.0.0.1:{port}");
    sub.connect(&ep).unwrap();
    sub.subscribe("topic").unwrap();
    let mut xsub = ctx.socket(SocketType::XSub).unwrap();
    assert_eq!(xsub.linger(), Some(Duration::ZERO));
    xsub.connect(&ep).unwrap();
    xsub.send(b"\x01topic".as_slice()).unwrap();
    drop((sub, xsub));
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        ctx.term().unwrap();
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(10))
        .expect("terminating the context hung on a subscription");
}

/// ZMQ_SUBSCRIBE on an XPUB is for XPUB_MANUAL only (EINVAL otherwise, as
/// in libzmq 4.3).
#[test]
fn xpub_takes_subscriptions_from_the_application_only_when_manual() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    assert_eq!(
        xpub.subscribe("a").map_err(|e| e.kind()),
        Err(ferrozmq::ErrorKind::Invalid)
    );
    xpub.set_xpub_manual(true).unwrap();
    xpub.subscribe("a").unwrap();
}
