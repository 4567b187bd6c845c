//! Waits cut into slices, so that a C entry point can take thread
//! cancellation between them.
//!
//! A C program may cancel (`pthread_cancel`) a thread blocked in a libzmq
//! call: libzmq's waits are cancellation points, and the thread ends there.
//! A cancellation acted on inside Rust frames would unwind through them,
//! which Rust does not allow (the process aborts). So ferrozmq's own waits
//! are never cancellation points (its system calls bypass libc's
//! cancellable wrappers, see `sys`), and a C entry point that may block
//! turns slicing on for its thread around the call ([`start`], [`end`]):
//! every sleep then lasts at most [`SLICE`], and one that ends for that
//! reason returns as if a signal had interrupted it (EINTR). The entry
//! point, with none of the library's frames left below it, takes a
//! cancellation point and calls again, keeping the first call's deadline
//! ([`Resume`]) so that time-outs stay as they were.
//!
//! Threads that never turn slicing on (the Rust API, Python, the I/O
//! threads) sleep as before.

use std::cell::Cell;
use std::io;
use std::time::{Duration, Instant};

use crate::sys::{self, PollFd};

/// The longest a sliced sleep lasts: the delay before a cancelled thread
/// blocked in the library ends.
pub const SLICE: Duration = Duration::from_millis(100);

/// What a call resumed after a slice keeps of the first: its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resume {
    /// The first deadline a wait of the call saw (`None`: none).
    pinned: Option<Instant>,
}

/// This thread's slicing before [`start`], for [`end`] to put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "pass it to wait_slice::end"]
pub struct Outer(u8);

/// Slicing is on for this thread.
const ACTIVE: u8 = 1;
/// A sleep of the current call ended at a slice's end.
const ENDED: u8 = 2;
/// [`PINNED`] holds the current call's first deadline.
const HAS_PIN: u8 = 4;

thread_local! {
    /// ACTIVE | ENDED | HAS_PIN: one byte, so that turning slicing on and
    /// off around every call of the C API costs two loads and two stores.
    static FLAGS: Cell<u8> = const { Cell::new(0) };
    /// The first deadline of the current call (valid with HAS_PIN).
    static PINNED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Turns slicing on for this thread, for a fresh call; returns what
/// [`end`] puts back.
#[inline]
pub fn start() -> Outer {
    Outer(FLAGS.replace(ACTIVE))
}

/// As [`start`], for a call made again after a slice ended (see [`end`]).
pub fn resume(resume: Resume) -> Outer {
    PINNED.set(resume.pinned);
    Outer(FLAGS.replace(ACTIVE | HAS_PIN))
}

/// Turns slicing back to what it was before [`start`] (or [`resume`]).
/// Returns what to resume with if a sleep of this call ended at a slice's
/// end (the call then failed with EINTR and must be made again), `None`
/// otherwise.
#[inline]
pub fn end(outer: Outer) -> Option<Resume> {
    // A call made inside another (a free function that receives, say)
    // may have replaced the outer one's pin: the outer pins again.
    let restored = if outer.0 & ACTIVE != 0 {
        outer.0 & !HAS_PIN
    } else {
        outer.0
    };
    let flags = FLAGS.replace(restored);
    if flags & ENDED == 0 {
        return None;
    }
    Some(Resume {
        pinned: if flags & HAS_PIN != 0 {
            PINNED.get()
        } else {
            None
        },
    })
}

/// Runs `f` with slicing off: for work that a slice must not cut in two,
/// such as forwarding the frames of one message.
pub fn unsliced<R>(f: impl FnOnce() -> R) -> R {
    let flags = FLAGS.replace(FLAGS.get() & !ACTIVE);
    let r = f();
    FLAGS.set(flags);
    r
}

/// The deadline a wait must keep: its own, or with slicing on, the first
/// deadline seen in this call if that is earlier (a call made again after
/// a slice computes a later one from its time-out).
pub fn deadline(own: Option<Instant>) -> Option<Instant> {
    let flags = FLAGS.get();
    if flags & ACTIVE == 0 {
        return own;
    }
    if flags & HAS_PIN == 0 {
        PINNED.set(own);
        FLAGS.set(flags | HAS_PIN);
        return own;
    }
    match (PINNED.get(), own) {
        (Some(p), Some(o)) => Some(p.min(o)),
        (p, o) => p.or(o),
    }
}

/// Waits for readiness on `fds` as `poll(2)` does (`timeout_ms` < 0 waits
/// forever, an empty `fds` just sleeps). With slicing on, a wait longer
/// than [`SLICE`] that would outlast it ends at its end with an
/// [`io::ErrorKind::Interrupted`] error instead, marked for [`end`].
pub fn poll_fds(fds: &mut [PollFd], timeout_ms: i32) -> io::Result<usize> {
    let slice_ms = SLICE.as_millis() as i32;
    let sliced = (timeout_ms < 0 || timeout_ms > slice_ms) && FLAGS.get() & ACTIVE != 0;
    if !sliced {
        return sys::poll_fds(fds, timeout_ms);
    }
    let ready = sys::poll_fds(fds, slice_ms)?;
    if ready > 0 {
        return Ok(ready);
    }
    FLAGS.set(FLAGS.get() | ENDED);
    Err(io::ErrorKind::Interrupted.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_slicing_a_wait_is_whole() {
        let started = Instant::now();
        assert_eq!(poll_fds(&mut [], 150).unwrap(), 0);
        assert!(started.elapsed() >= Duration::from_millis(150));
        let d = Some(Instant::now());
        assert_eq!(deadline(d), d);
    }

    #[test]
    fn a_sliced_wait_ends_at_the_slice_and_the_call_is_marked() {
        let outer = start();
        let started = Instant::now();
        let err = poll_fds(&mut [], -1).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
        assert!(started.elapsed() >= SLICE);
        // A short wait is not cut.
        assert_eq!(poll_fds(&mut [], 1).unwrap(), 0);
        let resumed = end(outer).expect("a slice ended");
        assert_eq!(FLAGS.get(), 0);
        // The next call keeps the first call's deadline (none here).
        let outer = resume(resumed);
        let later = Some(Instant::now() + Duration::from_secs(9));
        assert_eq!(deadline(later), later);
        assert_eq!(end(outer), None);
    }

    #[test]
    fn a_resumed_call_keeps_the_first_deadline() {
        let outer = start();
        let first = Instant::now() + Duration::from_millis(250);
        assert_eq!(deadline(Some(first)), Some(first));
        let _ = poll_fds(&mut [], -1);
        let resumed = end(outer).expect("a slice ended");
        let outer = resume(resumed);
        let recomputed = first + Duration::from_millis(100);
        assert_eq!(deadline(Some(recomputed)), Some(first));
        assert_eq!(deadline(None), Some(first));
        assert_eq!(end(outer), None);
        // A fresh call has a deadline of its own.
        let outer = start();
        assert_eq!(deadline(Some(recomputed)), Some(recomputed));
        assert_eq!(end(outer), None);
    }

    #[test]
    fn unsliced_work_waits_whole() {
        let outer = start();
        let started = Instant::now();
        let r = unsliced(|| poll_fds(&mut [], 150));
        assert_eq!(r.unwrap(), 0);
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert_eq!(end(outer), None);
    }
}
