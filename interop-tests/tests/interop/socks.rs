//! Connecting through a SOCKS5 proxy (ZMQ_SOCKS_PROXY): our socket asks the
//! proxy (`interop_tests::socks`) for a libzmq or pyzmq peer, by domain
//! name or address, with and without username/password authentication, and
//! every message arrives checked.

use std::time::{Duration, Instant};

use ferrozmq::{Context, SocketOption, SocketType};
use interop_tests::exchange::{play, Counts, OurSocket, Role};
use interop_tests::peer::{parse_done, Peer, PeerKind};
use interop_tests::socks::{SocksServer, Target};

const COUNT: u32 = 1_000;

/// Our PUSH connects through the proxy at `proxy` (ZMQ_SOCKS_PROXY) to a PULL `peer` bound on tcp; `host`
/// replaces the peer's address in the endpoint we connect to. Returns the
/// port the peer bound.
fn push_through(
    proxy: &str,
    credentials: Option<(&str, &str)>,
    peer: PeerKind,
    host: &str,
) -> Option<u16> {
    let ctx = Context::new();
    let mut ours = OurSocket::new(&ctx, SocketType::Push);
    let s = &mut ours.socket;
    s.set_option_bytes(SocketOption::SocksProxy, proxy.as_bytes())
        .unwrap();
    // One connection: once the peer exits, a reconnect through the proxy
    // would add a second request before this socket closes (seen under load).
    s.set_option(SocketOption::ReconnectIvl, -1).unwrap();
    if let Some((user, password)) = credentials {
        s.set_option_bytes(SocketOption::SocksUsername, user.as_bytes())
            .unwrap();
        s.set_option_bytes(SocketOption::SocksPassword, password.as_bytes())
            .unwrap();
    }
    let count = COUNT.to_string();
    let mut peer = Peer::spawn(peer, &["PULL", "PUSH", "bind", "tcp://127.0.0.1:*", &count])?;
    let bound = peer.bound_endpoint();
    let port: u16 = bound.rsplit_once(':').unwrap().1.parse().unwrap();
    s.connect(&format!("tcp://{host}:{port}")).unwrap();
    let role = Role {
        me: SocketType::Push,
        other: SocketType::Pull,
        binder: false,
        count: COUNT,
        routing_id: None,
    };
    let counts = play(&role, &mut ours).unwrap();
    assert_eq!(counts, Counts::expected(SocketType::Push, COUNT));
    let lines = peer.finish(Duration::from_secs(30));
    let done = lines.iter().find_map(|l| parse_done(l));
    assert_eq!(done, Some((0, COUNT)), "peer said {lines:?}");
    Some(port)
}

#[test]
fn libzmq_by_domain_name() {
    let proxy = SocksServer::start(None);
    if let Some(port) = push_through(&proxy.address(), None, PeerKind::Libzmq, "localhost") {
        assert_eq!(proxy.requests(), [Target::Domain("localhost".into(), port)]);
    }
}

#[test]
fn pyzmq_by_ipv4_address() {
    let proxy = SocksServer::start(None);
    if let Some(port) = push_through(&proxy.address(), None, PeerKind::Pyzmq, "127.0.0.1") {
        assert_eq!(
            proxy.requests(),
            [Target::Ipv4([127, 0, 0, 1].into(), port)]
        );
    }
}

#[test]
fn libzmq_with_username_and_password() {
    let credentials = Some(("someuser", "somepass"));
    let proxy = SocksServer::start(credentials);
    if push_through(&proxy.address(), credentials, PeerKind::Libzmq, "127.0.0.1").is_some() {
        assert_eq!(proxy.auth_failures(), 0);
        assert_eq!(proxy.requests().len(), 1);
    }
}

/// `source;host:port` connects to the proxy from that source address.
#[test]
fn libzmq_from_a_source_address() {
    let proxy = SocksServer::start(None);
    let address = format!("127.0.0.2:0;{}", proxy.address());
    if push_through(&address, None, PeerKind::Libzmq, "127.0.0.1").is_some() {
        let clients = proxy.clients();
        assert_eq!(clients.len(), 1);
        assert_eq!(clients[0].ip().to_string(), "127.0.0.2");
    }
}

/// A refusal by the proxy is a failed connect: the socket tries again
/// after RECONNECT_IVL, and nothing reaches the target meanwhile.
#[test]
fn refused_credentials_are_retried() {
    let proxy = SocksServer::start(Some(("someuser", "somepass")));
    let ctx = Context::new();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.set_option(SocketOption::ReconnectIvl, 20).unwrap();
    push.set_option(SocketOption::Linger, 0).unwrap();
    push.set_option_bytes(SocketOption::SocksProxy, proxy.address().as_bytes())
        .unwrap();
    push.set_option_bytes(SocketOption::SocksUsername, b"someuser")
        .unwrap();
    push.set_option_bytes(SocketOption::SocksPassword, b"wrong")
        .unwrap();
    push.connect("tcp://127.0.0.1:9").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while proxy.auth_failures() < 3 {
        assert!(Instant::now() < deadline, "no retries after a refusal");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(proxy.requests().is_empty());
}
