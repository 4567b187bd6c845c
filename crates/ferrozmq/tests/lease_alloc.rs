//! A receive that reads its connection itself (the read lease) takes small
//! one-frame messages into the pipe without an allocation per message.
//! (Before: two per message, a vector of frame positions and one of
//! bodies.) One test in its own binary, as the counting allocator sees every
//! thread of the process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::alloc::System;
use std::sync::mpsc;

use ferrozmq::{Context, Message, SocketType, SMALL_BODY};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn lent_reads_of_small_messages_allocate_nothing_per_message() {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = pull.last_endpoint().to_string();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.connect(&endpoint).unwrap();
    let body: Vec<u8> = (0..SMALL_BODY as u8).collect();
    // The sender sends a burst once the last one arrived: the receive
    // waits on an empty pipe, where it reads the connection itself, and
    // takes the burst in a read or a few.
    const BURST: usize = 100;
    let (next, go) = mpsc::sync_channel::<usize>(1);
    let sender = std::thread::spawn({
        let body = body.clone();
        move || {
            while let Ok(from) = go.recv() {
                for i in from..from + BURST {
                    push.send(Message::from(&body[..i % (SMALL_BODY + 1)]))
                        .unwrap();
                }
            }
        }
    });
    let mut exchange = |bursts: usize| {
        for b in 0..bursts {
            next.send(b * BURST).unwrap();
            for i in b * BURST..(b + 1) * BURST {
                let got = pull.recv().unwrap();
                assert_eq!(got.data(), &body[..i % (SMALL_BODY + 1)]);
            }
        }
    };
    exchange(10);
    let region = Region::new(GLOBAL);
    exchange(50);
    let per_message = region.change().allocations as f64 / (50 * BURST) as f64;
    drop(next);
    sender.join().unwrap();
    assert!(per_message < 0.5, "{per_message} allocations per message");
}
