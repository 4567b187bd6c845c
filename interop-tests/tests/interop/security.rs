//! ZAP status codes and monitor events against pyzmq's libzmq (4.3.5),
//! through `peers/python/security.py`.
//!
//! libzmq reports a ZAP refusal as ZMQ_EVENT_HANDSHAKE_FAILED_AUTH with the
//! status on the server; 400 and 500 reach the client in an ERROR command,
//! which it reports the same way, once, without retrying; 300 (a temporary
//! failure) is not told to the client at all. Both directions are checked:
//! their server with our client, and ours with theirs.

use std::thread;
use std::time::Duration;

use ferrozmq::{Context, EventKind, Socket, SocketOption, SocketType};
use interop_tests::peer::{python_program, Peer, PeerKind};
use interop_tests::STEP_TIMEOUT;

/// How long to wait for events that must not come (a retry would come
/// after the 100 ms reconnect interval).
const QUIET: Duration = Duration::from_millis(500);

const AUTH: u16 = EventKind::HandshakeFailedAuth as u16;

fn handshake_events() -> u16 {
    EventKind::HandshakeSucceeded.code()
        | EventKind::HandshakeFailedNoDetail.code()
        | EventKind::HandshakeFailedProtocol.code()
        | EventKind::HandshakeFailedAuth.code()
}

fn peer(args: &[&str]) -> Option<Peer> {
    Peer::spawn_program(PeerKind::Pyzmq, python_program("security.py"), args)
}

/// Events the peer prints: `first` of them waited for as long as a step
/// may take, the rest until it has been quiet for `quiet`.
fn peer_events(peer: &mut Peer, first: usize, quiet: Duration) -> Vec<(u16, u32)> {
    let mut seen = Vec::new();
    loop {
        let wait = if seen.len() < first {
            STEP_TIMEOUT
        } else {
            quiet
        };
        let Some(line) = peer.line_within(wait) else {
            break;
        };
        let mut words = line.split(' ');
        if words.next() == Some("event") {
            let kind = words.next().unwrap().parse().unwrap();
            let value = words.next().unwrap().parse().unwrap();
            seen.push((kind, value));
        }
    }
    seen
}

/// Monitors `socket`'s `events` on a fresh PAIR socket.
fn monitor(ctx: &Context, socket: &mut Socket, name: &str, events: u16) -> Socket {
    let endpoint = format!("inproc://{name}");
    socket.monitor(Some(&endpoint), events).unwrap();
    let mut mon = ctx.socket(SocketType::Pair).unwrap();
    mon.connect(&endpoint).unwrap();
    mon
}

/// Our monitor's events: `first` of them waited for as long as a step may
/// take, the rest until it has been quiet for `quiet`.
fn our_events(mon: &mut Socket, first: usize, quiet: Duration) -> Vec<(u16, u32)> {
    let mut seen = Vec::new();
    loop {
        let wait = if seen.len() < first {
            STEP_TIMEOUT
        } else {
            quiet
        };
        mon.set_option(SocketOption::RcvTimeo, wait.as_millis() as i32)
            .unwrap();
        let Ok(frames) = mon.recv_multipart() else {
            break;
        };
        let head = &frames[0];
        let kind = u16::from_ne_bytes([head[0], head[1]]);
        let value = u32::from_ne_bytes([head[2], head[3], head[4], head[5]]);
        seen.push((kind, value));
    }
    seen
}

/// What a client sees of a refusal with `status`.
fn client_sees(status: u32) -> Vec<(u16, u32)> {
    if status == 300 {
        Vec::new()
    } else {
        vec![(AUTH, status)]
    }
}

/// Checks a refused client's events against [`client_sees`]. For 300 the
/// client is not told (no AUTH event), but a libzmq 4.3.5 server answering
/// 300 closes the connection about half the time (seen with pyzmq on both
/// ends), which its client and ours report as NO_DETAIL: that is allowed.
fn check_client_saw(status: u32, seen: &[(u16, u32)]) {
    if status == 300 {
        let no_detail = EventKind::HandshakeFailedNoDetail as u16;
        assert!(seen.iter().all(|&(kind, _)| kind == no_detail), "{seen:?}");
    } else {
        assert_eq!(seen, client_sees(status));
    }
}

fn their_server_refuses_our_client(status: u32) {
    let Some(mut server) = peer(&["server", &status.to_string()]) else {
        return;
    };
    let endpoint = server.line();
    let endpoint = endpoint.strip_prefix("endpoint ").unwrap();
    let ctx = Context::new();
    let mut client = ctx.socket(SocketType::Dealer).unwrap();
    client.set_option(SocketOption::Linger, 0).unwrap();
    let mut mon = monitor(&ctx, &mut client, "client", handshake_events());
    client.connect(endpoint).unwrap();
    let expected = client_sees(status);
    check_client_saw(status, &our_events(&mut mon, expected.len(), QUIET));
    assert_eq!(
        peer_events(&mut server, 1, QUIET).first(),
        Some(&(AUTH, status))
    );
    server.tell("quit");
}

fn our_server_refuses_their_client(status: u32) {
    let ctx = Context::new();
    let mut handler = ctx.socket(SocketType::Rep).unwrap();
    handler.bind("inproc://zeromq.zap.01").unwrap();
    handler.set_option(SocketOption::RcvTimeo, 5000).unwrap();
    let answer = status.to_string();
    let zap = thread::spawn(move || {
        let request = handler.recv_multipart().unwrap();
        let reply: [&[u8]; 6] = [&request[0], &request[1], answer.as_bytes(), b"", b"", b""];
        handler.send_multipart(reply).unwrap();
        handler
    });
    let mut server = ctx.socket(SocketType::Dealer).unwrap();
    server.set_option(SocketOption::Linger, 0).unwrap();
    server
        .set_option_bytes(SocketOption::ZapDomain, b"test")
        .unwrap();
    let mut mon = monitor(&ctx, &mut server, "server", handshake_events());
    server.bind("tcp://127.0.0.1:*").unwrap();
    let Some(mut client) = peer(&["client", server.last_endpoint()]) else {
        return;
    };
    assert_eq!(client.line(), "connected");
    assert_eq!(
        our_events(&mut mon, 1, QUIET).first(),
        Some(&(AUTH, status))
    );
    let expected = client_sees(status);
    check_client_saw(status, &peer_events(&mut client, expected.len(), QUIET));
    client.tell("quit");
    drop(zap.join().unwrap());
}

#[test]
fn pyzmq_server_zap_status_300_is_not_told_to_our_client() {
    their_server_refuses_our_client(300);
}

#[test]
fn pyzmq_server_zap_status_500_reaches_our_client_once() {
    their_server_refuses_our_client(500);
}

#[test]
fn our_server_zap_status_300_is_not_told_to_pyzmq_client() {
    our_server_refuses_their_client(300);
}

#[test]
fn our_server_zap_status_500_reaches_pyzmq_client_once() {
    our_server_refuses_their_client(500);
}

/// Our event kinds, up to and including `last` (5 s at most for each).
fn events_until(mon: &mut Socket, last: EventKind) -> Vec<u16> {
    mon.set_option(SocketOption::RcvTimeo, 5000).unwrap();
    let mut seen = Vec::new();
    while let Ok(frames) = mon.recv_multipart() {
        let kind = u16::from_ne_bytes([frames[0][0], frames[0][1]]);
        seen.push(kind);
        if kind == last.code() {
            break;
        }
    }
    seen
}

/// The next message the peer received, skipping its event lines.
fn peer_msg(peer: &mut Peer) -> String {
    loop {
        let line = peer.line();
        if !line.starts_with("event ") {
            return line;
        }
    }
}

/// The monitor events of a server and a client, each with a real libzmq
/// peer, in libzmq's order: the client's first connect may be delayed; a
/// closed socket's listener reports CLOSED before MONITOR_STOPPED.
#[test]
fn monitor_events_with_a_pyzmq_peer() {
    use EventKind::*;
    let ctx = Context::new();
    let mut server = ctx.socket(SocketType::Dealer).unwrap();
    server.set_option(SocketOption::Linger, 0).unwrap();
    let mut server_mon = monitor(&ctx, &mut server, "mon-server", 0xFFFF);
    server.bind("tcp://127.0.0.1:*").unwrap();
    let Some(mut their_client) = peer(&["client", server.last_endpoint()]) else {
        return;
    };
    assert_eq!(their_client.line(), "connected");
    server.send("hello").unwrap();
    assert_eq!(peer_msg(&mut their_client), "msg hello");
    server.close();
    let codes: Vec<u16> = [
        Listening,
        Accepted,
        HandshakeSucceeded,
        Closed,
        MonitorStopped,
    ]
    .iter()
    .map(|k| k.code())
    .collect();
    assert_eq!(events_until(&mut server_mon, MonitorStopped), codes);
    their_client.tell("quit");

    let Some(mut their_server) = peer(&["server", "200"]) else {
        return;
    };
    let endpoint = their_server.line();
    let mut client = ctx.socket(SocketType::Dealer).unwrap();
    client.set_option(SocketOption::Linger, 0).unwrap();
    let mut client_mon = monitor(&ctx, &mut client, "mon-client", 0xFFFF);
    client
        .connect(endpoint.strip_prefix("endpoint ").unwrap())
        .unwrap();
    client.send("hi").unwrap();
    assert_eq!(peer_msg(&mut their_server), "msg hi");
    client.close();
    let mut seen = events_until(&mut client_mon, MonitorStopped);
    if seen.first() == Some(&ConnectDelayed.code()) {
        seen.remove(0);
    }
    let codes: Vec<u16> = [Connected, HandshakeSucceeded, MonitorStopped]
        .iter()
        .map(|k| k.code())
        .collect();
    assert_eq!(seen, codes);
    their_server.tell("quit");
}
