//! `zmq_poll` over sockets and file descriptors, and the proxies
//! (`zmq_proxy`, `zmq_proxy_steerable`, the deprecated `zmq_device`), on top
//! of [`ferrozmq::poll`] and [`ferrozmq::proxy`].

use std::os::raw::{c_int, c_long, c_short, c_void};
use std::time::Duration;

use ferrozmq::{ErrorKind, PollEvents, PollItem, ProxyState, Socket};

use crate::cancel;
use crate::guard::{self, Result};
use crate::socket::socket;

/// A file descriptor, as in libzmq on POSIX.
pub type zmq_fd_t = c_int;

/// One entry of `zmq_poll`: a socket, or (if `socket` is NULL) a file descriptor.
#[repr(C)]
pub struct zmq_pollitem_t {
    /// A socket handle, or NULL to poll `fd`.
    pub socket: *mut c_void,
    /// A file descriptor, used when `socket` is NULL.
    pub fd: zmq_fd_t,
    /// ZMQ_POLLIN / ZMQ_POLLOUT (/ ZMQ_POLLERR for fds) wanted.
    pub events: c_short,
    /// The events that are ready, set by `zmq_poll`.
    pub revents: c_short,
}

/// Waits until an item is ready or `timeout` ms pass (-1: forever); returns how many are ready.
///
/// # Safety
/// `items` points to `nitems` items whose sockets are live handles used by
/// this thread only.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_poll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
) -> c_int {
    cancel::blocking(|| {
        guard::int(|| {
            let count = usize::try_from(nitems).map_err(|_| ErrorKind::Invalid)?;
            if count == 0 {
                // Nothing to wait for but the time (or a signal, EINTR, as
                // libzmq's usleep); waited in slices like every wait.
                if timeout > 0 {
                    let wait = Duration::from_millis(timeout.unsigned_abs());
                    ferrozmq::poll(&mut [], Some(wait))?;
                }
                return Ok(0);
            }
            if items.is_null() {
                return Err(ErrorKind::Fault.into());
            }
            // SAFETY: items points to nitems items per the contract.
            let items = unsafe { std::slice::from_raw_parts_mut(items, count) };
            // SAFETY: the sockets are live handles per the contract.
            unsafe { poll(items, timeout) }
        })
    })
}

/// Forwards messages both ways between two sockets until the context is terminated.
///
/// Copies them to `capture` if not NULL; returns -1 with ETERM. `frontend`
/// and `backend` may be the same socket.
///
/// # Safety
/// Live socket handles (`capture` may be NULL), distinct but for `frontend`
/// and `backend`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { zmq_proxy_steerable(frontend, backend, capture, std::ptr::null_mut()) }
}

/// Like `zmq_proxy`, steered by PAUSE/RESUME/TERMINATE/STATISTICS on `control`.
///
/// Returns 0 after TERMINATE. `frontend` and `backend` may be the same socket.
///
/// # Safety
/// Live socket handles (`capture` and `control` may be NULL), distinct but
/// for `frontend` and `backend`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_proxy_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> c_int {
    // Kept across the slices of a blocking call: a proxy resumed after one
    // is still paused (or not) and keeps its statistics.
    let mut state = ProxyState::default();
    cancel::blocking(|| {
        guard::int(|| {
            let same = frontend == backend;
            let backend = if same { std::ptr::null_mut() } else { backend };
            // SAFETY: per this function's contract.
            let [f, b, c, k] = unsafe { sockets([frontend, backend, capture, control])? };
            let f = f.ok_or(ErrorKind::NotSocket)?;
            let b = match (same, b) {
                (true, _) => None,
                (false, Some(b)) => Some(b),
                (false, None) => return Err(ErrorKind::NotSocket.into()),
            };
            ferrozmq::proxy_resumable(f, b, c, k, &mut state)?;
            Ok(0)
        })
    })
}

/// Deprecated: `zmq_proxy(frontend, backend, NULL)`; the type is ignored.
///
/// # Safety
/// As `zmq_proxy`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_device(
    type_: c_int,
    frontend: *mut c_void,
    backend: *mut c_void,
) -> c_int {
    let _ = type_;
    // SAFETY: same contract as zmq_proxy.
    unsafe { zmq_proxy(frontend, backend, std::ptr::null_mut()) }
}

/// Polls `items`. A socket listed more than once is polled once (with the
/// union of the events wanted), so no two `&mut Socket` alias.
///
/// # Safety
/// The items' non-NULL sockets are live handles used by this thread only.
unsafe fn poll(items: &mut [zmq_pollitem_t], timeout: c_long) -> Result<c_int> {
    // What to poll: (socket handle or NULL, fd, events); `slot[i]` is the
    // entry item i maps to.
    let mut entries: Vec<(*mut c_void, zmq_fd_t, c_short)> = Vec::with_capacity(items.len());
    let mut slot = Vec::with_capacity(items.len());
    for item in items.iter() {
        let same = (!item.socket.is_null())
            .then(|| entries.iter().position(|e| e.0 == item.socket))
            .flatten();
        match same.and_then(|i| entries.get_mut(i).map(|e| (i, e))) {
            Some((i, entry)) => {
                entry.2 |= item.events;
                slot.push(i);
            }
            None => {
                slot.push(entries.len());
                entries.push((item.socket, item.fd, item.events));
            }
        }
    }
    let mut targets = Vec::with_capacity(entries.len());
    for (handle, fd, events) in entries {
        if handle.is_null() {
            targets.push(PollItem::fd(fd, PollEvents::from_raw(events)));
        } else {
            // SAFETY: a live handle per the contract, and distinct from every
            // other entry, so the &mut Sockets don't alias.
            let socket: &mut Socket = unsafe { socket(handle)? };
            targets.push(PollItem::socket(socket, PollEvents::from_raw(events)));
        }
    }
    let timeout = u64::try_from(timeout).ok().map(Duration::from_millis);
    ferrozmq::poll(&mut targets, timeout)?;
    let mut ready = 0;
    for (item, i) in items.iter_mut().zip(slot) {
        let revents = targets.get(i).map_or(0, |t| t.revents().bits());
        item.revents = if item.socket.is_null() {
            revents
        } else {
            revents & item.events
        };
        if item.revents != 0 {
            ready += 1;
        }
    }
    Ok(ready)
}

/// Up to four socket handles as distinct `&mut Socket`s (NULL → None).
///
/// # Safety
/// Non-NULL handles must be live sockets used by this thread only.
unsafe fn sockets<'a>(handles: [*mut c_void; 4]) -> Result<[Option<&'a mut Socket>; 4]> {
    for (i, a) in handles.iter().enumerate() {
        if !a.is_null() && handles.iter().skip(i + 1).any(|b| b == a) {
            return Err(ErrorKind::Invalid.into());
        }
    }
    let mut out: [Option<&'a mut Socket>; 4] = [None, None, None, None];
    for (slot, handle) in out.iter_mut().zip(handles) {
        if !handle.is_null() {
            // SAFETY: live and pairwise distinct (checked above), so no aliasing.
            *slot = Some(unsafe { socket(handle)? });
        }
    }
    Ok(out)
}
