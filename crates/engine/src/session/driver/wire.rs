//! The bytes side of the driver: a `zmtp::Connection` with whole messages
//! on top. Fed the bytes read and `now`; yields the socket's messages, the
//! handshake's milestones and the bytes to write. No I/O: the shell reads
//! into [`Wire::handle_read`]'s buffer and writes [`Wire::transmit`] out.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::frame::{Framing, TransmitQueue};
use ferrozmq_zmtp::{
    Config, Connection, Error as ZmtpError, Event, PeerInfo, SocketType, Subscription, ZapReply,
    ZapRequest,
};

use super::Failure;
use crate::msg::{Body, Msg, MsgKind, Spares};

/// What the peer's bytes came to.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A whole message (or a subscription) for the socket.
    Message(Msg),
    /// The handshake completed.
    HandshakeSucceeded,
    /// The mechanism asks the ZAP handler about the peer.
    ZapRequest(ZapRequest),
}

/// One ZMTP connection, message by message.
#[derive(Debug)]
pub(crate) struct Wire {
    connection: Connection,
    /// Frames of a multipart message still arriving.
    partial: Vec<Bytes>,
    /// A protocol error met while decoding, reported after what came before it.
    failed: Option<ZmtpError>,
    /// PUB and XPUB read 0x01/0x00 messages from old peers as subscriptions.
    publisher: bool,
}

impl Wire {
    /// A connection with the socket's ZMTP settings.
    pub(crate) fn new(config: Config) -> Result<Wire, ZmtpError> {
        let publisher = matches!(config.socket_type, SocketType::Pub | SocketType::XPub);
        Ok(Wire {
            connection: Connection::new(config)?,
            partial: Vec::new(),
            failed: None,
            publisher,
        })
    }

    /// Decodes what was read (consuming it from `buf`). Messages decoded
    /// before a bad frame are still delivered, as libzmq does; the error
    /// comes out of [`Wire::take_failure`] once they are.
    pub(crate) fn handle_read(&mut self, buf: &mut BytesMut) {
        if self.failed.is_none() {
            self.failed = self.connection.handle_read(buf).err();
        }
    }

    /// The size of a message frame whose body is arriving while `buf` holds
    /// only its start (see `Connection::body_in_progress`).
    pub(crate) fn body_in_progress(&self, buf: &BytesMut) -> Option<usize> {
        if self.failed.is_some() {
            return None;
        }
        self.connection.body_in_progress(buf)
    }

    /// Takes the whole body of that frame, read into a buffer of its own.
    pub(crate) fn handle_body(&mut self, body: impl AsRef<[u8]> + AsMut<[u8]> + Send + 'static) {
        if self.failed.is_none() {
            self.failed = self.connection.handle_body(body).err();
        }
    }

    /// Whether decoding met an error (no more bytes are decoded).
    pub(crate) fn has_failed(&self) -> bool {
        self.failed.is_some()
    }

    /// The error decoding met, once everything before it was taken.
    pub(crate) fn take_failure(&mut self) -> Option<Failure> {
        self.failed.take().map(Failure::from_zmtp)
    }

    /// The next thing the peer's bytes came to.
    pub(crate) fn poll_inbound(&mut self) -> Option<Inbound> {
        loop {
            let inbound = match self.connection.poll_event()? {
                Event::HandshakeSucceeded => Inbound::HandshakeSucceeded,
                Event::ZapRequest(request) => Inbound::ZapRequest(request),
                Event::Subscription(Subscription::Subscribe(topic)) => {
                    Inbound::Message(Msg::subscription(true, topic))
                }
                Event::Subscription(Subscription::Cancel(topic)) => {
                    Inbound::Message(Msg::subscription(false, topic))
                }
                Event::Frame(frame) if frame.more => {
                    self.partial.push(frame.body);
                    continue;
                }
                Event::Frame(frame) if self.partial.is_empty() => {
                    Inbound::Message(self.single(frame.body))
                }
                Event::Frame(frame) => {
                    let mut frames = std::mem::take(&mut self.partial);
                    frames.push(frame.body);
                    match Msg::from_frames(frames) {
                        Some(msg) => Inbound::Message(msg),
                        None => continue,
                    }
                }
                _ => continue,
            };
            return Some(inbound);
        }
    }

    /// Encodes a message (or subscription) from the socket.
    #[cfg(test)]
    pub(crate) fn send(&mut self, msg: Msg) -> Result<(), Failure> {
        self.send_keeping(msg, &mut Spares::new())
    }

    /// [`Wire::send`], the blocks of small bodies (copied into the
    /// transmit queue) kept in `spares` (one batch of messages, one look
    /// at the thread's block cache).
    pub(crate) fn send_keeping(&mut self, msg: Msg, spares: &mut Spares) -> Result<(), Failure> {
        match msg.kind() {
            MsgKind::Data => {
                let n = msg.len();
                for (i, frame) in msg.into_frames().enumerate() {
                    let more = i + 1 < n;
                    match frame {
                        Body::Small(small) => {
                            let sent = self.connection.send_frame_copied(small.as_slice(), more);
                            small.recycle(spares);
                            sent
                        }
                        Body::Shared(bytes) => self.connection.send_frame(bytes, more),
                    }
                    .map_err(Failure::Protocol)?;
                }
            }
            MsgKind::Subscribe | MsgKind::Cancel => {
                let topic = msg.first().to_bytes();
                let sub = if msg.kind() == MsgKind::Subscribe {
                    Subscription::Subscribe(topic)
                } else {
                    Subscription::Cancel(topic)
                };
                self.connection
                    .send_subscription(&sub)
                    .map_err(Failure::Protocol)?;
            }
        }
        Ok(())
    }

    /// Hands the ZAP handler's reply to the handshake.
    pub(crate) fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<(), Failure> {
        self.connection
            .handle_zap_reply(reply)
            .map_err(Failure::Protocol)
    }

    /// Runs the heartbeat timers; a silent peer times out.
    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Result<(), Failure> {
        self.connection
            .handle_timeout(now)
            .map_err(Failure::from_zmtp)
    }

    /// When the heartbeat timers next need `handle_timeout`.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.connection.poll_timeout()
    }

    /// The bytes to write.
    pub(crate) fn transmit(&mut self) -> &mut TransmitQueue {
        self.connection.transmit()
    }

    /// How many bytes wait to be written.
    pub(crate) fn pending_transmit(&self) -> usize {
        self.connection.pending_transmit()
    }

    /// How much to read for the frame in progress.
    pub(crate) fn read_hint(&self, buf: &BytesMut) -> usize {
        self.connection.read_hint(buf)
    }

    /// Whether the handshake is done (messages may be sent).
    pub(crate) fn is_ready(&self) -> bool {
        self.connection.is_ready()
    }

    /// What the handshake told about the peer.
    pub(crate) fn peer(&self) -> Option<&PeerInfo> {
        self.connection.peer()
    }

    /// Whether every frame is sealed (CURVE): encoding one costs far more
    /// than writing it.
    pub(crate) fn seals_frames(&self) -> bool {
        self.connection.protects_frames()
    }

    /// The framing in use, and whether frames are sealed (CURVE): the
    /// direct path writes only plain frames of ZMTP 2.0 and later.
    pub(crate) fn direct_framing(&self) -> Option<Framing> {
        let framing = self.connection.framing();
        (!self.connection.protects_frames() && framing != Framing::V1).then_some(framing)
    }

    /// Whether the next byte from the peer starts a message: no multipart
    /// message half decoded, and no frame whose header is decoded but
    /// whose body has not come yet.
    pub(crate) fn at_message_boundary(&self) -> bool {
        self.partial.is_empty() && self.connection.at_frame_boundary()
    }

    /// Counts data messages the session parsed itself as the peer's
    /// traffic, for the heartbeat.
    pub(crate) fn note_traffic(&mut self) {
        self.connection.note_traffic();
    }

    /// The size of the frame the decoder has the header of (its body, the
    /// front of the read buffer, not yet taken), if any.
    pub(crate) fn frame_in_progress(&self) -> Option<usize> {
        self.connection.frame_in_progress()
    }

    /// Whether the peer's messages may be subscriptions (PUB, XPUB).
    pub(crate) fn reads_subscriptions(&self) -> bool {
        self.publisher
    }

    /// A single-frame message; from an old peer of a publisher, 0x01/0x00
    /// messages are subscriptions.
    fn single(&self, body: Bytes) -> Msg {
        if self.publisher {
            match body.first() {
                Some(1) => return Msg::subscription(true, body.slice(1..)),
                Some(0) => return Msg::subscription(false, body.slice(1..)),
                _ => {}
            }
        }
        Msg::single(body)
    }
}
