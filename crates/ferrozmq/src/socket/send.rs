//! Sending: frames, whole messages, blocking or not, and the message handed
//! back when it could not go.

use std::time::Duration;

use ferrozmq_engine::Msg;

use super::{Patience, Socket, Wait};
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::multipart::Multipart;
use crate::send_error::SendError;
use crate::socket::flags::SendFlags;

impl Socket {
    /// Sends `msg` as the last (or only) frame of a message, waiting while
    /// the socket cannot take it, up to the send timeout
    /// ([`Socket::set_sndtimeo`]; forever by default).
    ///
    /// The message is delivered all or nothing. On a timeout the error is
    /// [`ErrorKind::Again`]; use [`Socket::send_timeout`] or
    /// [`Socket::try_send`] to get the message back on failure.
    ///
    /// ```
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// pull.bind("inproc://send-doc")?;
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// push.connect("inproc://send-doc")?;
    /// push.send("hello")?;
    /// assert_eq!(pull.recv()?.data(), b"hello");
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn send(&mut self, msg: impl Into<Message>) -> Result<()> {
        let patience = self.send_patience();
        self.send_frame(msg.into(), false, patience)?;
        Ok(())
    }

    /// Sends one frame of a message whose further frames follow (ZMQ_SNDMORE);
    /// the message goes out when its last frame is sent with
    /// [`Socket::send`]. Waits as [`Socket::send`] does (only the first
    /// frame may wait: the rest are buffered until the last).
    ///
    /// ```
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// pull.bind("inproc://send-more-doc")?;
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// push.connect("inproc://send-more-doc")?;
    /// push.send_more("key")?;
    /// push.send("value")?;
    /// let msg = pull.recv_multipart()?;
    /// assert_eq!(msg.len(), 2);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn send_more(&mut self, frame: impl Into<Message>) -> Result<()> {
        let patience = self.send_patience();
        self.send_frame(frame.into(), true, patience)?;
        Ok(())
    }

    /// Sends `msg` as the last frame of a message if the socket can take it
    /// now; otherwise fails with [`ErrorKind::Again`] and hands `msg` back.
    ///
    /// ```
    /// use ferrozmq::{Context, ErrorKind, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// let failed = push.try_send("no peer yet").unwrap_err();
    /// assert_eq!(*failed.error(), ErrorKind::Again);
    /// let msg = failed.into_message(); // nothing was lost
    /// assert_eq!(msg.data(), b"no peer yet");
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn try_send(&mut self, msg: impl Into<Message>) -> std::result::Result<(), SendError> {
        self.send_frame(msg.into(), false, Patience::Now)
    }

    /// Sends `msg` as the last frame of a message, waiting at most
    /// `timeout` for the socket to take it (instead of the send timeout
    /// option); on failure the message is handed back.
    pub fn send_timeout(
        &mut self,
        msg: impl Into<Message>,
        timeout: Duration,
    ) -> std::result::Result<(), SendError> {
        self.send_frame(msg.into(), false, Patience::within(timeout))
    }

    /// Sends one frame with libzmq's flags: [`SendFlags::MORE`] when more
    /// frames follow, [`SendFlags::DONTWAIT`] not to wait. This is the
    /// general path (the C and Python bindings take it); the methods above
    /// are shorthands for it.
    pub fn send_with(
        &mut self,
        frame: impl Into<Message>,
        flags: SendFlags,
    ) -> std::result::Result<(), SendError> {
        let patience = if flags.contains(SendFlags::DONTWAIT) {
            Patience::Now
        } else {
            self.send_patience()
        };
        self.send_frame(frame.into(), flags.contains(SendFlags::MORE), patience)
    }

    /// Sends a whole message (its frames in order), waiting as
    /// [`Socket::send`] does. It is accepted whole or not at all.
    ///
    /// ```
    /// use ferrozmq::{Context, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// pull.bind("inproc://multipart-doc")?;
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// push.connect("inproc://multipart-doc")?;
    /// push.send_multipart(["topic", "body"])?;
    /// let msg = pull.recv_multipart()?;
    /// assert_eq!(msg.get(1).map(|f| f.data()), Some(&b"body"[..]));
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn send_multipart(&mut self, msg: impl Into<Multipart>) -> Result<()> {
        let patience = self.send_patience();
        self.send_parts(msg.into(), patience)?;
        Ok(())
    }

    /// Sends a whole message if the socket can take it now; otherwise fails
    /// with [`ErrorKind::Again`] and hands the whole message back (no frame of it
    /// was sent).
    pub fn try_send_multipart(
        &mut self,
        msg: impl Into<Multipart>,
    ) -> std::result::Result<(), SendError<Multipart>> {
        self.send_parts(msg.into(), Patience::Now)
    }

    /// Sends a whole message, waiting at most `timeout`; on failure the
    /// whole message is handed back.
    pub fn send_multipart_timeout(
        &mut self,
        msg: impl Into<Multipart>,
        timeout: Duration,
    ) -> std::result::Result<(), SendError<Multipart>> {
        self.send_parts(msg.into(), Patience::within(timeout))
    }

    /// How long a send waits by default (ZMQ_SNDTIMEO).
    fn send_patience(&self) -> Patience {
        Patience::from_timeout_ms(self.options.sndtimeo)
    }

    /// Sends the frames of `msg` in turn. Only a frame that starts a
    /// message can fail (the socket checks then that the whole message can
    /// go, and buffers frames until the last), so a failure at the first
    /// frame hands the whole message back untouched. (Only STREAM, which
    /// cuts a message after its data frame whatever the flags say, can start
    /// a second message within one `Multipart`; the frames not sent are then
    /// handed back.)
    fn send_parts(
        &mut self,
        msg: Multipart,
        patience: Patience,
    ) -> std::result::Result<(), SendError<Multipart>> {
        if msg.is_empty() {
            return Err(SendError::new(Error::new(ErrorKind::Invalid), msg));
        }
        let mut frames = msg.into_deque();
        while let Some(frame) = frames.pop_front() {
            let more = !frames.is_empty();
            if let Err(failed) = self.send_frame(frame, more, patience) {
                return Err(failed.map(|frame| {
                    frames.push_front(frame);
                    Multipart::from_deque(frames)
                }));
            }
        }
        Ok(())
    }

    /// Sends one frame (`more`: further frames follow). The first frame of
    /// a message waits, per `patience`, until the pattern can take the
    /// whole message; later frames are buffered until the last. A frame is
    /// handed back on every failure before the socket took it.
    fn send_frame(
        &mut self,
        msg: Message,
        sndmore: bool,
        patience: Patience,
    ) -> std::result::Result<(), SendError> {
        if let Err(e) = self.check_open() {
            return Err(SendError::new(e, msg));
        }
        if self.spool.is_some() {
            return self.send_spooled(msg, sndmore, patience);
        }
        let index = self.sending.as_ref().map_or(0, Vec::len);
        let more = self.pattern.continues(index, sndmore);
        if !more && self.sending.is_none() {
            return self.send_single(msg, sndmore, patience);
        }
        let whole = match self.sending.take() {
            None => {
                self.routing.sparse = self.send_clock.is_sparse();
                self.routing.sndmore = sndmore;
                let ready = self.wait_for(patience, Wait::Sleep, |s| {
                    s.pattern.prepare_send(msg.data(), &s.routing)
                });
                if let Err(e) = ready {
                    return Err(SendError::new(e, msg));
                }
                let data = msg.into_body();
                if more {
                    self.sending = Some(vec![data]);
                    return Ok(());
                }
                Some(Msg::single(data))
            }
            Some(mut frames) => {
                frames.push(msg.into_body());
                if more {
                    self.sending = Some(frames);
                    return Ok(());
                }
                Msg::from_bodies(frames)
            }
        };
        let sent = match whole {
            Some(msg) => self.pattern.send(msg, &self.routing),
            None => Ok(()),
        };
        self.send_clock.sent();
        // The patterns make every check in `prepare_send`, so nothing fails
        // here in practice; were it to, the socket has already taken the
        // message and has none to hand back.
        sent.map_err(|e| SendError::new(e, Message::new()))
    }

    /// [`Socket::send_frame`] for a frame that is a whole message (the
    /// usual case): the pattern admits and sends it in one call.
    fn send_single(
        &mut self,
        msg: Message,
        sndmore: bool,
        patience: Patience,
    ) -> std::result::Result<(), SendError> {
        self.routing.sparse = self.send_clock.is_sparse();
        self.routing.sndmore = sndmore;
        let mut frame = Some(msg);
        let sent = self.wait_for(patience, Wait::Sleep, |s| {
            match s.pattern.send_single(&mut frame, &s.routing) {
                Ok(()) => Ok(Ok(())),
                // Taken, then failed: the send's own result, not a wait.
                Err(kind) if frame.is_none() => Ok(Err(Error::new(kind))),
                Err(kind) => Err(Error::new(kind)),
            }
        });
        let sent = match sent {
            Ok(sent) => sent,
            // Not admitted: the frame is still here to hand back.
            Err(e) => return Err(SendError::new(e, frame.unwrap_or_default())),
        };
        self.send_clock.sent();
        // As in `send_frame`: the socket took the message; nothing to hand back.
        sent.map_err(|e| SendError::new(e, Message::new()))
    }
}
