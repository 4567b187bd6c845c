//! Message tracking (`track=True`): a flag set when ferrozmq drops the
//! last reference to a sent frame's bytes, i.e. when it is done with them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use pyo3::prelude::*;

/// Whether a tracked frame's bytes were released (pyzmq's `MessageTracker` core).
#[pyclass(frozen, module = "ferrozmq._ferrozmq", name = "Completion")]
pub(crate) struct Completion {
    done: Arc<AtomicBool>,
}

#[pymethods]
impl Completion {
    /// True once ferrozmq no longer holds the frame.
    #[getter]
    fn done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }
}

/// A frame's bytes that raise a flag when dropped.
struct Tracked {
    data: Bytes,
    done: Arc<AtomicBool>,
}

impl AsRef<[u8]> for Tracked {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Release);
    }
}

/// `data` (copied, so ferrozmq alone holds it) with the completion that
/// tells when ferrozmq is done with it.
pub(crate) fn tracked(data: Bytes) -> (Bytes, Completion) {
    let done = Arc::new(AtomicBool::new(false));
    let bytes = Bytes::from_owner(Tracked {
        data: Bytes::copy_from_slice(&data),
        done: done.clone(),
    });
    (bytes, Completion { done })
}
