//! A ZMTP 3.0 peer: our zmtp crate's `Connection` announcing minor version
//! 0, driven over a std `TcpStream`, as NetMQ, JeroMQ 0.4 and libzmq 4.1
//! present themselves. Our sockets must fall back to 3.0 behaviour: send
//! subscriptions as messages rather than commands, accept them as messages,
//! and still send PINGs (libzmq does to 3.0 peers too).

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{Context, SocketOption, SocketType};
use ferrozmq_zmtp::{Config, Connection, Event};
use interop_tests::exchange::{play, Counts, OurSocket, Role, Wire};
use interop_tests::raw::{self, RawPeer};
use interop_tests::STEP_TIMEOUT;

const COUNT: u32 = 2_000;

/// A ZMTP 3.0 peer of type `socket_type` on a blocking stream. The
/// `Connection` only frames messages, so this adds what the socket type
/// would: as a REQ it adds and strips the empty delimiter; as a REP it keeps
/// the envelope and puts it back on the reply; as a ROUTER it puts the
/// peer's routing id in front of what it receives and drops it when sending.
struct Zmtp30 {
    conn: Connection,
    stream: TcpStream,
    inbox: VecDeque<Vec<Bytes>>,
    partial: Vec<Bytes>,
    /// Events other than frames (subscriptions, commands), in order.
    others: Vec<Event>,
    envelope: Vec<Bytes>,
    read_buf: Vec<u8>,
}

impl Zmtp30 {
    fn new(stream: TcpStream, socket_type: SocketType, routing_id: &'static [u8]) -> Zmtp30 {
        let mut config = Config::new(socket_type);
        config.minor_version = 0;
        config.routing_id = Bytes::from_static(routing_id);
        stream.set_read_timeout(Some(STEP_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(STEP_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let mut peer = Zmtp30 {
            conn: Connection::new(config).unwrap(),
            stream,
            inbox: VecDeque::new(),
            partial: Vec::new(),
            others: Vec::new(),
            envelope: Vec::new(),
            read_buf: vec![0; 1 << 16],
        };
        peer.flush().unwrap();
        while !peer.conn.is_ready() {
            peer.pump().unwrap();
        }
        let us = peer.conn.peer().unwrap();
        assert_eq!(
            (us.major, us.minor),
            (3, 1),
            "our socket announces ZMTP 3.1"
        );
        peer
    }

    fn socket_type(&self) -> SocketType {
        self.conn.config().socket_type
    }

    fn flush(&mut self) -> Result<(), String> {
        loop {
            let transmit = self.conn.transmit();
            if transmit.is_empty() {
                return Ok(());
            }
            let n = self
                .stream
                .write(transmit.front())
                .map_err(|e| format!("write: {e}"))?;
            transmit.advance(n);
        }
    }

    /// Reads once (blocking up to STEP_TIMEOUT) and sorts the events.
    fn pump(&mut self) -> Result<(), String> {
        let n = self
            .stream
            .read(&mut self.read_buf)
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("our socket closed the connection".into());
        }
        self.conn
            .handle_bytes(&self.read_buf[..n])
            .map_err(|e| format!("zmtp: {e:?}"))?;
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::Frame(frame) => {
                    self.partial.push(frame.body);
                    if !frame.more {
                        self.inbox.push_back(std::mem::take(&mut self.partial));
                    }
                }
                Event::HandshakeSucceeded => {}
                other => self.others.push(other),
            }
        }
        self.flush()
    }
}

impl Wire for Zmtp30 {
    fn send_message(&mut self, frames: Vec<Bytes>) -> Result<(), String> {
        let mut all = match self.socket_type() {
            SocketType::Req => vec![Bytes::new()],
            SocketType::Rep => std::mem::take(&mut self.envelope),
            _ => Vec::new(),
        };
        let skip = usize::from(self.socket_type() == SocketType::Router);
        all.extend(frames.into_iter().skip(skip));
        let last = all.len() - 1;
        for (i, frame) in all.into_iter().enumerate() {
            self.conn
                .send_frame(frame, i < last)
                .map_err(|e| format!("zmtp: {e:?}"))?;
        }
        self.flush()
    }

    fn recv_message(&mut self) -> Result<Vec<Bytes>, String> {
        while self.inbox.is_empty() {
            self.pump()?;
        }
        let mut frames = self.inbox.pop_front().unwrap();
        match self.socket_type() {
            SocketType::Req | SocketType::Rep => {
                let delimiter = frames
                    .iter()
                    .position(Bytes::is_empty)
                    .ok_or("no empty delimiter")?;
                let rest = frames.split_off(delimiter + 1);
                if self.socket_type() == SocketType::Rep {
                    self.envelope = frames;
                } else if delimiter != 0 {
                    return Err(format!(
                        "reply with {delimiter} frames before the delimiter"
                    ));
                }
                Ok(rest)
            }
            SocketType::Router => {
                let id = self.conn.peer().unwrap().routing_id.clone();
                frames.insert(0, id);
                Ok(frames)
            }
            _ => Ok(frames),
        }
    }
}

/// Our `ours` socket against a 3.0 `theirs` peer, `COUNT` messages each way.
/// Each side sets a routing id unless it is the ROUTER, which checks it.
fn exchange(ours: SocketType, theirs: SocketType, we_bind: bool) {
    const OUR_ID: &[u8] = b"ferrozmq";
    const THEIR_ID: &[u8] = b"zmtp-3.0";
    let ctx = Context::new();
    let mut our = OurSocket::new(&ctx, ours);
    if ours != SocketType::Router {
        our.socket
            .set_option_bytes(SocketOption::RoutingId, OUR_ID)
            .unwrap();
    }
    let their_id = if theirs == SocketType::Router {
        b""
    } else {
        THEIR_ID
    };
    let stream = if we_bind {
        our.socket.bind("tcp://127.0.0.1:*").unwrap();
        let addr = our.socket.last_endpoint().trim_start_matches("tcp://");
        TcpStream::connect(addr).unwrap()
    } else {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        our.socket
            .connect(&format!("tcp://127.0.0.1:{port}"))
            .unwrap();
        accept(&listener)
    };
    let role = |me: SocketType, other: SocketType, binder: bool, id: &'static [u8]| Role {
        me,
        other,
        binder,
        count: COUNT,
        routing_id: (me == SocketType::Router).then(|| Bytes::from_static(id)),
    };
    let (theirs_counts, ours_counts) = std::thread::scope(|s| {
        let peer = s.spawn(|| {
            let mut peer = Zmtp30::new(stream, theirs, their_id);
            let counts = play(&role(theirs, ours, !we_bind, OUR_ID), &mut peer);
            assert!(
                peer.others.is_empty(),
                "unexpected events from our socket: {:?}",
                peer.others
            );
            let us = peer.conn.peer().unwrap();
            assert_eq!(us.socket_type, Some(ours));
            if matches!(ours, SocketType::Req | SocketType::Dealer) {
                assert_eq!(us.routing_id, OUR_ID);
            }
            counts
        });
        let ours_counts = play(&role(ours, theirs, we_bind, THEIR_ID), &mut our);
        (peer.join().unwrap(), ours_counts)
    });
    assert_eq!(ours_counts, Ok(Counts::expected(ours, COUNT)), "our side");
    assert_eq!(
        theirs_counts,
        Ok(Counts::expected(theirs, COUNT)),
        "3.0 side"
    );
    if our.received_any() {
        assert_eq!(our.first_property("Socket-Type"), Some(theirs.name()));
        assert_eq!(our.first_property("Peer-Address"), Some("127.0.0.1"));
        let identity = match theirs {
            SocketType::Req | SocketType::Dealer => Some("zmtp-3.0"),
            SocketType::Router => Some(""),
            _ => None,
        };
        assert_eq!(our.first_property("Identity"), identity);
    }
}

#[test]
fn req_30_with_our_rep() {
    exchange(SocketType::Rep, SocketType::Req, true);
}

#[test]
fn rep_30_with_our_req() {
    exchange(SocketType::Req, SocketType::Rep, false);
}

#[test]
fn dealer_30_with_our_router() {
    exchange(SocketType::Router, SocketType::Dealer, true);
}

#[test]
fn router_30_with_our_dealer() {
    exchange(SocketType::Dealer, SocketType::Router, false);
}

#[test]
fn push_30_to_our_pull() {
    exchange(SocketType::Pull, SocketType::Push, true);
}

#[test]
fn pull_30_from_our_push() {
    exchange(SocketType::Push, SocketType::Pull, false);
}

#[test]
fn pair_30_with_our_pair() {
    exchange(SocketType::Pair, SocketType::Pair, true);
}

/// RFC 29 / libzmq: to a 3.0 peer, a subscription is a message `0x01 topic`,
/// never a SUBSCRIBE command.
#[test]
fn our_sub_subscribes_a_30_pub_by_message() {
    let ctx = Context::new();
    let mut sub = OurSocket::new(&ctx, SocketType::Sub);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    sub.socket.subscribe("topic").unwrap();
    sub.socket
        .connect(&format!("tcp://127.0.0.1:{port}"))
        .unwrap();
    let mut publisher = Zmtp30::new(accept(&listener), SocketType::Pub, b"");
    let first = publisher.recv_message().unwrap();
    assert_eq!(first, [Bytes::from_static(b"\x01topic")]);
    assert!(publisher.others.is_empty(), "{:?}", publisher.others);
    publisher
        .send_message(vec![Bytes::from_static(b"other"), Bytes::from_static(b"x")])
        .unwrap();
    publisher
        .send_message(vec![
            Bytes::from_static(b"topic-1"),
            Bytes::from_static(b"y"),
        ])
        .unwrap();
    let got = sub.socket.recv_multipart().unwrap();
    assert_eq!(got, [&b"topic-1"[..], b"y"]);
    sub.socket.unsubscribe("topic").unwrap();
    let cancel = publisher.recv_message().unwrap();
    assert_eq!(cancel, [Bytes::from_static(b"\x00topic")]);
}

/// And our XPUB takes a 3.0 subscriber's message-form subscription.
#[test]
fn sub_30_subscribes_our_xpub_by_message() {
    let ctx = Context::new();
    let mut xpub = OurSocket::new(&ctx, SocketType::XPub);
    xpub.socket.bind("tcp://127.0.0.1:*").unwrap();
    let addr = xpub.socket.last_endpoint().trim_start_matches("tcp://");
    let mut subscriber = Zmtp30::new(TcpStream::connect(addr).unwrap(), SocketType::Sub, b"");
    subscriber
        .send_message(vec![Bytes::from_static(b"\x01topic")])
        .unwrap();
    let seen = xpub.socket.recv_multipart().unwrap();
    assert_eq!(seen, [&b"\x01topic"[..]]);
    xpub.socket.send_multipart(["other", "x"]).unwrap();
    xpub.socket.send_multipart(["topic-1", "y"]).unwrap();
    let got = subscriber.recv_message().unwrap();
    assert_eq!(got, [&b"topic-1"[..], b"y"]);
}

/// FACTS 14: PINGs go to 3.0 peers too. A raw 3.0 peer sees our READY, then
/// a PING within a few heartbeat intervals.
#[test]
fn our_socket_pings_a_30_peer() {
    let ctx = Context::new();
    let mut pull = OurSocket::new(&ctx, SocketType::Pull);
    pull.socket
        .set_option(SocketOption::HeartbeatIvl, 100)
        .unwrap();
    pull.socket.bind("tcp://127.0.0.1:*").unwrap();
    let mut peer = RawPeer::connect(pull.socket.last_endpoint());
    let mut hello = raw::greeting(3, 0, b"NULL", false);
    hello.extend(raw::ready("PUSH"));
    peer.send(&hello).unwrap();
    let greeting = peer.read_exact(64, STEP_TIMEOUT).unwrap();
    assert_eq!(&greeting[10..12], &[3, 1], "our version");
    let (flags, ready) = peer.read_frame(STEP_TIMEOUT).unwrap();
    assert_eq!((flags, &ready[..6]), (0x04, &b"\x05READY"[..]));
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no PING from our socket within 2 s");
        let (flags, body) = peer.read_frame(left).expect("a frame before the deadline");
        if flags == 0x04 && body.starts_with(b"\x04PING") {
            break;
        }
    }
}

fn accept(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return stream;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("our socket did not connect: {e}"),
        }
    }
}
