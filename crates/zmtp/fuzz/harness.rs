//! What the fuzz targets run, shared with `tests/fuzz_corpus.rs` so that the
//! committed corpus is replayed by a stable `cargo test`.
//!
//! Both functions take arbitrary bytes and must never panic; they panic only
//! when one of the invariants they check is broken.

// Each fuzz target uses half of this file.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::frame::{encode_frame, Decoder, Frame, Framing, TransmitQueue};
use ferrozmq_zmtp::{
    Config, Connection, Error, Event, HeartbeatConfig, MechanismConfig, SocketType, Subscription,
    ZapReply,
};

/// Input: `[config, split seed, stream...]`. Decodes the stream in pieces
/// with the framing and size limit the config octet picks, then checks that
/// decoding it whole agrees and that the frames re-encode to themselves.
/// Returns how many frames it decoded.
pub(crate) fn decoder(data: &[u8]) -> usize {
    let (Some(&config), Some(&seed)) = (data.first(), data.get(1)) else {
        return 0;
    };
    let stream = data.get(2..).unwrap_or_default();
    let framing = match config % 3 {
        0 => Framing::V1,
        1 => Framing::V2,
        _ => Framing::V3,
    };
    let max = match (config >> 2) % 4 {
        0 => None,
        1 => Some(0),
        2 => Some(64),
        _ => Some(1 << 20),
    };
    let split = decode_pieces(framing, max, stream, Splits::new(seed));
    let whole = decode_pieces(framing, max, stream, Splits::whole());
    assert_eq!(split, whole, "the split of the input changed the outcome");

    let (frames, _) = split;
    for f in &frames {
        if let Some(max) = max {
            assert!(f.body.len() as u64 <= max, "frame above the limit");
        }
        assert!(!(f.command && f.more), "command with MORE");
        assert!(!f.command || framing == Framing::V3, "command outside 3.x");
    }
    let mut queue = TransmitQueue::new();
    for f in &frames {
        encode_frame(framing, f.more, f.command, f.body.clone(), &mut queue);
    }
    let again = queue.to_vec();
    let (back, err) = decode_pieces(framing, max, &again, Splits::whole());
    assert_eq!(err, None, "our own encoding failed to decode");
    assert_eq!(back, frames, "re-encoded frames differ");
    frames.len()
}

/// Input: `[config, options, split seed, stream...]`. Feeds the stream in
/// pieces to a `Connection` whose socket type, mechanism, version, limits
/// and heartbeat the first two octets pick, playing the application around
/// it (ZAP answers, sends, timers), and checks its invariants. Returns
/// whether the handshake succeeded at some point.
pub(crate) fn handshake(data: &[u8]) -> bool {
    let (Some(&config), Some(&options), Some(&seed)) = (data.first(), data.get(1), data.get(2))
    else {
        return false;
    };
    let stream = data.get(3..).unwrap_or_default();
    let Some(mut conn) = connection(config, options) else {
        return false;
    };
    let mut succeeded = false;
    let zap_accepts = options & 0x20 == 0;
    let mut now = Instant::now();
    let mut failed = false;
    let mut sent_by_us = 0usize;
    let mut events = 0usize;
    let mut splits = Splits::new(seed);
    let mut pos = 0;
    let mut pieces = 0;
    while pos < stream.len() {
        let end = pos.saturating_add(splits.next()).min(stream.len());
        let piece = stream.get(pos..end).unwrap_or_default();
        pos = end;
        pieces += 1;
        let result = conn.handle_bytes(piece);
        if failed {
            assert!(result.is_err(), "a failed connection accepted input");
            continue;
        }
        if result.is_err() {
            failed = true;
        }
        while let Some(event) = conn.poll_event() {
            events += 1;
            match event {
                Event::ZapRequest(_) => {
                    let reply = if zap_accepts {
                        ZapReply::accepted()
                    } else {
                        ZapReply::refused("400")
                    };
                    if conn.handle_zap_reply(reply).is_err() {
                        failed = true;
                    }
                }
                Event::HandshakeSucceeded => {
                    assert!(conn.peer().is_some(), "ready without peer info");
                    succeeded = true;
                }
                _ => {}
            }
        }
        if conn.is_ready() {
            assert!(!failed);
            let body =
                Bytes::copy_from_slice(piece.get(..piece.len().min(300)).unwrap_or_default());
            sent_by_us += body.len() + 10;
            let sent = conn.send_frame(body.clone(), piece.len() % 2 == 1);
            assert_eq!(sent, Ok(()), "a ready connection refused a frame");
            if options & 0x40 != 0 {
                sent_by_us += body.len() + 12;
                let sent = conn.send_subscription(&Subscription::Subscribe(body));
                assert_eq!(sent, Ok(()), "a ready connection refused a subscription");
            }
        }
        // Drain part of the transmit queue, as a slow socket would.
        let written = conn.transmit().len() / 2 + 1;
        conn.transmit().advance(written);
        now += Duration::from_millis(u64::from(seed % 8) * 50);
        if !failed && conn.handle_timeout(now).is_err() {
            failed = true;
        }
        if failed {
            assert_eq!(
                conn.poll_timeout(),
                None,
                "a failed connection wants a timer"
            );
        }
    }
    // Nothing the peer sends may make us queue much more than it sent:
    // a greeting, a READY or ERROR, one PONG per PING, our own PINGs.
    let bound = 1024 + 2 * stream.len() + 2 * sent_by_us + 16 * pieces;
    assert!(
        conn.transmit().len() <= bound,
        "transmit queue grew to {} for {} input octets",
        conn.transmit().len(),
        stream.len()
    );
    assert!(events <= stream.len() + 2, "more events than input octets");
    succeeded
}

fn connection(config: u8, options: u8) -> Option<Connection> {
    let socket_type = *SocketType::ALL.get(usize::from(config % 12))?;
    let mut c = Config::new(socket_type);
    match (config >> 4) % 4 {
        0 => {}
        1 => c.zap_for_null = true,
        2 => {
            c.mechanism = MechanismConfig::PlainClient {
                username: Bytes::from_static(b"admin"),
                password: Bytes::from_static(b"secret"),
            }
        }
        _ => c.mechanism = MechanismConfig::PlainServer,
    }
    c.minor_version = options & 1;
    if options & 2 != 0 {
        c.max_message_size = Some(256);
    }
    if options & 4 != 0 {
        c.routing_id = Bytes::from_static(b"fuzz-id");
    }
    c.heartbeat = match (options >> 3) % 4 {
        0 => HeartbeatConfig::default(),
        1 => HeartbeatConfig {
            interval: Some(Duration::from_millis(100)),
            ttl: Some(Duration::from_millis(1000)),
            timeout: Some(Duration::from_millis(300)),
        },
        2 => HeartbeatConfig {
            interval: Some(Duration::from_millis(1)),
            ttl: None,
            timeout: None,
        },
        _ => HeartbeatConfig {
            interval: Some(Duration::MAX),
            ttl: Some(Duration::MAX),
            timeout: Some(Duration::MAX),
        },
    };
    Connection::new(c).ok()
}

/// Decodes `stream` fed in the pieces `splits` gives; returns the frames
/// and the error that stopped decoding, if any.
fn decode_pieces(
    framing: Framing,
    max: Option<u64>,
    stream: &[u8],
    mut splits: Splits,
) -> (Vec<Frame>, Option<Error>) {
    let mut decoder = Decoder::new(framing, max);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut pos = 0;
    while pos < stream.len() {
        let end = pos.saturating_add(splits.next()).min(stream.len());
        buf.extend_from_slice(stream.get(pos..end).unwrap_or_default());
        pos = end;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    (frames, None)
}

/// Piece sizes from a seed: 1 to 64 octets, or everything at once.
struct Splits(Option<u32>);

impl Splits {
    fn new(seed: u8) -> Splits {
        Splits(Some(u32::from(seed) | 1))
    }

    fn whole() -> Splits {
        Splits(None)
    }

    fn next(&mut self) -> usize {
        match &mut self.0 {
            None => usize::MAX,
            Some(state) => {
                *state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                1 + ((*state >> 16) % 64) as usize
            }
        }
    }
}
