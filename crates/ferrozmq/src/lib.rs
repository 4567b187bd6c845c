//! ferrozmq: ZeroMQ in Rust.
//!
//! Sockets that carry atomic multipart messages over tcp, ipc and inproc in
//! the classic patterns (REQ/REP, DEALER/ROUTER, PUSH/PULL, PAIR), with
//! automatic reconnection, high-water marks and background I/O threads. The
//! wire protocol is ZMTP 3.1, so peers can be libzmq, pyzmq, NetMQ or JeroMQ.
//!
//! Also: PUB/SUB/XPUB/XSUB, STREAM (raw TCP to peers that speak no ZeroMQ,
//! such as HTTP clients), a poller over sockets and file descriptors,
//! proxies, socket monitors, and NULL, PLAIN and CURVE security. It does
//! **not** (yet) offer the draft socket types.
//!
//! ```
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! let mut rep = ctx.socket(SocketType::Rep)?;
//! rep.bind("inproc://hello")?;
//! let mut req = ctx.socket(SocketType::Req)?;
//! req.connect("inproc://hello")?;
//!
//! req.send("Hello")?;
//! assert_eq!(rep.recv_string()?, "Hello");
//! rep.send("World")?;
//! assert_eq!(req.recv_string()?, "World");
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # Sending and receiving
//!
//! | blocking (SNDTIMEO/RCVTIMEO)      | never waits                | waits at most      | libzmq flags   |
//! |-----------------------------------|----------------------------|--------------------|----------------|
//! | [`Socket::send`], [`Socket::send_more`] | [`Socket::try_send`] | [`Socket::send_timeout`] | [`Socket::send_with`] |
//! | [`Socket::send_multipart`]        | [`Socket::try_send_multipart`] | [`Socket::send_multipart_timeout`] |  |
//! | [`Socket::recv`]                  | [`Socket::try_recv`]       | [`Socket::recv_timeout`] | [`Socket::recv_with`] |
//! | [`Socket::recv_multipart`]        | [`Socket::try_recv_multipart`] | [`Socket::recv_multipart_timeout`] |  |
//!
//! A send that fails hands the message back in a [`SendError`] (the whole
//! [`Multipart`] for multipart sends), so nothing is dropped; `?` turns it
//! into an [`Error`]. Anything that is `Into<Message>` can be sent:
//! `&str`, `String`, `&[u8]`, `Vec<u8>`, [`bytes::Bytes`] (no copy) or a
//! [`Message`]. Errors carry an [`ErrorKind`] (libzmq's errno), the endpoint
//! or option concerned, and the OS error behind them.
//!
//! # Threads
//!
//! [`Context`] is `Send + Sync` and cheap to clone: share it between
//! threads. [`Socket`] is `Send` but not `Sync`: one thread uses a socket at
//! a time (it may move between threads), as in libzmq; threads talk to each
//! other through their own sockets over `inproc://`. Each context runs its
//! I/O on background threads (one by default), started with the first
//! socket. [`Message`], [`Multipart`], [`Error`] and [`SendError`] are
//! `Send + Sync`. For an event loop, a socket's [`AsFd`](std::os::fd::AsFd)
//! descriptor is its edge-triggered readiness wake-up (ZMQ_FD).
//!
//! The [`guide`] covers what newcomers trip on: the slow joiner, high-water
//! marks, REQ's alternation, linger, valid socket pairs.
#![forbid(unsafe_code)]

#[cfg(any(feature = "tokio", feature = "async-io"))]
pub mod aio;
pub mod auth;
mod context;
mod curve;
mod error;
mod flag_set;
pub mod guide;
mod message;
mod multipart;
mod pattern;
mod poll_events;
mod poller;
mod proxy;
mod routing;
mod send_error;
mod socket;
mod spool;

pub use context::{Context, ContextOption};
pub use curve::{os_entropy, CurveKeyPair, CurvePublicKey, CurveSecretKey, Entropy};
pub use error::{Error, ErrorKind, Result};
/// Waits cut into slices, for a binding that takes thread cancellation
/// (`pthread_cancel`) between them, as the C library does.
pub use ferrozmq_engine::wait_slice;
pub use ferrozmq_engine::EventKind;
pub use ferrozmq_zmtp::z85;
pub use ferrozmq_zmtp::SocketType;
pub use message::{Message, SMALL_BODY, WRITABLE_BODY};
pub use multipart::Multipart;
pub use poll_events::PollEvents;
pub use poller::{poll, PollItem};
pub use proxy::{proxy, proxy_resumable, proxy_single, proxy_steerable, ProxyState};
pub use send_error::SendError;
pub use socket::{
    Drained, Mechanism, OptionKind, OptionValue, PeerStats, QueueStats, ReconnectStop, RecvFlags,
    SendFlags, Socket, SocketOption, TakesEffect, Unsent, EVENT_ALL,
};
pub use spool::FsyncPolicy;

/// The README's examples, run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
