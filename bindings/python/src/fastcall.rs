//! `Socket.send` and `Socket.recv` as METH_FASTCALL methods on Python 3.10+.
//!
//! pyo3 builds the methods of an abi3-py38 extension as
//! METH_VARARGS|METH_KEYWORDS: every call packs its arguments into a new
//! tuple (and keywords such as `copy=False` into a new dict) that the method
//! then unpacks. METH_FASTCALL hands them over as the caller's array, and
//! keyword names as a tuple the compiler made once; it is in the stable ABI
//! from Python 3.10. So on 3.10+ [`install`] replaces these two hot methods
//! of the Rust `Socket` type with METH_FASTCALL descriptors that parse the
//! same signatures and run the same code ([`Socket::send_any`],
//! [`Socket::recv_any`]); on 3.8 and 3.9 pyo3's methods stay.

use std::ffi::CStr;
use std::os::raw::c_int;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyString, PyTuple, PyType};

use crate::socket::Socket;
use crate::truthy::Truthy;

/// CPython's METH_FASTCALL (stable ABI since 3.10; pyo3-ffi declares it
/// only for that target).
const METH_FASTCALL: c_int = 0x0080;

/// A METH_FASTCALL|METH_KEYWORDS C function.
type FastCallWithKeywords = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// The signature of a method: its name, its `N` parameters' names (the
/// first `required` of them without a default). Errors read as pyo3's.
struct Signature<const N: usize> {
    method: &'static str,
    params: [&'static str; N],
    required: usize,
    /// The parameter names as interned Python strings, made once.
    interned: GILOnceCell<Vec<Py<PyString>>>,
}

impl<const N: usize> Signature<N> {
    const fn new(method: &'static str, params: [&'static str; N], required: usize) -> Signature<N> {
        Signature {
            method,
            params,
            required,
            interned: GILOnceCell::new(),
        }
    }

    /// Matches a METH_FASTCALL call's arguments to the parameters: one
    /// slot per parameter, `None` where the caller gave nothing.
    ///
    /// # Safety
    /// `args` holds `nargs` positional arguments followed by one value per
    /// name of `kwnames` (a tuple of str, or NULL), all live for the call.
    unsafe fn bind<'a, 'py>(
        &self,
        py: Python<'py>,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
    ) -> PyResult<[Option<Borrowed<'a, 'py, PyAny>>; N]> {
        let n = usize::try_from(nargs).unwrap_or(0);
        if n > N {
            return Err(PyTypeError::new_err(format!(
                "{}() takes from {} to {N} positional arguments but {n} were given",
                self.method, self.required
            )));
        }
        // Borrowed, the names and their tuple: no reference counting on
        // every call.
        let kw_any = (!kwnames.is_null()).then(|| {
            // SAFETY: CPython passes the keyword names, live for the call.
            unsafe { Borrowed::from_ptr(py, kwnames) }
        });
        let kw = kw_any.as_deref().map(|names| {
            // SAFETY: CPython passes the keyword names as a tuple.
            unsafe { names.downcast_unchecked::<PyTuple>() }
        });
        let total = n + kw.as_ref().map_or(0, |k| k.len());
        let values = if total == 0 {
            &[]
        } else {
            // SAFETY: `args` holds `nargs` positional values then one per keyword name.
            unsafe { std::slice::from_raw_parts(args, total) }
        };
        let (positional, by_name) = values.split_at_checked(n).unwrap_or((values, &[]));
        let borrow = |p: *mut ffi::PyObject| {
            // SAFETY: every element of `values` is a live object, borrowed
            // for the call.
            unsafe { Borrowed::from_ptr(py, p) }
        };
        let mut bound: [Option<Borrowed<'a, 'py, PyAny>>; N] = [None; N];
        for (slot, &value) in bound.iter_mut().zip(positional) {
            *slot = Some(borrow(value));
        }
        let Some(kw) = kw else {
            return Ok(bound);
        };
        let interned = self.interned.get_or_init(py, || {
            self.params
                .iter()
                .map(|p| PyString::intern(py, p).unbind())
                .collect()
        });
        for (i, &value) in by_name.iter().enumerate() {
            let name = kw.get_borrowed_item(i)?;
            // Keyword names written in a call are interned: compare the
            // pointers first, the text only for names built at run time.
            let at = interned
                .iter()
                .position(|p| p.as_ptr() == name.as_ptr())
                .or_else(|| {
                    self.params
                        .iter()
                        .position(|p| name.eq(*p).unwrap_or(false))
                });
            let (Some(slot), Some(param)) = (
                at.and_then(|i| bound.get_mut(i)),
                at.and_then(|i| self.params.get(i)),
            ) else {
                return Err(PyTypeError::new_err(format!(
                    "{}() got an unexpected keyword argument '{}'",
                    self.method, &*name
                )));
            };
            if slot.is_some() {
                return Err(PyTypeError::new_err(format!(
                    "{}() got multiple values for argument '{param}'",
                    self.method
                )));
            }
            *slot = Some(borrow(value));
        }
        Ok(bound)
    }
}

/// Extracts an optional argument, `default` when not given.
fn arg_or<'py, T: FromPyObject<'py>>(
    arg: Option<Borrowed<'_, 'py, PyAny>>,
    default: T,
) -> PyResult<T> {
    arg.map_or(Ok(default), |a| a.extract())
}

/// An optional argument, `None` also when given as Python's None.
fn not_none<'a, 'py>(arg: Option<Borrowed<'a, 'py, PyAny>>) -> Option<Borrowed<'a, 'py, PyAny>> {
    arg.filter(|v| !v.is_none())
}

/// The body of a METH_FASTCALL method: the call's GIL token, `self` and
/// its arguments as CPython passed them.
type Body = for<'py> unsafe fn(
    Python<'py>,
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject>;

/// Runs `body` as a C method: a Python error or a panic becomes a raised
/// exception and NULL; never unwinds into CPython.
///
/// This is the entry pyo3's own generated methods go through (its
/// `impl_` module, semver-exempt; the version is pinned by Cargo.lock):
/// it takes the GIL as held, as it is in a method call, where
/// `Python::with_gil` would ask CPython for the thread state
/// (`PyGILState_Ensure`/`Release`) on every send and receive.
///
/// # Safety
/// Called from a METH_FASTCALL|METH_KEYWORDS method, GIL held, with the
/// call's own arguments.
unsafe fn trampoline(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    body: Body,
) -> *mut ffi::PyObject {
    // SAFETY: as this function's contract.
    unsafe { pyo3::impl_::trampoline::fastcall_with_keywords(slf, args, nargs, kwnames, body) }
}

/// The socket a method was called on.
///
/// # Safety
/// `slf` is the `self` of a call through the method descriptors made by
/// [`install`]: CPython has checked that it is an instance of `Socket`
/// (or a subclass) before calling.
unsafe fn socket(py: Python<'_>, slf: *mut ffi::PyObject) -> Bound<'_, Socket> {
    // SAFETY: CPython passes the live `self` of the call, borrowed for it.
    let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
    // SAFETY: a method descriptor checks the type of `self` (see above).
    unsafe { slf.downcast_into_unchecked::<Socket>() }
}

/// A yes/no argument (`copy`, `track`): its truth value, as pyzmq's
/// `bint`, or `default` when not given.
fn flag_or(arg: Option<Borrowed<'_, '_, PyAny>>, default: bool) -> PyResult<bool> {
    arg.map_or(Ok(default), |a| Ok(a.extract::<Truthy>()?.0))
}

static SEND: Signature<6> = Signature::new(
    "Socket.send",
    ["data", "flags", "copy", "track", "routing_id", "group"],
    1,
);

/// `Socket.send(data, flags=0, copy=True, track=False, routing_id=None, group=None)`.
///
/// # Safety
/// Called by CPython as a METH_FASTCALL|METH_KEYWORDS method, GIL held.
unsafe extern "C" fn send(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's call of this method, passed on as it came.
    unsafe { trampoline(slf, args, nargs, kwnames, send_body) }
}

/// The body of [`send`].
///
/// # Safety
/// As [`send`]'s, the GIL held.
unsafe fn send_body(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: `self` of a call through the descriptor.
    let slf = unsafe { socket(py, slf) };
    // SAFETY: the arguments of this METH_FASTCALL call, as CPython passes them.
    let [data, flags, copy, track, routing_id, group] =
        unsafe { SEND.bind(py, args, nargs, kwnames)? };
    let data = data.ok_or_else(|| {
        PyTypeError::new_err("Socket.send() missing 1 required positional argument: 'data'")
    })?;
    let routing_id = not_none(routing_id);
    let group = not_none(group);
    let sent = Socket::send_any(
        &slf,
        &data,
        arg_or(flags, 0)?,
        flag_or(copy, true)?,
        flag_or(track, false)?,
        routing_id.as_deref(),
        group.as_deref(),
    )?;
    Ok(sent.into_ptr())
}

static RECV: Signature<3> = Signature::new("Socket.recv", ["flags", "copy", "track"], 0);

/// `Socket.recv(flags=0, copy=True, track=False)`.
///
/// # Safety
/// Called by CPython as a METH_FASTCALL|METH_KEYWORDS method, GIL held.
unsafe extern "C" fn recv(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython's call of this method, passed on as it came.
    unsafe { trampoline(slf, args, nargs, kwnames, recv_body) }
}

/// The body of [`recv`].
///
/// # Safety
/// As [`recv`]'s, the GIL held.
unsafe fn recv_body(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: `self` of a call through the descriptor.
    let slf = unsafe { socket(py, slf) };
    // SAFETY: the arguments of this METH_FASTCALL call, as CPython passes them.
    let [flags, copy, track] = unsafe { RECV.bind(py, args, nargs, kwnames)? };
    let _track = flag_or(track, false)?;
    let received = slf
        .get()
        .recv_any(py, arg_or(flags, 0)?, flag_or(copy, true)?)?;
    Ok(received.into_ptr())
}

/// On Python 3.10+, sets `send` and `recv` of `socket_type` (the Rust
/// `Socket`) to their METH_FASTCALL versions.
pub(crate) fn install(py: Python<'_>, socket_type: &Bound<'_, PyType>) -> PyResult<()> {
    if !py.version_info().ge(&(3, 10)) {
        return Ok(());
    }
    let methods: [(&CStr, FastCallWithKeywords, &CStr); 2] = [
        (
            c"send",
            send,
            c"send($self, /, data, flags=0, copy=True, track=False, routing_id=None, group=None)\n--\n\n\
              Sends one frame (bytes, a buffer or a Frame) with `flags`\n\
              (DONTWAIT, SNDMORE). With `track`, returns a MessageTracker.",
        ),
        (
            c"recv",
            recv,
            c"recv($self, /, flags=0, copy=True, track=False)\n--\n\n\
              Receives one frame: bytes, or a Frame (no copy) when `copy` is false.",
        ),
    ];
    for (name, function, doc) in methods {
        // CPython keeps pointing at the definition: it lives as long as the process.
        let def = Box::leak(Box::new(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            // SAFETY: CPython calls `ml_meth` by the signature `ml_flags`
            // names (METH_FASTCALL|METH_KEYWORDS), which is `function`'s.
            ml_meth: ffi::PyMethodDefPointer {
                // SAFETY: see above: only the pointer's type changes.
                PyCFunction: unsafe {
                    std::mem::transmute::<FastCallWithKeywords, ffi::PyCFunction>(function)
                },
            },
            ml_flags: METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: doc.as_ptr(),
        }));
        // SAFETY: a live type and a 'static method definition; returns a
        // new reference or NULL with an exception set.
        let descr = unsafe {
            let raw = ffi::PyDescr_NewMethod(socket_type.as_type_ptr(), def);
            Bound::from_owned_ptr_or_err(py, raw)?
        };
        socket_type.setattr(name.to_str().unwrap_or_default(), descr)?;
    }
    Ok(())
}
