//! Subscriptions travel as commands to ZMTP 3.1 peers and as messages to 3.0 peers.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq_zmtp::{Config, Event, HeartbeatConfig, SocketType, Subscription};

use crate::harness::{contains, Pair};

fn publisher(minor: u8) -> Config {
    let mut c = Config::new(SocketType::XPub);
    c.minor_version = minor;
    c
}

fn topic() -> Bytes {
    Bytes::from_static(b"weather")
}

#[test]
fn zmtp31_peer_gets_subscribe_and_cancel_commands() {
    let mut pair = Pair::new(Config::new(SocketType::Sub), publisher(1));
    pair.handshake();
    assert!(pair
        .client
        .conn
        .peer()
        .unwrap()
        .takes_subscription_commands());
    let sub = &mut pair.client.conn;
    sub.send_subscription(&Subscription::Subscribe(topic()))
        .unwrap();
    sub.send_subscription(&Subscription::Cancel(topic()))
        .unwrap();
    pair.drive();
    assert!(contains(&pair.client.wire, b"\x04\x11\x09SUBSCRIBEweather"));
    assert!(contains(&pair.client.wire, b"\x04\x0e\x06CANCELweather"));
    assert_eq!(
        pair.server.events[1..],
        [
            Event::Subscription(Subscription::Subscribe(topic())),
            Event::Subscription(Subscription::Cancel(topic())),
        ]
    );
    assert!(pair.server.frames().is_empty());
}

#[test]
fn zmtp30_peer_gets_subscription_messages() {
    let mut pair = Pair::new(Config::new(SocketType::Sub), publisher(0));
    pair.handshake();
    // The publisher announced 3.0 in its greeting.
    assert_eq!(&pair.server.wire[10..12], &[3, 0]);
    let peer = pair.client.conn.peer().unwrap();
    assert_eq!((peer.major, peer.minor), (3, 0));
    assert!(!peer.takes_subscription_commands());

    let sub = &mut pair.client.conn;
    sub.send_subscription(&Subscription::Subscribe(topic()))
        .unwrap();
    sub.send_subscription(&Subscription::Cancel(topic()))
        .unwrap();
    pair.drive();
    assert!(contains(&pair.client.wire, b"\x00\x08\x01weather"));
    assert!(!contains(&pair.client.wire, b"SUBSCRIBE"));
    assert_eq!(
        pair.server.frames(),
        [
            (Bytes::from_static(b"\x01weather"), false),
            (Bytes::from_static(b"\x00weather"), false),
        ]
    );
    let parsed: Vec<_> = pair
        .server
        .frames()
        .iter()
        .map(|(body, _)| Subscription::from_message(body))
        .collect();
    assert_eq!(
        parsed,
        [
            Some(Subscription::Subscribe(topic())),
            Some(Subscription::Cancel(topic()))
        ]
    );
}

#[test]
fn zmtp30_peer_still_answers_pings() {
    let mut sub = Config::new(SocketType::Sub);
    sub.heartbeat = HeartbeatConfig {
        interval: Some(Duration::from_millis(100)),
        ttl: None,
        timeout: None,
    };
    let mut pair = Pair::new(sub, publisher(0));
    pair.handshake();
    for _ in 0..5 {
        pair.advance(Duration::from_millis(100));
    }
    assert!(contains(&pair.server.wire, b"\x04\x05\x04PONG"));
    assert_eq!(pair.client.error, None);
}
