//! Lossless close (issue 14): a PUSH sends numbered 64-byte messages and
//! closes at once with LINGER -1; the PULL must see each exactly once, over
//! tcp, ipc and inproc, also when it reads nothing until the sender has
//! closed and takes one message at a time (RCVHWM=1: libzmq 4.3 loses
//! some of these on ipc, its issue 4660).
//!
//! The CI tests use small counts; the full ones (1,000,000 and 100,000
//! messages, five runs each) are `#[ignore]`d: run them with
//! `cargo test --release -p ferrozmq --test lossless_close -- --ignored`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrozmq::{Context, SocketOption, SocketType};

const SIZE: usize = 64;

/// How the receiver behaves.
#[derive(Clone, Copy, Debug)]
enum Consumer {
    /// Default HWMs; reads as fast as it can from the start.
    Eager,
    /// RCVHWM=1, and reads only once the sender has closed (everything is
    /// queued at close; the sender's SNDHWM is unlimited).
    Slow,
}

/// What the receiver saw.
#[derive(Debug, PartialEq, Eq)]
struct Loss {
    lost: u64,
    duplicated: u64,
}

fn run(transport: &str, count: u64, consumer: Consumer) -> Loss {
    let recv_ctx = Context::new();
    // Over tcp and ipc the sender has its own context, as another process
    // would: its term waits for delivery. inproc needs one context.
    let send_ctx = if transport == "inproc" {
        recv_ctx.clone()
    } else {
        Context::new()
    };
    let mut pull = recv_ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    if let Consumer::Slow = consumer {
        pull.set_rcvhwm(1).unwrap();
    }
    let ep = match transport {
        "inproc" => format!("inproc://lossless-{count}-{consumer:?}"),
        "tcp" => "tcp://127.0.0.1:*".to_owned(),
        _ => "ipc://*".to_owned(),
    };
    pull.bind(&ep).unwrap();
    let ep = pull.last_endpoint().to_owned();

    let closed = Arc::new(AtomicBool::new(false));
    let closed_flag = closed.clone();
    let own_context = transport != "inproc";
    let sender = std::thread::spawn(move || {
        let mut push = send_ctx.socket(SocketType::Push).unwrap();
        push.set_linger(None).unwrap();
        if let Consumer::Slow = consumer {
            push.set_sndhwm(0).unwrap();
        }
        push.connect(&ep).unwrap();
        let mut buf = [b'x'; SIZE];
        for i in 0..count {
            buf[..8].copy_from_slice(&i.to_le_bytes());
            push.send(&buf[..]).unwrap();
        }
        push.close();
        closed_flag.store(true, Ordering::SeqCst);
        if own_context {
            send_ctx.term().unwrap();
        }
    });
    if let Consumer::Slow = consumer {
        while !closed.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    let mut seen = vec![false; count as usize];
    let (mut got, mut duplicated) = (0u64, 0u64);
    while got < count {
        // Nothing for 5 s: the rest is lost.
        let Ok(msg) = pull.recv_bytes() else { break };
        assert_eq!(msg.len(), SIZE);
        let i = u64::from_le_bytes(msg[..8].try_into().unwrap()) as usize;
        if std::mem::replace(&mut seen[i], true) {
            duplicated += 1;
        } else {
            got += 1;
        }
    }
    sender.join().unwrap();
    Loss {
        lost: count - got,
        duplicated,
    }
}

fn check(count: u64, consumer: Consumer, runs: usize) {
    for transport in ["tcp", "ipc", "inproc"] {
        for _ in 0..runs {
            let loss = run(transport, count, consumer);
            assert_eq!(
                loss,
                Loss {
                    lost: 0,
                    duplicated: 0
                },
                "{transport} {count} {consumer:?}"
            );
        }
    }
}

#[test]
fn close_at_once_loses_nothing() {
    check(200_000, Consumer::Eager, 1);
}

#[test]
fn close_with_a_slow_consumer_loses_nothing() {
    check(100_000, Consumer::Slow, 1);
}

#[test]
#[ignore = "full count: run with --release"]
fn close_at_once_loses_nothing_full() {
    check(1_000_000, Consumer::Eager, 5);
}

#[test]
#[ignore = "full count: run with --release"]
fn close_with_a_slow_consumer_loses_nothing_full() {
    check(100_000, Consumer::Slow, 5);
}

/// A sender closes while a slow reader with heartbeats still has megabytes
/// in the kernel's buffers: the reader's PINGs reach a closed connection,
/// and had the sender closed at once, the reset that answers them would
/// drop the tail of the stream at the reader (libzmq 4.3 loses a few
/// thousand of these 40,000 messages every time). The sender closes
/// gracefully instead: its FIN, then it reads until the reader closes.
#[test]
fn close_to_a_slow_reader_with_heartbeats_loses_nothing() {
    const COUNT: u32 = 40_000;
    for transport in ["tcp", "ipc"] {
        let recv_ctx = Context::new();
        let mut pull = recv_ctx.socket(SocketType::Pull).unwrap();
        pull.set_option(SocketOption::HeartbeatIvl, 20).unwrap();
        // Long enough that the reader's pauses never end the connection.
        pull.set_option(SocketOption::HeartbeatTimeout, 5_000)
            .unwrap();
        pull.set_rcvhwm(10).unwrap();
        pull.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
        pull.bind(if transport == "tcp" {
            "tcp://127.0.0.1:*"
        } else {
            "ipc://*"
        })
        .unwrap();
        let ep = pull.last_endpoint().to_owned();
        let sender = std::thread::spawn(move || {
            let send_ctx = Context::new();
            let mut push = send_ctx.socket(SocketType::Push).unwrap();
            push.set_linger(None).unwrap();
            push.connect(&ep).unwrap();
            let mut buf = [b'x'; 1024];
            for i in 0..COUNT {
                buf[..4].copy_from_slice(&i.to_le_bytes());
                push.send(&buf[..]).unwrap();
            }
            push.close();
            send_ctx.term().unwrap();
        });
        for i in 0..COUNT {
            let msg = pull
                .recv_bytes()
                .unwrap_or_else(|e| panic!("{transport}: message {i} of {COUNT}: {e}"));
            assert_eq!(msg[..4], i.to_le_bytes(), "{transport}");
            if i % 2_000 == 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        sender.join().unwrap();
    }
}

/// The sender connects, sends everything and closes before the receiver
/// exists; LINGER -1 delivers it all once the receiver binds.
#[test]
fn close_before_the_peer_exists_loses_nothing() {
    let count = 10_000u64;
    for transport in ["tcp", "ipc", "inproc"] {
        let ctx = Context::new();
        let send_ctx = if transport == "inproc" {
            ctx.clone()
        } else {
            Context::new()
        };
        let ep = match transport {
            "tcp" => {
                let port = std::net::TcpListener::bind("127.0.0.1:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port();
                format!("tcp://127.0.0.1:{port}")
            }
            "ipc" => format!(
                "ipc://{}/ferrozmq-lossless-late-{}",
                std::env::temp_dir().display(),
                std::process::id()
            ),
            _ => "inproc://lossless-late".to_owned(),
        };
        let mut push = send_ctx.socket(SocketType::Push).unwrap();
        push.set_linger(None).unwrap();
        push.set_sndhwm(0).unwrap();
        push.connect(&ep).unwrap();
        for i in 0..count {
            push.send(&i.to_le_bytes()[..]).unwrap();
        }
        push.close();
        // Over tcp/ipc the sender's term waits (LINGER -1) for the receiver.
        let own = transport != "inproc";
        let sender = std::thread::spawn(move || {
            if own {
                send_ctx.term().unwrap();
            }
        });
        let mut pull = ctx.socket(SocketType::Pull).unwrap();
        pull.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
        pull.bind(&ep).unwrap();
        for i in 0..count {
            let msg = pull
                .recv_bytes()
                .unwrap_or_else(|e| panic!("{transport}: {i}: {e}"));
            assert_eq!(msg[..], i.to_le_bytes(), "{transport}");
        }
        sender.join().unwrap();
    }
}
