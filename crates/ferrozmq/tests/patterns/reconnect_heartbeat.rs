use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ferrozmq::{Context, EventKind, ReconnectStop, Socket, SocketOption, SocketType, EVENT_ALL};
use ferrozmq_zmtp::{Config, Connection};

use crate::common::*;

#[test]
fn reconnects_after_peer_restarts() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.set_reconnect_ivl(Some(Duration::from_millis(50)))
        .unwrap();
    push.connect(&ep).unwrap();
    push.send("before").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "before");
    pull.close();
    std::thread::sleep(Duration::from_millis(100));
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.bind(&ep).unwrap();
    pull.set_rcvtimeo(Some(Duration::from_millis(100))).unwrap();
    // A message written just as the old connection died may be lost (as in
    // libzmq); what matters is that the socket reconnects and delivers.
    let mut got = None;
    for i in 0..100 {
        push.send(format!("after {i}")).unwrap();
        if let Ok(m) = pull.recv_string() {
            got = Some(m);
            break;
        }
    }
    assert!(got.is_some_and(|m| m.starts_with("after")));
}

/// A peer that completes the handshake and then goes silent is detected by
/// heartbeats: our side drops it and reconnects.
#[test]
fn heartbeat_timeout_drops_a_silent_peer() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = Context::new();
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer.set_option(SocketOption::HeartbeatIvl, 100).unwrap();
    dealer
        .set_option(SocketOption::HeartbeatTimeout, 300)
        .unwrap();
    dealer
        .set_reconnect_ivl(Some(Duration::from_millis(50)))
        .unwrap();
    dealer.connect(&format!("tcp://127.0.0.1:{port}")).unwrap();

    let (mut stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut conn = Connection::new(Config::new(ferrozmq_zmtp::SocketType::Router)).unwrap();
    let mut buf = [0u8; 4096];
    while !conn.is_ready() {
        let out = conn.transmit().to_vec();
        conn.transmit().advance(out.len());
        stream.write_all(&out).unwrap();
        let n = stream.read(&mut buf).unwrap();
        conn.handle_bytes(&buf[..n]).unwrap();
    }
    let out = conn.transmit().to_vec();
    stream.write_all(&out).unwrap();
    // Now stay silent: read PINGs but never answer.
    let start = Instant::now();
    let mut saw_ping = false;
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => saw_ping |= buf[..n].windows(4).any(|w| w == b"PING"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "never disconnected"
        );
    }
    assert!(saw_ping, "no PING before the timeout");
    assert!(start.elapsed() >= Duration::from_millis(250));
    // And it reconnects.
    listener.set_nonblocking(false).unwrap();
    let (_again, _) = listener.accept().unwrap();
}

/// HEARTBEAT_TTL is kept in whole deciseconds (PING carries 16 bits of
/// them), so libzmq reads back the value rounded down to 100 ms.
#[test]
fn heartbeat_ttl_is_rounded_down_to_deciseconds() {
    let ctx = Context::new();
    let mut pair = socket(&ctx, SocketType::Pair);
    for (set, read) in [(6_553_599, 6_553_500), (99, 0), (250, 200), (-50, 0)] {
        pair.set_option(SocketOption::HeartbeatTtl, set).unwrap();
        assert_eq!(pair.option_int(SocketOption::HeartbeatTtl).unwrap(), read);
    }
    for bad in [6_553_600, -100, i32::MIN] {
        assert!(pair.set_option(SocketOption::HeartbeatTtl, bad).is_err());
    }
}

#[test]
fn immediate_stops_queueing_while_disconnected_and_resumes_after() {
    let ctx = Context::new();
    let mut backend = socket(&ctx, SocketType::Dealer);
    backend.set_linger(Some(Duration::ZERO)).unwrap();
    let ep = bind(&mut backend, "tcp");
    let mut frontend = socket(&ctx, SocketType::Dealer);
    frontend.set_linger(Some(Duration::ZERO)).unwrap();
    frontend.set_immediate(true).unwrap();
    frontend.connect(&ep).unwrap();
    backend.send("Hello").unwrap();
    assert_eq!(frontend.recv_string().unwrap(), "Hello");
    drop(backend);
    // Once the loss is noticed, nothing is queued any more.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match frontend.try_send("Hello") {
            Err(e) if *e.error() == ferrozmq::ErrorKind::Again => break,
            Ok(()) => assert!(std::time::Instant::now() < deadline, "still queueing"),
            Err(e) => panic!("{e:?}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut backend = socket(&ctx, SocketType::Dealer);
    backend.set_linger(Some(Duration::ZERO)).unwrap();
    // The old listener closes on the I/O thread, perhaps a moment later.
    while let Err(e) = backend.bind(&ep) {
        assert!(std::time::Instant::now() < deadline, "rebind: {e:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    backend.send("Hello").unwrap();
    assert_eq!(frontend.recv_string().unwrap(), "Hello");
    frontend.try_send("again").unwrap();
    assert_eq!(backend.recv_string().unwrap(), "again");
}

#[test]
fn rebinding_an_ipc_path_survives_the_old_listeners_close() {
    let ctx = Context::new();
    let path = std::env::temp_dir().join(format!("ferrozmq-rebind-{}", std::process::id()));
    let ep = format!("ipc://{}", path.display());
    for _ in 0..5 {
        let mut first = socket(&ctx, SocketType::Push);
        first.bind(&ep).unwrap();
        let mut pull = socket(&ctx, SocketType::Pull);
        pull.connect(&ep).unwrap();
        first.send("42").unwrap();
        assert_eq!(pull.recv_string().unwrap(), "42");
        first.set_linger(Some(Duration::ZERO)).unwrap();
        drop(first);
        // The old listener's late cleanup must not remove the new file.
        let mut second = socket(&ctx, SocketType::Push);
        second.bind(&ep).unwrap();
        second.send("43").unwrap();
        assert_eq!(pull.recv_string().unwrap(), "43");
    }
}

#[test]
fn unbind_drops_the_connections_it_accepted_at_once() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Pair);
        let ep = bind(&mut server, transport);
        let mut client = socket(&ctx, SocketType::Pair);
        client.set_reconnect_ivl(None).unwrap();
        client.connect(&ep).unwrap();
        client.send("ping").unwrap();
        assert_eq!(server.recv_string().unwrap(), "ping");
        server.unbind(&ep).unwrap();
        // Sent after the unbind returned: the server must not see it.
        let _ = client.try_send("late");
        server
            .set_rcvtimeo(Some(Duration::from_millis(200)))
            .unwrap();
        assert_eq!(
            server.recv().unwrap_err(),
            ferrozmq::ErrorKind::Again,
            "{transport}"
        );
    }
}

/// The next monitor event's code, or `None` if none comes in time.
fn next_event_within(mon: &mut Socket) -> Option<u16> {
    let frames = mon.recv_multipart().ok()?;
    Some(u16::from_ne_bytes([frames[0][0], frames[0][1]]))
}

/// A monitored DEALER connecting to `ep` with `stop`, and its monitor.
fn monitored_connect(ctx: &Context, ep: &str, stop: ReconnectStop, name: &str) -> (Socket, Socket) {
    let mut client = socket(ctx, SocketType::Dealer);
    client.set_reconnect_stop(stop).unwrap();
    let monitor = format!("inproc://reconnect-stop-{name}");
    client.monitor(Some(&monitor), EVENT_ALL).unwrap();
    let mut mon = socket(ctx, SocketType::Pair);
    mon.set_rcvtimeo(Some(Duration::from_millis(1000))).unwrap();
    mon.connect(&monitor).unwrap();
    client.connect(ep).unwrap();
    (client, mon)
}

/// ZMQ_RECONNECT_STOP_CONN_REFUSED: a refused connect ends the connection
/// for good, CLOSED with no CONNECT_RETRIED after it (as libzmq 4.3 reports
/// it); without the option the socket tries again.
#[test]
fn reconnect_stop_gives_up_on_a_refused_connect() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ep = format!("tcp://127.0.0.1:{port}");
    for stop in [ReconnectStop::empty(), ReconnectStop::CONNECTION_REFUSED] {
        let ctx = Context::new();
        let name = format!("refused-{}", stop.bits());
        let (_client, mut mon) = monitored_connect(&ctx, &ep, stop, &name);
        assert_eq!(
            next_event_within(&mut mon),
            Some(EventKind::ConnectDelayed.code())
        );
        assert_eq!(next_event_within(&mut mon), Some(EventKind::Closed.code()));
        let then = next_event_within(&mut mon);
        if stop.is_empty() {
            assert_eq!(then, Some(EventKind::ConnectRetried.code()));
        } else {
            assert_eq!(then, None, "no retry after a refusal");
        }
    }
}

/// ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: a peer that closes the connection
/// before the handshake is done is not tried again.
#[test]
fn reconnect_stop_gives_up_when_the_handshake_fails() {
    for stop in [ReconnectStop::empty(), ReconnectStop::HANDSHAKE_FAILED] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let ep = format!("tcp://{}", listener.local_addr().unwrap());
        let ctx = Context::new();
        let name = format!("handshake-{}", stop.bits());
        let (_client, _mon) = monitored_connect(&ctx, &ep, stop, &name);
        // Accept and close at once, for every connection within a second.
        listener.set_nonblocking(true).unwrap();
        let started = Instant::now();
        let mut connections = 0;
        while started.elapsed() < Duration::from_millis(1000) {
            match listener.accept() {
                Ok((stream, _)) => {
                    drop(stream);
                    connections += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        if stop.is_empty() {
            assert!(connections >= 2, "retried: {connections} connections");
        } else {
            assert_eq!(connections, 1, "no retry after a failed handshake");
        }
    }
}
