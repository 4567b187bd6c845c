//! [`AsyncSocket`]: a [`Socket`] whose sends and receives wait on an event
//! loop instead of blocking the thread.

use std::future::poll_fn;
use std::task::{Context, Poll};

use super::compat::{self, Interest, Multipart};
use super::reactor::Reactor;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::socket::Socket;

/// A socket for async code: `send`/`recv` and their multipart forms are
/// `async fn`s that wait on the event loop `R` ([`Tokio`](super::Tokio) or
/// [`AsyncIo`](super::AsyncIo)) through the socket's readiness descriptor.
///
/// It is also a [`Stream`](futures_core::Stream) of received messages and a
/// [`Sink`](futures_sink::Sink) of messages to send.
///
/// Cancellation: a receive future dropped before it completed has taken no
/// message (the next receive gets it). A send future dropped before it
/// completed has sent nothing: the message was dropped with the future,
/// never half-sent. The `Sink` keeps an accepted message until it is sent,
/// so nothing given to `start_send` is lost (flush to be sure it went).
#[derive(Debug)]
pub struct AsyncSocket<R: Reactor> {
    // Declared first so that the registration goes before the socket.
    reactor: R,
    socket: Socket,
    /// A message given to the `Sink` and not yet taken by the socket.
    pub(super) outbox: Option<Multipart>,
}

impl<R: Reactor> AsyncSocket<R> {
    /// Wraps `socket`, registering its readiness descriptor with the event
    /// loop of the calling context.
    pub fn new(socket: Socket) -> Result<AsyncSocket<R>> {
        let fd = compat::readiness_fd(&socket).map_err(Error::from)?;
        let reactor = R::register(fd).map_err(Error::from)?;
        Ok(AsyncSocket {
            reactor,
            socket,
            outbox: None,
        })
    }

    /// The socket, for options, bind, connect and the like.
    pub fn get_ref(&self) -> &Socket {
        &self.socket
    }

    /// The socket, mutably (options, bind, connect and the like).
    pub fn get_mut(&mut self) -> &mut Socket {
        &mut self.socket
    }

    /// The blocking socket back (a message still held by the `Sink` is
    /// dropped: flush first).
    pub fn into_inner(self) -> Socket {
        self.socket
    }

    /// Sends `msg` as a whole message of one frame, waiting while the
    /// socket cannot take it (high-water mark, no peer).
    pub async fn send(&mut self, msg: impl Into<Message>) -> Result<()> {
        self.send_multipart(vec![msg.into()]).await
    }

    /// Sends a whole message, all frames or none, waiting while the socket
    /// cannot take it. Messages queued on the `Sink` go first.
    pub async fn send_multipart(&mut self, msg: impl Into<Multipart>) -> Result<()> {
        let mut slot = Some(msg.into());
        poll_fn(|cx| {
            if self.poll_flush_outbox(cx)?.is_pending() {
                return Poll::Pending;
            }
            self.poll_send_slot(cx, &mut slot)
        })
        .await
    }

    /// Receives one frame ([`Message::more`] tells whether more follow).
    pub async fn recv(&mut self) -> Result<Message> {
        poll_fn(|cx| self.poll_io(cx, Interest::Recv, |s| s.recv(crate::DONTWAIT))).await
    }

    /// Receives every frame of the next message.
    pub async fn recv_multipart(&mut self) -> Result<Multipart> {
        poll_fn(|cx| self.poll_recv_multipart(cx)).await
    }

    /// Polls for the next whole message: the building block of the
    /// `Stream`, for hand-written futures.
    pub fn poll_recv_multipart(&mut self, cx: &mut Context<'_>) -> Poll<Result<Multipart>> {
        self.poll_io(cx, Interest::Recv, compat::try_recv_multipart)
    }

    /// Tries to send the message in `slot` (leaving it there if the socket
    /// cannot take it now).
    fn poll_send_slot(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<Multipart>,
    ) -> Poll<Result<()>> {
        self.poll_io(cx, Interest::Send, |socket| {
            let Some(msg) = slot.take() else {
                return Ok(());
            };
            compat::try_send_multipart(socket, msg).map_err(|(e, back)| {
                if compat::would_block(&e) {
                    *slot = Some(back);
                }
                e
            })
        })
    }

    /// Sends the message the `Sink` holds, if any.
    pub(super) fn poll_flush_outbox(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        if self.outbox.is_none() {
            return Poll::Ready(Ok(()));
        }
        let mut slot = self.outbox.take();
        let polled = self.poll_send_slot(cx, &mut slot);
        self.outbox = slot;
        polled
    }

    /// The state machine under every operation: try `op` without waiting;
    /// when it would block, read ZMQ_EVENTS (which re-arms the edge-
    /// triggered descriptor) and either try again at once or wait for the
    /// descriptor. Nothing is taken from the socket except by a successful
    /// `op`, so a future dropped while pending has consumed nothing.
    fn poll_io<T>(
        &mut self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut op: impl FnMut(&mut Socket) -> Result<T>,
    ) -> Poll<Result<T>> {
        let mut retried = false;
        loop {
            match op(&mut self.socket) {
                Err(e) if compat::would_block(&e) => {}
                done => return Poll::Ready(done),
            }
            if compat::is_ready(&mut self.socket, interest)? {
                if retried {
                    // Ready by ZMQ_EVENTS yet refused twice: let other
                    // tasks run rather than spin here.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                retried = true;
                continue;
            }
            match self.reactor.poll_readable(cx) {
                Poll::Ready(Ok(())) => retried = false,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(Error::from(e))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
