//! PING/PONG, heartbeat timeout and the peer's TTL, on the fake clock.

use std::time::Duration;

use ferrozmq_zmtp::{Config, Error, HeartbeatConfig, SocketType};

use crate::harness::{contains, Pair};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn heartbeating(interval: u64, ttl: Option<u64>, timeout: Option<u64>) -> Config {
    let mut c = Config::new(SocketType::Dealer);
    c.heartbeat = HeartbeatConfig {
        interval: Some(ms(interval)),
        ttl: ttl.map(ms),
        timeout: timeout.map(ms),
    };
    c
}

#[test]
fn ping_pong_keeps_the_connection_alive() {
    let mut pair = Pair::new(
        heartbeating(1000, Some(3000), Some(2000)),
        Config::new(SocketType::Router),
    );
    let t0 = pair.now;
    pair.handshake();
    assert_eq!(pair.client.conn.poll_timeout(), Some(t0 + ms(1000)));
    assert_eq!(pair.server.conn.poll_timeout(), None);
    assert!(!contains(&pair.client.wire, b"PING"));

    pair.advance(ms(1000));
    // PING with TTL 3000 ms = 30 deciseconds, and the PONG that answers it.
    assert!(contains(&pair.client.wire, b"\x04\x07\x04PING\x00\x1e"));
    assert!(contains(&pair.server.wire, b"\x04\x05\x04PONG"));
    // The server now expects traffic within the TTL.
    assert_eq!(pair.server.conn.poll_timeout(), Some(t0 + ms(4000)));

    for _ in 0..20 {
        pair.advance(ms(500));
    }
    assert_eq!(pair.client.error, None);
    assert_eq!(pair.server.error, None);
    let pings = pair
        .client
        .wire
        .windows(5)
        .filter(|w| w == b"\x04PING")
        .count();
    assert_eq!(pings, 11);
}

#[test]
fn silence_after_ping_times_out() {
    let mut pair = Pair::new(
        heartbeating(1000, None, Some(2000)),
        Config::new(SocketType::Router),
    );
    pair.handshake();
    pair.deliver_to_client = false;
    pair.advance(ms(1000)); // PING goes out, no PONG comes back
    for _ in 0..3 {
        pair.advance(ms(500));
        assert_eq!(pair.client.error, None);
    }
    pair.advance(ms(500)); // 2000 ms after the PING
    assert_eq!(pair.client.error, Some(Error::HeartbeatTimeout));
    assert_eq!(pair.client.conn.poll_timeout(), None);
}

#[test]
fn timeout_defaults_to_interval() {
    let mut pair = Pair::new(
        heartbeating(1000, None, None),
        Config::new(SocketType::Router),
    );
    pair.handshake();
    pair.deliver_to_client = false;
    pair.advance(ms(1000));
    pair.advance(ms(999));
    assert_eq!(pair.client.error, None);
    pair.advance(ms(1));
    assert_eq!(pair.client.error, Some(Error::HeartbeatTimeout));
}

#[test]
fn peer_ttl_is_enforced() {
    let mut pair = Pair::new(
        heartbeating(1000, Some(2000), Some(10_000)),
        Config::new(SocketType::Router),
    );
    pair.handshake();
    pair.advance(ms(1000)); // the server learns the TTL from this PING
    pair.deliver_to_server = false;
    for _ in 0..19 {
        pair.advance(ms(100));
        assert_eq!(pair.server.error, None);
    }
    pair.advance(ms(100)); // 2000 ms without traffic
    assert_eq!(pair.server.error, Some(Error::HeartbeatTimeout));
}

#[test]
fn pong_echoes_context_up_to_16_octets() {
    let mut pair = Pair::new(Config::new(SocketType::Pair), Config::new(SocketType::Pair));
    pair.handshake();
    pair.server.feed(b"\x04\x0a\x04PING\x00\x00abc", usize::MAX);
    assert_eq!(pair.server.take_transmit(), b"\x04\x08\x04PONGabc");
    let mut long = b"\x04\x1a\x04PING\x00\x00".to_vec();
    long.extend_from_slice(b"0123456789abcdefXYZ");
    pair.server.feed(&long, usize::MAX);
    assert_eq!(
        pair.server.take_transmit(),
        b"\x04\x15\x04PONG0123456789abcdef"
    );
    // Nothing but the PONG: PINGs are not events.
    assert_eq!(pair.server.events.len(), 1);
    assert_eq!(pair.server.error, None);
}
