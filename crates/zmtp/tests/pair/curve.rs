//! CURVE between two connections: handshake sizes, ZAP credentials, encrypted
//! traffic and commands, and every way a bad peer is refused.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use ferrozmq_zmtp::frame::{Decoder, Framing};
use ferrozmq_zmtp::{
    Config, CurvePublicKey, CurveSecretKey, Entropy, Error, Event, MechanismConfig, ProtocolError,
    SocketType, Subscription, ZapReply,
};

use crate::harness::{contains, Pair};

/// A deterministic, non-repeating stand-in for the OS random source.
fn entropy(seed: u64) -> Entropy {
    let counter = Arc::new(AtomicU64::new(seed << 32));
    Entropy::new(move |buf: &mut [u8]| {
        for chunk in buf.chunks_mut(8) {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29) ^ 0xA5A5_5A5A_1234_5678;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        true
    })
}

fn secret(byte: u8) -> CurveSecretKey {
    CurveSecretKey::from_bytes([byte; 32])
}

fn client_config(ty: SocketType, server: CurvePublicKey) -> Config {
    let mut config = Config::new(ty);
    config.mechanism = MechanismConfig::CurveClient {
        public: secret(1).public_key(),
        secret: secret(1),
        server,
    };
    config.entropy = Some(entropy(1));
    config
}

fn server_config(ty: SocketType) -> Config {
    let mut config = Config::new(ty);
    config.mechanism = MechanismConfig::CurveServer { secret: secret(2) };
    config.entropy = Some(entropy(2));
    config
}

fn curve_pair(ty_client: SocketType, ty_server: SocketType) -> Pair {
    Pair::new(
        client_config(ty_client, secret(2).public_key()),
        server_config(ty_server),
    )
}

/// The frames one side put on the wire after its 64-octet greeting.
fn wire_frames(wire: &[u8]) -> Vec<ferrozmq_zmtp::Frame> {
    let mut buf = bytes::BytesMut::from(&wire[64..]);
    let mut decoder = Decoder::new(Framing::V3, None);
    let mut out = Vec::new();
    while let Some(frame) = decoder.decode(&mut buf).unwrap() {
        out.push(frame);
    }
    out
}

#[test]
fn handshake_has_libzmq_sizes_and_zap_gets_the_client_key() {
    let mut pair = curve_pair(SocketType::Req, SocketType::Rep);
    pair.handshake();
    assert_eq!(pair.server.zap_requests.len(), 1);
    let request = &pair.server.zap_requests[0];
    assert_eq!(request.mechanism, "CURVE");
    assert_eq!(
        request.credentials,
        vec![Bytes::copy_from_slice(secret(1).public_key().as_bytes())]
    );
    let client = wire_frames(&pair.client.wire);
    let server = wire_frames(&pair.server.wire);
    assert_eq!(client[0].body.len(), 200);
    assert!(client[0].body.starts_with(b"\x05HELLO\x01\x00"));
    assert_eq!(&client[0].body[112..120], &1u64.to_be_bytes());
    assert_eq!(server[0].body.len(), 168);
    assert!(server[0].body.starts_with(b"\x07WELCOME"));
    assert!(client[1].body.starts_with(b"\x08INITIATE"));
    assert!(client[1].body.len() >= 257);
    assert_eq!(&client[1].body[105..113], &2u64.to_be_bytes());
    assert!(server[1].body.starts_with(b"\x05READY"));
    assert!(server[1].body.len() >= 30);
    assert_eq!(&server[1].body[6..14], &1u64.to_be_bytes());
    assert!(client.iter().chain(&server).all(|f| f.command));
    let peer = pair.server.conn.peer().unwrap();
    assert_eq!(peer.socket_type, Some(SocketType::Req));
}

#[test]
fn traffic_is_encrypted_both_ways() {
    let mut pair = curve_pair(SocketType::Dealer, SocketType::Router);
    pair.handshake();
    let before = pair.client.wire.len();
    pair.client.send(&[b"secret-part-one", b"secret-part-two"]);
    pair.drive();
    pair.server.send(&[b"client-id", b"answer-in-clear?"]);
    pair.drive();
    assert_eq!(
        pair.server.frames(),
        vec![
            (Bytes::from("secret-part-one"), true),
            (Bytes::from("secret-part-two"), false)
        ]
    );
    assert_eq!(
        pair.client.frames(),
        vec![
            (Bytes::from("client-id"), true),
            (Bytes::from("answer-in-clear?"), false)
        ]
    );
    assert!(!contains(&pair.client.wire, b"secret-part"));
    assert!(!contains(&pair.server.wire, b"answer-in-clear"));
    // On the wire: final data frames named MESSAGE, nonces 3 and 4.
    let frames = wire_frames(&pair.client.wire[..]);
    let messages: Vec<_> = frames
        .iter()
        .filter(|f| f.body.starts_with(b"\x07MESSAGE"))
        .collect();
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|f| !f.more && !f.command));
    assert_eq!(&messages[0].body[8..16], &3u64.to_be_bytes());
    assert_eq!(&messages[1].body[8..16], &4u64.to_be_bytes());
    assert_eq!(messages[0].body.len(), 33 + 15);
    assert!(pair.client.wire.len() > before);
}

#[test]
fn subscriptions_and_heartbeats_travel_inside_boxes() {
    let mut pair = curve_pair(SocketType::Sub, SocketType::Pub);
    pair.handshake();
    pair.client
        .conn
        .send_subscription(&Subscription::Subscribe(Bytes::from("weather")))
        .unwrap();
    pair.drive();
    assert!(pair
        .server
        .events
        .contains(&Event::Subscription(Subscription::Subscribe(Bytes::from(
            "weather"
        )))));
    assert!(!contains(&pair.client.wire, b"SUBSCRIBE"));
    assert!(!contains(&pair.client.wire, b"weather"));
}

#[test]
fn pings_are_answered_through_the_box() {
    let mut client = client_config(SocketType::Dealer, secret(2).public_key());
    client.heartbeat.interval = Some(std::time::Duration::from_millis(100));
    let mut pair = Pair::new(client, server_config(SocketType::Dealer));
    pair.handshake();
    pair.advance(std::time::Duration::from_millis(150));
    pair.advance(std::time::Duration::from_millis(150));
    assert_eq!(pair.client.error, None);
    assert_eq!(pair.server.error, None);
    assert!(!contains(&pair.client.wire, b"PING"));
    assert!(!contains(&pair.server.wire, b"PONG"));
    // Both sent MESSAGE frames after the handshake: the PING and its PONG.
    let server_messages = wire_frames(&pair.server.wire)
        .iter()
        .filter(|f| f.body.starts_with(b"\x07MESSAGE"))
        .count();
    assert!(server_messages >= 1);
}

#[test]
fn wrong_server_key_fails_at_hello() {
    let mut pair = Pair::new(
        client_config(SocketType::Req, secret(9).public_key()),
        server_config(SocketType::Rep),
    );
    pair.drive();
    assert!(matches!(
        pair.server.error,
        Some(Error::Protocol(ProtocolError::Cryptographic, _))
    ));
    assert!(!pair.client.handshake_succeeded());
    assert!(pair.server.zap_requests.is_empty());
}

#[test]
fn refused_client_key_gets_error_and_no_ready() {
    let mut pair = curve_pair(SocketType::Req, SocketType::Rep);
    pair.server.zap = Box::new(|_| ZapReply::refused("400"));
    pair.drive();
    assert!(matches!(
        pair.server.error,
        Some(Error::AuthenticationFailed(_))
    ));
    assert_eq!(pair.client.error, Some(Error::PeerError("400".into())));
    assert!(!pair.client.handshake_succeeded());
    assert!(!pair.server.handshake_succeeded());
}

#[test]
fn curve_refuses_other_mechanisms() {
    let mut pair = Pair::new(
        client_config(SocketType::Req, secret(2).public_key()),
        Config::new(SocketType::Rep),
    );
    pair.drive();
    assert!(pair.client.error.is_some() && pair.server.error.is_some());
}

#[test]
fn curve_needs_entropy() {
    let mut config = server_config(SocketType::Rep);
    config.entropy = None;
    assert!(ferrozmq_zmtp::Connection::new(config).is_err());
}

/// Runs the handshake, then hands the server a client MESSAGE altered by `mutate`.
fn server_after(mutate: impl FnOnce(&mut Vec<u8>)) -> Pair {
    let mut pair = curve_pair(SocketType::Dealer, SocketType::Dealer);
    pair.handshake();
    pair.deliver_to_server = false;
    pair.client.send(&[b"payload"]);
    let mut bytes = pair.client.take_transmit();
    mutate(&mut bytes);
    pair.server.feed(&bytes, usize::MAX);
    pair
}

#[test]
fn any_flipped_bit_in_a_message_drops_the_connection() {
    // Frame header (2) + "\x07MESSAGE" (8) + nonce (8) + MAC (16) + flags + "payload".
    let len = server_after(|_| {}).client.wire.len();
    assert!(len > 0);
    for octet in 2..2 + 8 + 8 + 16 + 1 + 7 {
        for bit in [0x01u8, 0x80] {
            let pair = server_after(|b| b[octet] ^= bit);
            assert!(pair.server.error.is_some(), "flip at {octet} accepted");
            assert!(pair.server.frames().is_empty());
        }
    }
    let good = server_after(|_| {});
    assert_eq!(good.server.frames(), vec![(Bytes::from("payload"), false)]);
}

#[test]
fn replayed_or_decreasing_nonces_are_refused() {
    let mut pair = curve_pair(SocketType::Dealer, SocketType::Dealer);
    pair.handshake();
    pair.deliver_to_server = false;
    pair.client.send(&[b"first"]);
    let first = pair.client.take_transmit();
    pair.client.send(&[b"second"]);
    let second = pair.client.take_transmit();
    pair.server.feed(&second, usize::MAX);
    assert_eq!(pair.server.error, None);
    pair.server.feed(&first, usize::MAX);
    assert!(matches!(
        pair.server.error,
        Some(Error::Protocol(ProtocolError::InvalidSequence, _))
    ));
    assert_eq!(pair.server.frames(), vec![(Bytes::from("second"), false)]);

    let mut replay = curve_pair(SocketType::Dealer, SocketType::Dealer);
    replay.handshake();
    replay.deliver_to_server = false;
    replay.client.send(&[b"once"]);
    let once = replay.client.take_transmit();
    replay.server.feed(&once, usize::MAX);
    replay.server.feed(&once, usize::MAX);
    assert!(replay.server.error.is_some());
    assert_eq!(replay.server.frames(), vec![(Bytes::from("once"), false)]);
}

/// Drives a CURVE handshake with bit 0 of octet `at` of one side's byte
/// stream (greeting included) flipped in transit.
fn handshake_with_flip(from_client: bool, at: usize) -> Pair {
    let mut pair = curve_pair(SocketType::Req, SocketType::Rep);
    let mut sent = [0usize; 2];
    for _ in 0..50 {
        let mut a = pair.client.take_transmit();
        flip(&mut a, &mut sent[0], from_client.then_some(at));
        pair.server.feed(&a, usize::MAX);
        let mut b = pair.server.take_transmit();
        flip(&mut b, &mut sent[1], (!from_client).then_some(at));
        pair.client.feed(&b, usize::MAX);
        if a.is_empty() && b.is_empty() {
            break;
        }
    }
    pair
}

fn flip(bytes: &mut [u8], sent: &mut usize, at: Option<usize>) {
    if let Some(at) = at {
        if (*sent..*sent + bytes.len()).contains(&at) {
            bytes[at - *sent] ^= 0x01;
        }
    }
    *sent += bytes.len();
}

/// Where each handshake command's body lies in a side's byte stream.
fn command_spans(wire: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut at = 64;
    for frame in wire_frames(wire).into_iter().take(2) {
        let header = if frame.body.len() > 255 { 9 } else { 2 };
        spans.push(at + header..at + header + frame.body.len());
        at += header + frame.body.len();
    }
    spans
}

#[test]
fn any_flipped_bit_in_a_handshake_command_fails_it() {
    let clean = handshake_with_flip(true, usize::MAX);
    assert!(clean.server.handshake_succeeded() && clean.client.handshake_succeeded());
    let client = command_spans(&clean.client.wire);
    let server = command_spans(&clean.server.wire);
    let lens: Vec<usize> = client.iter().chain(&server).map(|r| r.len()).collect();
    assert_eq!(lens[0], 200);
    assert!(lens[1] >= 257);
    assert_eq!(lens[2], 168);
    assert!(lens[3] >= 30);
    // HELLO: all but its 72 padding octets, which libzmq does not read either.
    let hello = client[0].clone();
    let padding = hello.start + 8..hello.start + 80;
    for at in hello.chain(client[1].clone()) {
        if padding.contains(&at) {
            continue;
        }
        let pair = handshake_with_flip(true, at);
        assert!(pair.server.error.is_some(), "client octet {at} accepted");
        assert!(!pair.server.handshake_succeeded(), "client octet {at}");
    }
    // WELCOME and READY: the client refuses them.
    for at in server[0].clone().chain(server[1].clone()) {
        let pair = handshake_with_flip(false, at);
        assert!(pair.client.error.is_some(), "server octet {at} accepted");
        assert!(!pair.client.handshake_succeeded(), "server octet {at}");
    }
}

#[test]
fn truncated_hello_is_refused() {
    let mut pair = curve_pair(SocketType::Req, SocketType::Rep);
    pair.handshake();
    let mut server = ferrozmq_zmtp::Connection::new(server_config(SocketType::Rep)).unwrap();
    let greeting = pair.client.wire[..64].to_vec();
    server.handle_bytes(&greeting).unwrap();
    // A HELLO frame of 100 octets instead of 200.
    let mut frame = vec![0x04, 100];
    frame.extend_from_slice(&pair.client.wire[66..166]);
    assert!(matches!(
        server.handle_bytes(&frame),
        Err(Error::Protocol(ProtocolError::MalformedHello, _))
    ));
}

#[test]
fn boxes_read_on_their_own_open_in_place() {
    for read in [3, 4096, usize::MAX] {
        let mut pair = curve_pair(SocketType::Dealer, SocketType::Router);
        pair.handshake();
        let direct = crate::bodies::check_direct(&mut pair, read);
        assert!(
            direct >= usize::from(read < 70_000),
            "reads of {read}: {direct}"
        );
    }
    // A tampered box read on its own drops the connection.
    let mut pair = curve_pair(SocketType::Dealer, SocketType::Router);
    pair.handshake();
    pair.client.send(&[&[7u8; 50_000]]);
    let mut wire = pair.client.take_transmit();
    let last = wire.len() - 1;
    wire[last] ^= 1;
    assert_eq!(crate::bodies::feed_direct(&mut pair.server, &wire, 4096), 1);
    assert_eq!(
        pair.server.error,
        Some(Error::Protocol(
            ProtocolError::Cryptographic,
            "CURVE box does not open"
        ))
    );
    assert!(pair.server.frames().is_empty());
}
