use ferrozmq::{Context, ErrorKind, Multipart, SocketType};

use crate::common::*;

#[test]
fn req_enforces_send_recv_alternation() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, SocketType::Rep);
    let ep = bind(&mut rep, "inproc");
    let mut req = socket(&ctx, SocketType::Req);
    req.connect(&ep).unwrap();
    assert_eq!(req.recv().unwrap_err(), ErrorKind::Fsm);
    assert_eq!(rep.send("x").unwrap_err(), ErrorKind::Fsm);
    req.send("q").unwrap();
    assert_eq!(req.send("again").unwrap_err(), ErrorKind::Fsm);
    assert_eq!(rep.recv_string().unwrap(), "q");
    assert_eq!(rep.recv().unwrap_err(), ErrorKind::Fsm);
    rep.send("a").unwrap();
    assert_eq!(req.recv_string().unwrap(), "a");
    req.send("q2").unwrap();
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
                req.send_multipart([format!("r{round}"), format!("{i}")])
                    .unwrap();
                let got = rep.recv_multipart().unwrap();
                assert_eq!(got, [format!("r{round}"), format!("{i}")], "{transport}");
                rep.send_multipart(["ok", "two"]).unwrap();
                assert_eq!(req.recv_multipart().unwrap(), ["ok", "two"]);
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
    dealer.send("no-envelope").unwrap();
    dealer.send_multipart(["", "hello"]).unwrap();
    assert_eq!(rep.recv_string().unwrap(), "hello");
    rep.send("world").unwrap();
    assert_eq!(dealer.recv_multipart().unwrap(), ["", "world"]);
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
    req.send("first").unwrap();
    req.send("second").unwrap();
    let first = router.recv_multipart().unwrap();
    let second = router.recv_multipart().unwrap();
    assert_eq!(first.len(), 4, "routing id, request id, delimiter, body");
    assert_eq!(first[3], "first");
    assert_eq!(second[3], "second");
    // A reply to the stale first request is ignored; the second's is taken.
    router
        .send_multipart(
            first
                .into_iter()
                .take(3)
                .chain(["stale".into()])
                .collect::<Multipart>(),
        )
        .unwrap();
    router
        .send_multipart(
            second
                .into_iter()
                .take(3)
                .chain(["fresh".into()])
                .collect::<Multipart>(),
        )
        .unwrap();
    assert_eq!(req.recv_string().unwrap(), "fresh");
    assert_eq!(req.try_recv().unwrap_err(), ErrorKind::Fsm);
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
    assert_eq!(req.events().unwrap(), ferrozmq::PollEvents::WRITABLE);
    req.send("A").unwrap();
    assert_eq!(rep.recv_string().unwrap(), "A");
    // No reply yet, and still POLLOUT (a strict REQ would say 0).
    assert_eq!(req.events().unwrap(), ferrozmq::PollEvents::WRITABLE);
    req.send("B").unwrap();
    rep.send("stale").unwrap();
    assert_eq!(rep.recv_string().unwrap(), "B");
    rep.send("fresh").unwrap();
    assert_eq!(req.recv_string().unwrap(), "fresh");
}
