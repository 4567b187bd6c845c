//! LINGER for a socket whose connects have not succeeded yet: as in libzmq,
//! a closed socket keeps reconnecting during LINGER and delivers what it had
//! queued once the peer appears; with no peer, it gives up at the deadline.

use std::time::{Duration, Instant};

use ferrozmq::{Context, SocketType};

use crate::common::*;

/// An endpoint nobody listens on yet, that a later `bind` can take.
fn unbound_endpoint(transport: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    match transport {
        "tcp" => {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("tcp://127.0.0.1:{}", probe.local_addr().unwrap().port())
        }
        _ => {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("ferrozmq-linger-{}-{n}.ipc", std::process::id()));
            format!("ipc://{}", path.display())
        }
    }
}

#[test]
fn closed_socket_delivers_to_a_peer_that_binds_later() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let ep = unbound_endpoint(transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.set_linger(Some(Duration::from_millis(1000))).unwrap();
        push.connect(&ep).unwrap();
        for i in 0..3 {
            push.send(format!("m{i}")).unwrap();
        }
        push.close();
        // The peer comes up a moment later, after at least one failed connect.
        std::thread::sleep(Duration::from_millis(150));
        let mut pull = socket(&ctx, SocketType::Pull);
        pull.bind(&ep).unwrap();
        for i in 0..3 {
            let got = pull
                .recv_string()
                .unwrap_or_else(|e| panic!("{transport}: message {i} lost: {e}"));
            assert_eq!(got, format!("m{i}"), "{transport}");
        }
        pull.close();
        let t = Instant::now();
        ctx.term().unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{transport}: term hung"
        );
    }
}

#[test]
fn closed_socket_gives_up_at_linger_when_no_peer_comes() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut push = socket(&ctx, SocketType::Push);
        push.set_linger(Some(Duration::from_millis(300))).unwrap();
        push.connect(&unbound_endpoint(transport)).unwrap();
        push.send("never delivered").unwrap();
        let closing = Instant::now();
        push.close();
        assert!(
            closing.elapsed() < Duration::from_millis(250),
            "{transport}: close waited"
        );
        ctx.term().unwrap();
        let waited = closing.elapsed();
        assert!(
            waited >= Duration::from_millis(250),
            "{transport}: term gave up before LINGER ({waited:?})"
        );
        assert!(
            waited < Duration::from_secs(3),
            "{transport}: term outlived LINGER ({waited:?})"
        );
    }
}

/// LINGER counts as it is when the socket closes, not as it was when it
/// connected (libzmq reads it at close).
#[test]
fn linger_set_after_connect_counts() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        let mut push = socket(&ctx, SocketType::Push);
        push.set_linger(None).unwrap();
        push.connect(&unbound_endpoint(transport)).unwrap();
        push.send("never delivered").unwrap();
        push.set_linger(Some(Duration::ZERO)).unwrap();
        push.close();
        // A hang must fail the test, not stall it: term runs on a helper.
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(ctx.term()).unwrap());
        let outcome = finished.recv_timeout(Duration::from_secs(3));
        assert!(
            matches!(outcome, Ok(Ok(()))),
            "{transport}: term kept lingering with LINGER 0"
        );
    }
}
