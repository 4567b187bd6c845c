//! `Context`: ferrozmq's context for Python (pyzmq's `zmq.Context` core).

use std::sync::Arc;

use ferrozmq::{ContextOption, Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::error::{blocking, check};

/// A ZeroMQ context: the I/O threads and inproc namespace sockets share.
/// A shadow (`Context(shadow=other)`) is the same context as `other`.
#[pyclass(subclass, frozen, module = "ferrozmq._ferrozmq", name = "Context")]
pub(crate) struct Context {
    pub(crate) inner: Arc<ferrozmq::Context>,
}

#[pymethods]
impl Context {
    /// A new context, or with `shadow`, `shadow`'s context. The other
    /// arguments are the Python subclass's (its `__init__` sets IO_THREADS).
    #[new]
    #[pyo3(signature = (*_args, shadow = None, **_kwargs))]
    fn new(
        _args: &Bound<'_, PyTuple>,
        shadow: Option<&Bound<'_, Context>>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> Context {
        let inner = match shadow {
            Some(other) => other.get().inner.clone(),
            None => Arc::new(ferrozmq::Context::new()),
        };
        Context { inner }
    }

    /// An address naming the ZeroMQ context, the same for its shadows
    /// (pyzmq's `underlying`; not a libzmq pointer).
    #[getter]
    fn _address(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    /// Waits until every socket is closed, then stops the I/O threads.
    /// Blocking calls on this context's sockets fail with ETERM meanwhile.
    fn term(&self, py: Python<'_>) -> PyResult<()> {
        let inner = self.inner.clone();
        if inner.is_forked_copy() {
            // As pyzmq: a forked child's copy is left alone (libzmq's
            // term would say EINTR there, which `blocking` would retry).
            inner.shutdown();
            return Ok(());
        }
        let termed = blocking(py, move || inner.term());
        // The messages the sockets still held are gone: let go of their objects.
        crate::release::release_pending(py);
        termed
    }

    /// Makes blocking calls on this context's sockets fail with ETERM,
    /// without waiting (`zmq_ctx_shutdown`).
    fn shutdown(&self) {
        self.inner.shutdown();
    }

    /// Whether `term` or `shutdown` was called.
    #[getter]
    fn _terminated(&self) -> bool {
        self.inner.is_terminated()
    }

    /// Sets a context option (`zmq_ctx_set`), by libzmq's number.
    fn set(&self, py: Python<'_>, option: i32, value: i32) -> PyResult<()> {
        let option = check(
            py,
            ContextOption::from_raw(option, true).ok_or(Error::new(ErrorKind::Invalid)),
        )?;
        check(py, self.inner.set(option, value))
    }

    /// Reads a context option (`zmq_ctx_get`), by libzmq's number.
    fn get(&self, py: Python<'_>, option: i32) -> PyResult<i32> {
        let option = check(
            py,
            ContextOption::from_raw(option, false).ok_or(Error::new(ErrorKind::Invalid)),
        )?;
        check(py, self.inner.get(option))
    }
}
