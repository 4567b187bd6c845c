//! A repeated connect to the same endpoint is a no-op for DEALER, SUB, PUB
//! and REQ (libzmq's `socket_base_t::connect_internal`): one connection,
//! not two, so nothing arrives twice and nothing is spread over duplicates.

use std::time::Duration;

use ferrozmq::{Context, PollEvents, SocketType};

use crate::common::{bind, socket, wait_subscribed};

#[test]
fn sub_connecting_twice_receives_each_message_once() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut publisher = socket(&ctx, SocketType::Pub);
        let endpoint = bind(&mut publisher, transport);
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.subscribe("").unwrap();
        sub.connect(&endpoint).unwrap();
        sub.connect(&endpoint).unwrap();
        wait_subscribed(&mut publisher, &mut sub, "probe");
        for i in 0..100 {
            publisher.send(format!("m{i}")).unwrap();
        }
        for i in 0..100 {
            assert_eq!(sub.recv_string().unwrap(), format!("m{i}"), "{transport}");
        }
        let more = sub
            .poll(PollEvents::READABLE, Some(Duration::from_millis(200)))
            .unwrap();
        assert!(more.is_empty(), "{transport}: a message arrived twice");
    }
}

#[test]
fn dealer_connecting_twice_has_one_peer() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let endpoint = bind(&mut router, "tcp");
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer.connect(&endpoint).unwrap();
    dealer.connect(&endpoint).unwrap();
    let mut ids = Vec::new();
    for i in 0..10 {
        dealer.send(format!("m{i}")).unwrap();
        let id = router.recv().unwrap();
        assert_eq!(router.recv_string().unwrap(), format!("m{i}"));
        ids.push(id.data().to_vec());
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "the dealer's messages came over more than one connection"
    );
    // The router can answer over that one connection.
    router.send_more(ids[0].clone()).unwrap();
    router.send("reply").unwrap();
    assert_eq!(dealer.recv_string().unwrap(), "reply");
    assert!(dealer.try_recv().is_err());
}

#[test]
fn push_connecting_twice_keeps_two_connections() {
    // PUSH is not one of libzmq's single-connect types: both connections
    // exist, and messages are spread over them (the PULL sees them all).
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let endpoint = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.connect(&endpoint).unwrap();
    push.connect(&endpoint).unwrap();
    for i in 0..10 {
        push.send(format!("m{i}")).unwrap();
    }
    let mut got: Vec<String> = (0..10).map(|_| pull.recv_string().unwrap()).collect();
    got.sort();
    let mut want: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn pub_connecting_twice_sends_each_message_once() {
    let ctx = Context::new();
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.subscribe("").unwrap();
    let endpoint = bind(&mut sub, "tcp");
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.connect(&endpoint).unwrap();
    publisher.connect(&endpoint).unwrap();
    wait_subscribed(&mut publisher, &mut sub, "probe");
    for i in 0..100 {
        publisher.send(format!("m{i}")).unwrap();
    }
    for i in 0..100 {
        assert_eq!(sub.recv_string().unwrap(), format!("m{i}"));
    }
    let more = sub
        .poll(PollEvents::READABLE, Some(Duration::from_millis(200)))
        .unwrap();
    assert!(more.is_empty(), "a message arrived twice");
}

#[test]
fn req_connecting_twice_has_one_peer() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let endpoint = bind(&mut router, "tcp");
    let mut req = socket(&ctx, SocketType::Req);
    req.connect(&endpoint).unwrap();
    req.connect(&endpoint).unwrap();
    let mut ids = Vec::new();
    for i in 0..10 {
        req.send(format!("q{i}")).unwrap();
        let id = router.recv().unwrap();
        assert!(router.recv().unwrap().is_empty());
        assert_eq!(router.recv_string().unwrap(), format!("q{i}"));
        router.send_more(id.data().to_vec()).unwrap();
        router.send_more("").unwrap();
        router.send("a").unwrap();
        assert_eq!(req.recv_string().unwrap(), "a");
        ids.push(id.data().to_vec());
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "the requests came over more than one connection"
    );
}
