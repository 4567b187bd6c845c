//! Old peers, as hand-crafted byte streams: ZMTP 2.0 (RFC 15) with its short
//! greeting, and unversioned ZMTP 1.0 (RFC 13).

use bytes::Bytes;
use ferrozmq_zmtp::{
    Config, Connection, Error, Event, Incompatible, MechanismConfig, PeerProtocol, SocketType,
    Subscription,
};

use crate::harness::Side;

/// A ZMTP 2.0 peer's greeting: signature (padding = identity length + 1),
/// revision 0x01, socket type, then its identity as a final short frame.
fn v2_greeting(socket_type: u8, identity: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF];
    out.extend_from_slice(&(identity.len() as u64 + 1).to_be_bytes());
    out.push(0x7F);
    out.push(0x01);
    out.push(socket_type);
    out.push(0x00);
    out.push(identity.len() as u8);
    out.extend_from_slice(identity);
    out
}

fn take(conn: &mut Connection) -> Vec<u8> {
    let v = conn.transmit().to_vec();
    conn.transmit().advance(v.len());
    v
}

#[test]
fn zmtp20_peer_greeting_identity_and_frames() {
    let mut stream = v2_greeting(8, b"abc"); // a PUSH peer
    stream.extend_from_slice(b"\x01\x02hi"); // MORE
    stream.extend_from_slice(b"\x00\x01x");
    stream.extend_from_slice(&[0x02, 0, 0, 0, 0, 0, 0, 1, 0x2C]); // LONG, 300 octets
    stream.extend_from_slice(&[7u8; 300]);

    for chunk in [1, 3, usize::MAX] {
        let mut pull = Side::new(Config::new(SocketType::Pull));
        pull.feed(&stream, chunk);
        assert_eq!(pull.error, None, "chunk {chunk}");
        assert_eq!(pull.events[0], Event::HandshakeSucceeded);
        assert_eq!(
            pull.frames(),
            [
                (Bytes::from_static(b"hi"), true),
                (Bytes::from_static(b"x"), false),
                (Bytes::from(vec![7u8; 300]), false),
            ]
        );
        let peer = pull.conn.peer().unwrap().clone();
        assert_eq!(peer.protocol, PeerProtocol::Zmtp20);
        assert_eq!((peer.major, peer.minor), (2, 0));
        assert_eq!(peer.socket_type, Some(SocketType::Push));
        assert_eq!(&peer.routing_id[..], b"abc");
        assert!(peer.metadata.is_empty());
        // Signature, our major version, our socket type (PULL = 7), and an
        // empty identity frame in 2.0 framing; no 3.x greeting rest.
        let expected = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 7, 0, 0];
        assert_eq!(take(&mut pull.conn), expected);
    }
}

#[test]
fn zmtp20_greeting_is_staged() {
    let stream = v2_greeting(1, b""); // a PUB peer
    let mut sub = Connection::new(Config::new(SocketType::Sub)).unwrap();
    assert_eq!(take(&mut sub).len(), 10);
    sub.handle_bytes(&stream[..10]).unwrap();
    assert_eq!(take(&mut sub), [3]);
    sub.handle_bytes(&stream[10..11]).unwrap();
    assert_eq!(take(&mut sub), [2], "our socket type after their revision");
    sub.handle_bytes(&stream[11..12]).unwrap();
    assert_eq!(take(&mut sub), [0, 0], "our identity frame");
    sub.handle_bytes(&stream[12..]).unwrap();
    assert_eq!(sub.poll_event(), Some(Event::HandshakeSucceeded));

    // Subscriptions go out as 2.0 messages; no PING is ever sent.
    sub.send_subscription(&Subscription::Subscribe(Bytes::from_static(b"t")))
        .unwrap();
    assert_eq!(take(&mut sub), b"\x00\x02\x01t");
    sub.send_frame(Bytes::from_static(b"m"), true).unwrap();
    assert_eq!(take(&mut sub), b"\x01\x01m");
    assert_eq!(sub.poll_timeout(), None);
}

#[test]
fn zmtp20_refusals() {
    // A PUSH peer may not talk to our PUSH.
    let mut push = Side::new(Config::new(SocketType::Push));
    push.feed(&v2_greeting(8, b""), 1);
    assert_eq!(
        push.error,
        Some(Error::Incompatible(Incompatible::SocketType {
            ours: "PUSH",
            theirs: "PUSH".into()
        }))
    );
    // No downgrade to 2.0 when a security mechanism is configured.
    let mut config = Config::new(SocketType::Pull);
    config.mechanism = MechanismConfig::PlainServer;
    let mut secured = Side::new(config);
    secured.feed(&v2_greeting(8, b""), usize::MAX);
    assert_eq!(
        secured.error,
        Some(Error::Incompatible(Incompatible::Version(1)))
    );
    // The COMMAND flag does not exist in 2.0 framing.
    let mut stream = v2_greeting(8, b"");
    stream.extend_from_slice(b"\x04\x01x");
    let mut pull = Side::new(Config::new(SocketType::Pull));
    pull.feed(&stream, usize::MAX);
    assert!(matches!(pull.error, Some(Error::Malformed(_))));
}

#[test]
fn zmtp10_unversioned_peer() {
    // Identity frame "abc" (size 4 counts the flags octet), then "hi" with
    // MORE and "x".
    let stream = b"\x04\x00abc\x03\x01hi\x02\x00x";
    for chunk in [1, usize::MAX] {
        let mut pull = Side::new(Config::new(SocketType::Pull));
        pull.feed(stream, chunk);
        assert_eq!(pull.error, None);
        assert_eq!(
            pull.frames(),
            [
                (Bytes::from_static(b"hi"), true),
                (Bytes::from_static(b"x"), false)
            ]
        );
        let peer = pull.conn.peer().unwrap();
        assert_eq!(peer.protocol, PeerProtocol::Zmtp10);
        assert_eq!(peer.socket_type, None);
        assert_eq!(&peer.routing_id[..], b"abc");
        // Only our signature: a 1.0 peer reads it as an empty identity frame.
        assert_eq!(take(&mut pull.conn), [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F]);
    }
}

#[test]
fn zmtp10_long_identity_and_publisher_phantom_subscription() {
    // A 300-octet identity uses the 0xFF long size: octet 9 is the flags
    // octet (0), whose clear low bit marks the peer as unversioned.
    let mut stream = vec![0xFF, 0, 0, 0, 0, 0, 0, 1, 0x2D, 0x00];
    stream.extend_from_slice(&[b'i'; 300]);
    let mut config = Config::new(SocketType::Pub);
    config.routing_id = Bytes::from_static(b"me");
    let mut publisher = Side::new(config);
    publisher.feed(&stream, 1);
    assert_eq!(publisher.error, None);
    assert_eq!(
        publisher.events,
        [
            Event::HandshakeSucceeded,
            Event::Subscription(Subscription::Subscribe(Bytes::new()))
        ]
    );
    assert_eq!(publisher.conn.peer().unwrap().routing_id.len(), 300);
    // Signature announcing a 2-octet identity, then the identity's body.
    assert_eq!(
        take(&mut publisher.conn),
        [0xFF, 0, 0, 0, 0, 0, 0, 0, 3, 0x7F, b'm', b'e']
    );
    publisher
        .conn
        .send_frame(Bytes::from_static(b"news"), false)
        .unwrap();
    assert_eq!(take(&mut publisher.conn), b"\x05\x00news");
}

#[test]
fn zmtp10_refused_when_secured() {
    let mut config = Config::new(SocketType::Pull);
    config.zap_for_null = true;
    let mut side = Side::new(config);
    side.feed(b"\x01\x00", usize::MAX);
    assert!(matches!(
        side.error,
        Some(Error::Incompatible(Incompatible::Version(_)))
    ));
    assert!(!side.handshake_succeeded());
}
