//! ferrozmq errors as Python exceptions, and the blocking-call loop that
//! releases the GIL and turns EINTR into Python's signal handling.

use ferrozmq::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;

/// `ferrozmq.error._from_errno`: builds the right `ZMQError` subclass.
static FROM_ERRNO: GILOnceCell<Py<PyAny>> = GILOnceCell::new();

/// The Python exception for a ferrozmq error (`ZMQError` or a subclass
/// such as `Again` or `ContextTerminated`, chosen by the Python layer).
pub(crate) fn zmq_error(py: Python<'_>, error: Error) -> PyErr {
    let made = FROM_ERRNO
        .get_or_try_init(py, || {
            py.import("ferrozmq.error")?
                .getattr("_from_errno")
                .map(Bound::unbind)
        })
        .and_then(|f| f.call1(py, (error.errno(),)));
    match made {
        Ok(exc) => PyErr::from_value(exc.into_bound(py)),
        Err(e) => e,
    }
}

/// A ferrozmq result as a Python result.
pub(crate) fn check<T>(py: Python<'_>, result: Result<T, Error>) -> PyResult<T> {
    result.map_err(|e| zmq_error(py, e))
}

/// Runs a blocking call without the GIL. When a signal interrupts it
/// (EINTR), Python's signal handlers run (Ctrl-C raises KeyboardInterrupt);
/// if none raised, the call is made again, as pyzmq does.
pub(crate) fn blocking<T, F>(py: Python<'_>, mut call: F) -> PyResult<T>
where
    T: Send,
    F: FnMut() -> Result<T, Error> + Send,
{
    loop {
        match py.allow_threads(&mut call) {
            Err(e) if e.kind() == ErrorKind::Interrupted => py.check_signals()?,
            other => return check(py, other),
        }
    }
}

/// libzmq's text for an errno (`zmq_strerror`); None for errnos it does
/// not name itself (the Python layer asks the OS then).
#[pyfunction]
pub(crate) fn strerror(errno: i32) -> Option<&'static str> {
    match ErrorKind::from_errno(errno) {
        ErrorKind::Os(_) => None,
        e => Some(e.message()),
    }
}
