//! Small bodies (up to `SMALL_BODY` octets) travel by value: sending and
//! receiving them between two sockets of one process allocates nothing
//! per message, on either thread. One test in its own binary, as the
//! counting allocator sees every thread of the process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::alloc::System;

use ferrozmq::{Context, Message, SocketType, SMALL_BODY};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn small_bodies_cost_no_allocation_per_message() {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvhwm(20_000).unwrap();
    pull.bind("inproc://small-alloc").unwrap();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.set_sndhwm(20_000).unwrap();
    push.connect("inproc://small-alloc").unwrap();
    let body: Vec<u8> = (0..SMALL_BODY as u8).collect();
    let exchange = |push: &mut ferrozmq::Socket, pull: &mut ferrozmq::Socket, n: usize| {
        for i in 0..n {
            let len = i % (SMALL_BODY + 1);
            push.try_send(Message::from(&body[..len])).unwrap();
            let got = pull.recv().unwrap();
            assert_eq!(got.data(), &body[..len]);
        }
    };
    // Warm up: the pipe allocates its first chunks once.
    exchange(&mut push, &mut pull, 1_000);
    let region = Region::new(GLOBAL);
    exchange(&mut push, &mut pull, 10_000);
    let per_message = region.change().allocations as f64 / 10_000.0;
    assert!(per_message < 0.05, "{per_message} allocations per message");
}
