//! References to Python objects held by messages, released with the GIL.
//!
//! A message that holds a Python `bytes` object (a zero-copy send) is
//! usually dropped by an I/O thread, which may not touch the object's
//! reference count. pyo3 would queue the reference in its global pool,
//! and from then on every call into the extension, each `send` and
//! `recv`, would lock that pool's mutex to look for queued work. A
//! [`Held`] reference goes to a queue of this module instead when it is
//! dropped, wherever that is, and the hot calls read one flag
//! ([`release_pending`]) before emptying the queue with the GIL.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, TryLockError};

use pyo3::ffi;
use pyo3::prelude::*;

/// One reference to a Python object, kept until the holder is dropped and
/// then released at the next [`release_pending`].
pub(crate) struct Held(Queued);

/// A reference to release, owned by whoever holds this.
struct Queued(NonNull<ffi::PyObject>);

// SAFETY: the reference count is only touched with the GIL held (by
// `Held::new` and `release_pending`); other threads only move the pointer.
unsafe impl Send for Queued {}
// SAFETY: gives no access to the object, only keeps it alive.
unsafe impl Sync for Queued {}

impl Held {
    /// Keeps `object` alive until this is dropped.
    pub(crate) fn new(object: Bound<'_, PyAny>) -> Held {
        // SAFETY: `into_ptr` hands over one owned, non-null reference.
        Held(Queued(unsafe { NonNull::new_unchecked(object.into_ptr()) }))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut queue = QUEUE.lock().unwrap_or_else(|p| p.into_inner());
        queue.push(Queued(self.0 .0));
        drop(queue);
        // After the push: whoever sees the flag finds the reference queued.
        PENDING.store(true, Ordering::Release);
    }
}

/// References of dropped [`Held`]s, to release.
static QUEUE: Mutex<Vec<Queued>> = Mutex::new(Vec::new());
/// Whether `QUEUE` may hold anything.
static PENDING: AtomicBool = AtomicBool::new(false);

/// Releases the references of dropped [`Held`]s; one atomic read when
/// there are none.
pub(crate) fn release_pending(_py: Python<'_>) {
    if !PENDING.load(Ordering::Acquire) {
        return;
    }
    // Cleared before the take: a reference queued after it sets it again.
    PENDING.store(false, Ordering::Relaxed);
    let mut queue = match QUEUE.try_lock() {
        Ok(queue) => queue,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            // A thread is queueing right now (or, in a forked child, was
            // when the process forked): the next call tries again; never
            // wait here with the GIL held.
            PENDING.store(true, Ordering::Relaxed);
            return;
        }
    };
    let queued = std::mem::take(&mut *queue);
    drop(queue);
    for Queued(object) in queued {
        // SAFETY: the GIL is held (the token says so) and each queued
        // pointer is one owned reference.
        unsafe { ffi::Py_DecRef(object.as_ptr()) };
    }
}
