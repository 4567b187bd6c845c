//! The I/O engine of ferrozmq: the only crate that touches the OS.
//!
//! It runs I/O threads (one `mio::Poll` loop each) that own listeners and
//! sessions. A session drives one `ferrozmq_zmtp::Connection` over a tcp or
//! ipc stream (or, for STREAM sockets, passes raw bytes with no ZMTP) and
//! moves whole messages between it and a [`Pipe`]: two
//! lock-free queues bounded by high-water marks, that wake the other
//! side only when it sleeps. inproc connects two sockets' pipes directly,
//! with no I/O thread at all.
//!
//! ```text
//!  application thread                I/O thread
//!  Socket ── Pipe(Queue ⇄ Queue) ── Session ── zmtp::Connection ── tcp/ipc stream
//!     └──── inproc: Pipe straight to another Socket
//! ```
//!
//! A session's lifecycle (reconnect backoff, connect, handshake and linger
//! timers, ZAP verdicts, monitor events) is a sans-IO state machine, the
//! session driver, fed what happened and `now` and tested on a fake clock;
//! the mio session around it only does the I/O. Host names resolve on
//! resolver threads, never on an I/O thread. The engine logs through the
//! `log` facade, silent unless the application installs a logger.
//! `ARCHITECTURE.md` at the repository root maps the whole path.
//!
//! It does **not** know socket patterns: routing, fair-queueing and
//! subscriptions live in the `ferrozmq` crate, which owns the socket side of
//! every pipe.

mod body_pool;
mod direct;
mod doorbell;
mod drain;
mod engine;
mod inproc;
mod lent_read;
mod limits;
mod link;
#[cfg(all(test, loom))]
mod loom_models;
mod mailbox;
mod monitor;
mod msg;
mod notify;
mod options;
mod pipe;
mod queue;
mod reactor;
mod session;
mod spin_budget;
mod sync;
mod sys;
mod thread_options;
mod throttle;
mod transport;
pub mod wait_slice;
mod wake_latch;
mod write_acks;
mod zap;

pub use engine::Engine;
pub use inproc::{InprocError, InprocPeer, InprocRegistry};
pub use lent_read::{read_lent, wait_receiving, LentRead};
pub use limits::frame_size_ceiling;
pub use link::{LinkEvent, SocketId, SocketLink};
pub use mailbox::EndpointId;
pub use monitor::{EventKind, MonitorEvent, MonitorSink};
pub use msg::{Body, Msg, MsgKind, Small, BLOCK_MAX, SMALL_MAX};
pub use notify::{Notify, Signaler, WaitOutcome};
pub use options::SessionOptions;
pub use pipe::{LeaseKey, PeerInfo, PeerRef, Pipe, PipeId, SparseClock};
pub use sys::PollFd;
pub use thread_options::ThreadOptions;
pub use throttle::Throttle;
pub use transport::{
    AddressMask, Endpoint, EndpointError, IpcFilters, Keepalive, NetOptions, SocksProxy,
};
pub use wait_slice::poll_fds;
pub use write_acks::WriteAcks;
