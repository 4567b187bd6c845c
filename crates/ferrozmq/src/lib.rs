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
#![forbid(unsafe_code)]

pub mod auth;
mod context;
mod curve;
mod error;
mod message;
mod multipart;
mod pattern;
mod poller;
mod proxy;
mod routing;
mod send_error;
mod socket;
mod spool;

pub use context::{Context, ContextOption};
pub use curve::{os_entropy, CurveKeyPair, CurvePublicKey, CurveSecretKey, Entropy};
pub use error::{Error, ErrorKind, Result};
pub use ferrozmq_engine::EventKind;
pub use ferrozmq_zmtp::z85;
pub use ferrozmq_zmtp::SocketType;
pub use message::Message;
pub use multipart::Multipart;
pub use poller::{poll, PollItem, POLLERR};
pub use proxy::{proxy, proxy_single, proxy_steerable};
pub use send_error::SendError;
pub use socket::{
    Mechanism, OptionKind, OptionValue, PeerStats, QueueStats, RecvFlags, SendFlags, Socket,
    SocketOption, TakesEffect, EVENT_ALL, POLLIN, POLLOUT,
};
pub use spool::FsyncPolicy;
