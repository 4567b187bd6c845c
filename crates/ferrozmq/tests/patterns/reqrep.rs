use ferrozmq::{Context, Error, SocketType, DONTWAIT};

use crate::common::*;

#[test]
fn req_enforces_send_recv_alternation() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, SocketType::Rep);
    let ep = bind(&mut rep, "inproc");
    let mut req = socket(&ctx, SocketType::Req);
    req.connect(&ep).unwrap();
    assert_eq!(req.recv(0).unwrap_err(), Error::Fsm);
    assert_eq!(rep.send("x", 0).unwrap_err(), Error::Fsm);
    req.send("q", 0).unwrap();
    assert_eq!(req.send("again", 0).unwrap_err(), Error::Fsm);
    assert_eq!(rep.recv_string(0).unwrap(), "q");
    assert_eq!(rep.recv(0).unwrap_err(), Error::Fsm);
    rep.send("a", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap(), "a");
    req.send("q2", 0).unwrap();
}

#[test]
fn req_round_robins_and_rep_keeps_envelope() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut req = socket(&ctx, SocketType::Req);
        let mut handshakes = Handshakes::watch(&ctx, &mut req);
        let ep = bind(&mut req, transport);
        let mut reps: Vec<_> = (0..3)
            .map(|_| {
                let mut r = socket(&ctx, SocketType::Rep);
                r.connect(&ep).unwrap();
                r
            })
            .collect();
        handshakes.wait(transport, 3);
        for round in 0..2 {
            for (i, rep) in reps.iter_mut().enumerate() {
                req.send_multipart([format!("r{round}"), format!("{i}")], 0)
                    .unwrap();
                let got = rep.recv_multipart(0).unwrap();
                assert_eq!(got, [format!("r{round}"), format!("{i}")], "{transport}");
                rep.send_multipart(["ok", "two"], 0).unwrap();
                assert_eq!(req.recv_multipart(0).unwrap(), ["ok", "two"]);
            }
        }
    }
}

#[test]
fn dealer_to_rep_needs_the_delimiter() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, SocketType::Rep);
    let ep = bind(&mut rep, "tcp");
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer.connect(&ep).unwrap();
    // Without a delimiter REP drops the message as malformed.
    dealer.send("no-envelope", 0).unwrap();
    dealer.send_multipart(["", "hello"], 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap(), "hello");
    rep.send("world", 0).unwrap();
    assert_eq!(dealer.recv_multipart(0).unwrap(), ["", "world"]);
}

#[test]
fn req_relaxed_and_correlate() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let ep = bind(&mut router, "inproc");
    let mut req = socket(&ctx, SocketType::Req);
    req.set_req_relaxed(true).unwrap();
    req.set_req_correlate(true).unwrap();
    req.connect(&ep).unwrap();
    req.send("first", 0).unwrap();
    req.send("second", 0).unwrap();
    let first = router.recv_multipart(0).unwrap();
    let second = router.recv_multipart(0).unwrap();
    assert_eq!(first.len(), 4, "routing id, request id, delimiter, body");
    assert_eq!(first[3], "first");
    assert_eq!(second[3], "second");
    // A reply to the stale first request is ignored; the second's is taken.
    router
        .send_multipart(first[..3].iter().cloned().chain(["stale".into()]), 0)
        .unwrap();
    router
        .send_multipart(second[..3].iter().cloned().chain(["fresh".into()]), 0)
        .unwrap();
    assert_eq!(req.recv_string(0).unwrap(), "fresh");
    assert_eq!(req.recv(DONTWAIT).unwrap_err(), Error::Fsm);
}

#[test]
fn relaxed_req_stays_writable_while_a_reply_is_outstanding() {
    let ctx = Context::new();
    let mut req = socket(&ctx, SocketType::Req);
    req.set_req_relaxed(true).unwrap();
    req.set_req_correlate(true).unwrap();
    let ep = bind(&mut req, "inproc");
    let mut rep = socket(&ctx, SocketType::Rep);
    rep.connect(&ep).unwrap();
    assert_eq!(req.events().unwrap(), ferrozmq::POLLOUT);
    req.send("A", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap(), "A");
    // No reply yet, and still POLLOUT (a strict REQ would say 0).
    assert_eq!(req.events().unwrap(), ferrozmq::POLLOUT);
    req.send("B", 0).unwrap();
    rep.send("stale", 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap(), "B");
    rep.send("fresh", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap(), "fresh");
}
