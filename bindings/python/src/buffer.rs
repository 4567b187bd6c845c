//! The buffer protocol for `Frame` (`memoryview(frame)`,
//! `numpy.frombuffer(frame)`, `bytes(frame)`), without a copy.
//!
//! pyo3 implements `__getbuffer__` only for the limited API of Python
//! 3.11+, and this wheel targets 3.8+. So the slot is set on a small mixin
//! type of our own, `_FrameBuffer`, made with `PyType_FromSpec` (buffer
//! slots are accepted there since Python 3.9); the Python `Frame` class
//! derives from it besides the Rust `Frame`. The mixin adds no instance
//! data (its layout is `object`'s), so the two bases are compatible.
//!
//! The view is writable, as pyzmq's, unless [`Frame::export`] says
//! otherwise (large frames whose bytes may be shared). It holds a reference to the
//! frame, which keeps the bytes in place while the view lives.

use std::os::raw::{c_char, c_int, c_void};

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::frame::Frame;

/// CPython's `Py_buffer`, whose layout is the same in every Python 3
/// (part of the limited API only from 3.11, hence declared here).
#[repr(C)]
pub(crate) struct PyBufferView {
    buf: *mut c_void,
    obj: *mut ffi::PyObject,
    len: ffi::Py_ssize_t,
    itemsize: ffi::Py_ssize_t,
    readonly: c_int,
    ndim: c_int,
    format: *mut c_char,
    shape: *mut ffi::Py_ssize_t,
    strides: *mut ffi::Py_ssize_t,
    suboffsets: *mut ffi::Py_ssize_t,
    internal: *mut c_void,
}

extern "C" {
    /// Fills a one-dimensional byte view of `buf` (exported by every
    /// CPython 3; stable ABI since 3.11).
    fn PyBuffer_FillInfo(
        view: *mut PyBufferView,
        obj: *mut ffi::PyObject,
        buf: *mut c_void,
        len: ffi::Py_ssize_t,
        readonly: c_int,
        flags: c_int,
    ) -> c_int;
}

/// `bf_getbuffer` of `_FrameBuffer`: a view of the frame's bytes, writable
/// unless [`Frame::export`] says not (then a request for a writable view
/// fails with BufferError).
///
/// # Safety
/// Called by CPython with the GIL held, `obj` a live object and `view` a
/// writable `Py_buffer`.
unsafe extern "C" fn get_buffer(
    obj: *mut ffi::PyObject,
    view: *mut PyBufferView,
    flags: c_int,
) -> c_int {
    let filled = std::panic::catch_unwind(|| {
        Python::with_gil(|py| {
            // SAFETY: CPython passes a live object, borrowed for this call.
            let any = unsafe { Bound::from_borrowed_ptr(py, obj) };
            let Ok(frame) = any.downcast::<Frame>() else {
                PyTypeError::new_err("_FrameBuffer is only a base of Frame").restore(py);
                return -1;
            };
            let (data, writable) = frame.get().export();
            // SAFETY: `view` is CPython's to fill; the bytes stay in place
            // while the frame lives (its message and export never change
            // once set) and the view holds a reference to the frame. When
            // `writable`, nothing but this frame and its copies holds the
            // bytes (see `Frame::export`), so writes are the frame's own.
            unsafe {
                PyBuffer_FillInfo(
                    view,
                    obj,
                    data.as_ptr().cast_mut().cast(),
                    data.len() as ffi::Py_ssize_t,
                    c_int::from(!writable),
                    flags,
                )
            }
        })
    });
    filled.unwrap_or(-1)
}

/// The `_FrameBuffer` mixin, or None before Python 3.9 (where type specs
/// take no buffer slots and `memoryview(frame)` is not available).
pub(crate) fn frame_buffer_type(py: Python<'_>) -> PyResult<Option<Bound<'_, PyType>>> {
    if !py.version_info().ge(&(3, 9)) {
        return Ok(None);
    }
    let mut slots = [
        ffi::PyType_Slot {
            slot: ffi::Py_bf_getbuffer,
            pfunc: get_buffer as *mut c_void,
        },
        ffi::PyType_Slot {
            slot: 0,
            pfunc: std::ptr::null_mut(),
        },
    ];
    let mut spec = ffi::PyType_Spec {
        // 'static: CPython keeps pointing at the name.
        name: c"ferrozmq._ferrozmq._FrameBuffer".as_ptr(),
        basicsize: 0,
        itemsize: 0,
        flags: (ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_BASETYPE) as _,
        slots: slots.as_mut_ptr(),
    };
    // SAFETY: a valid spec whose slot array ends with a zero slot; CPython
    // copies the slots and returns a new reference (or NULL with an error).
    let raw = unsafe { ffi::PyType_FromSpec(&mut spec) };
    // SAFETY: `raw` is a new reference or NULL (then the error is raised).
    let ty = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
    Ok(Some(ty.downcast_into::<PyType>()?))
}
