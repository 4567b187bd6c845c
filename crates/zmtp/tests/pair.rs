//! The pair harness: two `Connection`s back to back on a fake clock, driven
//! until quiet, plus hand-crafted byte streams for old and broken peers.
//!
//! One test binary with submodules keeps linking cheap.

// Test code: a panic is a failed test. (clippy's in-tests exemptions do
// not reach helpers outside #[test] functions.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "pair/harness.rs"]
mod harness;

#[path = "pair/bodies.rs"]
mod bodies;
#[path = "pair/curve.rs"]
mod curve;
#[path = "pair/garbage.rs"]
mod garbage;
#[path = "pair/handshake.rs"]
mod handshake;
#[path = "pair/heartbeat.rs"]
mod heartbeat;
#[path = "pair/legacy.rs"]
mod legacy;
#[path = "pair/subscriptions.rs"]
mod subscriptions;
#[path = "pair/traffic.rs"]
mod traffic;
