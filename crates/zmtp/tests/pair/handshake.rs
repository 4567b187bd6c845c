//! Greeting and security handshakes: socket-type table, NULL, PLAIN, ZAP,
//! mechanism mismatch.

use bytes::Bytes;
use ferrozmq_zmtp::greeting::{Greeting, MechanismName};
use ferrozmq_zmtp::{
    Config, Connection, Error, Event, Incompatible, MechanismConfig, Metadata, SocketType, ZapReply,
};

use crate::harness::{contains, Pair};

/// RFC 23's table of valid socket combinations, written out independently
/// of the crate's own `is_compatible_with`.
const RFC23_VALID: &[(&str, &str)] = &[
    ("PAIR", "PAIR"),
    ("PUB", "SUB"),
    ("PUB", "XSUB"),
    ("XPUB", "SUB"),
    ("XPUB", "XSUB"),
    ("SUB", "PUB"),
    ("SUB", "XPUB"),
    ("XSUB", "PUB"),
    ("XSUB", "XPUB"),
    ("REQ", "REP"),
    ("REQ", "ROUTER"),
    ("REP", "REQ"),
    ("REP", "DEALER"),
    ("DEALER", "REP"),
    ("DEALER", "DEALER"),
    ("DEALER", "ROUTER"),
    ("ROUTER", "REQ"),
    ("ROUTER", "DEALER"),
    ("ROUTER", "ROUTER"),
    ("PULL", "PUSH"),
    ("PUSH", "PULL"),
];

fn plain_client(user: &str, password: &str) -> MechanismConfig {
    MechanismConfig::PlainClient {
        username: Bytes::copy_from_slice(user.as_bytes()),
        password: Bytes::copy_from_slice(password.as_bytes()),
    }
}

#[test]
fn socket_type_table_of_rfc23() {
    let mut valid_seen = 0;
    for a in SocketType::ALL {
        for b in SocketType::ALL {
            let mut pair = Pair::new(Config::new(a), Config::new(b));
            pair.drive();
            let valid = RFC23_VALID.contains(&(a.name(), b.name()));
            if valid {
                valid_seen += 1;
                pair.handshake();
                assert_eq!(pair.client.conn.peer().unwrap().socket_type, Some(b));
                assert_eq!(pair.server.conn.peer().unwrap().socket_type, Some(a));
            } else {
                assert!(!pair.client.handshake_succeeded(), "{a} accepted {b}");
                assert!(!pair.server.handshake_succeeded(), "{b} accepted {a}");
                assert_eq!(
                    pair.client.error,
                    Some(Error::Incompatible(Incompatible::SocketType {
                        ours: a.name(),
                        theirs: b.name().to_owned(),
                    }))
                );
                assert!(matches!(
                    pair.server.error,
                    Some(Error::Incompatible(Incompatible::SocketType { .. }))
                ));
                assert!(!pair.client.conn.is_ready());
            }
        }
    }
    assert_eq!(valid_seen, RFC23_VALID.len());
}

#[test]
fn null_handshake_bytes_match_rfc23() {
    let mut pair = Pair::new(Config::new(SocketType::Req), Config::new(SocketType::Rep));
    pair.handshake();
    let wire = &pair.client.wire;
    // Greeting: signature with padding = identity length + 1, version 3.1, NULL, as-server 0.
    let mut greeting = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 1];
    greeting.extend_from_slice(b"NULL");
    greeting.extend_from_slice(&[0; 16 + 1 + 31]);
    assert_eq!(&wire[..64], &greeting[..]);
    // READY with Socket-Type and (for REQ) an empty Identity.
    let ready = b"\x04\x26\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ\x08Identity\x00\x00\x00\x00";
    assert_eq!(&wire[64..], &ready[..]);
    // REP sends no Identity.
    assert_eq!(
        &pair.server.wire[64..],
        b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03REP"
    );
    assert_eq!(pair.client.events, [Event::HandshakeSucceeded]);
    let peer = pair.client.conn.peer().unwrap();
    assert_eq!((peer.major, peer.minor), (3, 1));
    assert!(peer.takes_subscription_commands());
}

#[test]
fn greeting_is_sent_in_stages() {
    let mut conn = Connection::new(Config::new(SocketType::Dealer)).unwrap();
    let take = |c: &mut Connection| {
        let v = c.transmit().to_vec();
        c.transmit().advance(v.len());
        v
    };
    assert_eq!(take(&mut conn), [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F]);
    let peer = Greeting::new(MechanismName::NULL, false).encode(0);
    conn.handle_bytes(&peer[..9]).unwrap();
    assert!(take(&mut conn).is_empty(), "major sent before signature");
    conn.handle_bytes(&peer[9..10]).unwrap();
    assert_eq!(take(&mut conn), [3]);
    conn.handle_bytes(&peer[10..11]).unwrap();
    let rest = take(&mut conn);
    assert_eq!(rest.len(), 53);
    assert_eq!(rest[0], 1, "minor version");
    assert_eq!(&rest[1..5], b"NULL");
    conn.handle_bytes(&peer[11..]).unwrap();
    // Full greeting received: our READY follows.
    assert!(contains(&take(&mut conn), b"\x05READY"));
}

#[test]
fn identity_and_metadata_reach_the_peer() {
    let mut dealer = Config::new(SocketType::Dealer);
    dealer.routing_id = Bytes::from_static(b"dealer-1");
    dealer.metadata.insert("X-App", &b"demo"[..]).unwrap();
    let mut push = Config::new(SocketType::Push);
    push.routing_id = Bytes::from_static(b"not-sent");

    let mut pair = Pair::new(dealer, Config::new(SocketType::Router));
    pair.handshake();
    let peer = pair.server.conn.peer().unwrap();
    assert_eq!(&peer.routing_id[..], b"dealer-1");
    assert_eq!(peer.metadata.get_str("x-app"), Some("demo"));
    // Padding of the greeting announces identity length + 1.
    assert_eq!(pair.client.wire[8], 9);

    let mut pair = Pair::new(push, Config::new(SocketType::Pull));
    pair.handshake();
    let peer = pair.server.conn.peer().unwrap();
    assert!(peer.routing_id.is_empty());
    assert!(peer.metadata.get("Identity").is_none());
}

#[test]
fn plain_with_zap_accept() {
    let mut client = Config::new(SocketType::Req);
    client.mechanism = plain_client("admin", "secret");
    let mut server = Config::new(SocketType::Rep);
    server.mechanism = MechanismConfig::PlainServer;
    let mut pair = Pair::new(client, server);
    pair.server.zap = Box::new(|req| {
        if req.credentials == [Bytes::from("admin"), Bytes::from("secret")] {
            let mut reply = ZapReply::accepted();
            reply.user_id = Bytes::from_static(b"admin");
            reply.metadata.insert("X-Role", &b"ops"[..]).unwrap();
            reply
        } else {
            ZapReply::refused("400")
        }
    });
    pair.handshake();

    assert_eq!(pair.server.zap_requests.len(), 1);
    assert_eq!(pair.server.zap_requests[0].mechanism, "PLAIN");
    let peer = pair.server.conn.peer().unwrap();
    assert_eq!(&peer.user_id[..], b"admin");
    assert_eq!(peer.zap_metadata.get_str("X-Role"), Some("ops"));
    assert_eq!(peer.metadata.get_str("Socket-Type"), Some("REQ"));
    let peer = pair.client.conn.peer().unwrap();
    assert_eq!(peer.socket_type, Some(SocketType::Rep));

    // Greetings: PLAIN on both, as-server only on the server.
    assert_eq!(&pair.client.wire[12..17], b"PLAIN");
    assert_eq!(pair.client.wire[32], 0);
    assert_eq!(pair.server.wire[32], 1);
    // HELLO, WELCOME and INITIATE as RFC 24 lays them out.
    assert!(contains(
        &pair.client.wire,
        b"\x04\x13\x05HELLO\x05admin\x06secret"
    ));
    assert!(contains(&pair.server.wire, b"\x04\x08\x07WELCOME"));
    assert!(contains(&pair.client.wire, b"\x08INITIATE\x0bSocket-Type"));

    pair.client.send(&[b"", b"ping"]);
    pair.drive();
    pair.server.send(&[b"", b"pong"]);
    pair.drive();
    assert_eq!(pair.server.frames().len(), 2);
    assert_eq!(&pair.client.frames()[1].0[..], b"pong");
}

#[test]
fn plain_with_zap_refuse_sends_error_to_client() {
    let mut client = Config::new(SocketType::Dealer);
    client.mechanism = plain_client("admin", "wrong");
    let mut server = Config::new(SocketType::Router);
    server.mechanism = MechanismConfig::PlainServer;
    let mut pair = Pair::new(client, server);
    pair.server.zap = Box::new(|_| ZapReply::refused("400"));
    pair.drive();

    assert!(matches!(
        pair.server.error,
        Some(Error::AuthenticationFailed(_))
    ));
    // The ERROR command reached the client, carrying the status code.
    assert!(contains(&pair.server.wire, b"\x04\x0a\x05ERROR\x03400"));
    assert_eq!(pair.client.error, Some(Error::PeerError("400".into())));
    assert!(!pair.client.handshake_succeeded());
    assert!(!pair.server.handshake_succeeded());
    assert!(!contains(&pair.server.wire, b"WELCOME"));
    assert!(pair.client.conn.send_frame(Bytes::new(), false).is_err());
}

#[test]
fn null_with_zap() {
    let mut server = Config::new(SocketType::Pull);
    server.zap_for_null = true;
    let mut pair = Pair::new(Config::new(SocketType::Push), server.clone());
    pair.handshake();
    assert_eq!(pair.server.zap_requests.len(), 1);
    assert_eq!(pair.server.zap_requests[0].mechanism, "NULL");
    assert!(pair.server.zap_requests[0].credentials.is_empty());

    let mut pair = Pair::new(Config::new(SocketType::Push), server);
    pair.server.zap = Box::new(|_| ZapReply::refused("400"));
    pair.drive();
    assert!(matches!(
        pair.server.error,
        Some(Error::AuthenticationFailed(_))
    ));
    assert_eq!(pair.client.error, Some(Error::PeerError("400".into())));
    // READY was held back until ZAP answered, and never sent.
    assert!(!contains(&pair.server.wire, b"READY"));
}

#[test]
fn mechanism_mismatch() {
    let mut client = Config::new(SocketType::Req);
    client.mechanism = plain_client("a", "b");
    let mut pair = Pair::new(client, Config::new(SocketType::Rep));
    pair.drive();
    let mismatch = Some(Error::Incompatible(Incompatible::MechanismMismatch));
    assert_eq!(pair.client.error, mismatch);
    assert_eq!(pair.server.error, mismatch);
    // Neither sent anything past its greeting.
    assert_eq!(pair.client.wire.len(), 64);
    assert_eq!(pair.server.wire.len(), 64);
}

#[test]
fn two_plain_clients_never_complete() {
    let mut a = Config::new(SocketType::Pair);
    a.mechanism = plain_client("a", "b");
    let mut pair = Pair::new(a.clone(), a);
    pair.drive();
    assert!(matches!(pair.client.error, Some(Error::PeerMisbehaved(_))));
    assert!(matches!(pair.server.error, Some(Error::PeerMisbehaved(_))));
}

#[test]
fn bad_config_is_refused() {
    let mut config = Config::new(SocketType::Dealer);
    config.routing_id = Bytes::from(vec![b'x'; 256]);
    assert!(matches!(Connection::new(config), Err(Error::Misuse(_))));
    let mut config = Config::new(SocketType::Req);
    config.mechanism = MechanismConfig::PlainClient {
        username: Bytes::from(vec![b'u'; 256]),
        password: Bytes::new(),
    };
    assert!(matches!(Connection::new(config), Err(Error::Misuse(_))));
    let mut metadata = Metadata::new();
    assert!(metadata.insert(&"n".repeat(256), Bytes::new()).is_err());
}
