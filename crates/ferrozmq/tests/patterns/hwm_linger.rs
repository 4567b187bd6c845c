use std::time::{Duration, Instant};

use ferrozmq::{Context, ErrorKind, SocketType};

use crate::common::*;

#[test]
fn push_blocks_at_hwm_then_resumes() {
    // inproc: the queue holds SNDHWM + RCVHWM messages, as in libzmq.
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.set_rcvhwm(10).unwrap();
    let ep = bind(&mut pull, "inproc");
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(10).unwrap();
    push.connect(&ep).unwrap();
    let mut sent = 0;
    while push.try_send("m").is_ok() {
        sent += 1;
        assert!(sent <= 1000, "HWM not enforced");
    }
    assert_eq!(sent, 20);
    push.set_sndtimeo(Some(Duration::from_millis(100))).unwrap();
    let t = Instant::now();
    assert_eq!(push.send("m").unwrap_err(), ErrorKind::Again);
    assert!(t.elapsed() >= Duration::from_millis(90));
    for _ in 0..20 {
        pull.recv().unwrap();
    }
    push.send("after").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "after");
}

#[test]
fn tcp_hwm_bounds_the_queue() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.set_rcvhwm(5).unwrap();
    let ep = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(5).unwrap();
    let mut handshakes = Handshakes::watch(&ctx, &mut push);
    push.connect(&ep).unwrap();
    handshakes.wait("tcp", 1);
    let body = vec![7u8; 64 * 1024];
    let mut sent = 0;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match push.try_send(body.clone()) {
            Ok(()) => sent += 1,
            Err(e) if *e.error() == ErrorKind::Again => break,
            Err(e) => panic!("{e}"),
        }
    }
    // HWMs plus what the kernel buffers; far below "unbounded".
    assert!(sent < 2000, "sent {sent} without blocking");
    for i in 0..sent {
        let m = pull
            .recv()
            .unwrap_or_else(|e| panic!("after {i} of {sent}: {e}"));
        assert_eq!(m.len(), body.len());
    }
}

#[test]
fn close_with_linger_delivers_everything() {
    for transport in ["tcp", "ipc", "inproc"] {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.set_sndhwm(0).unwrap();
        push.set_linger(Some(Duration::from_millis(5000))).unwrap();
        push.connect(&ep).unwrap();
        for i in 0..20_000u32 {
            push.send(i.to_be_bytes().to_vec()).unwrap();
        }
        push.close();
        for i in 0..20_000u32 {
            let m = pull
                .recv()
                .unwrap_or_else(|e| panic!("{transport}: lost at {i}: {e}"));
            assert_eq!(m.data(), i.to_be_bytes());
        }
    }
}

#[test]
fn linger_zero_drops_and_term_returns() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_linger(Some(Duration::ZERO)).unwrap();
    push.connect("tcp://127.0.0.1:1").unwrap();
    push.send("never delivered").unwrap();
    push.close();
    let t = Instant::now();
    ctx.term().unwrap();
    assert!(t.elapsed() < Duration::from_secs(2));
}

/// ZMQ_LINGER counts as it stands at close, not as it was at connect
/// (libzmq hands the socket's current linger to every session it closes).
#[test]
fn linger_set_after_connect_applies_at_close() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_linger(None).unwrap();
    push.connect("tcp://127.0.0.1:1").unwrap();
    push.send("never delivered").unwrap();
    push.set_linger(Some(Duration::ZERO)).unwrap();
    push.close();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(ctx.term()));
    let term = finished.recv_timeout(Duration::from_secs(5));
    assert!(
        term.is_ok(),
        "zmq_ctx_term waited as if LINGER were still -1"
    );
}

/// A sender blocked at the HWM with no timeout is woken when the receiver
/// drains the queue (no lost wake-ups), over every transport.
#[test]
fn blocked_sender_is_woken_by_the_reader() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        pull.set_rcvhwm(4).unwrap();
        let ep = bind(&mut pull, transport);
        let ctx2 = ctx.clone();
        let sender = std::thread::spawn(move || {
            let mut push = ctx2.socket(SocketType::Push).unwrap();
            push.set_sndhwm(4).unwrap();
            push.connect(&ep).unwrap();
            for i in 0..20_000u32 {
                push.send(i.to_be_bytes().to_vec()).unwrap();
            }
        });
        for i in 0..20_000u32 {
            assert_eq!(pull.recv().unwrap().data(), i.to_be_bytes(), "{transport}");
        }
        sender.join().unwrap();
    }
}

/// LINGER counts as it is when the socket closes, not when it connected: a
/// message stuck for an unreachable peer does not hold up term after
/// LINGER was set to 0 just before close (as libzmq's tests do).
#[test]
fn linger_set_after_connect_governs_close() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let ctx = Context::new();
    let mut dealer = ctx.socket(SocketType::Dealer).unwrap();
    dealer.connect(&format!("tcp://127.0.0.1:{port}")).unwrap();
    dealer.try_send("stuck").unwrap();
    dealer.set_linger(Some(Duration::ZERO)).unwrap();
    dealer.close();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = ctx.term();
        let _ = done.send(());
    });
    assert!(
        finished.recv_timeout(Duration::from_secs(5)).is_ok(),
        "term waited on a session with LINGER 0"
    );
}

/// Sends empty messages with DONTWAIT until refused; returns how many went.
fn fill(push: &mut ferrozmq::Socket) -> usize {
    let mut n = 0;
    while n < 10_000 && push.try_send("").is_ok() {
        n += 1;
    }
    n
}

#[test]
fn hwm_changed_after_connect_applies_to_existing_pipes() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.set_rcvhwm(1).unwrap();
    pull.connect("inproc://retune").unwrap();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(1).unwrap();
    push.bind("inproc://retune").unwrap();
    push.set_sndhwm(5).unwrap();
    // inproc: the sender's 5 plus the receiver's 1.
    assert_eq!(fill(&mut push), 6);
}

#[test]
fn hwm_decreased_when_full_keeps_what_was_queued() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(100).unwrap();
    push.bind("inproc://shrink").unwrap();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.set_rcvhwm(1).unwrap();
    pull.connect("inproc://shrink").unwrap();
    assert_eq!(fill(&mut push), 101);
    push.set_sndhwm(70).unwrap();
    let mut read = 0;
    while pull.try_recv().is_ok() {
        read += 1;
    }
    assert_eq!(read, 101);
    let refill = fill(&mut push);
    assert!(refill <= 71 && refill > 7, "{refill}");
}

#[test]
fn writer_learns_of_reads_in_low_water_steps() {
    // libzmq's count: 20 queued (10 + 10), and after 9 reads (under the
    // low-water step of 10) still no room; after the 10th, room for 10.
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(10).unwrap();
    push.bind("inproc://steps").unwrap();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.set_rcvhwm(10).unwrap();
    pull.connect("inproc://steps").unwrap();
    assert_eq!(fill(&mut push), 20);
    for _ in 0..9 {
        pull.recv().unwrap();
    }
    assert_eq!(fill(&mut push), 0);
    pull.recv().unwrap();
    assert_eq!(fill(&mut push), 10);
}

#[test]
fn close_before_the_connection_exists_still_delivers_within_linger() {
    let ctx = Context::new();
    let dir = std::env::temp_dir().join(format!("ferrozmq-late-{}", std::process::id()));
    let ep = format!("ipc://{}", dir.display());
    let mut push = socket(&ctx, SocketType::Push);
    push.set_linger(Some(Duration::from_millis(5000))).unwrap();
    push.connect(&ep).unwrap();
    for i in 0..5 {
        push.send(format!("m{i}")).unwrap();
    }
    // Closed before anything listens: the session must still connect later.
    push.close();
    let mut pull = socket(&ctx, SocketType::Pull);
    pull.bind(&ep).unwrap();
    for i in 0..5 {
        assert_eq!(pull.recv_string().unwrap(), format!("m{i}"));
    }
}
