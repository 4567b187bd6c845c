//! ferrozmq against real peers: libzmq (C), pyzmq, JeroMQ 0.3.6 (ZMTP/2.0),
//! a ZMTP 3.0 peer, a raw-bytes peer sending garbage, and curl (HTTP to a
//! STREAM socket).
//!
//! One test binary with a submodule per subject, to keep linking fast. The
//! socket-pair modules hold one test per peer × transport × who binds, each
//! exchanging [`COUNT`] multipart messages with every byte checked on both
//! sides (see `interop_tests::exchange`).

// Test code: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// Messages each way in the libzmq/pyzmq socket-pair tests.
const COUNT: u32 = 10_000;

/// Tests for our `$ours` socket against a peer's `$theirs`: libzmq and
/// pyzmq, tcp and ipc, we bind or they bind.
macro_rules! socket_pair {
    ($name:ident: $ours:ident with $theirs:ident) => {
        mod $name {
            use ferrozmq::SocketType;
            use interop_tests::exchange::{run, Case};
            use interop_tests::peer::PeerKind;
            use interop_tests::Transport;

            fn case(peer: PeerKind, transport: Transport, we_bind: bool) {
                run(&Case {
                    peer,
                    ours: SocketType::$ours,
                    theirs: SocketType::$theirs,
                    transport,
                    we_bind,
                    count: crate::COUNT,
                    routing_id: None,
                });
            }

            #[test]
            fn libzmq_tcp_we_bind() {
                case(PeerKind::Libzmq, Transport::Tcp, true);
            }

            #[test]
            fn libzmq_tcp_they_bind() {
                case(PeerKind::Libzmq, Transport::Tcp, false);
            }

            #[test]
            fn libzmq_ipc_we_bind() {
                case(PeerKind::Libzmq, Transport::Ipc, true);
            }

            #[test]
            fn libzmq_ipc_they_bind() {
                case(PeerKind::Libzmq, Transport::Ipc, false);
            }

            #[test]
            fn pyzmq_tcp_we_bind() {
                case(PeerKind::Pyzmq, Transport::Tcp, true);
            }

            #[test]
            fn pyzmq_tcp_they_bind() {
                case(PeerKind::Pyzmq, Transport::Tcp, false);
            }

            #[test]
            fn pyzmq_ipc_we_bind() {
                case(PeerKind::Pyzmq, Transport::Ipc, true);
            }

            #[test]
            fn pyzmq_ipc_they_bind() {
                case(PeerKind::Pyzmq, Transport::Ipc, false);
            }
        }
    };
}

// Submodules live in tests/interop/ (a file per subject); the paths keep
// cargo from taking each for a test binary of its own.
#[path = "interop/abstract_ipc.rs"]
mod abstract_ipc;
#[path = "interop/auth.rs"]
mod auth;
#[path = "interop/bind_names.rs"]
mod bind_names;
#[path = "interop/curve.rs"]
mod curve;
#[path = "interop/dealer.rs"]
mod dealer;
#[path = "interop/garbage.rs"]
mod garbage;
#[path = "interop/http.rs"]
mod http;
#[path = "interop/jeromq.rs"]
mod jeromq;
#[path = "interop/linger.rs"]
mod linger;
#[path = "interop/metadata.rs"]
mod metadata;
#[path = "interop/pair.rs"]
mod pair;
#[path = "interop/payload.rs"]
mod payload;
#[path = "interop/pubsub.rs"]
mod pubsub;
#[path = "interop/pubsub_zmtp30.rs"]
mod pubsub_zmtp30;
#[path = "interop/push_pull.rs"]
mod push_pull;
#[path = "interop/req_rep.rs"]
mod req_rep;
#[path = "interop/resync.rs"]
mod resync;
#[path = "interop/security.rs"]
mod security;
#[path = "interop/socks.rs"]
mod socks;
#[path = "interop/zmtp30.rs"]
mod zmtp30;
