//! [`AsyncSocket`]: a [`Socket`] whose sends and receives wait on an event
//! loop instead of blocking the thread.

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::compat::{self, Interest, Outgoing};
use super::lease::{self, LeaseWatch, Leased};
use super::reactor::Reactor;
use super::waiters::Waiters;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::multipart::Multipart;
use crate::send_error::SendError;
use crate::socket::Socket;

/// A socket for async code: `send`/`recv` and their multipart forms are
/// `async fn`s that wait on the event loop `R` ([`Tokio`](super::Tokio) or
/// [`AsyncIo`](super::AsyncIo)) through the socket's readiness descriptor.
///
/// It is also a [`Stream`](futures_core::Stream) of received messages and a
/// [`Sink`](futures_sink::Sink) of messages to send.
///
/// On smol (any executor over async-io), with the `async-io` feature:
///
/// ```
/// # #[cfg(feature = "async-io")]
/// smol::block_on(async {
///     use ferrozmq::aio::AsyncIoSocket;
///     use ferrozmq::{Context, SocketType};
///
///     let ctx = Context::new();
///     let mut pull = AsyncIoSocket::new(ctx.socket(SocketType::Pull)?)?;
///     pull.get_mut().bind("inproc://aio-socket-doc")?;
///     let mut push = AsyncIoSocket::new(ctx.socket(SocketType::Push)?)?;
///     push.get_mut().connect("inproc://aio-socket-doc")?;
///
///     push.send_multipart(["key", "value"]).await?;
///     let msg = pull.recv_multipart().await?;
///     assert_eq!(msg, ["key", "value"]);
///     Ok::<(), ferrozmq::Error>(())
/// })?;
/// # Ok::<(), ferrozmq::Error>(())
/// ```
///
/// Cancellation: a receive future dropped before it completed has taken no
/// message (the next receive gets it). A send future dropped before it
/// completed has sent nothing: the message was dropped with the future,
/// never half-sent. The `Sink` keeps an accepted message until it is sent,
/// so nothing given to `start_send` is lost (flush to be sure it went).
#[derive(Debug)]
pub struct AsyncSocket<R: Reactor> {
    // The registration owns a duplicate of the socket's descriptor, so it
    // may outlive or predecease the socket.
    reactor: R,
    socket: Socket,
    /// A message given to the `Sink` and not yet taken by the socket.
    pub(super) outbox: Option<Multipart>,
    /// Frames given to `send_more`, waiting for their message's last one.
    partial: Multipart,
    /// Who waits to receive and to send, woken by `fanout`.
    waiters: Arc<Waiters>,
    /// The one waker the reactor holds: it wakes every waiter.
    fanout: Waker,
    /// The connection a receive may read itself (the read lease), as
    /// registered with the event loop.
    lease: Option<LeaseWatch<R>>,
}

impl<R: Reactor> AsyncSocket<R> {
    /// Wraps `socket`, registering its readiness descriptor with the event
    /// loop of the calling context.
    pub fn new(socket: Socket) -> Result<AsyncSocket<R>> {
        let fd = compat::readiness_fd(&socket)?;
        let reactor = R::register(fd).map_err(Error::from)?;
        let (waiters, fanout) = Waiters::new();
        Ok(AsyncSocket {
            reactor,
            socket,
            outbox: None,
            partial: Multipart::new(),
            waiters,
            fanout,
            lease: None,
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
    /// dropped: flush first, or [`take_unsent`](Self::take_unsent)).
    pub fn into_inner(mut self) -> Socket {
        self.lease = None;
        self.socket
    }

    /// Takes back the message the `Sink` holds and has not sent yet (after
    /// a failed flush, for instance).
    pub fn take_unsent(&mut self) -> Option<Multipart> {
        self.outbox.take()
    }

    /// Sends `msg` as the last frame of a message (the only one, unless
    /// [`send_more`](Self::send_more) gave the frames before it), waiting
    /// while the socket cannot take it (high-water mark reached, no peer
    /// yet). On failure `msg` is handed back and the frames before it stay
    /// pending, so sending the last frame again completes the message.
    /// Messages held by the `Sink` go first.
    pub async fn send(&mut self, msg: impl Into<Message>) -> std::result::Result<(), SendError> {
        self.send_outgoing(msg.into()).await
    }

    /// Adds `frame` to the message being built: nothing reaches the socket
    /// until its last frame is given to [`send`](Self::send) (or the rest
    /// to [`send_multipart`](Self::send_multipart)), which then sends all
    /// frames at once. So a peer never sees part of a message, whatever
    /// future is dropped on the way, and no frame is lost: after a
    /// cancelled or failed `send` the frames given here are still pending
    /// ([`take_partial`](Self::take_partial) abandons them).
    ///
    /// ```
    /// # #[cfg(feature = "tokio")]
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// use ferrozmq::aio::TokioSocket;
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = TokioSocket::new(ctx.socket(SocketType::Pull)?)?;
    /// pull.get_mut().bind("inproc://aio-send-more-doc")?;
    /// let mut push = TokioSocket::new(ctx.socket(SocketType::Push)?)?;
    /// push.get_mut().connect("inproc://aio-send-more-doc")?;
    ///
    /// push.send_more("topic");
    /// push.send_more("header");
    /// push.send("body").await?;
    /// assert_eq!(pull.recv_multipart().await?, ["topic", "header", "body"]);
    /// # Ok::<(), ferrozmq::Error>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_more(&mut self, frame: impl Into<Message>) {
        self.partial.push_back(frame);
    }

    /// Takes the frames given to [`send_more`](Self::send_more) and not
    /// sent yet (empty if none), abandoning the message they began.
    pub fn take_partial(&mut self) -> Multipart {
        std::mem::take(&mut self.partial)
    }

    /// Sends a whole message, all frames or none, waiting while the socket
    /// cannot take it. On failure the message is handed back. Frames given
    /// to [`send_more`](Self::send_more) go before it, in the same message.
    pub async fn send_multipart(
        &mut self,
        msg: impl Into<Multipart>,
    ) -> std::result::Result<(), SendError<Multipart>> {
        self.send_outgoing(msg.into()).await
    }

    async fn send_outgoing<M: Outgoing>(
        &mut self,
        msg: M,
    ) -> std::result::Result<(), SendError<M>> {
        // The common case first, without the future's machinery: nothing
        // queued before it and the socket takes it now.
        let msg = if self.outbox.is_none() && self.partial.is_empty() {
            match msg.try_send(&mut self.socket) {
                Ok(()) => return Ok(()),
                Err(failed) if compat::would_block(failed.error()) => failed.into_message(),
                Err(failed) => return Err(failed),
            }
        } else {
            msg
        };
        let mut slot = Some(msg);
        let sent = poll_fn(|cx| {
            if self.poll_flush_outbox(cx)?.is_pending() {
                return Poll::Pending;
            }
            // Out of `self` while polling (poll_io borrows it), back in
            // before returning: between polls, and so when this future is
            // dropped, the frames given to send_more are in `self.partial`.
            let mut prefix = std::mem::take(&mut self.partial);
            let polled = self.poll_send_slot(cx, &mut slot, &mut prefix);
            self.partial = prefix;
            polled
        })
        .await;
        match sent {
            Ok(()) => Ok(()),
            // A failure leaves the message in the slot (the default is
            // never used).
            Err(e) => Err(SendError::new(e, slot.unwrap_or_default())),
        }
    }

    /// Receives one frame ([`Message::more`] tells whether more follow).
    pub async fn recv(&mut self) -> Result<Message> {
        // A frame already waiting is taken without the future's machinery.
        match compat::try_recv(&mut self.socket) {
            Err(e) if compat::would_block(&e) => {}
            done => return done,
        }
        poll_fn(|cx| self.poll_io(cx, Interest::Recv, compat::try_recv)).await
    }

    /// Receives every frame of the next message.
    pub async fn recv_multipart(&mut self) -> Result<Multipart> {
        match compat::try_recv_multipart(&mut self.socket) {
            Err(e) if compat::would_block(&e) => {}
            done => return done,
        }
        poll_fn(|cx| self.poll_recv_multipart(cx)).await
    }

    /// Polls for the next whole message: the building block of the
    /// `Stream`, for hand-written futures.
    pub fn poll_recv_multipart(&mut self, cx: &mut Context<'_>) -> Poll<Result<Multipart>> {
        self.poll_io(cx, Interest::Recv, compat::try_recv_multipart)
    }

    /// Tries to send `prefix` and the message in `slot` as one message,
    /// leaving both as they were if the socket cannot take it now or
    /// fails (so the caller can hand the message back).
    fn poll_send_slot<M: Outgoing>(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<M>,
        prefix: &mut Multipart,
    ) -> Poll<Result<()>> {
        self.poll_io(cx, Interest::Send, |socket| {
            let Some(msg) = slot.take() else {
                return Ok(());
            };
            msg.try_send_after(prefix, socket).map_err(|failed| {
                let (e, back) = failed.into_parts();
                *slot = Some(back);
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
        // A Sink message is whole: frames given to send_more wait for theirs.
        let polled = self.poll_send_slot(cx, &mut slot, &mut Multipart::new());
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
        // Looks under the read lease that brought messages: a bound, in
        // case `op` leaves them (it never should).
        let mut leased = 0;
        loop {
            match op(&mut self.socket) {
                Err(e) if compat::would_block(&e) => {}
                done => return Poll::Ready(done),
            }
            // Readiness the event loop reported before the re-arm below
            // (typically the wake-up that brought the last operation here,
            // which it served) says nothing new: consume it first, so that
            // only a signal after the re-arm wakes us, and no idle turn
            // through ZMQ_EVENTS (a system call) follows each wake-up.
            if let Poll::Ready(Err(e)) = self.poll_reactor() {
                return Poll::Ready(Err(Error::from(e)));
            }
            // A receive on an idle connection reads it itself, or waits for
            // its input as well as for the socket (ZMQ_EVENTS, looked at
            // below, sees what came meanwhile: the messages this look puts
            // into the pipe signal nothing).
            if interest == Interest::Recv && leased < 8 {
                let armed = self.socket.hold_readiness();
                let pipe = self.socket.only_pipe();
                let looked = lease::poll_lease(&mut self.lease, pipe, cx);
                self.socket.restore_readiness(armed);
                if looked == Leased::Took {
                    leased += 1;
                    continue;
                }
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
            self.waiters.wait(interest, cx.waker());
            match self.poll_reactor() {
                Poll::Ready(Ok(())) => retried = false,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(Error::from(e))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Polls the registration with the waker that wakes every waiter.
    fn poll_reactor(&self) -> Poll<std::io::Result<()>> {
        self.reactor
            .poll_readable(&mut Context::from_waker(&self.fanout))
    }
}
