//! The non-blocking socket calls the async layer is built on, in one place.
//!
//! Everything `aio` needs from [`Socket`] goes through these few functions:
//! try to send or receive without waiting (handing a message back when the
//! socket cannot take it now), look at ZMQ_EVENTS (which re-arms the
//! readiness descriptor), and get that descriptor.

use std::io;
use std::os::fd::OwnedFd;

use crate::error::{Error, Result};
use crate::message::Message;
use crate::socket::{Socket, DONTWAIT, POLLIN, POLLOUT, SNDMORE};

/// A whole message: its frames in order.
pub type Multipart = Vec<Message>;

/// What the caller waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    /// A message can be received (ZMQ_POLLIN).
    Recv,
    /// A message can be sent (ZMQ_POLLOUT).
    Send,
}

/// Whether `e` only means "not now" (EAGAIN).
pub(crate) fn would_block(e: &Error) -> bool {
    *e == Error::Again
}

/// Sends `msg` whole if the socket takes it now; otherwise hands it back
/// with the error (no frame of it was sent).
pub(crate) fn try_send_multipart(
    socket: &mut Socket,
    msg: Multipart,
) -> std::result::Result<(), (Error, Multipart)> {
    let mut frames = msg.into_iter().map(Message::into_bytes).peekable();
    let Some(first) = frames.next() else {
        return Ok(());
    };
    let more = if frames.peek().is_some() { SNDMORE } else { 0 };
    // Only the first frame can be refused for lack of room: later ones
    // join it in the socket's partial message. `Bytes` clones share.
    if let Err(e) = socket.send(Message::from_bytes(first.clone()), DONTWAIT | more) {
        let back = std::iter::once(first)
            .chain(frames)
            .map(Message::from_bytes);
        return Err((e, back.collect()));
    }
    while let Some(frame) = frames.next() {
        let more = if frames.peek().is_some() { SNDMORE } else { 0 };
        socket
            .send(Message::from_bytes(frame), more)
            .map_err(|e| (e, Multipart::new()))?;
    }
    Ok(())
}

/// Receives every frame of the next message if one is waiting.
pub(crate) fn try_recv_multipart(socket: &mut Socket) -> Result<Multipart> {
    let mut frames = vec![socket.recv(DONTWAIT)?];
    while frames.last().is_some_and(Message::more) {
        frames.push(socket.recv(DONTWAIT)?);
    }
    Ok(frames)
}

/// Reads ZMQ_EVENTS (re-arming the readiness descriptor) and tells whether
/// the socket is ready for `interest`.
pub(crate) fn is_ready(socket: &mut Socket, interest: Interest) -> Result<bool> {
    let events = socket.events()?;
    Ok(match interest {
        Interest::Recv => events & POLLIN != 0,
        Interest::Send => events & POLLOUT != 0,
    })
}

/// A descriptor of our own for the socket's ZMQ_FD (a duplicate: the socket
/// keeps its own), to register with an event loop.
pub(crate) fn readiness_fd(socket: &Socket) -> io::Result<OwnedFd> {
    let fd = socket
        .link()
        .signaler
        .borrow_fd()
        .ok_or_else(|| io::Error::other("no readiness descriptor (out of descriptors)"))?;
    fd.try_clone_to_owned()
}
