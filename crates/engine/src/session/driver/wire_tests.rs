//! The driver and its [`Wire`] against a real ZMTP peer, bytes in and out,
//! on a fake clock: what a session does, minus the sockets.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::{Config, Error as ZmtpError, HeartbeatConfig, MechanismConfig, SocketType};

use super::{Driver, Failure, Inbound, Phase, Wire, ZapVerdict};
use crate::monitor::{HandshakeFailure, SocketEvent};
use crate::msg::{Body, Msg};
use crate::options::SessionOptions;
use crate::zap::ZapAnswer;

const FD: i32 = 9;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// One end: a driver and its wire, as a session holds them.
struct End {
    driver: Driver,
    wire: Wire,
    inbound: Vec<Inbound>,
}

impl End {
    fn new(config: Config, now: Instant) -> End {
        let mut options = SessionOptions::new(config.clone());
        options.reconnect_ivl = Some(ms(100));
        let mut driver = Driver::new(true, &options);
        driver.handshake_started(now);
        End {
            driver,
            wire: Wire::new(config).unwrap(),
            inbound: Vec::new(),
        }
    }

    /// Takes what the peer's bytes came to; the handshake's success goes to
    /// the driver, as the session does.
    fn pump(&mut self) {
        while let Some(inbound) = self.wire.poll_inbound() {
            if matches!(inbound, Inbound::HandshakeSucceeded) {
                self.driver.handshake_succeeded();
            }
            self.inbound.push(inbound);
        }
    }

    fn take_transmit(&mut self) -> BytesMut {
        let bytes = self.wire.transmit().to_vec();
        self.wire.transmit().advance(bytes.len());
        BytesMut::from(&bytes[..])
    }

    fn events(&mut self) -> Vec<SocketEvent> {
        std::iter::from_fn(|| self.driver.poll_event())
            .map(super::tests::without_jitter)
            .collect()
    }
}

/// Moves bytes both ways until both ends are quiet.
fn exchange(a: &mut End, b: &mut End) {
    for _ in 0..32 {
        let mut to_b = a.take_transmit();
        let mut to_a = b.take_transmit();
        if to_a.is_empty() && to_b.is_empty() {
            return;
        }
        b.wire.handle_read(&mut to_b);
        a.wire.handle_read(&mut to_a);
        a.pump();
        b.pump();
    }
}

fn heartbeating(socket_type: SocketType) -> Config {
    let mut c = Config::new(socket_type);
    c.heartbeat = HeartbeatConfig {
        interval: Some(ms(100)),
        ttl: None,
        timeout: Some(ms(300)),
    };
    c
}

#[test]
fn handshake_messages_and_a_heartbeat_timeout() {
    let t0 = Instant::now();
    let mut us = End::new(heartbeating(SocketType::Dealer), t0);
    let mut peer = End::new(Config::new(SocketType::Router), t0);
    exchange(&mut us, &mut peer);
    assert_eq!(us.driver.phase(), Phase::Ready);
    assert_eq!(us.events(), [SocketEvent::HandshakeSucceeded]);
    assert_eq!(us.driver.poll_timeout(), None, "the handshake timer is off");

    // A multipart message both ways, assembled whole.
    let msg = Msg::from_frames(vec![Bytes::from_static(b"a"), Bytes::from_static(b"b")]).unwrap();
    peer.wire.send(msg.clone()).unwrap();
    us.wire.send(msg).unwrap();
    exchange(&mut us, &mut peer);
    for end in [&us, &peer] {
        let frames: Vec<Vec<Bytes>> = end
            .inbound
            .iter()
            .filter_map(|i| match i {
                Inbound::Message(m) => {
                    Some(m.clone().into_frames().map(Body::into_bytes).collect())
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            frames,
            [vec![Bytes::from_static(b"a"), Bytes::from_static(b"b")]]
        );
    }

    // PING at the interval; the peer stays silent, and the timeout ends the link.
    us.wire.handle_timeout(t0).unwrap();
    assert_eq!(us.wire.poll_timeout(), Some(t0 + ms(100)));
    us.wire.handle_timeout(t0 + ms(100)).unwrap();
    assert!(us.wire.pending_transmit() > 0, "a PING goes out");
    let (deadline, failure) = loop {
        let at = us.wire.poll_timeout().expect("a timer runs");
        assert!(at <= t0 + ms(400), "the timeout is not late");
        if let Err(failure) = us.wire.handle_timeout(at) {
            break (at, failure);
        }
    };
    assert_eq!(deadline, t0 + ms(400), "PING at 100 ms + 300 ms of silence");
    assert!(matches!(failure, Failure::Timeout));
    assert!(us.driver.lost(&failure, FD));
    assert!(us.driver.schedule_reconnect(deadline, false));
    assert_eq!(
        us.events(),
        [
            SocketEvent::Disconnected(FD),
            SocketEvent::ConnectRetried(ms(100))
        ]
    );
}

#[test]
fn zap_denial_on_both_ends() {
    let t0 = Instant::now();
    let mut client_config = Config::new(SocketType::Dealer);
    client_config.mechanism = MechanismConfig::PlainClient {
        username: Bytes::from_static(b"admin"),
        password: Bytes::from_static(b"wrong"),
    };
    let mut server_config = Config::new(SocketType::Router);
    server_config.mechanism = MechanismConfig::PlainServer;
    let mut client = End::new(client_config, t0);
    let mut server = End::new(server_config, t0);
    exchange(&mut client, &mut server);

    let Some(Inbound::ZapRequest(request)) = server.inbound.pop() else {
        panic!("the server asks ZAP");
    };
    assert_eq!(request.mechanism, "PLAIN");
    assert_eq!(request.credentials, [&b"admin"[..], &b"wrong"[..]]);
    let denied = ferrozmq_zmtp::ZapReply::refused("400");
    let ZapVerdict::Refuse(reply) = server.driver.zap_answer(ZapAnswer::Reply(denied)) else {
        panic!("a 400 refuses");
    };
    let _ = server.wire.handle_zap_reply(reply);
    assert_eq!(server.driver.phase(), Phase::Refused);
    assert_eq!(
        server.events(),
        [SocketEvent::HandshakeFailed(HandshakeFailure::Auth(400))]
    );
    exchange(&mut client, &mut server);

    // The client reads the ERROR: a failed handshake with ZAP's status,
    // and no reconnect (a protocol fault).
    let failure = client.wire.take_failure().expect("the client fails");
    assert!(matches!(
        &failure,
        Failure::Protocol(ZmtpError::PeerError(reason)) if reason == "400"
    ));
    assert!(!client.driver.lost(&failure, FD));
    assert_eq!(
        client.events(),
        [
            SocketEvent::HandshakeFailed(HandshakeFailure::Auth(400)),
            SocketEvent::Disconnected(FD)
        ]
    );
    // The server hears nothing more of it but the disconnection.
    assert!(server.driver.lost(&Failure::Closed, FD));
    assert_eq!(server.events(), [SocketEvent::Disconnected(FD)]);
}

#[test]
fn a_publisher_reads_old_style_subscriptions() {
    let t0 = Instant::now();
    let mut publisher = End::new(Config::new(SocketType::XPub), t0);
    let mut subscriber = End::new(Config::new(SocketType::XSub), t0);
    exchange(&mut publisher, &mut subscriber);
    subscriber
        .wire
        .send(Msg::single(Bytes::from_static(b"\x01topic")))
        .unwrap();
    exchange(&mut publisher, &mut subscriber);
    let Some(Inbound::Message(msg)) = publisher.inbound.pop() else {
        panic!("the publisher got the subscription");
    };
    assert_eq!(msg, Msg::subscription(true, Bytes::from_static(b"topic")));
}
