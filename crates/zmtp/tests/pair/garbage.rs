//! Wrong or garbage input: always a typed error, never a panic.

use ferrozmq_zmtp::{
    Config, Error, Incompatible, MechanismConfig, SocketType, ZapReply, MAX_HANDSHAKE_FRAME,
};

use crate::harness::Side;

/// A ZMTP 3.x greeting written out by hand.
fn greeting(major: u8, minor: u8, mechanism: &[u8], as_server: u8) -> Vec<u8> {
    let mut out = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, major, minor];
    let mut name = [0u8; 20];
    name[..mechanism.len()].copy_from_slice(mechanism);
    out.extend_from_slice(&name);
    out.push(as_server);
    out.extend_from_slice(&[0; 31]);
    out
}

fn null_greeting() -> Vec<u8> {
    greeting(3, 1, b"NULL", 0)
}

fn command(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0x04, body.len() as u8];
    out.extend_from_slice(body);
    out
}

/// Feeds `bytes` to a fresh REP and returns its error.
fn error_of(bytes: &[u8]) -> Option<Error> {
    let mut side = Side::new(Config::new(SocketType::Rep));
    side.feed(bytes, usize::MAX);
    assert!(!side.handshake_succeeded());
    side.error
}

fn after_greeting(rest: &[u8]) -> Vec<u8> {
    let mut v = null_greeting();
    v.extend_from_slice(rest);
    v
}

#[test]
fn wrong_greetings() {
    assert!(matches!(
        error_of(&greeting(3, 1, b"NULL", 7)),
        Some(Error::Malformed(_))
    ));
    assert!(matches!(
        error_of(&greeting(2, 0, b"NULL", 0)),
        Some(Error::Malformed(_))
    ));
    assert_eq!(
        error_of(&greeting(3, 1, b"CURVE", 0)),
        Some(Error::Incompatible(Incompatible::MechanismMismatch))
    );
    // "NULL" with trailing junk in the 20 octets is a different mechanism.
    assert_eq!(
        error_of(&greeting(3, 1, b"NULLX", 0)),
        Some(Error::Incompatible(Incompatible::MechanismMismatch))
    );
    // Padding and filler are never checked; higher versions are accepted.
    let mut odd = greeting(4, 7, b"NULL", 0);
    odd[3] = 0xAB;
    odd[50] = 0xCD;
    assert_eq!(error_of(&odd), None);
}

#[test]
fn wrong_handshake_commands() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (after_greeting(b"\x00\x05hello"), "data frame"),
        (
            after_greeting(&command(b"\x05READY")),
            "READY without Socket-Type",
        ),
        (after_greeting(b"\x08\x00"), "reserved flag"),
        (after_greeting(b"\x05\x00"), "command with MORE"),
        (after_greeting(&command(b"")), "empty command"),
        (after_greeting(&command(b"\x00")), "empty command name"),
        (after_greeting(&command(b"\x09READY")), "name truncated"),
        (
            after_greeting(&command(b"\x05READY\x0bSocket-Type\x00\x00\x00\x09REQ")),
            "metadata truncated",
        ),
        (
            after_greeting(&command(b"\x05HELLO\x01a\x01b")),
            "PLAIN command under NULL",
        ),
    ];
    for (bytes, what) in cases {
        let err = error_of(&bytes);
        assert!(
            matches!(err, Some(Error::Malformed(_) | Error::PeerMisbehaved(_))),
            "{what}: {err:?}"
        );
    }
    // A socket type we do not know.
    assert_eq!(
        error_of(&after_greeting(&command(
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06CLIENT"
        ))),
        Some(Error::Incompatible(Incompatible::SocketType {
            ours: "REP",
            theirs: "CLIENT".into()
        }))
    );
    // The peer gave up on us.
    assert_eq!(
        error_of(&after_greeting(&command(b"\x05ERROR\x04nope"))),
        Some(Error::PeerError("nope".into()))
    );
}

#[test]
fn handshake_frames_are_bounded() {
    // An unauthenticated peer cannot make us hold a large frame.
    let mut bytes = null_greeting();
    bytes.push(0x06);
    bytes.extend_from_slice(&(MAX_HANDSHAKE_FRAME + 1).to_be_bytes());
    assert_eq!(
        error_of(&bytes),
        Some(Error::MessageTooLarge {
            size: MAX_HANDSHAKE_FRAME + 1,
            max: MAX_HANDSHAKE_FRAME
        })
    );
    // Sizes of 2^63 and above are malformed, whatever the limit.
    let mut bytes = null_greeting();
    bytes.push(0x06);
    bytes.extend_from_slice(&u64::MAX.to_be_bytes());
    assert!(matches!(error_of(&bytes), Some(Error::Malformed(_))));
}

#[test]
fn text_protocols_are_not_zmtp() {
    // An HTTP request looks like a ZMTP 1.0 identity frame of 71 octets
    // ('G'), as it does to libzmq; the rest must then parse as 1.0 frames,
    // which a zero size does not.
    let mut http = b"GET / HTTP/1.1\r\nHost: example\r\n".to_vec();
    http.resize(72, b' ');
    http.push(0);
    let mut side = Side::new(Config::new(SocketType::Pull));
    side.feed(&http, usize::MAX);
    assert_eq!(&side.conn.peer().unwrap().routing_id[..4], b"T / ");
    assert!(matches!(side.error, Some(Error::Malformed(_))));
    assert!(side.frames().is_empty());
}

/// Small deterministic generator so the test needs no extra crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_garbage_never_panics() {
    let configs = {
        let mut plain_server = Config::new(SocketType::Router);
        plain_server.mechanism = MechanismConfig::PlainServer;
        let mut plain_client = Config::new(SocketType::Dealer);
        plain_client.mechanism = MechanismConfig::PlainClient {
            username: "u".into(),
            password: "p".into(),
        };
        let mut limited = Config::new(SocketType::Pull);
        limited.max_message_size = Some(16);
        [
            Config::new(SocketType::Rep),
            plain_server,
            plain_client,
            limited,
        ]
    };
    let prefixes = [Vec::new(), null_greeting(), greeting(3, 1, b"PLAIN", 1)];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut errors = 0;
    for round in 0..3000 {
        let config = configs[round % configs.len()].clone();
        let mut input = prefixes[round % prefixes.len()].clone();
        let len = (rng.next() % 200) as usize;
        input.extend((0..len).map(|_| rng.next() as u8));
        let mut side = Side::new(config);
        side.zap = Box::new(|_| ZapReply::accepted());
        let mut pos = 0;
        while pos < input.len() && side.error.is_none() {
            let step = 1 + (rng.next() % 17) as usize;
            let end = (pos + step).min(input.len());
            side.feed(&input[pos..end], usize::MAX);
            side.take_transmit();
            pos = end;
        }
        if side.error.is_some() {
            errors += 1;
            // Once failed, always failed.
            assert!(side.conn.handle_bytes(b"\x00").is_err());
            assert!(!side.conn.is_ready());
        }
        // Nothing the peer sends makes us queue more than a greeting and a
        // READY or ERROR.
        assert!(side.wire.len() < 256, "{}", side.wire.len());
    }
    assert!(errors > 1000, "{errors}");
}
