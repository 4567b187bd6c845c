//! [`poll`]: wait on many sockets and plain file descriptors at once.

use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use ferrozmq_engine::{poll_fds, wait_slice, PollFd};

use crate::error::{ErrorKind, Result};
use crate::poll_events::PollEvents;
use crate::socket::Socket;

const SYS_POLLIN: i16 = 0x001;
const SYS_POLLPRI: i16 = 0x002;
const SYS_POLLOUT: i16 = 0x004;

/// One thing to wait on: a socket or a file descriptor, and the events wanted.
#[derive(Debug)]
pub struct PollItem<'a> {
    socket: Option<&'a mut Socket>,
    fd: RawFd,
    events: PollEvents,
    revents: PollEvents,
}

impl<'a> PollItem<'a> {
    /// Waits on a socket for [`PollEvents::READABLE`] and/or
    /// [`PollEvents::WRITABLE`] (a socket never reports
    /// [`PollEvents::ERROR`]).
    pub fn socket(socket: &'a mut Socket, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: Some(socket),
            fd: -1,
            events,
            revents: PollEvents::empty(),
        }
    }

    /// Waits on a plain file descriptor for `events`;
    /// [`PollEvents::ERROR`] is reported whether asked for or not.
    pub fn fd(fd: RawFd, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: None,
            fd,
            events,
            revents: PollEvents::empty(),
        }
    }

    /// The events that were ready after [`poll`].
    pub fn revents(&self) -> PollEvents {
        self.revents
    }

    /// Whether [`PollEvents::READABLE`] was ready.
    pub fn is_readable(&self) -> bool {
        self.revents.contains(PollEvents::READABLE)
    }

    /// Whether [`PollEvents::WRITABLE`] was ready.
    pub fn is_writable(&self) -> bool {
        self.revents.contains(PollEvents::WRITABLE)
    }
}

/// Waits until some item is ready or `timeout` passes (`None`: forever);
/// returns how many items are ready, like `zmq_poll`.
///
/// ```
/// use std::time::Duration;
/// use ferrozmq::{poll, Context, PollEvents, PollItem, SocketType};
///
/// let ctx = Context::new();
/// let mut a = ctx.socket(SocketType::Pair)?;
/// a.bind("inproc://poll-doc")?;
/// let mut b = ctx.socket(SocketType::Pair)?;
/// b.connect("inproc://poll-doc")?;
/// b.send("ready")?;
///
/// let mut items = [PollItem::socket(&mut a, PollEvents::READABLE)];
/// assert_eq!(poll(&mut items, Some(Duration::from_secs(5)))?, 1);
/// assert!(items[0].is_readable());
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub fn poll(items: &mut [PollItem<'_>], timeout: Option<Duration>) -> Result<usize> {
    // A wait a C entry point resumes after a slice keeps its first deadline.
    let deadline = wait_slice::deadline(timeout.map(|t| Instant::now() + t));
    let mut fds = Vec::with_capacity(items.len());
    for item in items.iter_mut() {
        fds.push(match item.socket.as_deref_mut() {
            Some(socket) => PollFd {
                fd: socket.fd()?,
                events: SYS_POLLIN,
                revents: 0,
            },
            None => PollFd {
                fd: item.fd,
                events: to_sys(item.events),
                revents: 0,
            },
        });
    }
    // As libzmq's zmq_poll: the descriptors are polled first (without
    // waiting on the first pass), and only then are the sockets asked for
    // their events, which re-arms their descriptors. A plain descriptor
    // item that is some socket's ZMQ_FD thus sees that socket's readiness
    // before the socket's own item consumes it.
    let mut wait_ms = 0;
    loop {
        for pfd in &mut fds {
            pfd.revents = 0;
        }
        match poll_fds(&mut fds, wait_ms) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                return Err(ErrorKind::Interrupted.into())
            }
            Err(e) => return Err(e.into()),
        }
        let mut ready = 0;
        for (item, pfd) in items.iter_mut().zip(&fds) {
            item.revents = match item.socket.as_deref_mut() {
                Some(socket) => socket.events()? & item.events,
                None => from_sys(pfd.revents) & (item.events | PollEvents::ERROR),
            };
            if !item.revents.is_empty() {
                ready += 1;
            }
        }
        if ready > 0 {
            return Ok(ready);
        }
        wait_ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(0);
                }
                // Round up, so a sub-millisecond remainder does not spin.
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        };
    }
}

/// The `poll(2)` bits for `events`.
fn to_sys(events: PollEvents) -> i16 {
    let mut e = 0;
    if events.contains(PollEvents::READABLE) {
        e |= SYS_POLLIN;
    }
    if events.contains(PollEvents::WRITABLE) {
        e |= SYS_POLLOUT;
    }
    if events.contains(PollEvents::PRIORITY) {
        e |= SYS_POLLPRI;
    }
    e
}

/// The events `poll(2)`'s `revents` report; as libzmq, every condition
/// other than input, output and urgent data (POLLERR, POLLHUP, POLLNVAL, a
/// closed pipe's or socket's hang-up) is ZMQ_POLLERR.
fn from_sys(revents: i16) -> PollEvents {
    let mut e = PollEvents::empty();
    if revents & SYS_POLLIN != 0 {
        e |= PollEvents::READABLE;
    }
    if revents & SYS_POLLOUT != 0 {
        e |= PollEvents::WRITABLE;
    }
    if revents & SYS_POLLPRI != 0 {
        e |= PollEvents::PRIORITY;
    }
    if revents & !(SYS_POLLIN | SYS_POLLOUT | SYS_POLLPRI) != 0 {
        e |= PollEvents::ERROR;
    }
    e
}
