//! [`Connection`]: greeting → handshake → traffic for one ZMTP peer.

use std::collections::VecDeque;
use std::time::Instant;

use bytes::{Bytes, BytesMut};

use crate::command::{local_metadata, Command, Metadata, Subscription, IDENTITY, SOCKET_TYPE};
use crate::error::{Error, Incompatible, Result};
use crate::frame::{encode_frame, write_header, Decoder, Frame, Framing, TransmitQueue};
use crate::greeting::{
    detect_protocol, signature, Greeting, PeerProtocol, GREETING_LEN, MAJOR_OFFSET, SIGNATURE_LEN,
};
use crate::heartbeat::{Heartbeat, HeartbeatConfig};
use crate::mechanism::{
    Entropy, HandshakeStatus, Mechanism, MechanismConfig, ZapReply, ZapRequest,
};
use crate::socket_type::SocketType;

/// Largest frame accepted during the handshake, whatever the message limit:
/// it bounds the memory an unauthenticated peer can make us hold.
pub const MAX_HANDSHAKE_FRAME: u64 = 1 << 20;

/// How a connection presents itself and what it accepts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Our socket type (sent as `Socket-Type`, checked against the peer's).
    pub socket_type: SocketType,
    /// Our routing id (ZMQ_ROUTING_ID), sent as `Identity` by REQ, DEALER and ROUTER.
    pub routing_id: Bytes,
    /// Extra READY properties (ZMQ_METADATA).
    pub metadata: Metadata,
    /// Security mechanism and credentials.
    pub mechanism: MechanismConfig,
    /// Ask ZAP to approve NULL peers (libzmq does when ZMQ_ZAP_DOMAIN is set).
    pub zap_for_null: bool,
    /// Largest frame accepted after the handshake (ZMQ_MAXMSGSIZE; `None` = unlimited).
    pub max_message_size: Option<u64>,
    /// Heartbeat timing.
    pub heartbeat: HeartbeatConfig,
    /// The minor version we announce: 1 (ZMTP 3.1) normally, 0 to act as a 3.0 peer.
    pub minor_version: u8,
    /// Cryptographic randomness for CURVE (required by it, unused otherwise).
    pub entropy: Option<Entropy>,
}

impl Config {
    /// Defaults for `socket_type`: NULL, no limits, no heartbeats, ZMTP 3.1.
    pub fn new(socket_type: SocketType) -> Config {
        Config {
            socket_type,
            routing_id: Bytes::new(),
            metadata: Metadata::new(),
            mechanism: MechanismConfig::Null,
            zap_for_null: false,
            max_message_size: None,
            heartbeat: HeartbeatConfig::default(),
            minor_version: 1,
            entropy: None,
        }
    }
}

/// What the peer told us about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// The protocol family it speaks.
    pub protocol: PeerProtocol,
    /// ZMTP major version from its greeting (1 or 2 for old peers).
    pub major: u8,
    /// ZMTP minor version from its greeting (0 for old peers).
    pub minor: u8,
    /// Its socket type, if it told us one we know.
    pub socket_type: Option<SocketType>,
    /// Its routing id (`Identity` property, or the identity frame of old peers).
    pub routing_id: Bytes,
    /// Its READY metadata (empty for old peers).
    pub metadata: Metadata,
    /// User id given by ZAP.
    pub user_id: Bytes,
    /// Metadata given by ZAP.
    pub zap_metadata: Metadata,
}

impl PeerInfo {
    /// Whether the peer takes SUBSCRIBE/CANCEL commands (ZMTP 3.1 or later).
    pub fn takes_subscription_commands(&self) -> bool {
        self.protocol == PeerProtocol::Zmtp3 && !(self.major == 3 && self.minor == 0)
    }
}

/// Something the caller must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The handshake is complete; [`Connection::peer`] is now available.
    HandshakeSucceeded,
    /// A data frame from the peer.
    Frame(Frame),
    /// A SUBSCRIBE or CANCEL command from the peer. (The 3.0 message form
    /// arrives as an ordinary [`Event::Frame`], as it does in libzmq.)
    Subscription(Subscription),
    /// The mechanism needs the ZAP handler; answer with [`Connection::handle_zap_reply`].
    ZapRequest(ZapRequest),
    /// A command this crate does not act on (e.g. JOIN), passed up as libzmq does.
    Command(Command),
}

#[derive(Debug)]
enum Phase {
    /// Exchanging the greeting; `sent` counts our greeting octets queued so far.
    Greeting { sent: usize },
    /// ZMTP 1.0/2.0: waiting for the peer's identity frame.
    LegacyIdentity,
    /// Running the security handshake.
    Handshake,
    /// Traffic flows.
    Ready,
    /// A fatal error happened; nothing more is accepted.
    Failed,
}

/// One ZMTP connection as a pure state machine.
///
/// Calling order, from the owner of the byte stream:
///
/// 1. [`Connection::new`] queues the first greeting bytes.
/// 2. Whenever bytes arrive: [`Connection::handle_read`] (or `handle_bytes`).
/// 3. Then drain [`Connection::poll_event`] until `None`; answer a
///    [`Event::ZapRequest`] with [`Connection::handle_zap_reply`].
/// 4. Write out [`Connection::transmit`] (it may hold bytes after any call).
/// 5. Call [`Connection::handle_timeout`] after each batch of reads (it is
///    cheap; it starts the heartbeat clock) and at [`Connection::poll_timeout`].
///
/// Any `Err` is fatal: flush what `transmit` holds (it may carry an ERROR
/// command for the peer) and close the stream.
#[derive(Debug)]
pub struct Connection {
    config: Config,
    phase: Phase,
    peer_greeting: [u8; GREETING_LEN],
    received: usize,
    protocol: Option<PeerProtocol>,
    peer_socket_number: Option<u8>,
    mechanism: Option<Box<dyn Mechanism>>,
    protects_frames: bool,
    decoder: Decoder,
    inbuf: BytesMut,
    transmit: TransmitQueue,
    events: VecDeque<Event>,
    peer: Option<PeerInfo>,
    heartbeat: Heartbeat,
}

impl Connection {
    /// A connection that has queued its signature and waits for the peer's.
    pub fn new(config: Config) -> Result<Connection> {
        if config.routing_id.len() > 255 {
            return Err(Error::Misuse("routing id longer than 255 octets"));
        }
        let local = local_metadata(config.socket_type, &config.routing_id, &config.metadata)?;
        let mechanism =
            config
                .mechanism
                .build(local, config.zap_for_null, config.entropy.as_ref())?;
        let mut transmit = TransmitQueue::new();
        transmit.push_slice(&signature(config.routing_id.len()));
        Ok(Connection {
            heartbeat: Heartbeat::new(config.heartbeat),
            decoder: Decoder::new(Framing::V3, Some(MAX_HANDSHAKE_FRAME)),
            config,
            phase: Phase::Greeting {
                sent: SIGNATURE_LEN,
            },
            peer_greeting: [0; GREETING_LEN],
            received: 0,
            protocol: None,
            peer_socket_number: None,
            mechanism: Some(mechanism),
            protects_frames: false,
            inbuf: BytesMut::new(),
            transmit,
            events: VecDeque::new(),
            peer: None,
        })
    }

    /// Feeds bytes from the peer (copied into an internal buffer).
    ///
    /// Use either this or [`Connection::handle_read`] for a connection, not both.
    pub fn handle_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let mut buf = std::mem::take(&mut self.inbuf);
        buf.extend_from_slice(bytes);
        let result = self.handle_read(&mut buf);
        self.inbuf = buf;
        result
    }

    /// Consumes every complete unit at the front of the caller's read buffer.
    ///
    /// Frame bodies are split off `buf` without copying; an incomplete frame
    /// stays in `buf` for the next call, so always pass the same buffer.
    pub fn handle_read(&mut self, buf: &mut BytesMut) -> Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        self.heartbeat.on_traffic();
        let result = self.process(buf);
        if result.is_err() {
            self.fail();
        }
        result
    }

    /// Advances timers to `now`: sends a PING when due, fails on heartbeat timeout.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<()> {
        if !matches!(self.phase, Phase::Ready) || !self.heartbeat.is_active() {
            return Ok(());
        }
        if self.protocol != Some(PeerProtocol::Zmtp3) {
            return Ok(());
        }
        match self.heartbeat.on_timeout(now) {
            Ok(true) => {
                let ping = Command::Ping(crate::command::Ping {
                    ttl_deciseconds: self.heartbeat.ttl_deciseconds(),
                    context: Bytes::new(),
                });
                self.send_command(&ping)
            }
            Ok(false) => Ok(()),
            Err(()) => {
                self.fail();
                Err(Error::HeartbeatTimeout)
            }
        }
    }

    /// When [`Connection::handle_timeout`] should next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Ready if self.protocol == Some(PeerProtocol::Zmtp3) => {
                self.heartbeat.next_timeout()
            }
            _ => None,
        }
    }

    /// Answers the ZAP request of a previous [`Event::ZapRequest`].
    pub fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<()> {
        let result = match self.mechanism.as_mut() {
            Some(m) => m.handle_zap_reply(reply),
            None => Err(Error::Misuse("no handshake in progress")),
        };
        let drained = self.drive_handshake();
        if let Err(e) = result.and(drained) {
            self.fail();
            return Err(e);
        }
        Ok(())
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Bytes waiting to be written to the peer.
    pub fn transmit(&mut self) -> &mut TransmitQueue {
        &mut self.transmit
    }

    /// The framing traffic uses (known once the greeting is done).
    pub fn framing(&self) -> Framing {
        self.decoder.framing()
    }

    /// Whether the mechanism transforms each frame (CURVE): if so, frames
    /// must go through [`Connection::send_frame`], never around it.
    pub fn protects_frames(&self) -> bool {
        self.protects_frames
    }

    /// How many more bytes the frame being received needs beyond what `buf`
    /// holds (0 if unknown): a hint to reserve the whole body with one
    /// allocation instead of growing the buffer step by step.
    pub fn read_hint(&self, buf: &BytesMut) -> usize {
        self.decoder.bytes_needed(buf)
    }

    /// Counts bytes the caller took off the wire itself (whole data frames
    /// it parsed without [`Connection::handle_read`]) as traffic from the
    /// peer, which keeps the heartbeat's timeout from expiring.
    pub fn note_traffic(&mut self) {
        self.heartbeat.on_traffic();
    }

    /// Whether no frame is half received: the decoder holds no header whose
    /// body is still to come. (A frame's header is taken off the read
    /// buffer as soon as it is whole, so an empty buffer alone does not
    /// say the next byte on the wire starts a frame.)
    pub fn at_frame_boundary(&self) -> bool {
        self.decoder.pending_size().is_none()
    }

    /// The size of the frame whose header is decoded and whose body is not
    /// yet taken: its body is the first that many octets of the caller's
    /// read buffer (once they are all there).
    pub fn frame_in_progress(&self) -> Option<usize> {
        self.decoder.pending_size()
    }

    /// The size of the message frame whose body is arriving, once its header
    /// is decoded and while `buf` (the caller's read buffer, as left by
    /// [`Connection::handle_read`]) holds only the start of that body.
    ///
    /// A caller may then move those bytes into a buffer of its own, read
    /// the rest of the body straight into it, and hand it over whole with
    /// [`Connection::handle_body`]: a large body is then neither copied out
    /// of the shared read buffer nor grown into a larger one.
    pub fn body_in_progress(&self, buf: &BytesMut) -> Option<usize> {
        if !matches!(self.phase, Phase::Ready) {
            return None;
        }
        self.decoder.pending_size().filter(|&size| buf.len() < size)
    }

    /// Takes the whole body of the frame announced by
    /// [`Connection::body_in_progress`], read by the caller into `body` (a
    /// buffer of exactly that size). A protected frame (CURVE) is opened in
    /// place; the frame's payload then shares `body`'s allocation, which is
    /// dropped when the last handle to the payload is.
    pub fn handle_body<B>(&mut self, body: B) -> Result<()>
    where
        B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static,
    {
        let result = self.take_body(body);
        if result.is_err() {
            self.fail();
        }
        result
    }

    fn take_body<B>(&mut self, mut body: B) -> Result<()>
    where
        B: AsRef<[u8]> + AsMut<[u8]> + Send + 'static,
    {
        if !matches!(self.phase, Phase::Ready) {
            return Err(Error::Misuse(
                "body handed over before the handshake completed",
            ));
        }
        let (more, command) = self.decoder.take_pending(body.as_ref().len())?;
        self.heartbeat.on_traffic();
        let opened = if self.protects_frames {
            self.mechanism
                .as_mut()
                .ok_or(Error::Misuse("no mechanism"))?
                .decode_frame_in_place(body.as_mut())?
        } else {
            None
        };
        let frame = match opened {
            Some(o) => Frame {
                more: o.more,
                command: o.command,
                body: Bytes::from_owner(body).slice(o.range),
            },
            None => Frame {
                more,
                command,
                body: Bytes::from_owner(body),
            },
        };
        self.dispatch_frame(frame)
    }

    /// Bytes waiting to be written (without needing `&mut`).
    pub fn pending_transmit(&self) -> usize {
        self.transmit.len()
    }

    /// Queues one data frame. Only allowed once the handshake has succeeded.
    pub fn send_frame(&mut self, body: Bytes, more: bool) -> Result<()> {
        if !matches!(self.phase, Phase::Ready) {
            return Err(Error::Misuse("send before the handshake completed"));
        }
        let framing = self.decoder.framing();
        if self.protects_frames {
            let frame = self
                .mechanism
                .as_mut()
                .ok_or(Error::Misuse("no mechanism"))?
                .encode_frame(Frame::data(body, more))?;
            encode_frame(
                framing,
                frame.more,
                frame.command,
                frame.body,
                &mut self.transmit,
            );
        } else {
            encode_frame(framing, more, false, body, &mut self.transmit);
        }
        Ok(())
    }

    /// Queues one data frame whose body is copied from `body` (for bodies
    /// the caller holds by value, which are copied into the batch anyway
    /// when they are small). Only allowed once the handshake has succeeded.
    pub fn send_frame_copied(&mut self, body: &[u8], more: bool) -> Result<()> {
        if self.protects_frames || !matches!(self.phase, Phase::Ready) {
            return self.send_frame(Bytes::copy_from_slice(body), more);
        }
        let mut header = [0u8; 10];
        let len = write_header(self.decoder.framing(), more, false, body.len(), &mut header);
        self.transmit.push_header(header.get(..len).unwrap_or(&[]));
        self.transmit.push_slice(body);
        Ok(())
    }

    /// Sends a subscription change in the form the peer understands: a
    /// command for ZMTP 3.1 peers, a message for 3.0 and older.
    pub fn send_subscription(&mut self, subscription: &Subscription) -> Result<()> {
        let as_command = self
            .peer
            .as_ref()
            .is_some_and(PeerInfo::takes_subscription_commands);
        if as_command {
            self.send_command(&subscription.to_command())
        } else {
            self.send_frame(subscription.to_message(), false)
        }
    }

    /// Whether the handshake has succeeded and traffic may flow.
    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready)
    }

    /// What the peer told us, once the handshake succeeded.
    pub fn peer(&self) -> Option<&PeerInfo> {
        self.peer.as_ref()
    }

    /// Our configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn fail(&mut self) {
        self.phase = Phase::Failed;
    }

    fn process(&mut self, buf: &mut BytesMut) -> Result<()> {
        loop {
            match self.phase {
                Phase::Greeting { .. } => {
                    if !self.read_greeting(buf)? {
                        return Ok(());
                    }
                }
                Phase::LegacyIdentity => match self.decoder.decode(buf)? {
                    Some(frame) => self.finish_legacy(frame.body)?,
                    None => return Ok(()),
                },
                Phase::Handshake => match self.decoder.decode(buf)? {
                    Some(frame) => self.handle_handshake_frame(frame)?,
                    None => return Ok(()),
                },
                Phase::Ready => {
                    while let Some(frame) = self.decoder.decode(buf)? {
                        self.handle_traffic_frame(frame)?;
                    }
                    return Ok(());
                }
                Phase::Failed => return Err(Error::Misuse("connection already failed")),
            }
        }
    }

    /// Takes greeting octets off `buf`; returns whether the phase moved on.
    fn read_greeting(&mut self, buf: &mut BytesMut) -> Result<bool> {
        let want = match self.protocol {
            None => SIGNATURE_LEN + 1,
            Some(PeerProtocol::Zmtp3) => GREETING_LEN,
            Some(_) => SIGNATURE_LEN + 2,
        };
        // Take one octet at a time until the protocol is known, so an
        // unversioned peer's bytes are never taken past its signature.
        let take = if self.protocol.is_none() {
            1
        } else {
            want.saturating_sub(self.received).min(buf.len())
        };
        let start = self.received;
        let chunk = buf.split_to(take.min(buf.len()));
        if let Some(dst) = self.peer_greeting.get_mut(start..start + chunk.len()) {
            dst.copy_from_slice(&chunk);
        }
        self.received += chunk.len();
        let seen = self.peer_greeting.get(..self.received).unwrap_or(&[]);
        if self.protocol.is_none() {
            match detect_protocol(seen) {
                Some(PeerProtocol::Zmtp10) if self.received <= SIGNATURE_LEN => {
                    return self.start_unversioned(buf).map(|()| true);
                }
                Some(p) => {
                    self.protocol = Some(p);
                    self.queue_greeting_stage();
                    // `want` depends on the protocol: look again on the next turn.
                    return Ok(true);
                }
                None => {
                    if self.received == SIGNATURE_LEN {
                        self.queue_greeting_stage();
                    }
                    return Ok(!buf.is_empty());
                }
            }
        }
        if self.received < want {
            return Ok(!buf.is_empty());
        }
        match self.protocol {
            Some(PeerProtocol::Zmtp3) => self.finish_greeting()?,
            _ => self.start_legacy()?,
        }
        Ok(true)
    }

    /// Queues the next part of our greeting that the peer has earned.
    fn queue_greeting_stage(&mut self) {
        let Phase::Greeting { sent } = &mut self.phase else {
            return;
        };
        if *sent == SIGNATURE_LEN && self.received >= SIGNATURE_LEN {
            self.transmit.push_slice(&[3]);
            *sent += 1;
        }
        if *sent == SIGNATURE_LEN + 1 && self.received > MAJOR_OFFSET {
            match self.protocol {
                Some(PeerProtocol::Zmtp3) => {
                    let mut greeting = Greeting::new(
                        self.config.mechanism.name(),
                        self.mechanism.as_ref().is_some_and(|m| m.as_server()),
                    );
                    greeting.minor = self.config.minor_version;
                    let rest = greeting.encode_after_signature();
                    self.transmit.push_slice(rest.get(1..).unwrap_or(&[]));
                    *sent = GREETING_LEN;
                }
                Some(_) => {
                    self.transmit
                        .push_slice(&[self.config.socket_type.number()]);
                    *sent += 1;
                }
                None => {}
            }
        }
    }

    fn finish_greeting(&mut self) -> Result<()> {
        let greeting = Greeting::decode(&self.peer_greeting)?;
        if greeting.mechanism != self.config.mechanism.name() {
            return Err(Error::Incompatible(Incompatible::MechanismMismatch));
        }
        self.peer = Some(PeerInfo {
            protocol: PeerProtocol::Zmtp3,
            major: greeting.major,
            minor: greeting.minor,
            socket_type: None,
            routing_id: Bytes::new(),
            metadata: Metadata::new(),
            user_id: Bytes::new(),
            zap_metadata: Metadata::new(),
        });
        self.phase = Phase::Handshake;
        self.drive_handshake()
    }

    /// ZMTP 1.0 or 2.0 (revision octet 0 or 1): send our identity frame and
    /// wait for theirs.
    fn start_legacy(&mut self) -> Result<()> {
        self.refuse_legacy_if_secured()?;
        let revision = self.peer_greeting.get(MAJOR_OFFSET).copied().unwrap_or(0);
        self.peer_socket_number = self.peer_greeting.get(SIGNATURE_LEN + 1).copied();
        let framing = if revision == 0 {
            Framing::V1
        } else {
            Framing::V2
        };
        self.decoder = Decoder::new(framing, Some(MAX_HANDSHAKE_FRAME));
        encode_frame(
            framing,
            false,
            false,
            self.config.routing_id.clone(),
            &mut self.transmit,
        );
        self.phase = Phase::LegacyIdentity;
        Ok(())
    }

    /// ZMTP 1.0 without a greeting: what we read is the start of the peer's
    /// identity frame. Our signature already announced our identity frame's
    /// size, so its body follows.
    fn start_unversioned(&mut self, buf: &mut BytesMut) -> Result<()> {
        self.refuse_legacy_if_secured()?;
        self.protocol = Some(PeerProtocol::Zmtp10);
        let mut replay = BytesMut::from(self.peer_greeting.get(..self.received).unwrap_or(&[]));
        replay.extend_from_slice(buf);
        *buf = replay;
        self.transmit.push_slice(&self.config.routing_id.clone());
        self.decoder = Decoder::new(Framing::V1, Some(MAX_HANDSHAKE_FRAME));
        self.phase = Phase::LegacyIdentity;
        Ok(())
    }

    fn refuse_legacy_if_secured(&self) -> Result<()> {
        let secured =
            !matches!(self.config.mechanism, MechanismConfig::Null) || self.config.zap_for_null;
        if secured {
            let revision = self.peer_greeting.get(MAJOR_OFFSET).copied().unwrap_or(0);
            return Err(Error::Incompatible(Incompatible::Version(revision)));
        }
        Ok(())
    }

    fn finish_legacy(&mut self, routing_id: Bytes) -> Result<()> {
        let protocol = self.protocol.unwrap_or(PeerProtocol::Zmtp10);
        let socket_type = self.peer_socket_number.and_then(SocketType::from_number);
        if protocol == PeerProtocol::Zmtp20 {
            if let Some(theirs) = socket_type {
                self.check_compatible(theirs.name())?;
            }
        }
        self.peer = Some(PeerInfo {
            protocol,
            major: if protocol == PeerProtocol::Zmtp20 {
                2
            } else {
                1
            },
            minor: 0,
            socket_type,
            routing_id,
            metadata: Metadata::new(),
            user_id: Bytes::new(),
            zap_metadata: Metadata::new(),
        });
        self.mechanism = None;
        self.become_ready()?;
        if protocol == PeerProtocol::Zmtp10
            && matches!(self.config.socket_type, SocketType::Pub | SocketType::XPub)
        {
            // ZMTP 1.0 subscribers never send subscriptions: subscribe them to
            // everything on their behalf, as libzmq does.
            self.events
                .push_back(Event::Subscription(Subscription::Subscribe(Bytes::new())));
        }
        Ok(())
    }

    fn handle_handshake_frame(&mut self, frame: Frame) -> Result<()> {
        if !frame.command {
            return Err(Error::PeerMisbehaved("message frame during handshake"));
        }
        self.mechanism
            .as_mut()
            .ok_or(Error::Misuse("no mechanism"))?
            .handle_command(&frame.body)?;
        self.drive_handshake()
    }

    /// Moves the handshake on: sends due commands, raises ZAP requests, and
    /// finishes when the mechanism is ready.
    fn drive_handshake(&mut self) -> Result<()> {
        let Some(mechanism) = self.mechanism.as_mut() else {
            return Ok(());
        };
        if !matches!(self.phase, Phase::Handshake) {
            return Ok(());
        }
        while let Some(command) = mechanism.poll_command() {
            encode_frame(Framing::V3, false, true, command, &mut self.transmit);
        }
        if let Some(request) = mechanism.poll_zap_request() {
            self.events.push_back(Event::ZapRequest(request));
        }
        if mechanism.status() != HandshakeStatus::Ready {
            return Ok(());
        }
        let protects_frames = mechanism.protects_frames();
        let metadata = mechanism.peer_metadata().cloned().unwrap_or_default();
        let (user_id, zap_metadata) = mechanism
            .zap_result()
            .map(|r| (r.user_id.clone(), r.metadata.clone()))
            .unwrap_or_default();
        let theirs = metadata
            .get_str(SOCKET_TYPE)
            .ok_or(Error::PeerMisbehaved("READY without a valid Socket-Type"))?
            .to_owned();
        let socket_type = self.check_compatible(&theirs)?;
        let routing_id = metadata.get(IDENTITY).cloned().unwrap_or_default();
        if let Some(peer) = self.peer.as_mut() {
            peer.socket_type = Some(socket_type);
            peer.routing_id = routing_id;
            peer.metadata = metadata;
            peer.user_id = user_id;
            peer.zap_metadata = zap_metadata;
        }
        self.protects_frames = protects_frames;
        self.become_ready()?;
        Ok(())
    }

    fn check_compatible(&self, theirs: &str) -> Result<SocketType> {
        let ours = self.config.socket_type;
        match theirs.parse::<SocketType>() {
            Ok(t) if ours.is_compatible_with(t) => Ok(t),
            _ => Err(Error::Incompatible(Incompatible::SocketType {
                ours: ours.name(),
                theirs: theirs.to_owned(),
            })),
        }
    }

    fn become_ready(&mut self) -> Result<()> {
        // Keep the decoder: after a ZAP wait, part of the next frame may
        // already have been taken off the read buffer.
        self.decoder
            .set_max_frame_size(self.config.max_message_size)?;
        self.phase = Phase::Ready;
        self.events.push_back(Event::HandshakeSucceeded);
        Ok(())
    }

    fn handle_traffic_frame(&mut self, frame: Frame) -> Result<()> {
        // A protecting mechanism (CURVE) boxes every frame, commands too.
        let frame = if self.protects_frames {
            self.mechanism
                .as_mut()
                .ok_or(Error::Misuse("no mechanism"))?
                .decode_frame(frame)?
        } else {
            frame
        };
        self.dispatch_frame(frame)
    }

    /// Acts on a frame as the peer meant it (after any unprotecting).
    fn dispatch_frame(&mut self, frame: Frame) -> Result<()> {
        if !frame.command {
            self.events.push_back(Event::Frame(frame));
            return Ok(());
        }
        match Command::decode(&frame.body)? {
            Command::Ping(ping) => {
                self.heartbeat.on_peer_ping(ping.ttl_deciseconds);
                self.send_command(&Command::Pong(ping.pong()))
            }
            Command::Pong(_) => Ok(()),
            Command::Subscribe(topic) => {
                self.events
                    .push_back(Event::Subscription(Subscription::Subscribe(topic)));
                Ok(())
            }
            Command::Cancel(topic) => {
                self.events
                    .push_back(Event::Subscription(Subscription::Cancel(topic)));
                Ok(())
            }
            Command::Error(reason) => Err(Error::PeerError(reason)),
            other => {
                self.events.push_back(Event::Command(other));
                Ok(())
            }
        }
    }

    fn send_command(&mut self, command: &Command) -> Result<()> {
        if self.decoder.framing() != Framing::V3 {
            return Ok(());
        }
        let mut frame = Frame::command(command.encode());
        if self.protects_frames {
            frame = self
                .mechanism
                .as_mut()
                .ok_or(Error::Misuse("no mechanism"))?
                .encode_frame(frame)?;
        }
        encode_frame(
            Framing::V3,
            frame.more,
            frame.command,
            frame.body,
            &mut self.transmit,
        );
        Ok(())
    }
}
