//! Async receives under the read lease (engine `lent_read.rs`,
//! `direct.rs`): when the socket's one pipe is empty and its connection
//! lends its reads, the receiving task reads whole messages off the
//! connection itself instead of waiting for the I/O thread to read them
//! and signal the socket (one thread wake-up instead of two per message).
//!
//! The connection's descriptor (a duplicate) is registered with the event
//! loop once per connection ([`LeaseWatch`]), not per message. The lease
//! itself is never held across a `Pending`: each look takes it, reads
//! what is there without waiting, and keeps it (no system call) for the
//! next look. So a future dropped while pending leaves at most a kept
//! lease, which the session takes back on its own within two of its lease
//! checks (a few milliseconds), and it has lost nothing: whatever was read
//! is in the pipe for the next receive.

use std::task::{Context, Poll};

use ferrozmq_engine::{read_lent, LeaseKey, LentRead, Pipe};

use super::reactor::Reactor;

/// The event loop's registration of a connection whose reads the socket
/// may borrow, kept while that connection lasts.
#[derive(Debug)]
pub(super) struct LeaseWatch<R> {
    key: LeaseKey,
    reactor: R,
}

/// What a look under the lease found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leased {
    /// Messages are in the pipe: receive again.
    Took,
    /// Nothing yet: the task is woken when the connection has input.
    Waiting,
    /// No lease: wait on the socket's readiness alone.
    Off,
}

/// How often one look may find new input signalled yet nothing to read
/// before it lets other tasks run.
const LOOKS: usize = 4;

/// For a receive that would block: reads under the lease of `pipe` (the
/// socket's only one, if it has exactly one), registering the connection
/// in `watch` first if needed, or says why not.
pub(super) fn poll_lease<R: Reactor>(
    watch: &mut Option<LeaseWatch<R>>,
    pipe: Option<&Pipe>,
    cx: &mut Context<'_>,
) -> Leased {
    let key = pipe.and_then(Pipe::lease_key);
    // A watch on a connection that went (or a pipe no longer alone) goes.
    if watch.as_ref().map(|w| w.key) != key {
        *watch = None;
    }
    let Some(pipe) = pipe.filter(|p| key.is_some() && p.lends_reads()) else {
        return Leased::Off;
    };
    if watch.is_none() {
        let Some((key, fd)) = pipe.lease_watch() else {
            return Leased::Off;
        };
        match R::register(fd) {
            Ok(reactor) => *watch = Some(LeaseWatch { key, reactor }),
            Err(_) => return Leased::Off,
        }
    }
    let Some(w) = watch.as_ref() else {
        return Leased::Off;
    };
    for _ in 0..LOOKS {
        // Input came since the last look, or wait for it. Every byte that
        // arrives signals every registration of the connection, and each
        // look reads all there is after consuming the signal (or leaves
        // it to the session): no signal, nothing unread, and no read
        // system call for nothing.
        match w.reactor.poll_readable(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return Leased::Off,
            Poll::Pending => return Leased::Waiting,
        }
        match read_lent(pipe) {
            LentRead::Took => return Leased::Took,
            LentRead::Off => return Leased::Off,
            LentRead::Wait => {}
        }
    }
    cx.waker().wake_by_ref();
    Leased::Waiting
}
