//! A peer's bytes cut anywhere: a raw ZMTP 3.1 client writes a long,
//! seeded-random stream of messages to a PULL socket in chunks of random
//! sizes, and every message must arrive whole and in order.
//!
//! The stream mixes what the receive path treats differently: small frames
//! (which the session and the read lease parse themselves, copying bodies
//! into pooled blocks), frames just above and far above that size (the
//! decoder's), small frames in the long header form, empty frames,
//! multipart messages of each, and PING commands between messages. The
//! chunks split headers, bodies and messages at every kind of place, and
//! the receiver now waits in `recv` (so the read lease reads) and now lags
//! behind (so the I/O thread reads and queues), so that both readers meet
//! every cut.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use ferrozmq::{Context, Socket, SocketOption, SocketType};

/// A small deterministic generator (xorshift64*), so that a failure can be
/// replayed from the seed it prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A NULL greeting: signature, ZMTP 3.1, mechanism NULL, not a server.
fn greeting() -> Vec<u8> {
    let mut g = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 1];
    g.extend_from_slice(b"NULL");
    g.resize(64, 0);
    g
}

/// The READY command of a PUSH socket.
fn ready() -> Vec<u8> {
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&4u32.to_be_bytes());
    body.extend_from_slice(b"PUSH");
    let mut frame = vec![0x04, body.len() as u8];
    frame.extend_from_slice(&body);
    frame
}

/// One frame on the wire: the short header form when it fits, unless
/// `long` asks for the long form (which any size may use).
fn encode_frame(out: &mut Vec<u8>, flags: u8, body: &[u8], long: bool) {
    if long || body.len() > 255 {
        out.push(flags | 0x02);
        out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    } else {
        out.push(flags);
        out.push(body.len() as u8);
    }
    out.extend_from_slice(body);
}

/// A body size: mostly small (the shortcut's), some at its edge, some the
/// decoder's.
fn body_size(rng: &mut Rng) -> usize {
    match rng.below(20) {
        0 => 0,
        1..=11 => rng.below(65) as usize,
        12..=14 => 63 + rng.below(4) as usize,
        15..=17 => 66 + rng.below(400) as usize,
        18 => 255 + rng.below(3) as usize,
        _ => 1_000 + rng.below(9_000) as usize,
    }
}

/// The random stream: the bytes to write and the messages they hold. It
/// comes in runs of 20 to 500 messages, each run either of small frames in
/// the short form only (what the shortcuts take: the decoder, once it has
/// a frame, keeps the connection until a read ends where a frame does) or
/// of everything.
fn stream(rng: &mut Rng, messages: usize) -> (Vec<u8>, Vec<Vec<Vec<u8>>>) {
    let mut wire = Vec::new();
    let mut sent = Vec::with_capacity(messages);
    let mut run_left = 0;
    let mut small_only = false;
    for n in 0..messages {
        if run_left == 0 {
            run_left = 20 + rng.below(480);
            small_only = rng.below(2) == 0;
        }
        run_left -= 1;
        if !small_only && rng.below(50) == 0 {
            // PING with a TTL of 0 and a short context: the server answers
            // PONG, which the client never reads (the socket buffer holds
            // them all).
            encode_frame(&mut wire, 0x04, b"\x04PING\x00\x00ctx", false);
        }
        let frames = match rng.below(10) {
            0..=6 => 1,
            7 | 8 => 2 + rng.below(3) as usize,
            _ => 5 + rng.below(20) as usize,
        };
        let mut message = Vec::with_capacity(frames);
        for f in 0..frames {
            let size = if small_only {
                rng.below(65) as usize
            } else {
                body_size(rng)
            };
            let mut body = Vec::with_capacity(size);
            // The message number and frame index first, then a pattern.
            let tag = format!("{n}.{f}:");
            let pattern = (0..).map(|i: u32| (i * 31 + n as u32) as u8);
            body.extend(tag.bytes().chain(pattern).take(size));
            let more = if f + 1 < frames { 0x01 } else { 0x00 };
            let long = !small_only && rng.below(8) == 0;
            encode_frame(&mut wire, more, &body, long);
            message.push(body);
        }
        sent.push(message);
    }
    (wire, sent)
}

/// Writes the stream in chunks of random sizes (1 octet to 3 KiB), now and
/// then pausing so that the receiver's reads end at the cut.
fn write_in_chunks(peer: &mut impl Write, wire: &[u8], rng: &mut Rng) {
    let mut at = 0;
    while at < wire.len() {
        let len = match rng.below(4) {
            0 => 1 + rng.below(8),
            1 => 1 + rng.below(100),
            _ => 1 + rng.below(3_000),
        } as usize;
        let end = (at + len).min(wire.len());
        peer.write_all(&wire[at..end]).unwrap();
        at = end;
        if rng.below(40) == 0 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// A raw connection to the socket on either transport.
trait Peer: Read + Write + Send + 'static {}
impl Peer for TcpStream {}
impl Peer for UnixStream {}

fn connect(endpoint: &str) -> Box<dyn Peer> {
    match endpoint.split_once("://").unwrap() {
        ("tcp", addr) => {
            let tcp = TcpStream::connect(addr).unwrap();
            tcp.set_nodelay(true).unwrap();
            Box::new(tcp)
        }
        (_, path) => Box::new(UnixStream::connect(path).unwrap()),
    }
}

/// A directory of this process's for ipc endpoints.
fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ferrozmq-splits-{}", std::process::id()))
}

/// A PULL socket bound on `transport` (ipc: in `dir`) with no receive
/// high-water mark and the `options` given, and a raw PUSH peer connected
/// to it, past the handshake.
fn pull_and_raw_peer(
    ctx: &Context,
    transport: &str,
    dir: &std::path::Path,
    options: &[(SocketOption, i32)],
) -> (Socket, Box<dyn Peer>) {
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_option(SocketOption::RcvHwm, 0).unwrap();
    pull.set_option(SocketOption::RcvTimeo, 20_000).unwrap();
    for &(option, value) in options {
        pull.set_option(option, value).unwrap();
    }
    match transport {
        "tcp" => pull.bind("tcp://127.0.0.1:*").unwrap(),
        _ => {
            std::fs::create_dir_all(dir).unwrap();
            pull.bind(&format!("ipc://{}/pull", dir.display())).unwrap();
        }
    }
    let mut peer = connect(pull.last_endpoint());
    peer.write_all(&greeting()).unwrap();
    peer.write_all(&ready()).unwrap();
    let mut theirs = [0u8; 64];
    peer.read_exact(&mut theirs).unwrap();
    assert_eq!(theirs[0], 0xFF, "a ZMTP greeting");
    (pull, peer)
}

fn run(transport: &str, seed: u64, messages: usize) {
    eprintln!("{transport}: seed {seed:#x}, {messages} messages");
    let mut rng = Rng(seed);
    let (wire, sent) = stream(&mut rng, messages);

    let ctx = Context::new();
    let dir = scratch_dir();
    let (mut pull, mut peer) = pull_and_raw_peer(&ctx, transport, &dir, &[]);

    let mut chunks = Rng(seed ^ 0x5EED);
    let writer = std::thread::spawn(move || {
        write_in_chunks(&mut peer, &wire, &mut chunks);
        peer
    });

    let mut lag = Rng(seed ^ 0x1A6);
    for (n, expected) in sent.iter().enumerate() {
        if lag.below(200) == 0 {
            // Fall behind: the I/O thread reads and queues meanwhile.
            std::thread::sleep(Duration::from_millis(2));
        }
        let got = pull
            .recv_multipart()
            .unwrap_or_else(|e| panic!("message {n} of seed {seed:#x}: {e}"));
        let got: Vec<&[u8]> = got.iter().map(|f| &f[..]).collect();
        assert_eq!(
            got.len(),
            expected.len(),
            "frames of message {n}, seed {seed:#x}"
        );
        for (f, (got, expected)) in got.iter().zip(expected).enumerate() {
            assert!(
                got == expected,
                "message {n} frame {f} (seed {seed:#x}): {} octets {:?}..., expected {} octets {:?}...",
                got.len(),
                &got[..got.len().min(12)],
                expected.len(),
                &expected[..expected.len().min(12)],
            );
        }
    }
    let _peer = writer.join().unwrap();
    assert!(
        pull.try_recv().is_err(),
        "nothing more than was sent (seed {seed:#x})"
    );
    drop(pull);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn messages_cut_anywhere_arrive_whole_and_in_order() {
    // A fixed seed each run, and one that changes (printed, to replay).
    for transport in ["tcp", "ipc"] {
        run(transport, 0x0123_4567_89AB_CDEF, 20_000);
    }
    let varying = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    run("tcp", varying, 20_000);
    run("ipc", varying ^ 0xFF, 20_000);
}

/// With heartbeats on, a peer that sends messages without pause and never
/// answers a PING is alive: libzmq counts any data received as traffic,
/// and so must every reader here (the small-frame shortcut included).
#[test]
fn heartbeats_count_every_message_as_traffic() {
    let ctx = Context::new();
    let dir = scratch_dir();
    let options = [
        (SocketOption::HeartbeatIvl, 20),
        (SocketOption::HeartbeatTimeout, 150),
    ];
    let (mut pull, mut peer) = pull_and_raw_peer(&ctx, "tcp", &dir, &options);
    // About a second of small messages, a few every 2 ms: many heartbeat
    // timeouts long, never a pause of one.
    let batches = 500;
    let writer = std::thread::spawn(move || {
        let mut wire = Vec::new();
        for n in 0..batches {
            wire.clear();
            for i in 0..8u32 {
                let body = (n * 8 + i).to_be_bytes();
                encode_frame(&mut wire, 0x00, &body, false);
            }
            peer.write_all(&wire).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
        peer
    });
    for expected in 0..batches * 8 {
        let got = pull
            .recv()
            .unwrap_or_else(|e| panic!("message {expected}: {e}"));
        assert_eq!(&got[..], &expected.to_be_bytes()[..]);
    }
    let _peer = writer.join().unwrap();
}
