//! The read lease under heartbeats (ZMQ_HEARTBEAT_IVL, _TIMEOUT, and a
//! peer's TTL): the session keeps the timers while the application reads
//! the connection, so what the application reads must count as traffic,
//! the session's PINGs must go out on time, the peer's PINGs must be
//! answered, and a silent peer must still be dropped. As libzmq 4.3
//! (`stream_engine_base.cpp`): any message from the peer cancels the
//! heartbeat timeout and the TTL timer; a PING with a TTL starts the TTL
//! timer.

use std::io::ErrorKind as IoErrorKind;
use std::thread;
use std::time::{Duration, Instant};

use ferrozmq::{Context, ErrorKind, EventKind, Socket, SocketOption, SocketType};

use super::{data, frame, recv_frames, RawPeer};
use crate::common::{bind, socket, Handshakes};

/// A DEALER with `options` set, bound over tcp, with a raw peer connected
/// and greeted, and a monitor of its disconnections (`inproc://{name}`).
fn beating_dealer(
    ctx: &Context,
    options: &[(SocketOption, i32)],
    name: &str,
) -> (Socket, RawPeer, Socket) {
    let mut dealer = socket(ctx, SocketType::Dealer);
    for &(option, value) in options {
        dealer.set_option(option, value).unwrap();
    }
    let mut handshakes = Handshakes::watch(ctx, &mut dealer);
    let ep = bind(&mut dealer, "tcp");
    let peer = RawPeer::connect(&ep);
    handshakes.wait("tcp", 1);
    let endpoint = format!("inproc://{name}");
    dealer
        .monitor(Some(&endpoint), EventKind::Disconnected.code())
        .unwrap();
    let mut mon = ctx.socket(SocketType::Pair).unwrap();
    mon.connect(&endpoint).unwrap();
    (dealer, peer, mon)
}

/// A PING command with a TTL (deciseconds) and a context.
fn ping_ttl(ttl: u16, context: &[u8]) -> Vec<u8> {
    let mut body = vec![4];
    body.extend_from_slice(b"PING");
    body.extend_from_slice(&ttl.to_be_bytes());
    body.extend_from_slice(context);
    frame(4, &body)
}

/// Whether a disconnection was reported within `wait`.
fn disconnected_within(mon: &mut Socket, wait: Duration) -> bool {
    match mon.recv_timeout(wait) {
        Ok(event) => {
            let code = u16::from_ne_bytes([event.data()[0], event.data()[1]]);
            assert_eq!(code, EventKind::Disconnected.code());
            true
        }
        Err(e) => {
            assert_eq!(e, ErrorKind::Again);
            false
        }
    }
}

/// The commands the peer reads for `within` (or until the socket closes):
/// PINGs counted, PONG contexts listed, and whether it closed.
fn read_commands(peer: &mut RawPeer, within: Duration) -> (usize, Vec<Vec<u8>>, bool) {
    let deadline = Instant::now() + within;
    let (mut pings, mut pongs) = (0, Vec::new());
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (pings, pongs, false);
        }
        peer.0.set_read_timeout(Some(left)).unwrap();
        let mut head = [0u8; 2];
        match std::io::Read::read_exact(&mut peer.0, &mut head) {
            Ok(()) => {}
            Err(e) if matches!(e.kind(), IoErrorKind::WouldBlock | IoErrorKind::TimedOut) => {
                return (pings, pongs, false)
            }
            Err(_) => return (pings, pongs, true),
        }
        assert_eq!(
            head[0], 4,
            "only commands come from a DEALER nobody sends on"
        );
        let mut body = vec![0u8; usize::from(head[1])];
        peer.0
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        if std::io::Read::read_exact(&mut peer.0, &mut body).is_err() {
            return (pings, pongs, true);
        }
        if body.starts_with(b"\x04PING") {
            pings += 1;
        } else if let Some(context) = body.strip_prefix(b"\x04PONG") {
            pongs.push(context.to_vec());
        }
    }
}

/// A peer that streams messages and never answers a PING, read by a
/// blocking receive (so under the lease), stays connected for many
/// heartbeat timeouts: what the application reads is traffic. Meanwhile
/// the session sends its PINGs on time, and answers the peer's PING (with
/// its context), which the lease hands back to it.
#[test]
fn lease_reads_count_as_heartbeat_traffic() {
    let ctx = Context::new();
    let options = [
        (SocketOption::HeartbeatIvl, 20),
        (SocketOption::HeartbeatTimeout, 150),
    ];
    let (mut dealer, peer, mut mon) = beating_dealer(&ctx, &options, "beat-stream");
    // About 800 ms of messages, one every 4 ms (five heartbeat timeouts),
    // one PING of the peer's in the middle: the only bytes the session
    // reads itself, and far apart.
    let count = 200u32;
    let writer = thread::spawn(move || {
        let mut peer = peer;
        let start = Instant::now();
        for n in 0..count {
            if n == count / 2 {
                peer.send_raw(&ping_ttl(0, b"mid"));
            }
            peer.send_raw(&data(&n.to_be_bytes(), false));
            thread::sleep(Duration::from_millis(4));
        }
        (peer, start.elapsed())
    });
    for n in 0..count {
        assert_eq!(recv_frames(&mut dealer), vec![n.to_be_bytes().to_vec()]);
    }
    let (mut peer, streamed) = writer.join().unwrap();
    assert!(
        !disconnected_within(&mut mon, Duration::ZERO),
        "dropped while the peer streamed"
    );
    // What the socket sent meanwhile (the peer is silent from now on, and
    // will be dropped: only what is queued matters).
    let (pings, pongs, _) = read_commands(&mut peer, Duration::from_millis(30));
    assert_eq!(pongs, vec![b"mid".to_vec()], "the peer's PING answered");
    // One PING every 20 ms: at least a quarter of them, however loaded
    // the machine.
    let due = (streamed.as_millis() / 20) as usize;
    assert!(pings >= due / 4, "{pings} PINGs in {streamed:?}");
}

/// A peer that goes silent while the application is blocked in a receive
/// under the lease is still dropped after the heartbeat timeout: the
/// session sends its PINGs and judges the deadline while the application
/// holds the reads.
#[test]
fn silent_peer_times_out_while_the_application_reads_under_the_lease() {
    let ctx = Context::new();
    let options = [
        (SocketOption::HeartbeatIvl, 20),
        (SocketOption::HeartbeatTimeout, 100),
    ];
    let (mut dealer, mut peer, mut mon) = beating_dealer(&ctx, &options, "beat-silent");
    // A first message read under the lease, which the receive keeps; the
    // next receive blocks under it while the peer says nothing more.
    peer.send_raw(&data(b"one", false));
    assert_eq!(recv_frames(&mut dealer), vec![b"one".to_vec()]);
    let silent = Instant::now();
    let reader = thread::spawn(move || {
        let (pings, _, closed) = read_commands(&mut peer, Duration::from_secs(3));
        (pings, closed, silent.elapsed())
    });
    assert_eq!(
        dealer
            .recv_timeout(Duration::from_millis(1500))
            .unwrap_err(),
        ErrorKind::Again
    );
    let (pings, closed, after) = reader.join().unwrap();
    assert!(closed, "never dropped");
    assert!(pings >= 1, "no PING before the drop");
    assert!(
        after >= Duration::from_millis(80) && after < Duration::from_millis(1500),
        "dropped after {after:?}"
    );
    assert!(disconnected_within(&mut mon, Duration::from_secs(1)));
}

/// A peer's PING with a TTL (the socket itself sets no heartbeats): the
/// messages that follow, read under the lease, cancel the TTL as libzmq's
/// do, for a stream much longer than the TTL; a PING with a TTL followed
/// by silence drops the peer once the TTL has passed.
#[test]
fn peer_ttl_counts_lease_reads_and_still_drops_a_silent_peer() {
    let ctx = Context::new();
    let (mut dealer, peer, mut mon) = beating_dealer(&ctx, &[], "beat-ttl");
    // TTL 200 ms, then about 800 ms of messages, one every 4 ms.
    let count = 200u32;
    let writer = thread::spawn(move || {
        let mut peer = peer;
        peer.send_raw(&ping_ttl(2, b"first"));
        for n in 0..count {
            peer.send_raw(&data(&n.to_be_bytes(), false));
            thread::sleep(Duration::from_millis(4));
        }
        peer
    });
    for n in 0..count {
        assert_eq!(recv_frames(&mut dealer), vec![n.to_be_bytes().to_vec()]);
    }
    let mut peer = writer.join().unwrap();
    assert!(
        !disconnected_within(&mut mon, Duration::ZERO),
        "dropped while the peer streamed"
    );
    // The last word, then silence: dropped within about the TTL.
    peer.send_raw(&ping_ttl(2, b"last"));
    let silent = Instant::now();
    let (_, pongs, closed) = read_commands(&mut peer, Duration::from_secs(3));
    let after = silent.elapsed();
    assert_eq!(pongs, vec![b"first".to_vec(), b"last".to_vec()]);
    assert!(closed, "never dropped");
    assert!(
        after >= Duration::from_millis(150) && after < Duration::from_millis(1500),
        "dropped after {after:?}"
    );
    assert!(disconnected_within(&mut mon, Duration::from_secs(1)));
}
