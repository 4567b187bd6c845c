//! Property tests: encode → decode round trips for frames (every framing, any
//! size and flags, any split of the input), commands, metadata and greetings.

// Test code: a panic is a failed test. (clippy's in-tests exemptions do
// not reach helpers outside #[test] functions.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::command::{Command, Hello, Ping, Pong};
use ferrozmq_zmtp::frame::{encode_frame, Decoder, Frame, Framing, TransmitQueue};
use ferrozmq_zmtp::greeting::{Greeting, MechanismName};
use ferrozmq_zmtp::Metadata;
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![Just(Framing::V1), Just(Framing::V2), Just(Framing::V3)]
}

/// Body sizes that cross every boundary: the short/long size at 255 (V2/V3)
/// and 254 (V1, whose size counts the flags octet), and the copy limit.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => vec(any::<u8>(), 0..300),
        1 => vec(any::<u8>(), 2040..2060),
        1 => vec(any::<u8>(), 60_000..70_000),
    ]
}

fn frame(framing: Framing) -> impl Strategy<Value = Frame> {
    (body(), any::<bool>(), any::<bool>()).prop_map(move |(body, more, command)| {
        // Commands exist only in ZMTP 3.x and never carry MORE.
        if command && framing == Framing::V3 {
            Frame::command(body)
        } else {
            Frame::data(body, more)
        }
    })
}

fn framed() -> impl Strategy<Value = (Framing, Vec<Frame>, Vec<usize>)> {
    framing().prop_flat_map(|f| (Just(f), vec(frame(f), 0..8), vec(1usize..4096, 0..64)))
}

/// Metadata with distinct (case-insensitive) names, in insertion order.
fn metadata() -> impl Strategy<Value = Metadata> {
    let name = "[A-Za-z][A-Za-z0-9._+-]{0,40}|[a-z]{255}";
    btree_set(name, 0..6).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), vec(vec(any::<u8>(), 0..100), n)).prop_map(|(names, values)| {
            let mut m = Metadata::new();
            for (name, value) in names.into_iter().zip(values) {
                if m.get(&name).is_none() {
                    m.insert(&name, value).unwrap();
                }
            }
            m
        })
    })
}

fn short_bytes() -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..=255).prop_map(Bytes::from)
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        metadata().prop_map(Command::Ready),
        metadata().prop_map(Command::Initiate),
        "\\PC{0,60}".prop_map(Command::Error),
        short_bytes().prop_map(Command::Subscribe),
        short_bytes().prop_map(Command::Cancel),
        (any::<u16>(), vec(any::<u8>(), 0..=16)).prop_map(|(ttl, ctx)| Command::Ping(Ping {
            ttl_deciseconds: ttl,
            context: ctx.into()
        })),
        vec(any::<u8>(), 0..=16).prop_map(|ctx| Command::Pong(Pong {
            context: ctx.into()
        })),
        (short_bytes(), short_bytes())
            .prop_map(|(username, password)| Command::Hello(Hello { username, password })),
        Just(Command::Welcome),
        // Lower-case names never collide with the commands we parse.
        ("[a-z]{1,255}", vec(any::<u8>(), 0..100)).prop_map(|(name, data)| Command::Unknown {
            name: Bytes::from(name),
            data: data.into()
        }),
    ]
}

fn decode_in_pieces(
    framing: Framing,
    bytes: &[u8],
    cuts: &[usize],
) -> Result<Vec<Frame>, ferrozmq_zmtp::Error> {
    let mut decoder = Decoder::new(framing, None);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut sizes = cuts.iter().copied().cycle();
    while pos < bytes.len() {
        let step = sizes.next().unwrap_or(bytes.len());
        let end = (pos + step).min(bytes.len());
        buf.extend_from_slice(&bytes[pos..end]);
        pos = end;
        while let Some(frame) = decoder.decode(&mut buf)? {
            out.push(frame);
        }
    }
    assert!(buf.is_empty(), "{} octets left over", buf.len());
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn frames_round_trip((framing, frames, cuts) in framed()) {
        let mut queue = TransmitQueue::new();
        for f in &frames {
            encode_frame(framing, f.more, f.command, f.body.clone(), &mut queue);
        }
        let bytes = queue.to_vec();
        prop_assert_eq!(bytes.len(), queue.len());
        let decoded = decode_in_pieces(framing, &bytes, &cuts).unwrap();
        prop_assert_eq!(&decoded, &frames);
        // And once more, one octet at a time.
        let one_by_one = decode_in_pieces(framing, &bytes, &[1]).unwrap();
        prop_assert_eq!(one_by_one, frames);
    }

    #[test]
    fn decoding_arbitrary_bytes_agrees_across_splits(
        framing in framing(),
        bytes in vec(any::<u8>(), 0..600),
        cuts in vec(1usize..50, 1..20),
    ) {
        // Whatever the input, splitting it must not change the outcome.
        let whole = decode_in_pieces_lenient(framing, &bytes, &[bytes.len().max(1)]);
        let split = decode_in_pieces_lenient(framing, &bytes, &cuts);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn commands_round_trip(cmd in command()) {
        let body = cmd.encode();
        prop_assert_eq!(Command::decode(&body).unwrap(), cmd.clone());
        // The body starts with the length-prefixed name.
        prop_assert_eq!(usize::from(body[0]), cmd.name().len());
        prop_assert_eq!(&body[1..1 + cmd.name().len()], cmd.name());
    }

    #[test]
    fn metadata_round_trips(m in metadata()) {
        let mut out = BytesMut::new();
        m.encode(&mut out);
        prop_assert_eq!(out.len(), m.encoded_len());
        let bytes = out.freeze();
        let back = Metadata::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &m);
        let mut again = BytesMut::new();
        back.encode(&mut again);
        prop_assert_eq!(&again[..], &bytes[..]);
    }

    #[test]
    fn truncated_metadata_never_decodes_to_more(m in metadata(), cut in any::<prop::sample::Index>()) {
        let mut out = BytesMut::new();
        m.encode(&mut out);
        if !out.is_empty() {
            let at = cut.index(out.len());
            // A strict prefix either fails or holds fewer properties.
            if let Ok(partial) = Metadata::decode(&out.freeze().slice(..at)) {
                prop_assert!(partial.len() < m.len());
            }
        }
    }

    #[test]
    fn greetings_round_trip(
        major in 3u8..=255,
        minor in any::<u8>(),
        mech in prop_oneof![Just(MechanismName::NULL), Just(MechanismName::PLAIN), Just(MechanismName::CURVE)],
        as_server in any::<bool>(),
        identity_len in 0usize..=255,
    ) {
        let g = Greeting { major, minor, mechanism: mech, as_server };
        let bytes = g.encode(identity_len);
        prop_assert_eq!(Greeting::decode(&bytes).unwrap(), g);
        prop_assert_eq!(u64::from_be_bytes(bytes[1..9].try_into().unwrap()), identity_len as u64 + 1);
    }
}

/// Decodes until the input ends or an error; returns frames and the error.
fn decode_in_pieces_lenient(
    framing: Framing,
    bytes: &[u8],
    cuts: &[usize],
) -> (Vec<Frame>, Option<ferrozmq_zmtp::Error>) {
    let mut decoder = Decoder::new(framing, Some(1000));
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut sizes = cuts.iter().copied().cycle();
    while pos < bytes.len() {
        let end = (pos + sizes.next().unwrap_or(1)).min(bytes.len());
        buf.extend_from_slice(&bytes[pos..end]);
        pos = end;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(frame)) => out.push(frame),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}
