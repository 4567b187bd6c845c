//! `Socket`: a ferrozmq socket for Python (pyzmq's `zmq.Socket` core).
//!
//! The socket sits behind a mutex that is only taken with the GIL released,
//! so one thread blocked in `recv` never stops the others. After `close`
//! the slot is empty and every call raises ENOTSOCK.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use ferrozmq::{
    Error, ErrorKind, Message, OptionKind, OptionValue, RecvFlags, SendFlags, SocketOption,
    SocketType,
};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::impl_::pyclass_init::PyObjectInit;
use pyo3::prelude::*;
use pyo3::pyclass_init::PyClassInitializer;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList, PyTuple, PyType};

use crate::context::Context;
use crate::error::{blocking, check};
use crate::frame::{frame_bytes, Frame};
use crate::release::release_pending;
use crate::truthy::Truthy;

/// A ZeroMQ socket. Not thread-safe (like pyzmq's): use it from one thread at a time.
///
/// A shadow (`Socket(shadow=other)`) shares `other`'s slot: both are the
/// same ZeroMQ socket, and closing either closes it for both.
#[pyclass(subclass, frozen, module = "ferrozmq._ferrozmq", name = "Socket")]
pub(crate) struct Socket {
    slot: Arc<Mutex<Option<ferrozmq::Socket>>>,
    socket_type: i32,
    context: Option<Py<PyAny>>,
}

/// A locked socket slot: `Some` while the socket is open.
pub(crate) type Slot<'a> = MutexGuard<'a, Option<ferrozmq::Socket>>;

impl Socket {
    /// Whether `other` is the same ZeroMQ socket (itself or a shadow):
    /// then locking both would deadlock.
    pub(crate) fn same_socket(&self, other: &Socket) -> bool {
        Arc::ptr_eq(&self.slot, &other.slot)
    }

    /// Locks the slot (call without the GIL: another thread may hold it
    /// while blocked).
    pub(crate) fn lock(&self) -> Slot<'_> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open socket without the GIL, retrying after EINTR
    /// once Python's signal handlers have run.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        mut f: impl FnMut(&mut ferrozmq::Socket) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        blocking(py, || {
            f(self.lock().as_mut().ok_or(ErrorKind::NotSocket)?)
        })
    }

    /// Like [`Socket::run`] for a send or receive taking `flags`: first
    /// tried without blocking and with the GIL held (no thread switch when
    /// the message can go or is there), then, if it would block, as a
    /// blocking call without the GIL.
    fn run_flags<T: Send>(
        &self,
        py: Python<'_>,
        flags: i32,
        mut f: impl FnMut(&mut ferrozmq::Socket, i32) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        release_pending(py);
        if let Ok(mut slot) = self.slot.try_lock() {
            let socket = check(py, slot.as_mut().ok_or(Error::new(ErrorKind::NotSocket)))?;
            match f(socket, flags | DONTWAIT) {
                Err(e) if e.kind() == ErrorKind::Again && flags & DONTWAIT == 0 => {}
                other => return check(py, other),
            }
        }
        self.run(py, |s| f(s, flags))
    }
}

impl Socket {
    /// Sends one frame. The first, non-blocking try (GIL held) hands the
    /// bytes over without cloning them: a clone of freshly copied `Bytes`
    /// allocates a shared header, for every message. Only when the frame
    /// cannot go at once are the bytes taken again for the blocking wait.
    fn send_frame(&self, py: Python<'_>, data: &Bound<'_, PyAny>, flags: i32) -> PyResult<()> {
        release_pending(py);
        let first = frame_bytes(data)?;
        if let Ok(mut slot) = self.slot.try_lock() {
            let socket = check(py, slot.as_mut().ok_or(Error::new(ErrorKind::NotSocket)))?;
            match socket
                .send_with(first, SendFlags::from_raw(flags | DONTWAIT))
                .map_err(Error::from)
            {
                Err(e) if e.kind() == ErrorKind::Again && flags & DONTWAIT == 0 => {}
                other => return check(py, other),
            }
        }
        let bytes = frame_bytes(data)?;
        self.run(py, |s| {
            Ok(s.send_with(bytes.clone(), SendFlags::from_raw(flags))?)
        })
    }
}

impl Socket {
    /// `Socket.send`: one frame (bytes, a buffer or a Frame) with `flags`;
    /// with `track`, returns a MessageTracker (through Python's slow path).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send_any(
        slf: &Bound<'_, Self>,
        data: &Bound<'_, PyAny>,
        flags: i32,
        copy: bool,
        track: bool,
        routing_id: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyObject> {
        let py = slf.py();
        // `bytes` (the common case) is told apart first: cheaper than a pyclass check.
        let tracked_frame = || {
            !data.is_exact_instance_of::<PyBytes>()
                && data.downcast::<Frame>().is_ok_and(|f| f.get().is_tracked())
        };
        if track || routing_id.is_some() || group.is_some() || tracked_frame() {
            // The rare cases are Python's (ferrozmq/socket.py).
            let slow = python_attr(py, &SEND_SLOW, "ferrozmq.socket", "_send_slow")?;
            return slow.call1(py, (slf, data, flags, copy, track, routing_id, group));
        }
        slf.get().send_frame(py, data, flags)?;
        Ok(py.None())
    }

    /// `Socket.recv`: one frame, as bytes or (`copy` false) a Frame.
    pub(crate) fn recv_any(&self, py: Python<'_>, flags: i32, copy: bool) -> PyResult<PyObject> {
        let msg = self.run_flags(py, flags, |s, f| s.recv_with(RecvFlags::from_raw(f)))?;
        if copy {
            return Ok(PyBytes::new(py, msg.data()).into_any().unbind());
        }
        new_frame(py, msg)
    }
}

/// `ferrozmq.socket._send_slow`: sends with tracking (or draft arguments).
static SEND_SLOW: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
/// `ferrozmq.frame.Frame`: the Python class of received frames, checked
/// once to be a subclass of the Rust [`Frame`].
static FRAME_CLASS: GILOnceCell<Py<PyType>> = GILOnceCell::new();

/// An attribute of a Python module, looked up once.
fn python_attr<'a>(
    py: Python<'_>,
    cell: &'a GILOnceCell<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<&'a Py<PyAny>> {
    cell.get_or_try_init(py, || Ok(py.import(module)?.getattr(name)?.unbind()))
}

/// A received message as a `ferrozmq.Frame` (the Python subclass).
///
/// Made directly as an instance of the subclass (it adds only Python
/// methods, no `__init__`), not by calling it: a call would build a second,
/// base-class frame first and parse arguments, for every frame received.
fn new_frame(py: Python<'_>, msg: Message) -> PyResult<PyObject> {
    let class = FRAME_CLASS.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let class = py.import("ferrozmq.frame")?.getattr("Frame")?;
        let class = class.downcast_into::<PyType>()?;
        if !class.is_subclass_of::<Frame>()? {
            return Err(PyTypeError::new_err(
                "ferrozmq.frame.Frame must subclass the Rust Frame",
            ));
        }
        Ok(class.unbind())
    })?;
    let init = PyClassInitializer::from(Frame::from_message(msg));
    // SAFETY: `class` is a subclass of `Frame` (checked when it was cached),
    // which is what `into_new_object` requires of the type it allocates.
    let raw = unsafe { init.into_new_object(py, class.bind(py).as_type_ptr())? };
    // SAFETY: on success `into_new_object` returns a new, owned reference.
    Ok(unsafe { PyObject::from_owned_ptr(py, raw) })
}

#[pymethods]
impl Socket {
    #[new]
    #[pyo3(signature = (context = None, socket_type = -1, *_args, shadow = None, **_kwargs))]
    fn new(
        py: Python<'_>,
        context: Option<&Bound<'_, PyAny>>,
        socket_type: i32,
        _args: &Bound<'_, PyTuple>,
        shadow: Option<&Bound<'_, Socket>>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Socket> {
        if let Some(other) = shadow {
            let other = other.get();
            return Ok(Socket {
                slot: other.slot.clone(),
                socket_type: other.socket_type,
                context: context
                    .map(|c| c.clone().unbind())
                    .or_else(|| other.context.as_ref().map(|c| c.clone_ref(py))),
            });
        }
        let Some(context) = context else {
            return Err(PyTypeError::new_err("Socket needs a Context"));
        };
        let ctx = context.downcast::<Context>()?.get().inner.clone();
        let kind = u8::try_from(socket_type)
            .ok()
            .and_then(SocketType::from_number)
            .ok_or(Error::new(ErrorKind::Invalid));
        let socket = check(py, kind.and_then(|k| ctx.socket(k)))?;
        Ok(Socket {
            slot: Arc::new(Mutex::new(Some(socket))),
            socket_type,
            context: Some(context.clone().unbind()),
        })
    }

    /// The context this socket belongs to.
    #[getter]
    fn context(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.context.as_ref().map(|c| c.clone_ref(py))
    }

    /// The socket type (ZMQ_TYPE), readable after close too.
    #[getter]
    fn socket_type(&self) -> i32 {
        self.socket_type
    }

    /// An address naming the ZeroMQ socket, the same for its shadows
    /// (pyzmq's `underlying`; not a libzmq pointer).
    #[getter]
    fn _address(&self) -> usize {
        Arc::as_ptr(&self.slot) as usize
    }

    /// Whether the socket is closed.
    #[getter]
    fn closed(&self, py: Python<'_>) -> bool {
        py.allow_threads(|| self.lock().is_none())
    }

    /// Accepts connections on `addr`.
    fn bind(&self, py: Python<'_>, addr: &str) -> PyResult<()> {
        self.run(py, |s| s.bind(addr))
    }

    /// Connects to `addr`.
    fn connect(&self, py: Python<'_>, addr: &str) -> PyResult<()> {
        self.run(py, |s| s.connect(addr))
    }

    /// Stops accepting on `addr`.
    fn unbind(&self, py: Python<'_>, addr: &str) -> PyResult<()> {
        self.run(py, |s| s.unbind(addr))
    }

    /// Drops the connection to `addr`.
    fn disconnect(&self, py: Python<'_>, addr: &str) -> PyResult<()> {
        self.run(py, |s| s.disconnect(addr))
    }

    /// Closes the socket; with `linger` (ms), sets ZMQ_LINGER first.
    /// Closing twice is harmless.
    #[pyo3(signature = (linger = None))]
    fn close(&self, py: Python<'_>, linger: Option<i32>) -> PyResult<()> {
        let taken = py.allow_threads(|| self.lock().take());
        if let Some(mut socket) = taken {
            if let Some(ms) = linger {
                check(py, socket.set_option(SocketOption::Linger, ms))?;
            }
            py.allow_threads(move || socket.close());
            // What the socket still held is let go now, not at the next call.
            release_pending(py);
        }
        Ok(())
    }

    /// Sends one frame (bytes, a buffer or a Frame) with `flags`
    /// (DONTWAIT, SNDMORE). With `track`, returns a MessageTracker.
    #[pyo3(signature = (data, flags = 0, copy = Truthy(true), track = Truthy(false), routing_id = None, group = None))]
    #[allow(clippy::too_many_arguments)]
    fn send(
        slf: &Bound<'_, Self>,
        data: &Bound<'_, PyAny>,
        flags: i32,
        copy: Truthy,
        track: Truthy,
        routing_id: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyObject> {
        Socket::send_any(slf, data, flags, copy.0, track.0, routing_id, group)
    }

    /// Sends one frame with `flags`, nothing else (no tracker): the slow
    /// path's own send.
    #[pyo3(signature = (data, flags = 0))]
    fn _send_frame(&self, py: Python<'_>, data: &Bound<'_, PyAny>, flags: i32) -> PyResult<()> {
        self.send_frame(py, data, flags)
    }

    /// Receives one frame: bytes, or a Frame (no copy) when `copy` is false.
    #[pyo3(signature = (flags = 0, copy = Truthy(true), track = Truthy(false)))]
    fn recv(&self, py: Python<'_>, flags: i32, copy: Truthy, track: Truthy) -> PyResult<PyObject> {
        let _ = track;
        self.recv_any(py, flags, copy.0)
    }

    /// Receives one frame as `bytes`.
    #[pyo3(signature = (flags = 0))]
    fn _recv_bytes<'py>(&self, py: Python<'py>, flags: i32) -> PyResult<Bound<'py, PyBytes>> {
        let msg = self.run_flags(py, flags, |s, f| s.recv_with(RecvFlags::from_raw(f)))?;
        Ok(PyBytes::new(py, msg.data()))
    }

    /// Sends a whole message: each element `bytes` or `Frame`.
    #[pyo3(signature = (frames, flags = 0))]
    fn _send_frames(&self, py: Python<'_>, frames: &Bound<'_, PyList>, flags: i32) -> PyResult<()> {
        let parts = frames
            .iter()
            .map(|f| frame_bytes(&f))
            .collect::<PyResult<Vec<Bytes>>>()?;
        let flags = flags & !SNDMORE;
        let last = parts.len().saturating_sub(1);
        let mut next = 0;
        self.run_flags(py, flags, |s, flags| {
            // After EAGAIN or EINTR, carry on with the frame that was not sent.
            while let Some(part) = parts.get(next) {
                let more = if next < last { SNDMORE } else { 0 };
                s.send_with(part.clone(), SendFlags::from_raw(flags | more))?;
                next += 1;
            }
            Ok(())
        })
    }

    /// Receives every frame of the next message: `bytes` each, or
    /// `Frame`s when `copy` is false.
    #[pyo3(signature = (flags = 0, copy = Truthy(true)))]
    fn _recv_frames<'py>(
        &self,
        py: Python<'py>,
        flags: i32,
        copy: Truthy,
    ) -> PyResult<Bound<'py, PyList>> {
        let Truthy(copy) = copy;
        let mut frames: Vec<Message> = Vec::new();
        self.run_flags(py, flags, |s, flags| {
            // After EAGAIN or EINTR, carry on with the frames still to come.
            while frames.last().is_none_or(Message::more) {
                frames.push(s.recv_with(RecvFlags::from_raw(flags))?);
            }
            Ok(())
        })?;
        let list = PyList::empty(py);
        for msg in frames {
            if copy {
                list.append(PyBytes::new(py, msg.data()))?;
            } else {
                list.append(new_frame(py, msg)?)?;
            }
        }
        Ok(list)
    }

    /// Sets an option by libzmq's number: an int, or bytes for binary options.
    fn setsockopt(&self, py: Python<'_>, option: i32, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(b) = value.downcast::<PyBytes>() {
            let raw = b.as_bytes().to_vec();
            if raw.is_empty()
                && SocketOption::from_raw(option).is_some_and(SocketOption::cleared_by_null_only)
            {
                // pyzmq passes b"" as an empty buffer, never NULL, and
                // libzmq clears these options with (NULL, 0) only.
                return self.run(py, |_| Err(ErrorKind::Invalid.into()));
            }
            return self.run(py, |s| s.set_option_raw(option, &raw));
        }
        let v = match value.extract::<i64>() {
            Ok(v) => v,
            Err(_) if value.is_instance_of::<PyInt>() => return Err(too_large()),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "expected int or bytes for option {option}, got {}",
                    value.get_type().name()?
                )))
            }
        };
        // The option table tells the width (int or int64); a value too wide
        // for it is Python's OverflowError, as pyzmq's C conversion raises.
        let raw = match SocketOption::from_raw(option).map(SocketOption::kind) {
            Some(OptionKind::Int64) => v.to_ne_bytes().to_vec(),
            _ => i32::try_from(v)
                .map_err(|_| too_large())?
                .to_ne_bytes()
                .to_vec(),
        };
        self.run(py, |s| s.set_option_raw(option, &raw))
    }

    /// Reads an option by libzmq's number: int, or bytes for binary and
    /// text options (as pyzmq returns them).
    fn getsockopt(&self, py: Python<'_>, option: i32) -> PyResult<PyObject> {
        let value = self.run(py, |s| {
            s.option(SocketOption::from_raw(option).ok_or(ErrorKind::Invalid)?)
        })?;
        Ok(match value {
            OptionValue::Int(v) => v.into_pyobject(py)?.into_any().unbind(),
            OptionValue::Int64(v) => v.into_pyobject(py)?.into_any().unbind(),
            OptionValue::Bytes(b) => PyBytes::new(py, &b).into_any().unbind(),
            OptionValue::Str(s) => PyBytes::new(py, &s).into_any().unbind(),
        })
    }

    /// Waits up to `timeout` ms (-1: forever) for any of `events`
    /// (POLLIN|POLLOUT); returns those ready.
    #[pyo3(signature = (events, timeout = -1))]
    fn _poll_events(&self, py: Python<'_>, events: i16, timeout: i64) -> PyResult<i16> {
        let deadline = crate::deadline::Deadline::new(timeout);
        self.run(py, |s| {
            s.poll(ferrozmq::PollEvents::from_raw(events), deadline.left())
                .map(ferrozmq::PollEvents::bits)
        })
    }

    /// Sends this socket's events in the mask `events` to a PAIR socket
    /// bound at `addr`; None stops monitoring.
    #[pyo3(signature = (addr, events = ferrozmq::EVENT_ALL))]
    fn monitor(&self, py: Python<'_>, addr: Option<&str>, events: u16) -> PyResult<()> {
        self.run(py, |s| s.monitor(addr, events))
    }

    /// ferrozmq extension: messages queued (outbound, inbound) and dropped
    /// (at the HWM, unroutable), in total and per peer, exact at the call.
    /// A dict: ``outbound``, ``inbound``, ``dropped_hwm``,
    /// ``dropped_unroutable`` and ``peers``, a list of dicts with
    /// ``pipe_id``, ``routing_id`` (bytes or None), ``endpoint``,
    /// ``outbound``, ``inbound`` and ``dropped_hwm``.
    fn queue_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let q = self.run(py, |s| s.queue_stats())?;
        crate::drain::stats_dict(py, &q)
    }

    /// ferrozmq extension: stops the socket and hands back what it could
    /// not deliver. Its listeners close and its connections stop reading;
    /// every outbound message no peer has taken is taken back, whole and
    /// in order per peer, and none of them is delivered. Messages already
    /// received stay receivable; afterwards ``send`` raises EFSM.
    /// Returns a dict: ``messages`` (each a list of frames, as bytes),
    /// ``unsent`` (per peer: ``pipe_id``, ``routing_id``, ``endpoint``,
    /// ``messages``) and ``stats`` (as ``queue_stats()``, at the stop).
    fn drain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.run(py, |s| s.drain())?;
        crate::drain::drained_dict(py, &d)
    }
}

/// ZMQ_DONTWAIT, as the integer pyzmq passes.
const DONTWAIT: i32 = SendFlags::DONTWAIT.bits();
/// ZMQ_SNDMORE, as the integer pyzmq passes.
const SNDMORE: i32 = SendFlags::MORE.bits();

/// The error pyzmq's C conversion raises for an int option's value that
/// does not fit.
fn too_large() -> PyErr {
    PyOverflowError::new_err("value too large to convert to int")
}
