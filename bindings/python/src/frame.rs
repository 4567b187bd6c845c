//! `Frame`: one received (or to-be-sent) message frame, shared, not copied.

use std::sync::OnceLock;

use bytes::Bytes;
use ferrozmq::Message;
use pyo3::exceptions::{PyBufferError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMemoryView, PyString};

use crate::release::Held;
use crate::tracker::{tracked, Completion};
use crate::truthy::Truthy;

/// ZMQ_MORE, the one message option `Frame.get` answers by number.
const ZMQ_MORE: i32 = 1;

/// A message frame (pyzmq's `zmq.Frame`). Its bytes are never copied
/// until asked for: the Python layer exposes them as a memoryview.
///
/// The buffer is writable, as pyzmq's is (`numpy.frombuffer(frame)` gives
/// an array that can be changed in place), with one exception below.
/// Writing never reaches memory that is not the frame's alone: bytes that
/// may be shared with something else (other messages cut from the same
/// receive buffer, a Python `bytes` object, a sender's frame in the same
/// process) are copied once, at the first export, and that copy is the
/// frame's content from then on. The exception: such bytes larger than
/// [`PRIVATE_COPY_MAX`] are exported read-only and never copied, so that
/// reading a large frame stays free (as before; numpy then makes a
/// read-only array). A frame the caller sent or copied (`copy.copy`)
/// shares its bytes with those, as in pyzmq: write only what no send is
/// still reading.
#[pyclass(subclass, frozen, module = "ferrozmq._ferrozmq", name = "Frame")]
pub(crate) struct Frame {
    message: Message,
    /// With `track=True`: tells when ferrozmq no longer holds the bytes.
    completion: Option<Py<Completion>>,
    /// Set at the first export of the buffer: where Python may write.
    export: OnceLock<Export>,
}

/// Where a frame's exported (writable) buffer is.
#[derive(Debug, Clone)]
enum Export {
    /// In the message's own bytes, which nothing else held at the export
    /// (or which are a tracked frame's private copy).
    InPlace,
    /// In a copy made at the export: the frame's content from then on.
    Copy(Bytes),
}

impl Frame {
    pub(crate) fn from_message(message: Message) -> Frame {
        Frame {
            // Its bytes are exported as `Bytes` (small bodies held by value
            // are copied into a buffer once, here).
            message: message.into_shared(),
            completion: None,
            export: OnceLock::new(),
        }
    }

    /// Whether the frame was made with `track=True`.
    pub(crate) fn is_tracked(&self) -> bool {
        self.completion.is_some()
    }

    /// The frame's content (what is sent when the frame is).
    pub(crate) fn bytes(&self) -> &Bytes {
        match self.export.get() {
            Some(Export::Copy(copy)) => copy,
            _ => self.message.shared_bytes().unwrap_or(&NO_BYTES),
        }
    }

    /// The frame's bytes for the buffer protocol, and whether Python may
    /// write them (see [`Frame`] for when they are a copy).
    pub(crate) fn export(&self) -> (&Bytes, bool) {
        if self.export.get().is_none() {
            let own = self.message.shared_bytes().unwrap_or(&NO_BYTES);
            // A tracked frame's bytes are its own copy (see `tracked`),
            // though wrapped so that `is_unique` cannot tell.
            let decided = if own.is_unique() || self.is_tracked() {
                Export::InPlace
            } else if own.len() <= PRIVATE_COPY_MAX {
                Export::Copy(Bytes::from(own.to_vec()))
            } else {
                return (own, false);
            };
            // The GIL is held: no other thread decides in between.
            let _ = self.export.set(decided);
        }
        (self.bytes(), true)
    }
}

/// What a frame's message without shared bytes would export (none has:
/// [`Frame::from_message`] makes them shared).
static NO_BYTES: Bytes = Bytes::new();

/// Largest frame whose shared bytes are copied to make its buffer
/// writable; larger ones are exported read-only instead.
const PRIVATE_COPY_MAX: usize = 64 * 1024;

#[pymethods]
impl Frame {
    /// `Frame(data, track, copy, copy_threshold)` as pyzmq: with `copy`
    /// unset, data under `copy_threshold` bytes (default 64 KiB) is
    /// copied and larger data shared; `copy=False` always shares (a
    /// `bytes` object is then held by the frame, not copied).
    #[new]
    #[pyo3(signature = (data = None, track = Truthy(false), copy = None, copy_threshold = None, **_kwargs))]
    fn new(
        py: Python<'_>,
        data: Option<&Bound<'_, PyAny>>,
        track: Truthy,
        copy: Option<Truthy>,
        copy_threshold: Option<usize>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Frame> {
        let Truthy(track) = track;
        if let (Some(f), false) = (data.and_then(|d| d.downcast::<Frame>().ok()), track) {
            // A frame of a frame shares its bytes, MORE flag and metadata.
            let f = f.get();
            return Ok(Frame {
                export: f.export.clone(),
                ..Frame::from_message(f.message.clone())
            });
        }
        let shared_from = match copy {
            Some(Truthy(true)) => usize::MAX,
            Some(Truthy(false)) => 0,
            None => copy_threshold.unwrap_or(COPY_THRESHOLD),
        };
        let bytes = match data {
            None => bytes::Bytes::new(),
            Some(d) => frame_bytes_shared_from(d, shared_from)?,
        };
        if !track {
            return Ok(Frame::from_message(Message::from_bytes(bytes)));
        }
        let (bytes, completion) = tracked(bytes);
        Ok(Frame {
            completion: Some(Py::new(py, completion)?),
            ..Frame::from_message(Message::from_bytes(bytes))
        })
    }

    /// The completion of a frame made with `track=True` (else None).
    #[getter]
    fn _completion(&self, py: Python<'_>) -> Option<Py<Completion>> {
        self.completion.as_ref().map(|c| c.clone_ref(py))
    }

    fn __len__(&self) -> usize {
        self.bytes().len()
    }

    /// The frame's bytes (a copy).
    #[getter(bytes)]
    fn copy_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.bytes())
    }

    /// Whether more frames of the same message follow.
    #[getter]
    fn more(&self) -> bool {
        self.message.more()
    }

    /// Where the buffer-protocol bytes are (valid while this frame
    /// lives), and whether they may be written: for the zero-copy view of
    /// Python 3.8, which has no buffer slots.
    fn _export(&self) -> (usize, bool) {
        let (bytes, writable) = self.export();
        (bytes.as_ptr() as usize, writable)
    }

    /// A message property: MORE by number, or a metadata property by name
    /// (`Socket-Type`, `Identity`, `Peer-Address`, `User-Id`, `X-...`).
    fn get(&self, py: Python<'_>, option: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        if let Ok(n) = option.extract::<i32>() {
            if n == ZMQ_MORE {
                return Ok(i32::from(self.message.more())
                    .into_pyobject(py)?
                    .into_any()
                    .unbind());
            }
            return Err(crate::error::zmq_error(
                py,
                ferrozmq::Error::new(ferrozmq::ErrorKind::Invalid),
            ));
        }
        let name: String = option.extract()?;
        match self.message.property_bytes(&name) {
            // Text, or pyzmq's UnicodeDecodeError for other bytes (a
            // binary Identity): what decoding them as UTF-8 raises.
            Some(v) => Ok(PyBytes::new(py, v)
                .call_method1(intern!(py, "decode"), (intern!(py, "utf-8"),))?
                .unbind()),
            None => Err(crate::error::zmq_error(
                py,
                ferrozmq::Error::new(ferrozmq::ErrorKind::Invalid),
            )),
        }
    }
}

/// Frames at least this large are sent without copying: the message
/// holds the `bytes` object instead (smaller ones are cheaper to copy).
const ZERO_COPY_THRESHOLD: usize = 16 * 1024;

/// pyzmq's `zmq.COPY_THRESHOLD`: `Frame(data)` shares data this large.
const COPY_THRESHOLD: usize = 65536;

/// The bytes of a frame to send: a `Frame` (shared, no copy), a `bytes`
/// object (copied when small, else held by the message), or any other
/// buffer (copied). Text is refused, as pyzmq does.
pub(crate) fn frame_bytes(data: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    frame_bytes_shared_from(data, ZERO_COPY_THRESHOLD)
}

/// [`frame_bytes`], sharing a `bytes` object of at least `shared_from`
/// bytes instead of copying it. Other buffers are copied (the limited
/// API of Python 3.8 has no buffer protocol); one that is not contiguous
/// is a `BufferError`, as in pyzmq.
fn frame_bytes_shared_from(data: &Bound<'_, PyAny>, shared_from: usize) -> PyResult<Bytes> {
    // `bytes` first: the common case; its exact type is one comparison
    // (`downcast` asks CPython for the type's flags: a call in abi3).
    let b = if data.is_exact_instance_of::<PyBytes>() {
        // SAFETY: just checked: exactly `bytes`.
        Ok(unsafe { data.downcast_unchecked::<PyBytes>() })
    } else {
        data.downcast::<PyBytes>()
    };
    let Ok(b) = b else {
        if let Ok(frame) = data.downcast::<Frame>() {
            return Ok(frame.get().bytes().clone());
        }
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("unicode not allowed, use send_string"));
        }
        let view = PyMemoryView::from(data).map_err(|_| {
            let name = data
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            PyTypeError::new_err(format!("expected bytes, a buffer or a Frame, got {name}"))
        })?;
        if !view
            .getattr(intern!(data.py(), "contiguous"))?
            .is_truthy()?
        {
            return Err(PyBufferError::new_err(
                "a frame's buffer must be contiguous",
            ));
        }
        let copied = view.call_method0(intern!(data.py(), "tobytes"))?;
        // A fresh `bytes` of our own: held rather than copied again when large.
        return frame_bytes_shared_from(&copied, ZERO_COPY_THRESHOLD);
    };
    let slice = b.as_bytes();
    if slice.len() < shared_from {
        return Ok(Bytes::copy_from_slice(slice));
    }
    Ok(Bytes::from_owner(HeldBytes {
        ptr: slice.as_ptr(),
        len: slice.len(),
        _object: Held::new(b.clone().into_any()),
    }))
}

/// A Python `bytes` object kept alive by a message that points into it.
struct HeldBytes {
    ptr: *const u8,
    len: usize,
    _object: Held,
}

// SAFETY: `bytes` objects are immutable and their buffer never moves while
// the object lives, which `_object` ensures (its reference is released
// with the GIL, see `release`).
unsafe impl Send for HeldBytes {}
// SAFETY: as above: shared reads of immutable memory.
unsafe impl Sync for HeldBytes {}

impl AsRef<[u8]> for HeldBytes {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: ptr/len describe the buffer of the live, immutable bytes object.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}
