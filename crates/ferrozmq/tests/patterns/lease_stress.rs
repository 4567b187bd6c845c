//! A byte-checked randomized stress of the read lease (engine
//! `lent_read.rs`, `direct.rs`): random sizes from 0 to 100 kB (most small
//! enough for the lease, some not), multipart messages, random pacing
//! (some pauses long enough for the session to take a kept lease back),
//! and receivers that switch between blocking receives (which take and
//! keep the lease), receives with a short timeout, and `poll` plus
//! non-blocking receives (which hand it back). REQ/REP, DEALER/ROUTER and
//! PUSH/PULL over tcp and ipc. Every frame of every message is checked.
//!
//! `LEASE_STRESS_SEED` picks another run (the seed is printed on failure);
//! `LEASE_STRESS_MSGS` the messages per case.

use std::thread;
use std::time::Duration;

use ferrozmq::{Context, ErrorKind, Message, PollEvents, Socket, SocketType};

use crate::common::{bind, socket};

/// xorshift64*: the same sequence on both sides from the same seed.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("LEASE_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED)
}

fn messages() -> u64 {
    std::env::var("LEASE_STRESS_MSGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600)
}

/// A frame size: mostly small (the lease's), some around its 8 KiB
/// limit, a few large.
fn size(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=69 => rng.below(300) as usize,
        70..=89 => 7_000 + rng.below(2_500) as usize,
        _ => rng.below(100_001) as usize,
    }
}

/// The frames of message `seq` (its sizes drawn from `rng`), each byte a
/// function of the message, the frame and its place.
fn message(rng: &mut Rng, seq: u64) -> Vec<Vec<u8>> {
    let frames = 1 + rng.below(4);
    (0..frames)
        .map(|f| {
            let len = size(rng);
            (0..len)
                .map(|i| (seq.wrapping_mul(131) ^ f.wrapping_mul(29) ^ i as u64) as u8)
                .collect()
        })
        .collect()
}

/// A pause between messages: none, a short one, or (rarely) one long
/// enough for a kept lease to go back to the session.
fn pace(rng: &mut Rng) {
    match rng.below(100) {
        0..=79 => {}
        80..=97 => thread::sleep(Duration::from_micros(rng.below(300))),
        _ => thread::sleep(Duration::from_millis(3 + rng.below(4))),
    }
}

fn send_frames(s: &mut Socket, frames: Vec<Vec<u8>>) {
    s.send_multipart(frames).unwrap();
}

/// Receives one whole message, waiting the way `rng` picks.
fn recv_frames(s: &mut Socket, rng: &mut Rng) -> Vec<Vec<u8>> {
    let first = match rng.below(10) {
        // Blocking: takes (or resumes) the lease.
        0..=5 => s.recv().unwrap(),
        // A short timeout, again and again: leaves the lease kept.
        6..=7 => loop {
            match s.recv_timeout(Duration::from_micros(200 + rng.below(2_000))) {
                Ok(m) => break m,
                Err(e) => assert_eq!(e, ErrorKind::Again),
            }
        },
        // poll + non-blocking: hands it back.
        _ => loop {
            match s.try_recv() {
                Ok(m) => break m,
                Err(e) => assert_eq!(e, ErrorKind::Again),
            }
            s.poll(PollEvents::READABLE, Some(Duration::from_secs(5)))
                .unwrap();
        },
    };
    let mut frames = vec![first.data().to_vec()];
    let mut more = first.more();
    while more {
        let m: Message = s.recv().unwrap();
        more = m.more();
        frames.push(m.data().to_vec());
    }
    frames
}

fn check(got: &[Vec<u8>], want: &[Vec<u8>], what: &str, seq: u64) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: frames of message {seq} (seed {})",
        seed()
    );
    for (f, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g == w,
            "{what}: message {seq} frame {f} differs: {} bytes, {} expected (seed {})",
            g.len(),
            w.len(),
            seed()
        );
    }
}

/// The two ends of a case, connected over `transport`.
fn pair(
    ctx: &Context,
    server: SocketType,
    client: SocketType,
    transport: &str,
) -> (Socket, Socket) {
    let mut s = socket(ctx, server);
    let mut c = socket(ctx, client);
    for sock in [&mut s, &mut c] {
        sock.set_rcvtimeo(Some(Duration::from_secs(10))).unwrap();
        sock.set_sndtimeo(Some(Duration::from_secs(10))).unwrap();
    }
    let ep = bind(&mut s, transport);
    c.connect(&ep).unwrap();
    (s, c)
}

/// REQ/REP (or DEALER/ROUTER with `routed`): the client sends random
/// requests, the server checks and echoes them, the client checks the echo.
fn round_trips(transport: &str, routed: bool) {
    let ctx = Context::new();
    let (server_type, client_type) = if routed {
        (SocketType::Router, SocketType::Dealer)
    } else {
        (SocketType::Rep, SocketType::Req)
    };
    let (mut server, mut client) = pair(&ctx, server_type, client_type, transport);
    let n = messages();
    let what = format!("{client_type:?}/{server_type:?} over {transport}");
    let server_what = what.clone();
    let echo = thread::spawn(move || {
        let mut sizes = Rng::new(seed());
        let mut ways = Rng::new(seed() ^ 1);
        for seq in 0..n {
            let mut got = recv_frames(&mut server, &mut ways);
            let id = routed.then(|| got.remove(0));
            check(&got, &message(&mut sizes, seq), &server_what, seq);
            pace(&mut ways);
            if let Some(id) = id {
                got.insert(0, id);
            }
            send_frames(&mut server, got);
        }
    });
    let mut sizes = Rng::new(seed());
    let mut ways = Rng::new(seed() ^ 2);
    for seq in 0..n {
        let msg = message(&mut sizes, seq);
        send_frames(&mut client, msg.clone());
        let got = recv_frames(&mut client, &mut ways);
        check(&got, &msg, &what, seq);
        pace(&mut ways);
    }
    echo.join().unwrap();
}

/// PUSH/PULL: random messages at a random pace, checked in order.
fn stream(transport: &str) {
    let ctx = Context::new();
    let (mut pull, mut push) = pair(&ctx, SocketType::Pull, SocketType::Push, transport);
    let n = messages() * 2;
    let sender = thread::spawn(move || {
        let mut sizes = Rng::new(seed());
        let mut ways = Rng::new(seed() ^ 3);
        for seq in 0..n {
            send_frames(&mut push, message(&mut sizes, seq));
            if ways.below(4) == 0 {
                pace(&mut ways);
            }
        }
        push
    });
    let mut sizes = Rng::new(seed());
    let mut ways = Rng::new(seed() ^ 4);
    let what = format!("PUSH/PULL over {transport}");
    for seq in 0..n {
        let got = recv_frames(&mut pull, &mut ways);
        check(&got, &message(&mut sizes, seq), &what, seq);
        if ways.below(8) == 0 {
            pace(&mut ways);
        }
    }
    drop(sender.join().unwrap());
}

#[test]
fn lease_stress_req_rep_tcp() {
    round_trips("tcp", false);
}

#[test]
fn lease_stress_req_rep_ipc() {
    round_trips("ipc", false);
}

#[test]
fn lease_stress_dealer_router_tcp() {
    round_trips("tcp", true);
}

#[test]
fn lease_stress_dealer_router_ipc() {
    round_trips("ipc", true);
}

#[test]
fn lease_stress_push_pull_tcp() {
    stream("tcp");
}

#[test]
fn lease_stress_push_pull_ipc() {
    stream("ipc");
}
