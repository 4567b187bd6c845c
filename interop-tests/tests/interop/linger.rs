//! LINGER on a sender whose peer binds only after the sender closed: libzmq
//! keeps reconnecting during LINGER and delivers what was queued. Both ways:
//! our PUSH closes and a libzmq/pyzmq PULL binds later, and a libzmq PUSH
//! closes and our PULL binds later.

use std::time::{Duration, Instant};

use ferrozmq::{Context, SocketOption, SocketType};
use interop_tests::exchange::{play, Counts, OurSocket, Role};
use interop_tests::peer::{parse_done, Peer, PeerKind};
use interop_tests::{free_port, payload, IpcFile, Transport};

const COUNT: u32 = 3;

/// An endpoint nobody listens on yet.
fn late_endpoint(transport: Transport) -> String {
    match transport {
        Transport::Tcp => format!("tcp://127.0.0.1:{}", free_port()),
        Transport::Ipc | Transport::AbstractIpc => transport.bind_endpoint(),
    }
}

fn we_close_then_they_bind(peer: PeerKind, transport: Transport) {
    let ctx = Context::new();
    let ep = late_endpoint(transport);
    let _file = IpcFile::of(&ep);
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.set_option(SocketOption::Linger, 5000).unwrap();
    push.connect(&ep).unwrap();
    for i in 0..COUNT {
        push.send_multipart(payload::message(i, 0)).unwrap();
    }
    push.close();
    let count = COUNT.to_string();
    let Some(mut peer) = Peer::spawn(peer, &["PULL", "PUSH", "bind", &ep, &count]) else {
        return;
    };
    peer.bound_endpoint();
    let lines = peer.finish(Duration::from_secs(30));
    let done = lines.iter().find_map(|l| parse_done(l));
    assert_eq!(done, Some((0, COUNT)), "{transport:?}: peer said {lines:?}");
    let t = Instant::now();
    ctx.term().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "term waited on delivered messages"
    );
}

fn they_close_then_we_bind(transport: Transport) {
    let ep = late_endpoint(transport);
    let _file = IpcFile::of(&ep);
    let count = COUNT.to_string();
    let Some(mut peer) = Peer::spawn(PeerKind::Libzmq, &["PUSH", "PULL", "connect", &ep, &count])
    else {
        return;
    };
    assert_eq!(peer.line(), "connected");
    // The peer has queued everything and is closing, lingering, when we bind.
    assert_eq!(peer.line(), format!("done sent={COUNT} received=0"));
    let ctx = Context::new();
    let mut pull = OurSocket::new(&ctx, SocketType::Pull);
    pull.socket.bind(&ep).unwrap();
    let role = Role {
        me: SocketType::Pull,
        other: SocketType::Push,
        binder: true,
        count: COUNT,
        routing_id: None,
    };
    assert_eq!(
        play(&role, &mut pull).unwrap(),
        Counts::expected(SocketType::Pull, COUNT)
    );
    peer.finish(Duration::from_secs(30));
}

#[test]
fn we_close_then_libzmq_binds_tcp() {
    we_close_then_they_bind(PeerKind::Libzmq, Transport::Tcp);
}

#[test]
fn we_close_then_libzmq_binds_ipc() {
    we_close_then_they_bind(PeerKind::Libzmq, Transport::Ipc);
}

#[test]
fn we_close_then_pyzmq_binds_tcp() {
    we_close_then_they_bind(PeerKind::Pyzmq, Transport::Tcp);
}

#[test]
fn libzmq_closes_then_we_bind_tcp() {
    they_close_then_we_bind(Transport::Tcp);
}

#[test]
fn libzmq_closes_then_we_bind_ipc() {
    they_close_then_we_bind(Transport::Ipc);
}
