//! `Truthy`: a yes/no argument read as Python reads a condition.
//!
//! pyzmq declares `copy` and `track` as Cython `bint`: any object is
//! accepted and its truth value taken (`copy=0`, `track=None` and
//! `copy=1` are all valid there). pyo3's `bool` accepts only `True` and
//! `False`, so these arguments are read through this type instead.

use pyo3::ffi;
use pyo3::prelude::*;

/// The truth value of an argument (`bool(arg)` in Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Truthy(pub(crate) bool);

impl<'py> FromPyObject<'py> for Truthy {
    fn extract_bound(arg: &Bound<'py, PyAny>) -> PyResult<Self> {
        // True and False by identity first: the usual case, and no call.
        // SAFETY: the addresses of CPython's two static bool objects.
        let (yes, no) = unsafe { (ffi::Py_True(), ffi::Py_False()) };
        match arg.as_ptr() {
            p if p == yes => Ok(Truthy(true)),
            p if p == no => Ok(Truthy(false)),
            _ => arg.is_truthy().map(Truthy),
        }
    }
}
