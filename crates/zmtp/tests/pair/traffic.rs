//! Traffic after the handshake: multipart messages, arbitrary input splits,
//! size limits, commands.

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::command::Command;
use ferrozmq_zmtp::{Config, Connection, Error, Event, MechanismConfig, SocketType, ZapReply};

use crate::harness::{Pair, Side};

fn big(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Handshake, then a multipart message each way; returns what each side saw.
fn conversation(client: Config, server: Config, chunk: usize) -> Pair {
    let mut pair = Pair::new(client, server);
    pair.chunk = chunk;
    pair.server.zap = Box::new(|_| ZapReply::accepted());
    pair.handshake();
    let large = big(70_000);
    let medium = big(300);
    pair.client.send(&[b"", b"a", &medium, &large]);
    pair.drive();
    pair.server.send(&[b"", b"reply", &[]]);
    pair.drive();
    pair
}

#[test]
fn multipart_frames_both_ways() {
    let pair = conversation(
        Config::new(SocketType::Dealer),
        Config::new(SocketType::Router),
        usize::MAX,
    );
    let got = pair.server.frames();
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], (Bytes::new(), true));
    assert_eq!(got[1], (Bytes::from_static(b"a"), true));
    assert_eq!(got[2], (Bytes::from(big(300)), true));
    assert_eq!(got[3], (Bytes::from(big(70_000)), false));
    let back = pair.client.frames();
    assert_eq!(
        back,
        [
            (Bytes::new(), true),
            (Bytes::from_static(b"reply"), true),
            (Bytes::new(), false)
        ]
    );
    // 300 octets need the long size form: flags MORE|LONG, 8-octet size.
    let mut long_header = vec![0x03];
    long_header.extend_from_slice(&300u64.to_be_bytes());
    assert!(crate::harness::contains(&pair.client.wire, &long_header));
}

#[test]
fn byte_at_a_time_matches_bulk() {
    let plain = |client: bool| {
        let mut c = Config::new(if client {
            SocketType::Req
        } else {
            SocketType::Rep
        });
        c.mechanism = if client {
            MechanismConfig::PlainClient {
                username: Bytes::from_static(b"u"),
                password: Bytes::from_static(b"p"),
            }
        } else {
            MechanismConfig::PlainServer
        };
        c
    };
    let configs = [
        (
            Config::new(SocketType::Dealer),
            Config::new(SocketType::Router),
        ),
        (plain(true), plain(false)),
    ];
    for (client, server) in configs {
        let bulk = conversation(client.clone(), server.clone(), usize::MAX);
        for chunk in [1, 2, 7, 64] {
            let split = conversation(client.clone(), server.clone(), chunk);
            assert_eq!(split.server.events, bulk.server.events, "chunk {chunk}");
            assert_eq!(split.client.events, bulk.client.events, "chunk {chunk}");
            assert_eq!(split.client.wire, bulk.client.wire, "chunk {chunk}");
            assert_eq!(split.server.wire, bulk.server.wire, "chunk {chunk}");
        }
        assert_eq!(bulk.server.frames().len(), 4);
    }
}

#[test]
fn frames_are_zero_copy_slices_of_the_read_buffer() {
    let mut pair = Pair::new(Config::new(SocketType::Push), Config::new(SocketType::Pull));
    pair.handshake();
    pair.client.send(&[&big(5000)]);
    let bytes = pair.client.take_transmit();
    let mut buf = BytesMut::from(&bytes[..]);
    let range = buf.as_ptr() as usize..buf.as_ptr() as usize + buf.len();
    pair.server.conn.handle_read(&mut buf).unwrap();
    let Some(Event::Frame(frame)) = pair.server.conn.poll_event() else {
        panic!("no frame");
    };
    assert_eq!(frame.body.len(), 5000);
    assert!(range.contains(&(frame.body.as_ptr() as usize)));
    assert!(buf.is_empty());
}

#[test]
fn max_message_size() {
    let mut server = Config::new(SocketType::Pull);
    server.max_message_size = Some(100);
    let mut pair = Pair::new(Config::new(SocketType::Push), server.clone());
    pair.handshake();
    pair.client.send(&[&big(100)]);
    pair.drive();
    assert_eq!(pair.server.frames().len(), 1);
    assert_eq!(pair.server.error, None);
    pair.client.send(&[&big(101)]);
    let bytes = pair.client.take_transmit();
    // The header alone is enough to refuse it: the body is never buffered.
    pair.server.feed(&bytes[..2], usize::MAX);
    assert_eq!(
        pair.server.error,
        Some(Error::MessageTooLarge {
            size: 101,
            max: 100
        })
    );
    assert_eq!(pair.server.frames().len(), 1);

    // A tiny limit does not apply to the handshake's own frames.
    server.max_message_size = Some(0);
    let mut pair = Pair::new(Config::new(SocketType::Push), server);
    pair.handshake();
    pair.client.send(&[b""]);
    pair.drive();
    assert_eq!(pair.server.frames(), [(Bytes::new(), false)]);
    // A long header announcing 2^40 octets fails at once.
    let mut huge = vec![0x02];
    huge.extend_from_slice(&(1u64 << 40).to_be_bytes());
    pair.server.feed(&huge, usize::MAX);
    assert_eq!(
        pair.server.error,
        Some(Error::MessageTooLarge {
            size: 1 << 40,
            max: 0
        })
    );
}

#[test]
fn unknown_commands_pass_up_and_error_is_fatal() {
    let mut pair = Pair::new(Config::new(SocketType::Pair), Config::new(SocketType::Pair));
    pair.handshake();
    pair.server.feed(b"\x04\x08\x04JOINabc", usize::MAX);
    assert_eq!(pair.server.error, None);
    assert_eq!(
        pair.server.events.last(),
        Some(&Event::Command(Command::Unknown {
            name: Bytes::from_static(b"JOIN"),
            data: Bytes::from_static(b"abc"),
        }))
    );
    pair.client.send(&[b"still here"]);
    pair.drive();
    assert_eq!(pair.server.frames().len(), 1);
    pair.server.feed(b"\x04\x0a\x05ERROR\x03bye", usize::MAX);
    assert_eq!(pair.server.error, Some(Error::PeerError("bye".into())));
    // A failed connection refuses further input.
    assert!(pair.server.conn.handle_bytes(b"\x00\x00").is_err());
}

#[test]
fn send_before_handshake_is_misuse() {
    let mut side = Side::new(Config::new(SocketType::Push));
    assert!(matches!(
        side.conn.send_frame(Bytes::from_static(b"x"), false),
        Err(Error::Misuse(_))
    ));
    assert!(matches!(
        Connection::new(Config::new(SocketType::Sub))
            .unwrap()
            .send_subscription(&ferrozmq_zmtp::Subscription::Subscribe(Bytes::new())),
        Err(Error::Misuse(_))
    ));
    side.pump();
    assert!(side.events.is_empty());
}

#[test]
fn frame_split_across_a_zap_wait_is_kept() {
    // The peer's READY arrives, ZAP is asked, and part of the next frame
    // (a PING with context "abcd") arrives before ZAP answers.
    let mut config = Config::new(SocketType::Router);
    config.zap_for_null = true;
    let mut conn = Connection::new(config).unwrap();
    let mut input =
        ferrozmq_zmtp::greeting::Greeting::new(ferrozmq_zmtp::greeting::MechanismName::NULL, false)
            .encode(0)
            .to_vec();
    input.extend_from_slice(b"\x04\x1c\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER");
    input.extend_from_slice(b"\x04\x0b\x04PING\x00\x00ab");
    conn.handle_bytes(&input).unwrap();
    assert!(matches!(conn.poll_event(), Some(Event::ZapRequest(_))));
    conn.handle_zap_reply(ZapReply::accepted()).unwrap();
    assert_eq!(conn.poll_event(), Some(Event::HandshakeSucceeded));
    let before = conn.transmit().len();
    conn.handle_bytes(b"cd").unwrap();
    let out = conn.transmit().to_vec();
    assert_eq!(&out[before..], b"\x04\x09\x04PONGabcd");
}
