//! Receiving: frames and whole messages, blocking or not.

use std::time::Duration;

use bytes::Bytes;

use super::{Patience, Socket, Wait};
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::multipart::Multipart;
use crate::socket::flags::RecvFlags;

impl Socket {
    /// Receives the next frame, waiting up to the receive timeout
    /// ([`Socket::set_rcvtimeo`]; forever by default), after which it fails
    /// with [`ErrorKind::Again`]. [`Message::more`] tells whether more frames of
    /// the same message follow (they are already here: messages arrive
    /// whole).
    ///
    /// ```
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut a = ctx.socket(SocketType::Pair)?;
    /// a.bind("inproc://recv-doc")?;
    /// let mut b = ctx.socket(SocketType::Pair)?;
    /// b.connect("inproc://recv-doc")?;
    /// b.send("ping")?;
    /// let msg = a.recv()?;
    /// assert_eq!(msg.data(), b"ping");
    /// assert!(!msg.more());
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn recv(&mut self) -> Result<Message> {
        let patience = self.recv_patience();
        self.recv_frame(patience)
    }

    /// Receives the next frame if one is waiting; otherwise fails at once
    /// with [`ErrorKind::Again`].
    ///
    /// ```
    /// use ferrozmq::{Context, ErrorKind, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// assert_eq!(pull.try_recv().unwrap_err(), ErrorKind::Again);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn try_recv(&mut self) -> Result<Message> {
        self.recv_frame(Patience::Now)
    }

    /// Receives the next frame, waiting at most `timeout` (instead of the
    /// receive timeout option); then fails with [`ErrorKind::Again`].
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Message> {
        self.recv_frame(Patience::within(timeout))
    }

    /// Receives the next frame with libzmq's flags ([`RecvFlags::DONTWAIT`]
    /// not to wait): the general path the bindings take.
    pub fn recv_with(&mut self, flags: RecvFlags) -> Result<Message> {
        let patience = if flags.contains(RecvFlags::DONTWAIT) {
            Patience::Now
        } else {
            self.recv_patience()
        };
        self.recv_frame(patience)
    }

    /// [`Socket::recv_with`] into `msg`, as `zmq_msg_recv` does: what `msg`
    /// held is released and the frame is written in its place (no message
    /// moved out of the socket and into the caller's, and the sender's
    /// metadata handle kept when it is the same peer's). On failure `msg`
    /// is left as it was.
    ///
    /// ```
    /// use ferrozmq::{Context, Message, RecvFlags, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// pull.bind("inproc://recv-into-doc")?;
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// push.connect("inproc://recv-into-doc")?;
    /// push.send("one")?;
    /// push.send("two")?;
    /// let mut msg = Message::new();
    /// pull.recv_into(&mut msg, RecvFlags::empty())?;
    /// assert_eq!(msg.data(), b"one");
    /// pull.recv_into(&mut msg, RecvFlags::empty())?;
    /// assert_eq!(msg.data(), b"two");
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn recv_into(&mut self, msg: &mut Message, flags: RecvFlags) -> Result<()> {
        let patience = if flags.contains(RecvFlags::DONTWAIT) {
            Patience::Now
        } else {
            self.recv_patience()
        };
        self.recv_frame_into(patience, Wait::Spin, msg)
    }

    /// [`Socket::recv_into`] of a frame that is already here: `Ok(false)`,
    /// `msg` untouched, when none is. Unlike a receive with
    /// [`RecvFlags::DONTWAIT`], finding nothing leaves a read lease this
    /// socket kept where it is: this is the first try of a receive that
    /// then waits (the C binding's `zmq_msg_recv`, which prepares its wait,
    /// for thread cancellation, only when it must).
    pub fn recv_into_ready(&mut self, msg: &mut Message) -> Result<bool> {
        match self.recv_frame_into(Patience::Now, Wait::Ready, msg) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::Again => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Receives the next frame's bytes, waiting as [`Socket::recv`] does.
    pub fn recv_bytes(&mut self) -> Result<Bytes> {
        self.recv().map(Message::into_bytes)
    }

    /// Receives the next frame as text, waiting as [`Socket::recv`] does;
    /// a frame that is not UTF-8 is an [`ErrorKind::Invalid`] (and is consumed).
    pub fn recv_string(&mut self) -> Result<String> {
        self.recv().and_then(String::try_from)
    }

    /// Receives every frame of the next message (or what is left of the
    /// message being read), waiting as [`Socket::recv`] does.
    ///
    /// ```
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut a = ctx.socket(SocketType::Pair)?;
    /// a.bind("inproc://recv-multipart-doc")?;
    /// let mut b = ctx.socket(SocketType::Pair)?;
    /// b.connect("inproc://recv-multipart-doc")?;
    /// b.send_multipart(vec!["a", "b", "c"])?;
    /// let frames: Vec<String> = a
    ///     .recv_multipart()?
    ///     .into_iter()
    ///     .map(String::try_from)
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(frames, ["a", "b", "c"]);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn recv_multipart(&mut self) -> Result<Multipart> {
        let patience = self.recv_patience();
        self.recv_parts(patience)
    }

    /// Receives every frame of the next message if one is waiting;
    /// otherwise fails at once with [`ErrorKind::Again`].
    pub fn try_recv_multipart(&mut self) -> Result<Multipart> {
        self.recv_parts(Patience::Now)
    }

    /// Receives every frame of the next message, waiting at most `timeout`.
    pub fn recv_multipart_timeout(&mut self, timeout: Duration) -> Result<Multipart> {
        self.recv_parts(Patience::within(timeout))
    }

    /// How long a receive waits by default (ZMQ_RCVTIMEO).
    fn recv_patience(&self) -> Patience {
        Patience::from_timeout_ms(self.options.rcvtimeo)
    }

    /// The first frame may wait; the rest of its message is already here.
    fn recv_parts(&mut self, patience: Patience) -> Result<Multipart> {
        self.recv_parts_waiting(patience, Wait::Spin)
    }

    /// A frame if one is waiting, for the async layer: a kept read lease
    /// stays (see `Wait::Polled`).
    #[cfg(any(feature = "tokio", feature = "async-io"))]
    pub(crate) fn try_recv_polled(&mut self) -> Result<Message> {
        self.recv_frame_waiting(Patience::Now, Wait::Polled)
    }

    /// A whole message if one is waiting, for the async layer (as
    /// [`Socket::try_recv_polled`]).
    #[cfg(any(feature = "tokio", feature = "async-io"))]
    pub(crate) fn try_recv_multipart_polled(&mut self) -> Result<Multipart> {
        self.recv_parts_waiting(Patience::Now, Wait::Polled)
    }

    /// Keeps the readiness descriptor quiet while the async layer reads
    /// under the read lease into its own pipe; returns what
    /// [`Socket::restore_readiness`] needs.
    #[cfg(any(feature = "tokio", feature = "async-io"))]
    pub(crate) fn hold_readiness(&self) -> bool {
        self.link.signaler.hold_fd()
    }

    /// Ends [`Socket::hold_readiness`].
    #[cfg(any(feature = "tokio", feature = "async-io"))]
    pub(crate) fn restore_readiness(&self, armed: bool) {
        self.link.signaler.restore_fd(armed);
    }

    fn recv_parts_waiting(&mut self, patience: Patience, wait: Wait) -> Result<Multipart> {
        let first = self.recv_frame_waiting(patience, wait)?;
        let mut frames = Multipart::with_capacity(1 + self.receiving.len());
        let mut more = first.more();
        frames.push_back(first);
        while more {
            let frame = self.recv_frame(Patience::Now)?;
            more = frame.more();
            frames.push_back(frame);
        }
        Ok(frames)
    }

    fn recv_frame(&mut self, patience: Patience) -> Result<Message> {
        self.recv_frame_waiting(patience, Wait::Spin)
    }

    fn recv_frame_waiting(&mut self, patience: Patience, wait: Wait) -> Result<Message> {
        let mut msg = Message::new();
        self.recv_frame_into(patience, wait, &mut msg)?;
        Ok(msg)
    }

    /// Receives the next frame into `out` (see [`Socket::recv_into`]);
    /// `out` is written only on success.
    fn recv_frame_into(&mut self, patience: Patience, wait: Wait, out: &mut Message) -> Result<()> {
        self.check_open()?;
        if self.receiving.is_empty() {
            // The pattern moves the message into `slot` (see
            // `Pattern::recv_into`).
            let mut slot = None;
            self.wait_for(patience, wait, |s| {
                match s.pattern.recv_into(&mut slot, &s.routing)? {
                    true => Ok(()),
                    false => Err(Error::new(ErrorKind::Again)),
                }
            })?;
            let Some((msg, peer)) = slot else {
                return Err(ErrorKind::Again.into());
            };
            self.note_peer(peer);
            // The first frame goes straight out (a one-frame message, the
            // usual case, is never queued); the rest wait in `receiving`
            // (frame by frame: `extend`'s general path costs more than the
            // one or two frames of the usual envelope).
            let (first, mut rest) = msg.into_first_and_rest();
            self.rcvmore = !rest.is_empty();
            if self.rcvmore {
                if rest.len() == 1 {
                    // The usual envelope (ROUTER's id, then the body):
                    // no draining iterator for one frame.
                    if let Some(frame) = rest.pop() {
                        self.receiving.push_back(frame);
                    }
                } else {
                    for frame in rest.drain(..) {
                        self.receiving.push_back(frame);
                    }
                }
                // The emptied storage goes back for the next envelope.
                self.pattern.recycle(rest);
            }
            out.set_received(first, self.rcvmore, &self.receiving_peer);
            return Ok(());
        }
        let data = self.receiving.pop_front().ok_or(ErrorKind::Again)?;
        self.rcvmore = !self.receiving.is_empty();
        out.set_received(data, self.rcvmore, &self.receiving_peer);
        Ok(())
    }
}
