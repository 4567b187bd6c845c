//! The durable spool (issue 14) over real sockets: messages kept until
//! written to a connection, sent again first by the next socket on the same
//! directory, the size limit, the socket types, and the crash test: a
//! sender process killed with SIGKILL mid-stream and restarted loses
//! nothing (at least once; duplicates are counted and reported).
//!
//! The crash test runs this test binary again as the sender (the
//! `crash_sender` test, which does nothing unless `SPOOL_CHILD_*` is set).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ferrozmq::{Context, ErrorKind, FsyncPolicy, Multipart, Socket, SocketType};

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ferrozmq-spool-test-{what}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn spooled(ctx: &Context, t: SocketType, dir: &Path) -> Socket {
    let mut s = ctx.socket(t).unwrap();
    s.set_sndtimeo(Some(Duration::from_secs(5))).unwrap();
    s.set_spool_fsync(FsyncPolicy::Never).unwrap();
    s.set_spool(Some(dir)).unwrap();
    s
}

fn receiver(ctx: &Context, t: SocketType) -> (Socket, String) {
    let mut r = ctx.socket(t).unwrap();
    r.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    r.bind("tcp://127.0.0.1:*").unwrap();
    let ep = r.last_endpoint().to_owned();
    (r, ep)
}

/// Waits until the spool has nothing left to write.
fn drained(s: &mut Socket) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.spool_pending() != Some(0) {
        assert!(
            Instant::now() < deadline,
            "spool still holds {:?}",
            s.spool_pending()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Message `i`: a tag frame and a 64-byte body starting with `i`.
fn numbered(i: u32) -> Vec<Vec<u8>> {
    let mut body = vec![0u8; 64];
    body[..4].copy_from_slice(&i.to_le_bytes());
    vec![b"n".to_vec(), body]
}

fn number(msg: &Multipart) -> u32 {
    assert_eq!(msg.len(), 2, "a whole two-frame message");
    u32::from_le_bytes(msg.get(1).unwrap().data()[..4].try_into().unwrap())
}

#[test]
fn unwritten_messages_are_sent_first_by_the_next_socket() {
    let dir = TempDir::new("replay");
    let ctx = Context::new();
    // Nothing listens yet: the messages wait in the pipe, and the socket
    // closes without lingering, so only the spool keeps them.
    let (probe, ep) = receiver(&ctx, SocketType::Pull);
    drop(probe);
    let mut push = spooled(&ctx, SocketType::Push, &dir.0);
    push.set_linger(Some(Duration::ZERO)).unwrap();
    push.connect(&ep).unwrap();
    for i in 0..100 {
        push.send_multipart(numbered(i)).unwrap();
    }
    assert_eq!(push.spool_pending(), Some(100));
    drop(push);

    let (mut pull, ep) = receiver(&ctx, SocketType::Pull);
    let mut push = spooled(&ctx, SocketType::Push, &dir.0);
    assert_eq!(push.spool_pending(), Some(100), "recovered, not sent yet");
    push.connect(&ep).unwrap();
    for i in 100..150 {
        push.send_multipart(numbered(i)).unwrap();
    }
    for i in 0..150 {
        assert_eq!(number(&pull.recv_multipart().unwrap()), i, "in order");
    }
    drained(&mut push);
    drop(push);

    // Everything was written: a third socket has nothing to resend.
    let mut push = spooled(&ctx, SocketType::Push, &dir.0);
    assert_eq!(push.spool_pending(), Some(0));
    push.connect(&ep).unwrap();
    push.send_multipart(numbered(150)).unwrap();
    assert_eq!(number(&pull.recv_multipart().unwrap()), 150);
    drained(&mut push);
}

#[test]
fn dealer_pair_and_pub_acknowledge_what_they_write() {
    let ctx = Context::new();
    for (t, peer) in [
        (SocketType::Dealer, SocketType::Router),
        (SocketType::Pair, SocketType::Pair),
    ] {
        let dir = TempDir::new("types");
        let (mut r, ep) = receiver(&ctx, peer);
        let mut s = spooled(&ctx, t, &dir.0);
        s.connect(&ep).unwrap();
        for i in 0..20 {
            s.send_multipart(numbered(i)).unwrap();
        }
        for i in 0..20 {
            let mut msg = r.recv_multipart().unwrap();
            if peer == SocketType::Router {
                msg.pop_front();
            }
            assert_eq!(number(&msg), i, "{t:?}");
        }
        drained(&mut s);
    }

    // PUB: a message no subscriber wants is dropped, as PUB drops it, so
    // it leaves the spool at once; one a subscriber takes waits for the write.
    let dir = TempDir::new("pub");
    let (mut sub, ep) = receiver(&ctx, SocketType::Sub);
    sub.subscribe(b"n").unwrap();
    let mut publisher = spooled(&ctx, SocketType::Pub, &dir.0);
    publisher.connect(&ep).unwrap();
    publisher.send(b"other".to_vec()).unwrap();
    assert_eq!(publisher.spool_pending(), Some(0));
    // Until the subscription arrives, messages are dropped (slow joiner).
    let mut i = 0;
    loop {
        publisher.send_multipart(numbered(i)).unwrap();
        i += 1;
        if !sub
            .poll(
                ferrozmq::PollEvents::READABLE,
                Some(Duration::from_millis(10)),
            )
            .unwrap()
            .is_empty()
        {
            break;
        }
        assert!(i < 500, "the subscription never arrived");
    }
    drained(&mut publisher);
}

#[test]
fn other_socket_types_and_conflate_are_refused() {
    let ctx = Context::new();
    let dir = TempDir::new("refused");
    for t in [
        SocketType::Router,
        SocketType::Req,
        SocketType::Pull,
        SocketType::Sub,
    ] {
        let mut s = ctx.socket(t).unwrap();
        assert_eq!(
            s.set_spool(Some(&dir.0)).unwrap_err(),
            ErrorKind::Invalid,
            "{t:?}"
        );
    }
    let mut s = ctx.socket(SocketType::Push).unwrap();
    s.set_conflate(true).unwrap();
    assert_eq!(s.set_spool(Some(&dir.0)).unwrap_err(), ErrorKind::Invalid);
    assert_eq!(s.spool(), None);
    let mut s = ctx.socket(SocketType::Push).unwrap();
    s.set_spool(Some(&dir.0)).unwrap();
    assert_eq!(s.spool(), Some(dir.0.clone()));
    // One writer per directory: a second socket is refused (EBUSY) until
    // the first lets go.
    let mut other = ctx.socket(SocketType::Push).unwrap();
    let busy = other.set_spool(Some(&dir.0)).unwrap_err();
    assert_eq!(busy.errno(), 16, "{busy}");
    assert_eq!(other.spool(), None);
    s.set_spool(None).unwrap();
    assert_eq!(s.spool_pending(), None);
    other.set_spool(Some(&dir.0)).unwrap();
    assert_eq!(other.spool_pending(), Some(0));
}

#[test]
fn a_full_spool_blocks_like_the_high_water_mark() {
    let dir = TempDir::new("full");
    let ctx = Context::new();
    let (probe, ep) = receiver(&ctx, SocketType::Pull);
    drop(probe);
    let mut push = spooled(&ctx, SocketType::Push, &dir.0);
    push.set_spool_size(Some(16 * 1024)).unwrap();
    push.set_sndtimeo(Some(Duration::from_millis(50))).unwrap();
    push.connect(&ep).unwrap();
    let body = vec![7u8; 200];
    let mut sent = 0u32;
    loop {
        match push.try_send_multipart([sent.to_le_bytes().to_vec(), body.clone()]) {
            Ok(()) => sent += 1,
            Err(e) if *e.error() == ErrorKind::Again => break,
            Err(e) => panic!("{e}"),
        }
        assert!(sent < 10_000, "the limit never hit");
    }
    assert!(sent > 10, "only {sent} fit");
    // A blocking send waits up to SNDTIMEO, then fails as at the HWM.
    let started = Instant::now();
    let blocked = push.send_multipart([sent.to_le_bytes().to_vec(), body.clone()]);
    assert_eq!(blocked.unwrap_err(), ErrorKind::Again);
    assert!(started.elapsed() >= Duration::from_millis(40));

    // Once a receiver drains the spool, the blocked sender goes on (it is
    // woken by the writes, not by a timer).
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    pull.bind(&ep).unwrap();
    push.set_sndtimeo(Some(Duration::from_secs(5))).unwrap();
    let receiving = std::thread::spawn(move || {
        for _ in 0..sent + 3 {
            pull.recv_multipart().unwrap();
        }
    });
    for _ in 0..3 {
        push.send_multipart([sent.to_le_bytes().to_vec(), body.clone()])
            .unwrap();
    }
    receiving.join().unwrap();
    drained(&mut push);
}

/// Messages the crash test sends, how many the receiver reads before it
/// pauses, and how far past that the first sender gets before it is killed
/// (while the receiver pauses, what it sends piles up unwritten in the
/// sender: in its pipe and in its I/O thread's write batch).
const CRASH_TOTAL: u32 = 50_000;
const PAUSE_AT: usize = 4_000;
const KILL_PAST: i64 = 3_000;

#[test]
fn a_killed_sender_loses_nothing_after_restart() {
    let dir = TempDir::new("crash");
    let ctx = Context::new();
    // Small kernel buffers at both ends: while the receiver pauses, the
    // sender's messages must pile up in the sender, not in the kernel.
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvbuf(Some(4096)).unwrap();
    pull.set_rcvhwm(100).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.last_endpoint().to_owned();
    let (paused_tx, paused_rx) = mpsc::channel::<()>();
    let (resume_tx, resume_rx) = mpsc::channel::<()>();
    let receiving = std::thread::spawn(move || {
        // Per message: how often it came from each sender run.
        let mut counts = vec![[0u32; 2]; CRASH_TOTAL as usize];
        let (mut received, mut distinct) = (0, 0);
        let mut timeout = Duration::from_secs(10);
        loop {
            if received == PAUSE_AT {
                paused_tx.send(()).unwrap();
                resume_rx.recv().unwrap();
            }
            if pull
                .poll(ferrozmq::PollEvents::READABLE, Some(timeout))
                .unwrap()
                .is_empty()
            {
                break;
            }
            let head = pull.recv().unwrap();
            let run: usize = head.property("X-Run").unwrap().parse().unwrap();
            let body = pull.recv_bytes().unwrap();
            let n = u32::from_le_bytes(body[..4].try_into().unwrap()) as usize;
            if counts[n] == [0, 0] {
                distinct += 1;
            }
            counts[n][run - 1] += 1;
            received += 1;
            if distinct == CRASH_TOTAL {
                // Only duplicates can still come: wait briefly for them.
                timeout = Duration::from_millis(200);
            }
        }
        counts
    });

    // The first sender, killed while the receiver pauses.
    let first = Sender::start(&ep, &dir.0, 1, 0);
    paused_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the receiver to get going");
    let target = PAUSE_AT as i64 + KILL_PAST;
    let deadline = Instant::now() + Duration::from_secs(10);
    while first.last_accepted() < target {
        assert!(
            Instant::now() < deadline,
            "the first sender stalled at {}",
            first.last_accepted()
        );
        std::thread::yield_now();
    }
    let resume = first.kill();
    assert!(
        resume < CRASH_TOTAL,
        "killed mid-stream (accepted up to {resume})"
    );
    resume_tx.send(()).unwrap();

    // The second: same spool, new messages from the first one `send`
    // did not accept; the spool's go out first.
    let second = Sender::start(&ep, &dir.0, 2, resume);
    let replayed = second.finish();
    let counts = receiving.join().unwrap();
    let missing: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] == [0, 0]).collect();
    let duplicates: u32 = counts.iter().map(|c| (c[0] + c[1]).saturating_sub(1)).sum();
    // Accepted by the first sender, never delivered by it: the spool's.
    let rescued = counts[..resume as usize]
        .iter()
        .filter(|c| c[0] == 0)
        .count();
    eprintln!(
        "crash test: first sender killed after accepting {resume} of {CRASH_TOTAL}; \
         {replayed} resent from the spool, {rescued} of them never delivered before; \
         {} missing, {duplicates} duplicates",
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "lost {} messages, first {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(
        rescued > 0,
        "the kill left nothing undelivered: the test proved nothing"
    );
}

/// A sender process: this test binary running `crash_sender`.
struct Sender {
    child: Child,
    /// The last message number its `send` accepted (-1: none yet).
    accepted: std::sync::Arc<std::sync::atomic::AtomicI64>,
    replayed: mpsc::Receiver<usize>,
    lines: std::thread::JoinHandle<()>,
}

impl Sender {
    /// Starts run `run` (1 or 2) sending from message `start` on.
    fn start(ep: &str, dir: &Path, run: u32, start: u32) -> Sender {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_sender", "--nocapture", "--test-threads=1"])
            .env("SPOOL_CHILD_ENDPOINT", ep)
            .env("SPOOL_CHILD_DIR", dir)
            .env("SPOOL_CHILD_RUN", run.to_string())
            .env("SPOOL_CHILD_START", start.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(-1));
        let (replayed_tx, replayed) = mpsc::channel();
        let last = accepted.clone();
        let lines = std::thread::spawn(move || {
            for line in out.lines().map_while(|l| l.ok()) {
                // libtest's "test crash_sender ... " may start the first line.
                if let Some((_, n)) = line.split_once("accepted ") {
                    last.store(n.parse().unwrap(), Ordering::SeqCst);
                } else if let Some((_, n)) = line.split_once("replay ") {
                    let _ = replayed_tx.send(n.parse().unwrap());
                }
            }
        });
        Sender {
            child,
            accepted,
            replayed,
            lines,
        }
    }

    fn last_accepted(&self) -> i64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// SIGKILLs it; returns the first message number its `send` did not
    /// accept (as far as it told).
    fn kill(mut self) -> u32 {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let last = self.accepted.clone();
        self.lines.join().unwrap();
        u32::try_from(last.load(Ordering::SeqCst) + 1).unwrap()
    }

    /// Waits for a clean exit; returns how many messages it resent.
    fn finish(mut self) -> usize {
        assert!(self.child.wait().unwrap().success(), "the sender failed");
        self.lines.join().unwrap();
        self.replayed
            .try_recv()
            .expect("the sender reports its replay")
    }
}

/// The sender process of the crash test (a no-op in a normal run): sends
/// CRASH_TOTAL numbered messages from SPOOL_CHILD_START on, printing each
/// one `send` accepted, then waits for the spool to drain.
#[test]
fn crash_sender() {
    let (Ok(ep), Ok(dir), Ok(start)) = (
        std::env::var("SPOOL_CHILD_ENDPOINT"),
        std::env::var("SPOOL_CHILD_DIR"),
        std::env::var("SPOOL_CHILD_START"),
    ) else {
        return;
    };
    let start: u32 = start.parse().unwrap();
    let run = std::env::var("SPOOL_CHILD_RUN").unwrap();
    let ctx = Context::new();
    let mut push = spooled(&ctx, SocketType::Push, Path::new(&dir));
    push.set_sndbuf(Some(4096)).unwrap();
    push.add_metadata(("X-Run", run.as_str())).unwrap();
    push.set_sndtimeo(None).unwrap();
    println!("replay {}", push.spool_pending().unwrap());
    push.connect(&ep).unwrap();
    for i in start..CRASH_TOTAL {
        push.send_multipart(numbered(i)).unwrap();
        println!("accepted {i}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while push.spool_pending() != Some(0) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(push.spool_pending(), Some(0));
}
