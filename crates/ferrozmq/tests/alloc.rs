//! The non-blocking send path allocates nothing: not when the message goes
//! (after the pipe's first chunks), and not when it is handed back at the
//! high-water mark. One test in its own binary, as the counting allocator
//! sees every thread of the process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::alloc::System;
use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{Context, ErrorKind, Message, SocketType};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn try_send_allocates_nothing_per_message() {
    let ctx = Context::new();
    let mut pull = ctx.socket(SocketType::Pull).unwrap();
    pull.set_rcvhwm(20_000).unwrap();
    pull.bind("inproc://alloc").unwrap();
    let mut push = ctx.socket(SocketType::Push).unwrap();
    push.set_sndhwm(20_000).unwrap();
    push.connect("inproc://alloc").unwrap();
    let frame = Bytes::from_static(b"0123456789");

    // Warm up: the pipe allocates its first chunks once.
    for _ in 0..1_000 {
        push.try_send(frame.clone()).unwrap();
    }
    let region = Region::new(GLOBAL);
    for _ in 0..10_000 {
        push.try_send(frame.clone()).unwrap();
    }
    let per_message = region.change().allocations as f64 / 10_000.0;
    assert!(per_message < 0.05, "{per_message} allocations per try_send");

    // Fill the pipe; the refusals allocate nothing and hand the message back.
    let mut msg = Message::from(frame.clone());
    loop {
        match push.try_send(msg) {
            Ok(()) => msg = Message::from(frame.clone()),
            Err(e) => {
                msg = e.into_message();
                break;
            }
        }
    }
    let region = Region::new(GLOBAL);
    for _ in 0..1_000 {
        let failed = push.try_send(msg).unwrap_err();
        assert_eq!(*failed.error(), ErrorKind::Again);
        msg = failed.into_message();
    }
    assert_eq!(region.change().allocations, 0, "EAGAIN allocated");
    while pull.recv_timeout(Duration::from_millis(100)).is_ok() {}
}
