//! `proxy`: zmq_proxy / zmq_proxy_steerable over Python sockets.

use ferrozmq::{Error, ErrorKind};
use pyo3::prelude::*;

use crate::error::blocking;
use crate::socket::Socket;

/// Forwards messages between `frontend` and `backend` (copying them to
/// `capture`), steered by `control` if given, until the context is
/// terminated (raises ETERM) or `control` says TERMINATE (returns).
#[pyfunction]
#[pyo3(signature = (frontend, backend, capture = None, control = None))]
pub(crate) fn proxy(
    py: Python<'_>,
    frontend: &Bound<'_, Socket>,
    backend: &Bound<'_, Socket>,
    capture: Option<&Bound<'_, Socket>>,
    control: Option<&Bound<'_, Socket>>,
) -> PyResult<()> {
    if frontend.get().same_socket(backend.get()) && capture.is_none() && control.is_none() {
        return echo(py, frontend.get());
    }
    let all = [Some(frontend), Some(backend), capture, control];
    let given: Vec<&Bound<'_, Socket>> = all.iter().flatten().copied().collect();
    for (i, a) in given.iter().enumerate() {
        if given
            .iter()
            .skip(i + 1)
            .any(|b| a.get().same_socket(b.get()))
        {
            return Err(crate::error::zmq_error(py, Error::new(ErrorKind::Invalid)));
        }
    }
    let (f, b) = (frontend.get(), backend.get());
    let (cap, ctl) = (capture.map(Bound::get), control.map(Bound::get));
    blocking(py, || {
        let mut front = f.lock();
        let mut back = b.lock();
        let mut cap = cap.map(Socket::lock);
        let mut ctl = ctl.map(Socket::lock);
        let front = front.as_mut().ok_or(ErrorKind::NotSocket)?;
        let back = back.as_mut().ok_or(ErrorKind::NotSocket)?;
        let capture = match cap.as_mut() {
            Some(slot) => Some(slot.as_mut().ok_or(ErrorKind::NotSocket)?),
            None => None,
        };
        match ctl.as_mut() {
            Some(slot) => {
                let control = slot.as_mut().ok_or(ErrorKind::NotSocket)?;
                ferrozmq::proxy_steerable(front, back, capture, control)
            }
            None => ferrozmq::proxy(front, back, capture),
        }
    })
}

/// A proxy whose frontend is its backend (pyzmq's single-socket
/// forwarder): each message received goes back out of the same socket,
/// until the context is terminated.
fn echo(py: Python<'_>, socket: &Socket) -> PyResult<()> {
    blocking(py, || {
        let mut slot = socket.lock();
        let s = slot.as_mut().ok_or(ErrorKind::NotSocket)?;
        loop {
            let frames = s.recv_multipart()?;
            s.send_multipart(frames)?;
        }
    })
}
