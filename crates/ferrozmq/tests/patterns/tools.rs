use std::time::Duration;

use ferrozmq::{
    poll, proxy_single, proxy_steerable, Context, EventKind, PollEvents, PollItem, SocketType,
    EVENT_ALL,
};

use crate::common::*;

#[test]
fn poll_reports_readiness_and_times_out() {
    let ctx = Context::new();
    let mut a = socket(&ctx, SocketType::Pair);
    let ep = bind(&mut a, "tcp");
    let mut b = socket(&ctx, SocketType::Pair);
    b.connect(&ep).unwrap();
    {
        let mut items = [PollItem::socket(&mut a, PollEvents::READABLE)];
        let t = std::time::Instant::now();
        assert_eq!(
            poll(&mut items, Some(Duration::from_millis(100))).unwrap(),
            0
        );
        assert!(t.elapsed() >= Duration::from_millis(90));
    }
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        b.send("wake").unwrap();
        b
    });
    {
        let mut items = [PollItem::socket(
            &mut a,
            PollEvents::READABLE | PollEvents::WRITABLE,
        )];
        assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
        assert!(items[0].is_writable());
    }
    let mut items = [PollItem::socket(&mut a, PollEvents::READABLE)];
    assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
    assert!(items[0].is_readable());
    assert_eq!(a.recv_string().unwrap(), "wake");
    drop(sender.join().unwrap());
}

#[test]
fn monitor_reports_connection_events() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, SocketType::Rep);
    rep.monitor(Some("inproc://monitor-rep"), EVENT_ALL)
        .unwrap();
    let mut mon = socket(&ctx, SocketType::Pair);
    mon.connect("inproc://monitor-rep").unwrap();
    let ep = bind(&mut rep, "tcp");
    let mut req = socket(&ctx, SocketType::Req);
    req.connect(&ep).unwrap();
    let mut seen = Vec::new();
    while !seen.contains(&EventKind::HandshakeSucceeded.code()) {
        let frames = mon.recv_multipart().unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].len(), 6);
        seen.push(u16::from_ne_bytes([frames[0][0], frames[0][1]]));
    }
    assert_eq!(seen[0], EventKind::Listening.code());
    assert!(seen.contains(&EventKind::Accepted.code()));
}

fn next_event(mon: &mut ferrozmq::Socket) -> u16 {
    let frames = mon.recv_multipart().unwrap();
    u16::from_ne_bytes([frames[0][0], frames[0][1]])
}

/// Closing a monitored socket closes its listener (CLOSED) before the
/// monitor's last word (MONITOR_STOPPED), as libzmq orders them.
#[test]
fn monitor_reports_closed_before_monitor_stopped() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Dealer);
    server
        .monitor(Some("inproc://monitor-closing"), EVENT_ALL)
        .unwrap();
    let mut mon = socket(&ctx, SocketType::Pair);
    mon.set_option(ferrozmq::SocketOption::RcvTimeo, 5000)
        .unwrap();
    mon.connect("inproc://monitor-closing").unwrap();
    bind(&mut server, "tcp");
    assert_eq!(next_event(&mut mon), EventKind::Listening.code());
    server.close();
    assert_eq!(next_event(&mut mon), EventKind::Closed.code());
    assert_eq!(next_event(&mut mon), EventKind::MonitorStopped.code());
}

/// The connecting side's events as libzmq 4.3 reports them (compared event
/// by event with Debian's libzmq by a C probe): a tcp connect is DELAYED,
/// an ipc connect is not (it is done or refused at once); after the peer
/// goes, DISCONNECTED, then every failed attempt closes its socket (CLOSED)
/// before CONNECT_RETRIED.
#[test]
fn monitor_reports_connects_and_failed_retries_as_libzmq() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut server = socket(&ctx, SocketType::Rep);
        let ep = bind(&mut server, transport);
        let mut client = socket(&ctx, SocketType::Req);
        let monitor = format!("inproc://monitor-retries-{transport}");
        client.monitor(Some(&monitor), EVENT_ALL).unwrap();
        let mut mon = socket(&ctx, SocketType::Pair);
        mon.connect(&monitor).unwrap();
        client.connect(&ep).unwrap();
        let mut expected = vec![EventKind::Connected, EventKind::HandshakeSucceeded];
        if transport == "tcp" {
            expected.insert(0, EventKind::ConnectDelayed);
        }
        for kind in expected {
            assert_eq!(next_event(&mut mon), kind.code(), "{transport}: {kind:?}");
        }
        server.close();
        let failed_attempt = match transport {
            "tcp" => vec![
                EventKind::ConnectDelayed,
                EventKind::Closed,
                EventKind::ConnectRetried,
            ],
            _ => vec![EventKind::Closed, EventKind::ConnectRetried],
        };
        let mut expected = vec![EventKind::Disconnected, EventKind::ConnectRetried];
        expected.extend(failed_attempt.iter().copied());
        expected.extend(failed_attempt.iter().copied());
        for kind in expected {
            assert_eq!(next_event(&mut mon), kind.code(), "{transport}: {kind:?}");
        }
    }
}

/// A bind that fails is reported as libzmq reports it: the socket made for
/// it closes (CLOSED, no endpoint), then BIND_FAILED with the errno and the
/// address without its transport.
#[test]
fn monitor_reports_a_failed_bind() {
    let ctx = Context::new();
    let mut first = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut first, "tcp");
    let mut second = socket(&ctx, SocketType::Pull);
    second
        .monitor(Some("inproc://monitor-bind-failed"), EVENT_ALL)
        .unwrap();
    let mut mon = socket(&ctx, SocketType::Pair);
    mon.connect("inproc://monitor-bind-failed").unwrap();
    assert_eq!(
        second.bind(&ep).map_err(|e| e.kind()),
        Err(ferrozmq::ErrorKind::AddrInUse)
    );
    let closed = mon.recv_multipart().unwrap();
    assert_eq!(
        u16::from_ne_bytes([closed[0][0], closed[0][1]]),
        EventKind::Closed.code()
    );
    assert!(closed[1].is_empty());
    let failed = mon.recv_multipart().unwrap();
    assert_eq!(
        u16::from_ne_bytes([failed[0][0], failed[0][1]]),
        EventKind::BindFailed.code()
    );
    let errno = u32::from_ne_bytes([failed[0][2], failed[0][3], failed[0][4], failed[0][5]]);
    assert_eq!(errno, 98, "EADDRINUSE");
    assert_eq!(&failed[1][..], ep.trim_start_matches("tcp://").as_bytes());
}

#[test]
fn monitor_endpoint_must_be_inproc() {
    let ctx = Context::new();
    let mut dealer = socket(&ctx, SocketType::Dealer);
    assert_eq!(
        dealer
            .monitor(Some("tcp://127.0.0.1:*"), EVENT_ALL)
            .map_err(|e| e.kind()),
        Err(ferrozmq::ErrorKind::ProtocolNotSupported)
    );
    assert_eq!(
        dealer
            .monitor(Some("no-transport"), EVENT_ALL)
            .map_err(|e| e.kind()),
        Err(ferrozmq::ErrorKind::Invalid)
    );
}

#[test]
fn steerable_proxy_forwards_subscriptions_end_to_end() {
    let ctx = Context::new();
    let mut xsub = socket(&ctx, SocketType::XSub);
    let front = bind(&mut xsub, "tcp");
    let mut xpub = socket(&ctx, SocketType::XPub);
    let back = bind(&mut xpub, "tcp");
    let mut control = socket(&ctx, SocketType::Pair);
    control.bind("inproc://proxy-control").unwrap();
    let ctx2 = ctx.clone();
    let proxy = std::thread::spawn(move || {
        let mut ctrl = ctx2.socket(SocketType::Pair).unwrap();
        ctrl.connect("inproc://proxy-control").unwrap();
        proxy_steerable(&mut xsub, &mut xpub, None, &mut ctrl)
    });
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.connect(&front).unwrap();
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.subscribe("wx").unwrap();
    sub.connect(&back).unwrap();
    // The subscription travels sub -> xpub -> proxy -> xsub -> publisher.
    let mut got = None;
    for _ in 0..50 {
        publisher.send("wx 20C").unwrap();
        publisher.send("sports").unwrap();
        if let Ok(m) = sub.try_recv().and_then(String::try_from) {
            got = Some(m);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(got.as_deref(), Some("wx 20C"));
    control.send("STATISTICS").unwrap();
    let stats = control.recv_multipart().unwrap();
    assert_eq!(stats.len(), 8);
    control.send("TERMINATE").unwrap();
    proxy.join().unwrap().unwrap();
}

#[test]
fn a_proxy_over_one_socket_echoes_requests() {
    let ctx = Context::new();
    let mut rep = socket(&ctx, SocketType::Rep);
    let ep = bind(&mut rep, "tcp");
    let mut control = socket(&ctx, SocketType::Pair);
    control.bind("inproc://single-control").unwrap();
    let ctx2 = ctx.clone();
    let proxy = std::thread::spawn(move || {
        let mut ctrl = ctx2.socket(SocketType::Pair).unwrap();
        ctrl.connect("inproc://single-control").unwrap();
        proxy_single(&mut rep, None, Some(&mut ctrl))
    });
    let mut req = socket(&ctx, SocketType::Req);
    req.connect(&ep).unwrap();
    for text in ["msg1", "msg22"] {
        req.send(text).unwrap();
        assert_eq!(req.recv_string().unwrap(), text);
    }
    control.send("TERMINATE").unwrap();
    proxy.join().unwrap().unwrap();
}

#[test]
fn a_proxy_whose_backend_cannot_take_more_still_terminates() {
    let ctx = Context::new();
    let mut sub = socket(&ctx, SocketType::Sub);
    sub.subscribe("").unwrap();
    let front = bind(&mut sub, "tcp");
    // A PUSH with no peer: a send on it would block for ever.
    let mut push = socket(&ctx, SocketType::Push);
    bind(&mut push, "tcp");
    let mut control = socket(&ctx, SocketType::Pair);
    control.bind("inproc://blocked-control").unwrap();
    let ctx2 = ctx.clone();
    let proxy = std::thread::spawn(move || {
        let mut ctrl = ctx2.socket(SocketType::Pair).unwrap();
        ctrl.connect("inproc://blocked-control").unwrap();
        proxy_steerable(&mut sub, &mut push, None, &mut ctrl)
    });
    // An XPUB, to see the proxy's subscription arrive.
    let mut publisher = socket(&ctx, SocketType::XPub);
    publisher.connect(&front).unwrap();
    assert_eq!(&publisher.recv_bytes().unwrap()[..], b"\x01");
    for _ in 0..3 {
        publisher.send("This is a test").unwrap();
    }
    // Nothing tells when the proxy is stuck in its send: give it a moment.
    std::thread::sleep(Duration::from_millis(20));
    control.send("TERMINATE").unwrap();
    proxy.join().unwrap().unwrap();
}

/// As libzmq's zmq_poll (and CZMQ's zpoller test): a socket's ZMQ_FD
/// polled as a plain descriptor item, beside the socket's own item, is
/// readable after the socket connected over tcp, and the socket's item
/// reports no message.
#[test]
fn poll_sees_a_sockets_descriptor_as_a_plain_item() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    let ep = bind(&mut push, "tcp");
    let mut pull = socket(&ctx, SocketType::Pull);
    let fd = pull.fd().unwrap();
    {
        let mut items = [PollItem::socket(&mut pull, PollEvents::READABLE)];
        assert_eq!(poll(&mut items, Some(Duration::ZERO)).unwrap(), 0);
    }
    pull.connect(&ep).unwrap();
    let mut items = [
        PollItem::socket(&mut pull, PollEvents::READABLE),
        PollItem::fd(fd, PollEvents::READABLE),
    ];
    assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
    assert!(!items[0].is_readable());
    assert!(items[1].is_readable());
}
