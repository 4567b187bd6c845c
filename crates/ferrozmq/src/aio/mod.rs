//! Async sockets: [`AsyncSocket`] sends and receives as `async fn`s on
//! tokio (feature `tokio`) or async-io/smol (feature `async-io`).
//!
//! An `AsyncSocket` owns a blocking [`Socket`](crate::Socket) and registers
//! its readiness descriptor (ZMQ_FD) with the event loop. The descriptor is
//! edge-triggered: after each wake-up the socket tries the operation, reads
//! ZMQ_EVENTS (which re-arms the descriptor) and only then waits again, so
//! no wake-up is lost and a busy socket makes no system call per message.
//! Both event loops share that one state machine; [`Tokio`] and [`AsyncIo`]
//! only register the descriptor.
//!
//! ```
//! # #[cfg(feature = "tokio")]
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! use ferrozmq::aio::TokioSocket;
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! let mut rep = TokioSocket::new(ctx.socket(SocketType::Rep)?)?;
//! rep.get_mut().bind("inproc://aio-doc")?;
//! let mut req = TokioSocket::new(ctx.socket(SocketType::Req)?)?;
//! req.get_mut().connect("inproc://aio-doc")?;
//!
//! req.send("Hello").await?;
//! assert_eq!(rep.recv().await?.data(), b"Hello");
//! rep.send("World").await?;
//! assert_eq!(req.recv().await?.data(), b"World");
//! # Ok::<(), ferrozmq::Error>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Threads
//!
//! An `AsyncSocket` is `Send` (a task holding one may move between worker
//! threads) but not `Sync`, and its methods take `&mut self`: one operation
//! at a time, like the blocking socket. To receive and send concurrently,
//! `select!` in one task, or split the `Stream` + `Sink` (e.g. with
//! `futures::StreamExt::split`) between two tasks: each side's task is
//! woken on its own.
//!
//! # Cancellation
//!
//! - A receive future dropped before it completed (a `select!` that chose
//!   another branch, a timeout) has consumed nothing: the message stays
//!   queued for the next receive. Only the completing poll takes it.
//! - A send future dropped before it completed has sent nothing, and the
//!   message it owned is dropped with it. Messages are never half-sent:
//!   all frames or none.
//! - A send that fails (rather than waits) hands the message back in its
//!   [`SendError`](crate::SendError).
//! - Frames given to [`AsyncSocket::send_more`] stay in the `AsyncSocket`
//!   until the message's last frame is sent with it, all at once: a peer
//!   never sees part of a message, and a dropped or failed last `send`
//!   leaves them pending (sending the last frame again completes the
//!   message; [`AsyncSocket::take_partial`] abandons it).
//! - The [`Sink`](futures_sink::Sink) path loses nothing: `start_send`
//!   hands the message to the `AsyncSocket`, which keeps it until the
//!   socket takes it (`poll_ready`/`poll_flush` drive that, and the next
//!   `send` sends it first); after an error it is still held
//!   ([`AsyncSocket::take_unsent`] takes it back). Dropping the
//!   `AsyncSocket` drops a message still held.
//! - "Sent" means queued in the socket (like the blocking `send`): delivery
//!   then follows the socket's LINGER on close.

mod compat;
mod lease;
mod reactor;
mod socket;
mod stream;
mod waiters;

#[cfg(feature = "async-io")]
pub use reactor::AsyncIo;
pub use reactor::Reactor;
#[cfg(feature = "tokio")]
pub use reactor::Tokio;
pub use socket::AsyncSocket;

/// An [`AsyncSocket`] on tokio.
#[cfg(feature = "tokio")]
pub type TokioSocket = AsyncSocket<Tokio>;

/// An [`AsyncSocket`] on async-io (smol, async-std).
#[cfg(feature = "async-io")]
pub type AsyncIoSocket = AsyncSocket<AsyncIo>;
