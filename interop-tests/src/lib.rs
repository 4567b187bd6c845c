//! Helpers for testing ferrozmq against real peers.
//!
//! The tests in `tests/interop.rs` talk to programs built on other ZeroMQ
//! implementations: libzmq (a C program, `peers/c/peer.c`, compiled once per
//! run with `cc -lzmq`), pyzmq (`peers/python/peer.py`) and JeroMQ 0.3.6, a
//! ZMTP/2.0 implementation (`peers/java/Peer.java`, compiled with `javac`).
//! All three speak one command line and one message scheme ([`payload`]), so
//! one driver ([`exchange`]) runs every socket pair against each of them.
//! [`raw`] is a peer that writes bytes no ZeroMQ library would send, and
//! [`socks`] a SOCKS5 proxy to connect through.
//!
//! This crate does **not** test ferrozmq against itself (the crates' own
//! tests do), and it never skips silently: a missing peer fails the test when
//! `CI=true` and prints "skipping" otherwise.
//!
//! Every wait has a deadline: sockets get RCVTIMEO/SNDTIMEO, peer programs
//! kill themselves after 120 s, and [`peer::Peer`] kills its process when
//! dropped.
//!
//! ```no_run
//! use interop_tests::exchange::{run, Case};
//! use interop_tests::peer::PeerKind;
//! use interop_tests::Transport;
//! use ferrozmq::SocketType;
//!
//! run(&Case {
//!     peer: PeerKind::Libzmq,
//!     ours: SocketType::Req,
//!     theirs: SocketType::Rep,
//!     transport: Transport::Tcp,
//!     we_bind: true,
//!     count: 10_000,
//! });
//! ```
// Test support: a failed expectation is a panic, by design.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod exchange;
pub mod payload;
pub mod peer;
pub mod pubsub;
pub mod raw;
pub mod socks;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long any single step (a receive, a peer's first line) may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// A transport the peers share with us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TCP on the loopback interface.
    Tcp,
    /// Unix domain sockets.
    Ipc,
    /// Unix domain sockets named in Linux's abstract namespace (`ipc://@name`, no file).
    AbstractIpc,
}

impl Transport {
    /// An endpoint to bind: a wildcard port for tcp, a fresh path for ipc.
    pub fn bind_endpoint(self) -> String {
        match self {
            Transport::Tcp => "tcp://127.0.0.1:*".to_owned(),
            Transport::Ipc => format!("ipc://{}", ipc_path().display()),
            Transport::AbstractIpc => {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                format!("ipc://@ferrozmq-interop-{}-{n}", std::process::id())
            }
        }
    }
}

/// A socket path no other test uses (unique per process and call).
pub fn ipc_path() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ferrozmq-interop-{}-{n}.ipc", std::process::id()))
}

/// A TCP port that was free a moment ago (for peers that cannot report the
/// port they bound).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Whether missing peers must fail the run (`CI=true`) rather than skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Removes an ipc endpoint's socket file when dropped: a libzmq listener
/// leaves it behind when a peer is still connected as it closes.
#[derive(Debug)]
pub struct IpcFile(Option<PathBuf>);

impl IpcFile {
    /// Guards the file of `endpoint`, if it is an ipc one.
    pub fn of(endpoint: &str) -> IpcFile {
        let path = endpoint
            .strip_prefix("ipc://")
            .filter(|p| !p.starts_with('@'));
        IpcFile(path.map(PathBuf::from))
    }
}

impl Drop for IpcFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}
