//! `zmq_poll`: wait on sockets and file descriptors at once.

use std::time::Duration;

use ferrozmq::{Error, ErrorKind, PollEvents, PollItem};
use pyo3::prelude::*;

use crate::deadline::Deadline;
use crate::error::blocking;
use crate::socket::{Slot, Socket};

/// One thing to poll: a socket (by its index among the distinct sockets) or a file descriptor.
enum Target {
    Socket(usize),
    Fd(i32),
}

/// Waits up to `timeout` ms (negative: forever) until one of `items`
/// (`(socket_or_fd, events)` pairs) is ready; returns the ready ones as
/// `(socket_or_fd, revents)` pairs, like pyzmq's `zmq_poll`.
#[pyfunction]
#[pyo3(signature = (items, timeout = -1))]
pub(crate) fn zmq_poll<'py>(
    py: Python<'py>,
    items: Vec<(Bound<'py, PyAny>, i16)>,
    timeout: i64,
) -> PyResult<Vec<(Bound<'py, PyAny>, i16)>> {
    let mut sockets: Vec<Bound<'py, Socket>> = Vec::new();
    let mut targets = Vec::with_capacity(items.len());
    for (obj, events) in &items {
        let target = match obj.downcast::<Socket>() {
            Ok(s) => {
                // The same socket twice (or a socket and its shadow) is locked once.
                let idx = sockets
                    .iter()
                    .position(|k| k.get().same_socket(s.get()))
                    .unwrap_or_else(|| {
                        sockets.push(s.clone());
                        sockets.len() - 1
                    });
                Target::Socket(idx)
            }
            Err(_) => Target::Fd(file_descriptor(obj)?),
        };
        targets.push((target, *events));
    }
    let refs: Vec<&Socket> = sockets.iter().map(Bound::get).collect();
    let deadline = Deadline::new(timeout);
    let revents = blocking(py, || {
        let mut slots: Vec<Slot<'_>> = refs.iter().map(|s| s.lock()).collect();
        poll_once(&mut slots, &targets, deadline.left())
    })?;
    Ok(items
        .into_iter()
        .zip(revents)
        .filter(|(_, r)| *r != 0)
        .map(|((obj, _), r)| (obj, r))
        .collect())
}

/// One `ferrozmq::poll` over locked sockets; the revents of each target.
fn poll_once(
    slots: &mut [Slot<'_>],
    targets: &[(Target, i16)],
    timeout: Option<Duration>,
) -> Result<Vec<i16>, Error> {
    // Each distinct socket is polled for the union of what its entries want.
    let mut wanted = vec![0i16; slots.len()];
    for (target, events) in targets {
        if let Target::Socket(i) = target {
            if let Some(w) = wanted.get_mut(*i) {
                *w |= events;
            }
        }
    }
    let socket_count = slots.len();
    let mut poll_items = Vec::with_capacity(socket_count + targets.len());
    for (slot, events) in slots.iter_mut().zip(&wanted) {
        let socket = slot.as_mut().ok_or(ErrorKind::NotSocket)?;
        poll_items.push(PollItem::socket(socket, PollEvents::from_raw(*events)));
    }
    for (target, events) in targets {
        if let Target::Fd(fd) = target {
            poll_items.push(PollItem::fd(*fd, PollEvents::from_raw(*events)));
        }
    }
    ferrozmq::poll(&mut poll_items, timeout)?;
    let mut fd_index = socket_count;
    Ok(targets
        .iter()
        .map(|(target, events)| match target {
            Target::Socket(i) => poll_items
                .get(*i)
                .map_or(0, |p| p.revents().bits() & events),
            Target::Fd(_) => {
                fd_index += 1;
                poll_items
                    .get(fd_index - 1)
                    .map_or(0, |p| p.revents().bits())
            }
        })
        .collect())
}

/// An int, or an object with `fileno()`, as a file descriptor.
fn file_descriptor(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    if let Ok(fd) = obj.extract::<i32>() {
        return Ok(fd);
    }
    obj.call_method0("fileno")?.extract()
}
