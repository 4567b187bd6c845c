//! Large frames over tcp and ipc: bodies of 32 KiB and more are read
//! straight into buffers of their own, reused once received messages are
//! dropped; every size around the thresholds, mixed with small frames and
//! multipart messages, in the clear and under CURVE, arrives intact.

use ferrozmq::{Context, CurveKeyPair, Message, Socket, SocketType};

use crate::common::*;

/// A body of `len` octets that differs from others of the same length by `seed`.
fn body(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i * 31 + seed * 7 + i / 4093) as u8)
        .collect()
}

/// Sizes around the direct-read threshold (32 KiB), the read chunk (64 KiB),
/// the largest reserved body (16 MiB) and beyond it.
const SIZES: [usize; 12] = [
    0,
    1,
    32 * 1024 - 1,
    32 * 1024,
    65_536 - 9,
    65_536,
    100_000,
    1 << 20,
    3,
    (1 << 20) + 7,
    16 << 20,
    (16 << 20) + 1,
];

/// Sends every size as single messages, then as one multipart message
/// (small and large frames in turn), then a train of large messages, and
/// checks each frame as it arrives on `pull`.
fn exchange(push: &mut Socket, pull: &mut Socket) {
    for (seed, &len) in SIZES.iter().enumerate() {
        push.send(body(len, seed)).unwrap();
        let got = pull.recv().unwrap();
        assert!(!got.more());
        assert_eq!(got.len(), len);
        assert!(got.data() == body(len, seed).as_slice(), "{len} octets");
    }
    let parts = [5usize, 40_000, 0, 1 << 20, 70_000, 12];
    for (i, &len) in parts.iter().enumerate() {
        let frame = Message::from(body(len, i));
        if i + 1 < parts.len() {
            push.send_more(frame).unwrap();
        } else {
            push.send(frame).unwrap();
        }
    }
    for (i, &len) in parts.iter().enumerate() {
        let got = pull.recv().unwrap();
        assert_eq!(got.more(), i + 1 < parts.len());
        assert!(got.data() == body(len, i).as_slice(), "frame {i}");
    }
    // More large messages than the pool keeps, some held while others
    // arrive (their buffers must not be reused under them).
    let sent: Vec<Vec<u8>> = (0..80).map(|i| body(33_000 + i * 1000, i)).collect();
    for b in &sent {
        push.send(b.clone()).unwrap();
    }
    let held: Vec<Message> = (0..sent.len()).map(|_| pull.recv().unwrap()).collect();
    for (got, want) in held.iter().zip(&sent) {
        assert!(got.data() == want.as_slice());
    }
}

#[test]
fn large_frames_arrive_intact() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.connect(&ep).unwrap();
        exchange(&mut push, &mut pull);
    }
}

#[test]
fn large_frames_arrive_intact_under_curve() {
    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let client_keys = CurveKeyPair::generate().unwrap();
    let mut pull = socket(&ctx, SocketType::Pull);
    // Unoptimised builds seal and open 16 MiB slowly.
    pull.set_rcvtimeo(Some(std::time::Duration::from_secs(120)))
        .unwrap();
    pull.set_curve_server(&server_keys).unwrap();
    let ep = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.set_curve_client(&client_keys, &server_keys.public)
        .unwrap();
    push.connect(&ep).unwrap();
    exchange(&mut push, &mut pull);
}
