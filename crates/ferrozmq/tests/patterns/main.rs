//! Behaviour of each socket pattern, as the RFCs and libzmq 4.3 define it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod auth;
mod common;
mod context;
mod curve;
mod drain;
mod hwm_linger;
mod inproc;
mod large;
mod lease;
mod lease_stress;
mod linger_connect;
mod pipeline;
mod pubsub;
mod queue_stats;
mod reconnect_heartbeat;
mod repeated_connect;
mod reqrep;
mod resync;
mod router;
mod security;
mod small;
mod stream;
mod tools;
mod transport_options;
