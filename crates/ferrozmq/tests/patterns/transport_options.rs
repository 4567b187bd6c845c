//! Options about the OS sockets under tcp and ipc endpoints: ZMQ_USE_FD,
//! accept filters, ZMQ_BINDTODEVICE, abstract ipc names, ZMQ_SRCFD, LINGER
//! at close, and libzmq's endpoint checks.

use std::os::fd::IntoRawFd;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use ferrozmq::{Context, ErrorKind, OptionValue, Socket, SocketOption, SocketType};

use crate::common::*;

/// Sends one message each way between two PAIR sockets.
fn bounce(a: &mut Socket, b: &mut Socket) {
    a.send("ping").unwrap();
    assert_eq!(b.recv_string().unwrap(), "ping");
    b.send("pong").unwrap();
    assert_eq!(a.recv_string().unwrap(), "pong");
}

/// Whether a message from a client reaches a server with `server_setup`
/// applied before it binds on `transport` (waiting up to 10 s: a loaded
/// machine must not pass for a refusal).
fn admitted(transport: &str, server_setup: impl FnOnce(&mut Socket)) -> bool {
    delivered(transport, server_setup, Duration::from_secs(10))
}

/// The opposite of [`admitted`]: nothing arrives within 300 ms (a refused
/// connection never delivers, so load cannot make this fail falsely).
fn refused(transport: &str, server_setup: impl FnOnce(&mut Socket)) -> bool {
    !delivered(transport, server_setup, Duration::from_millis(300))
}

/// Whether a message a client sends reaches a server set up so, within `wait`.
fn delivered(transport: &str, server_setup: impl FnOnce(&mut Socket), wait: Duration) -> bool {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Pair);
    server_setup(&mut server);
    let ep = bind(&mut server, transport);
    server.set_rcvtimeo(Some(wait)).unwrap();
    let mut client = socket(&ctx, SocketType::Pair);
    client.set_linger(Some(Duration::ZERO)).unwrap();
    client.connect(&ep).unwrap();
    client.send("hello").unwrap();
    let got = server.recv_string().is_ok();
    server.set_linger(Some(Duration::ZERO)).unwrap();
    got
}

fn set_bytes(s: &mut Socket, option: SocketOption, value: &[u8]) {
    s.set_option_bytes(option, value).unwrap();
}

#[test]
fn use_fd_binds_an_application_tcp_listener() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let fd = listener.into_raw_fd();
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Pair);
    assert_eq!(server.option_int(SocketOption::UseFd).unwrap(), -1);
    server.set_option(SocketOption::UseFd, fd).unwrap();
    assert_eq!(
        server.option_int(SocketOption::UseFd).unwrap(),
        i64::from(fd)
    );
    let ep = format!("tcp://127.0.0.1:{port}");
    server.bind(&ep).unwrap();
    assert_eq!(server.last_endpoint(), ep);
    let mut client = socket(&ctx, SocketType::Pair);
    client.connect(&ep).unwrap();
    bounce(&mut server, &mut client);
    // The socket has one owner: a second bind with the same fd is refused
    // (both would close it).
    let mut other = socket(&ctx, SocketType::Pair);
    other.set_option(SocketOption::UseFd, fd).unwrap();
    assert_eq!(
        other.bind(&ep).map_err(|e| e.kind()),
        Err(ErrorKind::AddrInUse)
    );
}

#[test]
fn use_fd_binds_an_application_ipc_listener_and_leaves_its_file() {
    let dir = std::env::temp_dir().join(format!("ferrozmq-usefd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sock");
    let _ = std::fs::remove_file(&path);
    let fd = std::os::unix::net::UnixListener::bind(&path)
        .unwrap()
        .into_raw_fd();
    let ep = format!("ipc://{}", path.display());
    {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Pair);
        server.set_option(SocketOption::UseFd, fd).unwrap();
        server.bind(&ep).unwrap();
        assert_eq!(server.last_endpoint(), ep);
        let mut client = socket(&ctx, SocketType::Pair);
        client.connect(&ep).unwrap();
        bounce(&mut server, &mut client);
    }
    // The socket file is the application's: closing does not remove it.
    assert!(path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn use_fd_refuses_what_is_not_a_listener() {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let fd = udp.into_raw_fd();
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pair);
    assert_eq!(
        s.set_option(SocketOption::UseFd, -2).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    s.set_option(SocketOption::UseFd, fd).unwrap();
    assert_eq!(
        s.bind("tcp://127.0.0.1:*").map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    // The descriptor was handed back untouched, not closed.
    assert!(std::path::Path::new(&format!("/proc/self/fd/{fd}")).exists());
}

#[test]
fn tcp_accept_filter_admits_only_matching_peers() {
    let filter = |f: &'static str| {
        move |s: &mut Socket| set_bytes(s, SocketOption::TcpAcceptFilter, f.as_bytes())
    };
    assert!(admitted("tcp", filter("127.0.0.1/32")));
    assert!(admitted("tcp", filter("0.0.0.0/0")));
    assert!(admitted("tcp", filter("127.0.0.0/8")));
    // A C caller may pass the terminating NUL along.
    assert!(admitted("tcp", filter("127.0.0.1\0")));
    assert!(refused("tcp", filter("127.0.0.255/32")));
    // Several filters: any one matching is enough; an empty value clears them.
    assert!(admitted("tcp", |s| {
        set_bytes(s, SocketOption::TcpAcceptFilter, b"10.0.0.0/8");
        set_bytes(s, SocketOption::TcpAcceptFilter, b"127.0.0.1");
    }));
    assert!(admitted("tcp", |s| {
        set_bytes(s, SocketOption::TcpAcceptFilter, b"127.0.0.255/32");
        set_bytes(s, SocketOption::TcpAcceptFilter, b"");
    }));
}

#[test]
fn tcp_accept_filter_refuses_malformed_networks() {
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pair);
    for bad in [
        "foo",
        "0.0.0.0foo",
        "0.0.0.0/foo",
        "0.0.0.0/",
        "0.0.0.0/-1",
        "0.0.0.0/33",
        "::1",
    ] {
        assert_eq!(
            s.set_option_bytes(SocketOption::TcpAcceptFilter, bad.as_bytes())
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid),
            "{bad}"
        );
    }
    s.set_option(SocketOption::Ipv6, 1).unwrap();
    s.set_option_bytes(SocketOption::TcpAcceptFilter, b"::1/128")
        .unwrap();
    // Write-only, as in libzmq.
    assert_eq!(
        s.option(SocketOption::TcpAcceptFilter)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
}

#[test]
fn ipc_filters_check_the_peer_credentials() {
    let me = std::fs::metadata("/proc/self").unwrap();
    let (uid, gid, pid) = (me.uid(), me.gid(), std::process::id() as i32);
    let with = |option: SocketOption, id: [u8; 4]| move |s: &mut Socket| set_bytes(s, option, &id);
    assert!(admitted("ipc", |_| {}));
    assert!(admitted(
        "ipc",
        with(SocketOption::IpcFilterUid, uid.to_ne_bytes())
    ));
    assert!(refused(
        "ipc",
        with(SocketOption::IpcFilterUid, (uid + 1).to_ne_bytes())
    ));
    assert!(admitted(
        "ipc",
        with(SocketOption::IpcFilterGid, gid.to_ne_bytes())
    ));
    assert!(refused(
        "ipc",
        with(SocketOption::IpcFilterGid, u32::MAX.to_ne_bytes())
    ));
    assert!(admitted(
        "ipc",
        with(SocketOption::IpcFilterPid, pid.to_ne_bytes())
    ));
    assert!(refused(
        "ipc",
        with(SocketOption::IpcFilterPid, (pid + 1).to_ne_bytes())
    ));
    // An empty value clears the set.
    assert!(admitted("ipc", |s| {
        set_bytes(s, SocketOption::IpcFilterPid, &(pid + 1).to_ne_bytes());
        set_bytes(s, SocketOption::IpcFilterPid, b"");
    }));
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pair);
    assert_eq!(
        s.set_option_bytes(SocketOption::IpcFilterUid, &[1, 2])
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
}

/// A connection an accept filter refuses is an ACCEPT_FAILED event on the
/// listener's monitor, on tcp and ipc (libzmq's listeners report it so).
#[test]
fn refused_connections_are_accept_failed_events() {
    let (uid, pid) = (
        std::fs::metadata("/proc/self").unwrap().uid(),
        std::process::id(),
    );
    for (transport, option, value) in [
        ("tcp", SocketOption::TcpAcceptFilter, b"10.0.0.1".to_vec()),
        (
            "ipc",
            SocketOption::IpcFilterUid,
            (uid + 1).to_ne_bytes().to_vec(),
        ),
        (
            "ipc",
            SocketOption::IpcFilterPid,
            (pid + 1).to_ne_bytes().to_vec(),
        ),
    ] {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Pull);
        set_bytes(&mut server, option, &value);
        let ep = bind(&mut server, transport);
        let monitor = format!("inproc://refused-{transport}-{}", value[0]);
        server
            .monitor(Some(&monitor), ferrozmq::EventKind::AcceptFailed.code())
            .unwrap();
        let mut mon = socket(&ctx, SocketType::Pair);
        mon.connect(&monitor).unwrap();
        let mut client = socket(&ctx, SocketType::Push);
        client.set_linger(Some(Duration::ZERO)).unwrap();
        client.connect(&ep).unwrap();
        let event = mon.recv_multipart().unwrap();
        let kind = u16::from_ne_bytes([event[0][0], event[0][1]]);
        assert_eq!(
            kind,
            ferrozmq::EventKind::AcceptFailed as u16,
            "{transport}"
        );
        assert_eq!(event[1], ep.as_bytes(), "{transport}");
    }
}

/// `tcp://source;host:port` connects from `source` (libzmq binds it
/// first): a listener admitting only 127.0.0.2 is reached from there, and
/// not without the source.
#[test]
fn tcp_connect_binds_its_source_address() {
    for (source, reached) in [("127.0.0.2:0;", true), ("127.0.0.2:*;", true), ("", false)] {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Pull);
        set_bytes(&mut server, SocketOption::TcpAcceptFilter, b"127.0.0.2");
        let ep = bind(&mut server, "tcp");
        // Long enough for a loaded machine when the message must arrive.
        let wait = if reached { 10_000 } else { 500 };
        server
            .set_rcvtimeo(Some(Duration::from_millis(wait)))
            .unwrap();
        let mut client = socket(&ctx, SocketType::Push);
        client.set_linger(Some(Duration::ZERO)).unwrap();
        let target = ep.strip_prefix("tcp://").unwrap();
        client.connect(&format!("tcp://{source}{target}")).unwrap();
        client.send("hello").unwrap();
        assert_eq!(server.recv_string().is_ok(), reached, "{source}");
    }
}

#[test]
fn abstract_ipc_names() {
    let ctx = Context::new();
    let name = format!("ipc://@ferrozmq-test-{}", std::process::id());
    let mut server = socket(&ctx, SocketType::Pair);
    server.bind(&name).unwrap();
    assert_eq!(server.last_endpoint(), name);
    let mut client = socket(&ctx, SocketType::Pair);
    client.connect(&name).unwrap();
    bounce(&mut server, &mut client);
    // No file is made for an abstract name.
    assert!(!std::path::Path::new(&name["ipc://".len()..]).exists());
    let mut other = socket(&ctx, SocketType::Pair);
    assert_eq!(
        other.bind("ipc://@").map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    let long = format!("ipc://{}", "a".repeat(108));
    assert_eq!(
        other.bind(&long).map_err(|e| e.kind()),
        Err(ErrorKind::Os(36)),
        "ENAMETOOLONG"
    );
    assert_eq!(
        other.connect(&long).map_err(|e| e.kind()),
        Err(ErrorKind::Os(36)),
        "ENAMETOOLONG"
    );
}

#[test]
fn bind_to_device_is_kept_and_applied() {
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pair);
    assert_eq!(
        s.option(SocketOption::BindToDevice).unwrap(),
        OptionValue::Str(Vec::new())
    );
    assert_eq!(
        s.set_option_bytes(SocketOption::BindToDevice, &[b'x'; 17])
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    set_bytes(&mut s, SocketOption::BindToDevice, b"no-such-dev0");
    assert_eq!(
        s.option(SocketOption::BindToDevice).unwrap(),
        OptionValue::Str("no-such-dev0".into())
    );
    // The kernel refuses a device that does not exist (ENODEV, or EPERM
    // without the privilege to bind to devices at all).
    assert!(s.bind("tcp://127.0.0.1:*").is_err());
    set_bytes(&mut s, SocketOption::BindToDevice, b"");
    s.bind("tcp://127.0.0.1:*").unwrap();
}

#[test]
fn srcfd_names_the_connection_a_message_came_on() {
    let ctx = Context::new();
    for transport in ["tcp", "ipc"] {
        let mut server = socket(&ctx, SocketType::Pair);
        let ep = bind(&mut server, transport);
        let mut client = socket(&ctx, SocketType::Pair);
        client.connect(&ep).unwrap();
        client.send("hi").unwrap();
        let msg = server.recv().unwrap();
        let fd = msg
            .source_fd()
            .expect("a tcp or ipc message has a source fd");
        let target = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        assert!(
            target.to_string_lossy().starts_with("socket:"),
            "{transport}"
        );
    }
    let mut a = socket(&ctx, SocketType::Pair);
    a.bind("inproc://srcfd").unwrap();
    let mut b = socket(&ctx, SocketType::Pair);
    b.connect("inproc://srcfd").unwrap();
    b.send("hi").unwrap();
    assert_eq!(a.recv().unwrap().source_fd(), None);
}

/// As in libzmq, a message from a socket of the same process (inproc)
/// carries no metadata, while one that came over a connection shows the
/// peer's; alternating between the two kinds of pipe never shows one
/// peer's metadata on the other's messages.
#[test]
fn inproc_messages_carry_no_metadata() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.bind("inproc://no-metadata").unwrap();
    let ep = bind(&mut pull, "tcp");
    let mut near = socket(&ctx, SocketType::Push);
    near.connect("inproc://no-metadata").unwrap();
    let mut far = socket(&ctx, SocketType::Push);
    far.connect(&ep).unwrap();
    for round in 0..3 {
        near.send("near").unwrap();
        let msg = pull.recv().unwrap();
        assert_eq!(msg.data(), b"near");
        assert_eq!(msg.property("Socket-Type"), None, "round {round}");
        assert_eq!(msg.source_fd(), None);
        far.send("far").unwrap();
        let msg = pull.recv().unwrap();
        assert_eq!(msg.data(), b"far");
        assert_eq!(msg.property("Socket-Type"), Some("PUSH"), "round {round}");
        assert!(msg.source_fd().is_some());
    }
}

#[test]
fn connect_checks_tcp_syntax_as_libzmq() {
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pub);
    for bad in [
        "tcp://in val id:1234",
        "tcp://",
        "tcp://localhost:invalid",
        "tcp://192.168.0.200:*",
    ] {
        assert_eq!(
            s.connect(bad).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid),
            "{bad}"
        );
    }
    s.connect("tcp://localhost:1234").unwrap();
    s.connect("tcp://[::1]:1234").unwrap();
}

/// LINGER set just before close counts, even for connections made earlier:
/// a peer that never completes the handshake keeps messages queued, and
/// LINGER 0 at close drops them instead of waiting (the default is forever).
#[test]
fn linger_set_before_close_applies_to_earlier_connects() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = Context::new();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.connect(&format!("tcp://127.0.0.1:{port}")).unwrap();
    let (_silent_peer, _) = listener.accept().unwrap();
    push.send("never delivered").unwrap();
    push.set_linger(Some(Duration::ZERO)).unwrap();
    push.close();
    let started = Instant::now();
    ctx.term().unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn keepalive_accepts_only_libzmq_values() {
    let ctx = Context::new();
    let mut s = socket(&ctx, SocketType::Pair);
    for v in [-1, 0, 1] {
        s.set_option(SocketOption::TcpKeepalive, v).unwrap();
    }
    assert_eq!(
        s.set_option(SocketOption::TcpKeepalive, 2)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    // Applied options still let connections work.
    s.set_option(SocketOption::TcpKeepaliveIdle, 30).unwrap();
    s.set_option(SocketOption::TcpKeepaliveIntvl, 5).unwrap();
    s.set_option(SocketOption::TcpKeepaliveCnt, 3).unwrap();
    s.set_option(SocketOption::SndBuf, 65536).unwrap();
    s.set_option(SocketOption::RcvBuf, 65536).unwrap();
    s.set_option(SocketOption::Tos, 0x28).unwrap();
    s.set_option(SocketOption::Backlog, 5).unwrap();
    s.set_option(SocketOption::TcpMaxrt, 10_000).unwrap();
    let ep = bind(&mut s, "tcp");
    let mut c = socket(&ctx, SocketType::Pair);
    c.set_option(SocketOption::TcpKeepalive, 1).unwrap();
    c.set_option(SocketOption::ConnectTimeout, 1000).unwrap();
    c.connect(&ep).unwrap();
    bounce(&mut s, &mut c);
}

/// Unbind ends what the endpoint accepted at once: a message sent right after
/// never reaches the unbound socket (libzmq's test_reconnect_ivl relies on it).
#[test]
fn unbind_ends_accepted_connections_at_once() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Pair);
        let ep = bind(&mut server, transport);
        let mut client = socket(&ctx, SocketType::Pair);
        client.set_reconnect_ivl(None).unwrap();
        client.connect(&ep).unwrap();
        bounce(&mut server, &mut client);
        server.unbind(&ep).unwrap();
        client
            .set_sndtimeo(Some(Duration::from_millis(100)))
            .unwrap();
        let _ = client.send("too late");
        server
            .set_rcvtimeo(Some(Duration::from_millis(200)))
            .unwrap();
        assert_eq!(
            server.recv().err().map(|e| e.kind()),
            Some(ErrorKind::Again),
            "{transport}"
        );
    }
}

/// As in libzmq, closing leaves a named ipc socket file (by then another
/// socket may have bound the path again) and removes one made for `ipc://*`.
#[test]
fn ipc_socket_files_on_close() {
    let named = std::env::temp_dir().join(format!("ferrozmq-named-{}", std::process::id()));
    let ctx = Context::new();
    let mut a = socket(&ctx, SocketType::Pull);
    a.bind(&format!("ipc://{}", named.display())).unwrap();
    let mut b = socket(&ctx, SocketType::Pull);
    let wildcard = bind(&mut b, "ipc");
    a.close();
    b.close();
    ctx.term().unwrap();
    assert!(named.exists());
    std::fs::remove_file(&named).unwrap();
    assert!(!std::path::Path::new(&wildcard["ipc://".len()..]).exists());
}

/// A connect the peer never answers is given up after ZMQ_CONNECT_TIMEOUT
/// and retried: a listener with a full accept queue drops new SYNs, so
/// without the timeout the attempt would hang for the kernel's two minutes.
#[test]
fn connect_timeout_retries_an_unanswered_connect() {
    use socket2::{Domain, Socket as RawSocket, Type};
    let listener = RawSocket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let _queued: Vec<_> = (0..3)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()
        })
        .collect();
    let ctx = Context::new();
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer
        .set_option(SocketOption::ConnectTimeout, 100)
        .unwrap();
    dealer
        .monitor(
            Some("inproc://monitor-connect-timeout"),
            ferrozmq::EVENT_ALL,
        )
        .unwrap();
    let mut mon = socket(&ctx, SocketType::Pair);
    mon.connect("inproc://monitor-connect-timeout").unwrap();
    dealer.connect(&format!("tcp://{addr}")).unwrap();
    let started = Instant::now();
    loop {
        let frames = mon
            .recv_multipart()
            .expect("a connect retry within the receive timeout");
        let event = u16::from_ne_bytes([frames[0][0], frames[0][1]]);
        assert_ne!(
            event, 0x0001,
            "EVENT_CONNECTED: the accept queue was not full"
        );
        if event == 0x0004 {
            break;
        }
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    dealer.set_linger(Some(Duration::ZERO)).unwrap();
}

/// ZMQ_IPV6: `*` binds every IPv6 and IPv4 interface (one dual-stack
/// socket), so peers come over either; without it, `*` is IPv4 only.
#[test]
fn ipv6_binds_both_families() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipping ipv6_binds_both_families: no IPv6 loopback here");
        return;
    }
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Pull);
    server.set_option(SocketOption::Ipv6, 1).unwrap();
    server.bind("tcp://*:*").unwrap();
    let ep = server.last_endpoint().to_owned();
    assert!(ep.starts_with("tcp://[::]:"), "{ep}");
    let port = ep.rsplit(':').next().unwrap();
    for host in ["127.0.0.1", "[::1]"] {
        let mut client = socket(&ctx, SocketType::Push);
        client.connect(&format!("tcp://{host}:{port}")).unwrap();
        client.send(host).unwrap();
        assert_eq!(server.recv_string().unwrap(), host);
    }
    let mut v4_only = socket(&ctx, SocketType::Pull);
    v4_only.bind("tcp://*:*").unwrap();
    assert!(v4_only.last_endpoint().starts_with("tcp://0.0.0.0:"));
}

/// Over ipc, a message's Peer-Address is libzmq's "localhost:UID:GID:PID"
/// of the sending process (what ZAP handlers see as the Address, too).
#[test]
fn ipc_peer_address_names_the_peer_process() {
    let me = std::fs::metadata("/proc/self").unwrap();
    let expected = format!("localhost:{}:{}:{}", me.uid(), me.gid(), std::process::id());
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut server, "ipc");
    let mut client = socket(&ctx, SocketType::Push);
    client.connect(&ep).unwrap();
    client.send("hello").unwrap();
    let msg = server.recv().unwrap();
    assert_eq!(msg.property("Peer-Address"), Some(expected.as_str()));
}
