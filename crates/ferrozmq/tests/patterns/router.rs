use ferrozmq::{Context, ErrorKind, SocketType};

use crate::common::*;

#[test]
fn routes_by_identity_and_drops_unroutable() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut router = socket(&ctx, SocketType::Router);
        let ep = bind(&mut router, transport);
        let mut dealer = socket(&ctx, SocketType::Dealer);
        dealer.set_routing_id(b"alice").unwrap();
        dealer.connect(&ep).unwrap();
        dealer.send("hi").unwrap();
        assert_eq!(
            router.recv_multipart().unwrap(),
            ["alice", "hi"],
            "{transport}"
        );
        // Unknown peer: silently dropped without ROUTER_MANDATORY.
        router.send_multipart(["nobody", "lost"]).unwrap();
        router.send_multipart(["alice", "back"]).unwrap();
        assert_eq!(dealer.recv_string().unwrap(), "back");
        router.set_router_mandatory(true).unwrap();
        assert_eq!(
            router.send_more("nobody").unwrap_err(),
            ErrorKind::HostUnreachable
        );
        // A lone routing id (no frame after it) is dropped without a word,
        // as libzmq does, and the next message goes as usual.
        router.send("nobody").unwrap();
        router.send_multipart(["alice", "again"]).unwrap();
        assert_eq!(dealer.recv_string().unwrap(), "again");
    }
}

#[test]
fn generated_ids_start_with_zero_and_are_five_bytes() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let ep = bind(&mut router, "tcp");
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer.connect(&ep).unwrap();
    dealer.send("x").unwrap();
    let msg = router.recv_multipart().unwrap();
    assert_eq!(msg[0].len(), 5);
    assert_eq!(msg[0][0], 0);
}

#[test]
fn connect_routing_id_names_the_peer() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Router);
    server.set_routing_id(b"server").unwrap();
    let ep = bind(&mut server, "tcp");
    let mut client = socket(&ctx, SocketType::Router);
    client.set_connect_routing_id(b"srv").unwrap();
    client.set_routing_id(b"client").unwrap();
    client.connect(&ep).unwrap();
    // Routable at once, before the connection even completes.
    client.set_router_mandatory(true).unwrap();
    client.send_multipart(["srv", "hello"]).unwrap();
    assert_eq!(server.recv_multipart().unwrap(), ["client", "hello"]);
}

#[test]
fn handover_gives_the_id_to_the_new_peer() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    router.set_router_handover(true).unwrap();
    let ep = bind(&mut router, "inproc");
    let mut first = socket(&ctx, SocketType::Dealer);
    first.set_routing_id(b"X").unwrap();
    first.connect(&ep).unwrap();
    first.send("from first").unwrap();
    assert_eq!(router.recv_multipart().unwrap(), ["X", "from first"]);
    let mut second = socket(&ctx, SocketType::Dealer);
    second.set_routing_id(b"X").unwrap();
    second.connect(&ep).unwrap();
    second.send("from second").unwrap();
    assert_eq!(router.recv_multipart().unwrap(), ["X", "from second"]);
    router.send_multipart(["X", "to second"]).unwrap();
    assert_eq!(second.recv_string().unwrap(), "to second");
    assert_eq!(first.try_recv().unwrap_err(), ErrorKind::Again);
}

#[test]
fn probe_router_announces_a_new_peer() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let ep = bind(&mut router, "tcp");
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer.set_routing_id(b"probe").unwrap();
    dealer.set_probe_router(true).unwrap();
    dealer.connect(&ep).unwrap();
    assert_eq!(router.recv_multipart().unwrap(), ["probe", ""]);
    router.send_multipart(["probe", "hi"]).unwrap();
    assert_eq!(dealer.recv_string().unwrap(), "hi");
}

/// As in libzmq 4.3 (checked with pyzmq's libzmq): a REQ with PROBE_ROUTER
/// announces itself with an empty message; a REP takes the option and
/// sends nothing.
#[test]
fn probe_router_on_req_probes_and_on_rep_is_silent() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let ep = bind(&mut router, "tcp");
    let mut req = socket(&ctx, SocketType::Req);
    req.set_routing_id(b"q").unwrap();
    req.set_probe_router(true).unwrap();
    req.connect(&ep).unwrap();
    assert_eq!(router.recv_multipart().unwrap(), ["q", ""]);
    req.send("request").unwrap();
    assert_eq!(router.recv_multipart().unwrap(), ["q", "", "request"]);
    let mut rep = socket(&ctx, SocketType::Rep);
    rep.set_probe_router(true).unwrap();
    rep.set_router_mandatory(true).unwrap();
    rep.connect(&ep).unwrap();
    assert!(quiet(&mut router), "a REP sent a probe");
}

#[test]
fn probe_router_from_a_connecting_router_needs_no_call_on_it() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Router);
        let ep = bind(&mut server, transport);
        let mut client = socket(&ctx, SocketType::Router);
        client.set_routing_id(b"X").unwrap();
        client.set_probe_router(true).unwrap();
        client.connect(&ep).unwrap();
        // The client is not used again until the server has its probe.
        assert_eq!(server.recv_multipart().unwrap(), ["X", ""], "{transport}");
        server.send_multipart(["X", "Hello"]).unwrap();
        let reply = client.recv_multipart().unwrap();
        assert_eq!(reply.len(), 2, "{transport}");
        assert_eq!(reply[1], "Hello", "{transport}");
    }
}

#[test]
fn probe_router_on_a_bound_router_greets_each_peer() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Router);
    server.set_probe_router(true).unwrap();
    let ep = bind(&mut server, "inproc");
    let mut client = socket(&ctx, SocketType::Dealer);
    client.connect(&ep).unwrap();
    assert_eq!(client.recv_multipart().unwrap(), [""]);
}

/// ZMQ_ROUTER_RAW (libzmq's forerunner of STREAM, still used by CZMQ):
/// connections speak raw TCP with STREAM's notifications and framing.
#[test]
fn router_raw_serves_raw_tcp() {
    use std::io::{Read, Write};

    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    router.set_router_raw(true).unwrap();
    assert_eq!(
        router
            .option(ferrozmq::SocketOption::RouterRaw)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid),
        "write-only, as in libzmq"
    );
    let ep = bind(&mut router, "tcp");
    let mut client = std::net::TcpStream::connect(ep.trim_start_matches("tcp://")).unwrap();
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();

    // The connection is announced as [id][empty]; the id is generated.
    let hello = router.recv_multipart().unwrap();
    assert_eq!(hello.len(), 2);
    assert_eq!((hello[0].len(), hello[0].data()[0]), (5, 0));
    assert!(hello[1].is_empty());
    let id = hello[0].data().to_vec();

    client.write_all(b"hello").unwrap();
    let mut got = Vec::new();
    while got.len() < 5 {
        let frames = router.recv_multipart().unwrap();
        assert_eq!(frames[0].data(), &id[..]);
        got.extend_from_slice(frames[1].data());
    }
    assert_eq!(got, b"hello");

    // One data frame per message: a frame after it starts a new message
    // (a lone routing id, dropped), as libzmq does.
    router.send_more(id.as_slice()).unwrap();
    router.send_more("world").unwrap();
    router.send("extra").unwrap();
    let mut buf = [0u8; 5];
    client.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"world");

    // An empty data frame closes the connection.
    router.send_more(id.as_slice()).unwrap();
    router.send("").unwrap();
    let mut rest = Vec::new();
    assert_eq!(client.read_to_end(&mut rest).unwrap(), 0);
}

/// Messages of one and of several frames, alternating, each read frame by
/// frame: the routing id first, then every frame in order with MORE on all
/// but the last (the socket hands the first frame out at once, queues the
/// rest, and gives the emptied storage back for the next envelope).
#[test]
fn mixed_frame_counts_arrive_whole_and_in_order() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut router = socket(&ctx, SocketType::Router);
        let ep = bind(&mut router, transport);
        let mut dealer = socket(&ctx, SocketType::Dealer);
        dealer.set_routing_id(b"d").unwrap();
        dealer.connect(&ep).unwrap();
        for round in 0..40usize {
            let frames: Vec<String> = (0..1 + round % 4).map(|k| format!("{round}.{k}")).collect();
            dealer.send_multipart(frames.clone()).unwrap();
            let id = router.recv().unwrap();
            assert!(id.more(), "{transport}");
            assert_eq!(id.data(), b"d");
            for (k, want) in frames.iter().enumerate() {
                let got = router.recv().unwrap();
                assert_eq!(got.data(), want.as_bytes(), "{transport} round {round}");
                assert_eq!(
                    got.more(),
                    k + 1 < frames.len(),
                    "{transport} round {round}"
                );
            }
        }
        assert_eq!(router.try_recv().unwrap_err(), ErrorKind::Again);
    }
}
