//! A raw TCP client that misbehaves gets its connection dropped, while the
//! socket keeps serving a well-behaved peer connected at the same time.
//!
//! Each test binds our PULL on tcp, connects a libzmq PUSH that sends
//! [`FLOW`] checked messages, receives some of them, lets a raw client do its
//! worst, receives more while that connection is open, then requires the
//! raw connection to be closed within [`CLOSE_WITHIN`] and every one of the
//! libzmq peer's messages to arrive, in order and intact.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{Context, Socket, SocketOption, SocketType};
use interop_tests::exchange::{OurSocket, Wire};
use interop_tests::payload;
use interop_tests::peer::{parse_done, Peer, PeerKind};
use interop_tests::raw::{self, RawPeer};

/// Messages from the well-behaved peer.
const FLOW: u32 = 3_000;

/// How soon a misbehaving connection must be closed.
const CLOSE_WITHIN: Duration = Duration::from_secs(5);

/// Messages the raw client may legitimately send start with this.
const RAW_MARK: &[u8] = b"raw-";

/// Runs `attack` on a raw connection to a PULL configured by `configure`;
/// returns how many `RAW_MARK` messages the PULL received from it.
fn attack(configure: impl FnOnce(&mut Socket), attack: impl FnOnce(&mut RawPeer)) -> Option<u32> {
    let ctx = Context::new();
    let mut pull = OurSocket::new(&ctx, SocketType::Pull);
    configure(&mut pull.socket);
    pull.socket.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.socket.last_endpoint().to_owned();
    let count = FLOW.to_string();
    let mut peer = Peer::spawn(
        PeerKind::Libzmq,
        &["PUSH", "PULL", "connect", &endpoint, &count],
    )?;
    assert_eq!(peer.line(), "connected");
    let mut flow = Flow {
        pull,
        next: 0,
        raw: 0,
    };

    flow.receive(100);
    let mut client = RawPeer::connect(&endpoint);
    attack(&mut client);
    flow.receive(1_000);
    assert!(
        client.closed_within(CLOSE_WITHIN),
        "the raw connection is still open after {CLOSE_WITHIN:?}; our socket sent {:?}",
        client.received()
    );
    // It was our ZMTP engine that closed it, not a refused connection.
    let sent = client.received();
    assert_eq!(sent.first(), Some(&0xFF), "our socket sent {sent:?}");
    flow.receive(FLOW - flow.next);

    let lines = peer.finish(Duration::from_secs(30));
    assert_eq!(
        lines.iter().find_map(|l| parse_done(l)),
        Some((FLOW, 0)),
        "{lines:?}"
    );
    Some(flow.raw)
}

/// Our PULL's view of the libzmq peer's messages.
struct Flow {
    pull: OurSocket,
    next: u32,
    raw: u32,
}

impl Flow {
    /// Receives the next `n` messages of the well-behaved peer, counting (and
    /// setting aside) any from the raw client.
    fn receive(&mut self, n: u32) {
        let end = self.next + n;
        while self.next < end {
            let frames = self
                .pull
                .recv_message()
                .unwrap_or_else(|e| panic!("message {} from the libzmq peer: {e}", self.next));
            if frames.first().is_some_and(|f| f.starts_with(RAW_MARK)) {
                self.raw += 1;
                continue;
            }
            payload::check(self.next, 0, &frames).unwrap();
            self.next += 1;
        }
        assert_eq!(self.pull.first_property("Socket-Type"), Some("PUSH"));
    }
}

fn defaults(_: &mut Socket) {}

#[test]
fn garbage_bytes() {
    // Not a ZMTP 3 signature, so a ZMTP 1.0 frame: a zero length is illegal.
    let mut junk = b"\x00\x00\x00\x00 this is not ZMTP ".to_vec();
    let mut x: u32 = 0x9E37_79B9;
    junk.extend((0..4096).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x.to_le_bytes()[0]
    }));
    attack(defaults, |c| {
        let _ = c.send(&junk);
    });
}

#[test]
fn http_request_times_out_in_the_handshake() {
    // 'G' reads as a ZMTP 1.0 identity of 70 octets that never completes:
    // only HANDSHAKE_IVL ends it (libzmq's default is 30 s).
    let ivl = |s: &mut Socket| s.set_option(SocketOption::HandshakeIvl, 300).unwrap();
    attack(ivl, |c| {
        let _ = c.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    });
}

#[test]
fn bad_signature() {
    // Octet 9 without its low bit is no ZMTP 3 signature; as ZMTP 1.0 the
    // padding announces an identity of 2^64 - 1 octets.
    let mut greeting = raw::greeting(3, 1, b"NULL", false);
    greeting[1..9].fill(0xFF);
    greeting[9] = 0x7E;
    attack(defaults, |c| {
        let _ = c.send(&greeting);
    });
}

#[test]
fn unknown_mechanism() {
    attack(defaults, |c| {
        let _ = c.send(&raw::greeting(3, 1, b"BOGUS", false));
    });
}

#[test]
fn mechanism_mismatch() {
    // We speak NULL; a PLAIN client must be refused (RFC 23).
    attack(defaults, |c| {
        let _ = c.send(&raw::greeting(3, 1, b"PLAIN", false));
    });
}

#[test]
fn incompatible_socket_type() {
    // PUB cannot talk to PULL.
    attack(defaults, |c| {
        let _ = c.send(&raw::handshake("PUB"));
    });
}

#[test]
fn message_before_ready() {
    let mut bytes = raw::greeting(3, 1, b"NULL", false);
    bytes.extend(raw::frame(b"raw-early", false, false));
    attack(defaults, |c| {
        let _ = c.send(&bytes);
    });
}

#[test]
fn malformed_ready() {
    // A property whose value length runs far past the end of the command.
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&u32::MAX.to_be_bytes());
    body.extend_from_slice(b"PUSH");
    let mut bytes = raw::greeting(3, 1, b"NULL", false);
    bytes.extend(raw::frame(&body, false, true));
    attack(defaults, |c| {
        let _ = c.send(&bytes);
    });
}

#[test]
fn oversized_frame() {
    // With MAXMSGSIZE set (above the well-behaved peer's largest frame,
    // 100,000), a header announcing one octet more closes the connection
    // without waiting for the body.
    const LIMIT: usize = 150_000;
    let limit = |s: &mut Socket| {
        s.set_option(SocketOption::MaxMsgSize, LIMIT as i32)
            .unwrap();
    };
    let over = raw::frame(&vec![0; LIMIT + 1], false, false);
    attack(limit, |c| {
        c.handshake("PUSH");
        let _ = c.send(&over[..9 + 1000]);
    });
}

#[test]
fn impossible_frame_without_maxmsgsize() {
    // No MAXMSGSIZE: a header announcing 2^62 octets (more than any machine
    // holds) closes the connection at once, however much of the body comes,
    // as libzmq does (it cannot allocate the frame).
    let mut header = vec![0x02];
    header.extend_from_slice(&(1u64 << 62).to_be_bytes());
    attack(defaults, |c| {
        c.handshake("PUSH");
        let _ = c.send(&header);
        for _ in 0..64 {
            if c.send(&[0x55; 64 * 1024]).is_err() {
                break;
            }
        }
    });
}

#[test]
fn messages_before_a_bad_frame_are_delivered() {
    // A legal message and an oversized frame header in one small write, so
    // one read: libzmq 4.3.5 delivers the message, then closes.
    const LIMIT: usize = 150_000;
    let limit = |s: &mut Socket| {
        s.set_option(SocketOption::MaxMsgSize, LIMIT as i32)
            .unwrap();
    };
    let mut bytes = raw::frame(b"raw-ok", false, false);
    bytes.extend(&raw::frame(&vec![0; LIMIT + 1], false, false)[..9 + 10]);
    let raw_messages = attack(limit, |c| {
        c.handshake("PUSH");
        let _ = c.send(&bytes);
    });
    if let Some(n) = raw_messages {
        assert_eq!(n, 1, "the raw client's legal message before the bad frame");
    }
}

#[test]
fn oversized_message_from_libzmq() {
    // A libzmq PUSH whose message 500 exceeds our MAXMSGSIZE: as with a
    // libzmq PULL, messages 0..499 all arrive, in order, then the connection
    // drops (what follows is lost with it, or comes after a reconnect).
    const SENT: u32 = 1_000;
    let ctx = Context::new();
    let mut pull = OurSocket::new(&ctx, SocketType::Pull);
    pull.socket
        .set_option(SocketOption::MaxMsgSize, 50_000)
        .unwrap();
    pull.socket
        .set_option(SocketOption::RcvTimeo, 5000)
        .unwrap();
    pull.socket.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.socket.last_endpoint().to_owned();
    let count = SENT.to_string();
    let Some(mut peer) = Peer::spawn(
        PeerKind::Libzmq,
        &["PUSH", "PULL", "connect", &endpoint, &count],
    ) else {
        return;
    };
    for i in 0..500 {
        let frames = pull
            .recv_message()
            .unwrap_or_else(|e| panic!("message {i}: {e}"));
        payload::check(i, 0, &frames).unwrap_or_else(|e| panic!("{e}"));
    }
    pull.socket
        .set_option(SocketOption::RcvTimeo, 1000)
        .unwrap();
    let mut last = 500;
    while let Ok(frames) = pull.recv_message() {
        last = (last + 1..SENT)
            .find(|&k| payload::check(k, 0, &frames).is_ok())
            .unwrap_or_else(|| {
                panic!("after message {last}: {frames:?} is none of the later ones")
            });
    }
    let lines = peer.finish(Duration::from_secs(30));
    assert_eq!(lines.iter().find_map(|l| parse_done(l)), Some((SENT, 0)));
}

#[test]
fn raw_client_that_behaves_is_served() {
    // The control: the same raw client, well-formed, is not disconnected,
    // and its messages arrive, including a frame exactly at MAXMSGSIZE.
    const LIMIT: usize = 150_000;
    let ctx = Context::new();
    let mut pull = OurSocket::new(&ctx, SocketType::Pull);
    pull.socket
        .set_option(SocketOption::MaxMsgSize, LIMIT as i32)
        .unwrap();
    pull.socket.bind("tcp://127.0.0.1:*").unwrap();
    let mut client = RawPeer::connect(pull.socket.last_endpoint());
    let ready = client.handshake("PUSH");
    let socket_type = b"\x0bSocket-Type\0\0\0\x04PULL";
    assert!(ready.windows(20).any(|w| w == socket_type), "{ready:?}");
    let at_limit = vec![7; LIMIT];
    let mut bytes = raw::frame(b"raw-1", true, false);
    bytes.extend(raw::frame(&[], true, false));
    bytes.extend(raw::frame(&at_limit, false, false));
    client.send(&bytes).unwrap();
    let got = pull.recv_message().unwrap();
    assert_eq!(
        got,
        [Bytes::from_static(b"raw-1"), Bytes::new(), at_limit.into()]
    );
    assert_eq!(pull.first_property("Socket-Type"), Some("PUSH"));
    assert!(!client.closed_within(Duration::from_millis(300)));
}
