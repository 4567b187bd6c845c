//! The Rust API's contract: messages handed back, non-blocking and timed
//! calls, atomic multipart, conversions, errors, the readiness descriptor
//! and thread-safety markers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{
    poll, Context, ErrorKind, Message, Multipart, PollEvents, PollItem, RecvFlags, SendFlags,
    Socket, SocketType,
};

/// A PUSH/PULL pair over inproc with the given high-water marks.
fn push_pull(ctx: &Context, name: &str, hwm: usize) -> (Socket, Socket) {
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvhwm(hwm).unwrap();
    pull.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    pull.bind(&format!("inproc://{name}")).unwrap();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.set_sndhwm(hwm).unwrap();
    push.set_sndtimeo(Some(Duration::from_secs(5))).unwrap();
    push.connect(&format!("inproc://{name}")).unwrap();
    (push, pull)
}

#[test]
fn try_send_hands_the_message_back_without_a_peer() {
    let ctx = Context::new();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    let failed = push.try_send("precious").unwrap_err();
    assert_eq!(*failed.error(), ErrorKind::Again);
    let (error, msg) = failed.into_parts();
    assert_eq!(error.errno(), 11);
    assert_eq!(msg.data(), b"precious");
}

#[test]
fn try_send_at_the_high_water_mark_hands_the_message_back() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-hwm", 2);
    let mut sent = 0;
    let refused = loop {
        match push.try_send(Message::from(format!("m{sent}"))) {
            Ok(()) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 1000, "the pipe never filled");
    };
    assert_eq!(*refused.error(), ErrorKind::Again);
    assert_eq!(refused.into_message(), format!("m{sent}").as_str());

    let msg = push
        .try_send(Message::from_static(b"again"))
        .unwrap_err()
        .into_message();

    // Once there is room, the handed-back message goes through.
    for i in 0..sent {
        assert_eq!(pull.recv_string().unwrap(), format!("m{i}"));
    }
    push.send_timeout(msg, Duration::from_secs(5)).unwrap();
    assert_eq!(pull.recv().unwrap(), b"again");
}

#[test]
fn try_recv_says_again_when_nothing_waits() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-try-recv", 10);
    assert_eq!(pull.try_recv().unwrap_err(), ErrorKind::Again);
    assert_eq!(pull.try_recv_multipart().unwrap_err(), ErrorKind::Again);
    assert_eq!(
        pull.recv_with(RecvFlags::DONTWAIT).unwrap_err(),
        ErrorKind::Again
    );
    push.send("here").unwrap();
    assert_eq!(pull.recv_timeout(Duration::from_secs(5)).unwrap(), b"here");
}

#[test]
fn timeouts_are_durations() {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    let wait = Duration::from_millis(50);
    let start = Instant::now();
    assert_eq!(pull.recv_timeout(wait).unwrap_err(), ErrorKind::Again);
    assert!(start.elapsed() >= wait);

    pull.set_rcvtimeo(Some(wait)).unwrap();
    let start = Instant::now();
    assert_eq!(pull.recv().unwrap_err(), ErrorKind::Again);
    assert!(start.elapsed() >= wait);

    let mut push = ctx.socket(SocketType::Push).unwrap();
    let start = Instant::now();
    let failed = push.send_timeout("late", wait).unwrap_err();
    assert!(start.elapsed() >= wait);
    assert_eq!(failed.into_message(), b"late");
    let failed = push
        .send_multipart_timeout(["a", "b"], Duration::ZERO)
        .unwrap_err();
    assert_eq!(failed.into_message(), ["a", "b"]);

    push.set_sndtimeo(Some(wait)).unwrap();
    assert_eq!(push.send("x").unwrap_err(), ErrorKind::Again);
}

#[test]
fn multipart_is_taken_whole_or_handed_back_whole() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-multipart", 2);
    let mut sent = 0;
    let refused = loop {
        let msg = Multipart::from(vec![format!("{sent}"), "b".into(), "c".into()]);
        match push.try_send_multipart(msg) {
            Ok(()) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 1000, "the pipe never filled");
    };
    assert_eq!(*refused.error(), ErrorKind::Again);
    let back = refused.into_message();
    assert_eq!(back, [sent.to_string().as_str(), "b", "c"]);
    // Nothing of the refused message went out: only whole messages arrive.
    for i in 0..sent {
        let got = pull.recv_multipart().unwrap();
        assert_eq!(got, [i.to_string().as_str(), "b", "c"]);
    }
    assert_eq!(pull.try_recv().unwrap_err(), ErrorKind::Again);
    push.send_multipart(back).unwrap();
    assert_eq!(pull.recv_multipart().unwrap().len(), 3);
}

#[test]
fn frames_by_flags_make_one_message() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-flags", 10);
    push.send_with("a", SendFlags::MORE).unwrap();
    push.send_more("b").unwrap();
    push.send_with("c", SendFlags::from_raw(0)).unwrap();
    let first = pull.recv().unwrap();
    assert!(first.more() && pull.rcvmore());
    let rest = pull.recv_multipart().unwrap();
    assert_eq!(rest, ["b", "c"]);
    assert!(!rest.last().unwrap().more());
}

#[test]
fn an_empty_multipart_is_invalid() {
    let ctx = Context::new();
    let (mut push, _pull) = push_pull(&ctx, "api-empty", 10);
    let failed = push.try_send_multipart(Multipart::new()).unwrap_err();
    assert_eq!(*failed.error(), ErrorKind::Invalid);
}

#[test]
fn messages_convert_from_and_into_the_usual_types() {
    let texts = [
        Message::from(Bytes::from_static(b"x")),
        Message::from(b"x".to_vec()),
        Message::from(&b"x"[..]),
        Message::from(b"x"),
        Message::from("x"),
        Message::from("x".to_string()),
        Message::from_static(b"x"),
    ];
    for msg in texts {
        assert_eq!(msg, b"x");
        assert_eq!(Bytes::from(msg.clone()), Bytes::from_static(b"x"));
        assert_eq!(Vec::from(msg.clone()), b"x".to_vec());
        assert_eq!(String::try_from(msg).unwrap(), "x");
    }
    let err = String::try_from(Message::from(vec![0xff, 0xfe])).unwrap_err();
    assert_eq!(err, ErrorKind::Invalid);

    let mut parts: Multipart = ["a", "b"].into_iter().collect();
    parts.push_front("id");
    parts.push_back(Message::new());
    assert_eq!(parts.len(), 4);
    assert_eq!(parts.get(0).unwrap(), &"id");
    assert_eq!(parts.pop_back().unwrap().len(), 0);
    assert_eq!(parts.pop_front().unwrap(), b"id");
    assert_eq!(parts.iter().map(Message::len).sum::<usize>(), 2);
    assert_eq!(parts.into_bytes(), [Bytes::from("a"), Bytes::from("b")]);
}

#[test]
fn errors_carry_kind_source_and_endpoint() {
    let ctx = Context::new();
    let mut a = ctx.socket(SocketType::Pull).unwrap();
    a.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = a.last_endpoint().to_string();
    let mut b = ctx.socket(SocketType::Pull).unwrap();
    let err = b.bind(&endpoint).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    assert_eq!(err.errno(), 98);
    assert_eq!(err.endpoint(), Some(endpoint.as_str()));
    assert_eq!(
        err.to_string(),
        format!("Address already in use (endpoint {endpoint})")
    );
    let source = std::error::Error::source(&err).expect("the OS error");
    assert!(source.downcast_ref::<std::io::Error>().is_some());

    let err = b.connect("bogus://x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProtocolNotSupported);
    assert!(err.to_string().ends_with("(endpoint bogus://x)"), "{err}");
    let err = b.disconnect("tcp://127.0.0.1:1").unwrap_err();
    assert_eq!(
        (err.kind(), err.endpoint()),
        (ErrorKind::NotFound, Some("tcp://127.0.0.1:1"))
    );
    // As libzmq: a malformed endpoint or an unknown transport is named as
    // such before "not found".
    for (endpoint, kind) in [
        ("bogus", ErrorKind::Invalid),
        ("tcp://", ErrorKind::Invalid),
        ("foo://x", ErrorKind::ProtocolNotSupported),
        ("tcp://127.0.0.1:*", ErrorKind::NotFound),
    ] {
        assert_eq!(b.unbind(endpoint).unwrap_err().kind(), kind, "{endpoint}");
        assert_eq!(
            b.disconnect(endpoint).unwrap_err().kind(),
            kind,
            "{endpoint}"
        );
    }

    let err = b.set_routing_id(b"").unwrap_err();
    assert_eq!(
        (err.kind(), err.option()),
        (ErrorKind::Invalid, Some("ROUTING_ID"))
    );
    assert_eq!(err.to_string(), "Invalid argument (option ZMQ_ROUTING_ID)");

    let plain = ferrozmq::Error::new(ErrorKind::Again);
    assert_eq!(plain.endpoint(), None);
    assert!(std::error::Error::source(&plain).is_none());
}

#[test]
fn send_errors_convert_with_question_mark() {
    fn send_one(s: &mut Socket) -> ferrozmq::Result<()> {
        s.try_send("x")?;
        Ok(())
    }
    let ctx = Context::new();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    assert_eq!(send_one(&mut push).unwrap_err(), ErrorKind::Again);
    let failed = push.try_send("x").unwrap_err();
    assert_eq!(
        failed.to_string(),
        "message not sent: Resource temporarily unavailable"
    );
    assert!(std::error::Error::source(&failed).is_some());
}

#[test]
fn the_readiness_descriptor_wakes_an_event_loop() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-fd", 10);
    let fd = pull.as_raw_fd();
    assert_eq!(pull.as_fd().as_raw_fd(), fd);
    assert_eq!(pull.readiness_fd().unwrap().as_raw_fd(), fd);
    assert_eq!(pull.fd().unwrap(), fd);
    // Edge-triggered: look at events() first, which re-arms the descriptor.
    assert!(!pull.events().unwrap().contains(PollEvents::READABLE));
    push.send("wake").unwrap();
    let mut items = [PollItem::fd(fd, PollEvents::READABLE)];
    assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
    assert!(pull.events().unwrap().contains(PollEvents::READABLE));
    assert_eq!(pull.try_recv().unwrap(), b"wake");
}

#[test]
fn poll_reports_typed_events_for_sockets_and_plain_descriptors() {
    let ctx = Context::new();
    let (mut push, mut pull) = push_pull(&ctx, "api-poll-events", 10);
    assert_eq!(push.events().unwrap(), PollEvents::WRITABLE);
    assert!(pull.events().unwrap().is_empty());
    push.send("x").unwrap();
    let wanted = PollEvents::READABLE | PollEvents::WRITABLE;
    let ready = pull.poll(wanted, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ready, PollEvents::READABLE, "a PULL never reports WRITABLE");

    // A plain descriptor: a socketpair end with data to read and room to write.
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    std::io::Write::write_all(&mut a, b"!").unwrap();
    let mut items = [
        PollItem::fd(b.as_raw_fd(), wanted),
        PollItem::socket(&mut pull, PollEvents::WRITABLE),
    ];
    assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
    assert_eq!(items[0].revents(), wanted);
    assert!(items[0].is_readable() && items[0].is_writable());
    assert!(items[1].revents().is_empty());
    // libzmq's integers, as the C ABI hands them over.
    assert_eq!(PollEvents::from_raw(items[0].revents().bits()), wanted);

    // A hang-up (the other end gone, nothing left to read) is ERROR, asked
    // for or not, as libzmq reports it.
    let mut one = [0u8; 1];
    std::io::Read::read_exact(&mut &b, &mut one).unwrap();
    drop(a);
    let mut items = [PollItem::fd(b.as_raw_fd(), PollEvents::WRITABLE)];
    assert_eq!(poll(&mut items, Some(Duration::from_secs(5))).unwrap(), 1);
    assert!(items[0].revents().contains(PollEvents::ERROR));
}

#[test]
fn sockets_move_between_threads_and_contexts_are_shared() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send::<Socket>();
    send_sync::<Message>();
    send_sync::<Multipart>();
    send_sync::<ferrozmq::SendError>();
    send_sync::<ferrozmq::SendError<Multipart>>();
    send_sync::<Context>();
    send_sync::<ferrozmq::Error>();

    let ctx = Context::new();
    let (mut push, pull) = push_pull(&ctx, "api-threads", 10);
    let receiver = std::thread::spawn(move || {
        let mut pull = pull;
        pull.recv_string()
    });
    push.send("across").unwrap();
    assert_eq!(receiver.join().unwrap().unwrap(), "across");
}
