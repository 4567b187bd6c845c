//! A ROUTER puts a routing-id frame before every message it receives; the
//! envelope reuses the storage the socket gives back after each message
//! (`Pattern::recycle`), so receiving small one-frame messages allocates
//! nothing per message. One test in its own binary, as the counting
//! allocator sees every thread of the process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::alloc::System;

use ferrozmq::{Context, Message, SocketType};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn router_envelopes_cost_no_allocation_per_message() {
    let ctx = Context::new();
    let mut router = ctx.socket(SocketType::Router).unwrap();
    router.set_rcvhwm(20_000).unwrap();
    router.bind("inproc://router-alloc").unwrap();
    let mut dealer = ctx.socket(SocketType::Dealer).unwrap();
    dealer.set_routing_id(b"d").unwrap();
    dealer.set_sndhwm(20_000).unwrap();
    dealer.connect("inproc://router-alloc").unwrap();
    let exchange = |dealer: &mut ferrozmq::Socket, router: &mut ferrozmq::Socket, n: usize| {
        for i in 0..n {
            let body = [i as u8; 3];
            dealer.try_send(Message::from(&body[..])).unwrap();
            let id = router.recv().unwrap();
            assert!(id.more() && id.data() == b"d");
            let got = router.recv().unwrap();
            assert!(!got.more() && got.data() == body);
        }
    };
    // Warm up: the pipe's chunks, the socket's frame queue, the spare.
    exchange(&mut dealer, &mut router, 1_000);
    let region = Region::new(GLOBAL);
    exchange(&mut dealer, &mut router, 10_000);
    let per_message = region.change().allocations as f64 / 10_000.0;
    assert!(per_message < 0.05, "{per_message} allocations per message");
}
