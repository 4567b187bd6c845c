//! `Frame`: one received (or to-be-sent) message frame, shared, not copied.

use ferrozmq::Message;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

/// ZMQ_MORE, the one message option `Frame.get` answers by number.
const ZMQ_MORE: i32 = 1;

/// A message frame (pyzmq's `zmq.Frame`). Its bytes are never copied
/// until asked for: the Python layer exposes them as a memoryview.
#[pyclass(subclass, frozen, module = "ferrozmq._ferrozmq", name = "Frame")]
pub(crate) struct Frame {
    message: Message,
}

impl Frame {
    pub(crate) fn from_message(message: Message) -> Frame {
        Frame { message }
    }

    pub(crate) fn message(&self) -> &Message {
        &self.message
    }
}

#[pymethods]
impl Frame {
    #[new]
    #[pyo3(signature = (data = None, *_args, **_kwargs))]
    fn new(
        data: Option<&Bound<'_, PyAny>>,
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Frame> {
        let message = match data {
            None => Message::new(),
            Some(d) => match d.downcast::<PyBytes>() {
                Ok(b) => Message::from(b.as_bytes()),
                Err(_) => match d.downcast::<Frame>() {
                    Ok(f) => f.get().message.clone(),
                    Err(_) => return Err(PyTypeError::new_err("Frame data must be bytes")),
                },
            },
        };
        Ok(Frame { message })
    }

    fn __len__(&self) -> usize {
        self.message.len()
    }

    /// The frame's bytes (a copy).
    #[getter]
    fn bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.message.data())
    }

    /// Whether more frames of the same message follow.
    #[getter]
    fn more(&self) -> bool {
        self.message.more()
    }

    /// Where the bytes are, for the zero-copy memoryview (valid while this frame lives).
    #[getter]
    fn _address(&self) -> usize {
        self.message.data().as_ptr() as usize
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
            return Err(crate::error::zmq_error(py, ferrozmq::Error::Invalid));
        }
        let name: String = option.extract()?;
        match self.message.property(&name) {
            Some(v) => Ok(v.into_pyobject(py)?.into_any().unbind()),
            None => Err(crate::error::zmq_error(py, ferrozmq::Error::Invalid)),
        }
    }
}
