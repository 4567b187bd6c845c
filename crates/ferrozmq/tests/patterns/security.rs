use std::thread;
use std::time::Duration;

use ferrozmq::{Context, ErrorKind, EventKind, Socket, SocketOption, SocketType};

use crate::common::*;

/// A ZAP handler (RFC 27) on inproc://zeromq.zap.01 that accepts
/// admin/secret for PLAIN and everything for NULL in domain "ok".
fn start_zap_handler(ctx: &Context) -> thread::JoinHandle<usize> {
    start_zap(ctx, |request| {
        let (domain, mechanism) = (&request[2], &request[5]);
        let ok = match &mechanism[..] {
            b"PLAIN" => &request[6][..] == b"admin" && &request[7][..] == b"secret",
            b"NULL" => &domain[..] == b"ok",
            _ => false,
        };
        if ok {
            ("200", "the-admin")
        } else {
            ("400", "")
        }
    })
}

fn plain_client(ctx: &Context, ep: &str, user: &str, password: &str) -> Socket {
    let mut client = socket(ctx, SocketType::Req);
    client
        .set_option_bytes(SocketOption::PlainUsername, user.as_bytes())
        .unwrap();
    client
        .set_option_bytes(SocketOption::PlainPassword, password.as_bytes())
        .unwrap();
    client.set_rcvtimeo(Some(Duration::from_secs(10))).unwrap();
    client.connect(ep).unwrap();
    client
}

#[test]
fn plain_with_zap_accepts_good_and_refuses_bad_credentials() {
    let ctx = Context::new();
    let handler = start_zap_handler(&ctx);
    let mut server = socket(&ctx, SocketType::Rep);
    server.set_plain_server(true).unwrap();
    let ep = bind(&mut server, "tcp");

    let mut good = plain_client(&ctx, &ep, "admin", "secret");
    good.send("hello").unwrap();
    let msg = server.recv().unwrap();
    assert_eq!(msg.data(), b"hello");
    assert_eq!(msg.property("User-Id"), Some("the-admin"));
    server.send("welcome").unwrap();
    assert_eq!(good.recv_string().unwrap(), "welcome");

    let mut bad = plain_client(&ctx, &ep, "admin", "wrong");
    bad.set_rcvtimeo(Some(Duration::from_millis(500))).unwrap();
    // A refused client's session ends at the server's ERROR (no retry, as
    // in libzmq), which may come before this send: then it finds no pipe.
    if bad.try_send("let me in").is_ok() {
        assert_eq!(bad.recv().unwrap_err(), ErrorKind::Again);
    }
    assert!(quiet(&mut server), "refused peer got through");
    drop((good, bad, server));
    ctx.shutdown();
    assert!(handler.join().unwrap() >= 2);
}

#[test]
fn null_with_zap_domain_asks_the_handler() {
    let ctx = Context::new();
    let handler = start_zap_handler(&ctx);
    for (domain, admitted) in [("ok", true), ("nope", false)] {
        let mut server = socket(&ctx, SocketType::Pull);
        server
            .set_option_bytes(SocketOption::ZapDomain, domain.as_bytes())
            .unwrap();
        // Long enough for a loaded machine when the message must arrive.
        let wait = if admitted { 10_000 } else { 500 };
        server
            .set_rcvtimeo(Some(Duration::from_millis(wait)))
            .unwrap();
        let ep = bind(&mut server, "tcp");
        let mut client = socket(&ctx, SocketType::Push);
        client.connect(&ep).unwrap();
        // A refused client's session ends at the peer's ERROR (no retry, as
        // in libzmq), which may come before this send: then it finds no pipe.
        let sent = client.try_send("x");
        assert!(sent.is_ok() || !admitted);
        assert_eq!(server.recv().is_ok(), admitted, "domain {domain}");
    }
    ctx.shutdown();
    assert!(handler.join().unwrap() >= 2);
}

/// libzmq 4.3 refuses PLAIN clients when no ZAP handler is bound (checked
/// against pyzmq's libzmq 4.3.5): nobody is there to check the password.
#[test]
fn plain_without_zap_handler_refuses_like_libzmq() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Rep);
    server.set_plain_server(true).unwrap();
    server
        .set_rcvtimeo(Some(Duration::from_millis(300)))
        .unwrap();
    let ep = bind(&mut server, "ipc");
    let mut client = plain_client(&ctx, &ep, "anyone", "anything");
    // Its request is never delivered: do not linger on it at the end.
    client.set_option(SocketOption::Linger, 0).unwrap();
    client.send("hi").unwrap();
    assert_eq!(server.recv_string().unwrap_err(), ErrorKind::Again);
}

/// A ZAP handler that answers one request with `status` (or, with `None`,
/// takes it and goes away without answering), then unbinds by closing.
fn start_answering_handler(ctx: &Context, status: Option<&'static str>) -> thread::JoinHandle<()> {
    let mut handler = ctx.socket(SocketType::Rep).unwrap();
    handler.bind("inproc://zeromq.zap.01").unwrap();
    handler
        .set_rcvtimeo(Some(Duration::from_millis(2000)))
        .unwrap();
    handler.set_linger(Some(Duration::ZERO)).unwrap();
    thread::spawn(move || {
        let request = handler.recv_multipart().unwrap();
        if let Some(status) = status {
            let (version, id) = (&request[0], &request[1]);
            let reply: [&[u8]; 6] = [version, id, status.as_bytes(), b"", b"", b""];
            handler.send_multipart(reply).unwrap();
        }
    })
}

/// Handshake events (kind, value) of `socket`, read from its monitor until
/// none comes for `quiet`.
fn handshake_monitor(ctx: &Context, socket: &mut Socket, name: &str) -> Socket {
    let mask = EventKind::HandshakeSucceeded.code()
        | EventKind::HandshakeFailedNoDetail.code()
        | EventKind::HandshakeFailedProtocol.code()
        | EventKind::HandshakeFailedAuth.code();
    let endpoint = format!("inproc://{name}");
    socket.monitor(Some(&endpoint), mask).unwrap();
    let mut mon = ctx.socket(SocketType::Pair).unwrap();
    mon.connect(&endpoint).unwrap();
    mon
}

/// The next event, waiting up to 5 s for it.
fn first_event(mon: &mut Socket) -> Option<(u16, u32)> {
    mon.set_rcvtimeo(Some(Duration::from_millis(5000))).unwrap();
    let frames = mon.recv_multipart().ok()?;
    let head = &frames[0];
    let kind = u16::from_ne_bytes([head[0], head[1]]);
    let value = u32::from_ne_bytes([head[2], head[3], head[4], head[5]]);
    Some((kind, value))
}

fn events(mon: &mut Socket, quiet: Duration) -> Vec<(u16, u32)> {
    mon.set_option(SocketOption::RcvTimeo, quiet.as_millis() as i32)
        .unwrap();
    let mut seen = Vec::new();
    while let Ok(frames) = mon.recv_multipart() {
        let head = &frames[0];
        let kind = u16::from_ne_bytes([head[0], head[1]]);
        let value = u32::from_ne_bytes([head[2], head[3], head[4], head[5]]);
        seen.push((kind, value));
    }
    seen
}

const AUTH: u16 = EventKind::HandshakeFailedAuth as u16;

/// ZAP statuses as libzmq treats them: 300 fails the server's handshake and
/// tells the client nothing; 400 and 500 reach the client in an ERROR,
/// which it reports once and does not retry.
#[test]
fn zap_status_codes_reach_the_monitors_as_libzmq_reports_them() {
    for (status, client_sees) in [
        ("300", vec![]),
        ("400", vec![(AUTH, 400)]),
        ("500", vec![(AUTH, 500)]),
    ] {
        let ctx = Context::new();
        let handler = start_answering_handler(&ctx, Some(status));
        let mut server = socket(&ctx, SocketType::Dealer);
        server
            .set_option_bytes(SocketOption::ZapDomain, b"test")
            .unwrap();
        let mut server_mon = handshake_monitor(&ctx, &mut server, &format!("srv-{status}"));
        let ep = bind(&mut server, "tcp");
        let mut client = socket(&ctx, SocketType::Dealer);
        let mut client_mon = handshake_monitor(&ctx, &mut client, &format!("cli-{status}"));
        client.connect(&ep).unwrap();
        let code: u32 = status.parse().unwrap();
        assert_eq!(
            first_event(&mut server_mon),
            Some((AUTH, code)),
            "server, status {status}"
        );
        let mut seen: Vec<(u16, u32)> = client_sees
            .iter()
            .filter_map(|_| first_event(&mut client_mon))
            .collect();
        // Long enough for a reconnect (100 ms) to have shown up.
        seen.extend(events(&mut client_mon, Duration::from_millis(400)));
        assert_eq!(seen, client_sees, "client, status {status}");
        drop((client, client_mon, server, server_mon));
        handler.join().unwrap();
    }
}

/// A malformed ZAP reply fails the handshake with libzmq's ZAP protocol code.
#[test]
fn malformed_zap_reply_is_a_protocol_failure() {
    let ctx = Context::new();
    let handler = start_answering_handler(&ctx, Some("invalid_status"));
    let mut server = socket(&ctx, SocketType::Dealer);
    server
        .set_option_bytes(SocketOption::ZapDomain, b"test")
        .unwrap();
    let mut mon = handshake_monitor(&ctx, &mut server, "malformed");
    let ep = bind(&mut server, "tcp");
    let mut client = socket(&ctx, SocketType::Dealer);
    client.connect(&ep).unwrap();
    assert_eq!(
        first_event(&mut mon),
        Some((EventKind::HandshakeFailedProtocol as u16, 0x2000_0004))
    );
    drop((client, server, mon));
    handler.join().unwrap();
}

/// A ZAP handler that vanishes leaves the handshake waiting; the client
/// giving up then fails it with EPIPE, as in libzmq.
#[test]
fn zap_handler_that_disconnects_leaves_the_handshake_waiting() {
    let ctx = Context::new();
    let handler = start_answering_handler(&ctx, None);
    let mut server = socket(&ctx, SocketType::Dealer);
    server.set_plain_server(true).unwrap();
    let mut mon = handshake_monitor(&ctx, &mut server, "vanished");
    let ep = bind(&mut server, "tcp");
    let client = plain_client(&ctx, &ep, "admin", "secret");
    handler.join().unwrap();
    assert_eq!(events(&mut mon, Duration::from_millis(200)), vec![]);
    client.close();
    assert_eq!(
        first_event(&mut mon),
        Some((EventKind::HandshakeFailedNoDetail as u16, 32))
    );
    assert_eq!(events(&mut mon, Duration::from_millis(200)), vec![]);
}
