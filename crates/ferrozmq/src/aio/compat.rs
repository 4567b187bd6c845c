//! The non-blocking socket calls the async layer is built on, in one place.
//!
//! Everything `aio` needs from [`Socket`] goes through these few functions:
//! try to send or receive without waiting (a refused message is handed
//! back), look at ZMQ_EVENTS (which re-arms the readiness descriptor), and
//! get that descriptor.

use std::os::fd::OwnedFd;

use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::multipart::Multipart;
use crate::poll_events::PollEvents;
use crate::send_error::SendError;
use crate::socket::Socket;

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
    e.kind() == ErrorKind::Again
}

/// Whether `e` means the context was terminated (the end of a `Stream`).
pub(crate) fn is_terminated(e: &Error) -> bool {
    e.kind() == ErrorKind::Terminated
}

/// The error for a `Sink` used against its contract (`start_send` while a
/// message is still held).
pub(crate) fn misuse() -> Error {
    ErrorKind::Invalid.into()
}

/// A message the async layer can send without waiting: one frame or a
/// whole multipart message.
pub(crate) trait Outgoing: Sized + Default {
    /// Sends `self` if the socket takes it now, else hands it back.
    fn try_send(self, socket: &mut Socket) -> std::result::Result<(), SendError<Self>>;

    /// Appends `self`'s frames to `prefix`; returns how many.
    fn append_to(self, prefix: &mut Multipart) -> usize;

    /// Takes the last `n` frames off `whole` (those `append_to` added).
    fn split_back(whole: &mut Multipart, n: usize) -> Self;

    /// Sends `prefix` (frames given to `send_more`) and `self` as one
    /// message if the socket takes it now. On failure `prefix` is as it
    /// was and `self` is handed back: all frames or none.
    fn try_send_after(
        self,
        prefix: &mut Multipart,
        socket: &mut Socket,
    ) -> std::result::Result<(), SendError<Self>> {
        if prefix.is_empty() {
            return self.try_send(socket);
        }
        let n = self.append_to(prefix);
        socket
            .try_send_multipart(std::mem::take(prefix))
            .map_err(|failed| {
                let (e, mut whole) = failed.into_parts();
                let back = Self::split_back(&mut whole, n);
                *prefix = whole;
                SendError::new(e, back)
            })
    }
}

impl Outgoing for Message {
    fn try_send(self, socket: &mut Socket) -> std::result::Result<(), SendError<Self>> {
        socket.try_send(self)
    }

    fn append_to(self, prefix: &mut Multipart) -> usize {
        prefix.push_back(self);
        1
    }

    fn split_back(whole: &mut Multipart, _n: usize) -> Self {
        whole.pop_back().unwrap_or_default()
    }
}

impl Outgoing for Multipart {
    fn try_send(self, socket: &mut Socket) -> std::result::Result<(), SendError<Self>> {
        socket.try_send_multipart(self)
    }

    fn append_to(self, prefix: &mut Multipart) -> usize {
        let n = self.len();
        prefix.extend(self);
        n
    }

    fn split_back(whole: &mut Multipart, n: usize) -> Self {
        let mut back = Multipart::with_capacity(n);
        for _ in 0..n {
            match whole.pop_back() {
                Some(frame) => back.push_front(frame),
                None => break,
            }
        }
        back
    }
}

/// The next frame, if one is waiting.
pub(crate) fn try_recv(socket: &mut Socket) -> Result<Message> {
    socket.try_recv_polled()
}

/// The next whole message, if one is waiting.
pub(crate) fn try_recv_multipart(socket: &mut Socket) -> Result<Multipart> {
    socket.try_recv_multipart_polled()
}

/// Reads ZMQ_EVENTS (re-arming the readiness descriptor) and tells whether
/// the socket is ready for `interest`.
pub(crate) fn is_ready(socket: &mut Socket, interest: Interest) -> Result<bool> {
    let events = socket.events_keeping_lease()?;
    Ok(match interest {
        Interest::Recv => events.contains(PollEvents::READABLE),
        Interest::Send => events.contains(PollEvents::WRITABLE),
    })
}

/// A descriptor of our own for the socket's ZMQ_FD (a duplicate: the socket
/// keeps its own), to register with an event loop.
pub(crate) fn readiness_fd(socket: &Socket) -> Result<OwnedFd> {
    socket
        .readiness_fd()?
        .try_clone_to_owned()
        .map_err(Error::from)
}
