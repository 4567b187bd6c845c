//! A session: one peer connection of a socket, driven on an I/O thread.
//!
//! It owns the byte stream and the `zmtp::Connection`, and moves whole
//! messages between the connection and the socket's pipe. A session made by
//! `connect` outlives its connections: it reconnects with backoff and keeps
//! its pipe, so messages queued while disconnected go out after reconnecting.
//!
//! STREAM sockets speak no ZMTP: their sessions run in raw mode (`raw`).

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::frame::TransmitQueue;
use ferrozmq_zmtp::{
    Connection, Error as ZmtpError, Event, SocketType, Subscription, ZapOrigin, ZapRequest,
};
use mio::Interest;

use crate::inproc::InprocRegistry;
use crate::link::{LinkEvent, SocketLink};
use crate::mailbox::{EndpointId, SessionWake};
use crate::msg::{Msg, MsgKind};
use crate::notify::Notify;
use crate::options::SessionOptions;
use crate::pipe::{PeerInfo, Pipe, PushError};
use crate::transport::{Endpoint, Lookup, ProxyConnect, Resolver, Stream};
use crate::zap::ZapClient;

mod connect;
mod driver;
mod peer;
mod raw;

use driver::{Backlog, Driver, Failure, Phase, SocketState, ZapVerdict};

/// Read at least this much at a time.
const READ_CHUNK: usize = 64 * 1024;
/// Most reserved ahead for one large frame's body.
const MAX_RESERVE: usize = 16 * 1024 * 1024;
/// Stop pulling messages from the pipe when this much is waiting to be written.
const WRITE_BATCH: usize = 256 * 1024;
/// Reads per turn before yielding to other sessions.
const READS_PER_TURN: usize = 16;
/// Write batches per turn before yielding to other sessions.
const WRITES_PER_TURN: usize = 16;

/// How the session came to be.
#[derive(Debug)]
pub(crate) enum Role {
    /// Made by `connect`; reconnects to this endpoint.
    Connecter(Endpoint),
    /// Accepted by a listener; the stream is taken when the session starts.
    Accepted(Option<Stream>),
}

/// What a session may ask of the I/O thread running it.
pub(crate) struct Ctx<'a> {
    pub(crate) registry: &'a mio::Registry,
    pub(crate) token: mio::Token,
    pub(crate) now: Instant,
    pub(crate) inproc: &'a Arc<InprocRegistry>,
    /// Looks up host names off this thread.
    pub(crate) resolver: &'a Resolver,
}

#[derive(Debug)]
enum State {
    /// Not connected; (re)connect at the deadline.
    Idle,
    /// The endpoint's name is being resolved.
    Resolving(Lookup),
    /// A non-blocking connect is in progress.
    Connecting(Stream),
    /// Connected to a SOCKS5 proxy, asking it for the target.
    Proxying(Box<ProxyConnect>),
    /// Greeting, handshake or traffic.
    Active(Box<Active>),
    /// Raw bytes, no ZMTP (STREAM sockets).
    Raw(Box<raw::RawActive>),
    /// Done; the reactor drops the session.
    Dead,
}

#[derive(Debug)]
struct Active {
    stream: Stream,
    connection: Connection,
    read_buf: BytesMut,
    /// The peer closed its side.
    eof: bool,
    /// The ZAP request outstanding, if any.
    zap: Option<ZapClient>,
    /// A protocol error met while decoding, reported after what came before it.
    failed: Option<ZmtpError>,
    /// The OS may have bytes for us (edge-triggered: set by a readable event,
    /// cleared once a read drains the socket).
    readable: bool,
    /// The last write hit a full socket buffer; wait for a writable event.
    write_blocked: bool,
    /// The OS said the peer closed or reset its side: read until the end is
    /// seen, since a short read no longer means the socket is drained (the
    /// end came with the data, in the same edge-triggered event).
    hung_up: bool,
}

pub(crate) struct Session {
    endpoint_id: EndpointId,
    role: Role,
    endpoint: Arc<str>,
    options: Arc<SessionOptions>,
    link: Arc<SocketLink>,
    wake: Arc<SessionWake>,
    /// Our view: `inbound` = from the socket, `outbound` = to the socket.
    pipe: Option<Pipe>,
    state: State,
    partial: Vec<Bytes>,
    stalled: Option<Msg>,
    /// The lifecycle decisions: reconnects, timers, linger, monitor events.
    driver: Driver,
    /// The local address to connect from (a SOCKS proxy's `source;`).
    dial_source: Option<SocketAddr>,
    armed: Option<Instant>,
    started: bool,
    inproc: Option<Arc<InprocRegistry>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("endpoint", &self.endpoint)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(
        endpoint_id: EndpointId,
        role: Role,
        endpoint: Arc<str>,
        options: Arc<SessionOptions>,
        link: Arc<SocketLink>,
        pipe: Option<Pipe>,
        wake: Arc<SessionWake>,
    ) -> Session {
        let pipe = pipe.map(|p| p.mirror());
        Session {
            endpoint_id,
            driver: Driver::new(matches!(role, Role::Connecter(_)), &options),
            role,
            endpoint,
            options,
            link,
            wake,
            pipe,
            state: State::Idle,
            partial: Vec::new(),
            stalled: None,
            dial_source: None,
            armed: None,
            started: false,
            inproc: None,
        }
    }

    pub(crate) fn endpoint_id(&self) -> EndpointId {
        self.endpoint_id
    }

    /// The endpoint this session serves.
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Ends a session whose `drive` panicked: its state may be half-updated,
    /// so only what must not leak is done (the stream leaves the poll, the
    /// pipe closes so the socket sees the peer go).
    pub(crate) fn abandon(&mut self, ctx: &mut Ctx<'_>) {
        self.shutdown(ctx);
    }

    pub(crate) fn link_addr(&self) -> usize {
        Arc::as_ptr(&self.link) as usize
    }

    /// Unbind/disconnect: stop reconnecting, flush within linger, then end.
    pub(crate) fn terminate(&mut self) {
        self.driver.terminate();
        if let Some(pipe) = &self.pipe {
            pipe.outbound.close();
            pipe.outbound.clear();
        }
    }

    /// The next time the session wants to run, if it is newly set.
    pub(crate) fn deadline(&mut self) -> Option<Instant> {
        let mut d = self.driver.poll_timeout();
        if let State::Active(a) = &self.state {
            if let Some(t) = a.connection.poll_timeout() {
                d = Some(d.map_or(t, |x: Instant| x.min(t)));
            }
        }
        if d == self.armed {
            return None;
        }
        self.armed = d;
        d
    }

    /// Records what an OS event said about the stream.
    pub(crate) fn note_readiness(&mut self, readable: bool, writable: bool, hung_up: bool) {
        match &mut self.state {
            State::Active(a) => {
                a.readable |= readable;
                a.hung_up |= hung_up;
                if writable {
                    a.write_blocked = false;
                }
            }
            State::Raw(r) => r.note_readiness(readable, writable, hung_up),
            _ => {}
        }
    }

    /// Runs the session; returns false when it is finished.
    pub(crate) fn drive(&mut self, ctx: &mut Ctx<'_>) -> bool {
        self.wake.clear();
        if !self.started {
            self.start(ctx);
        }
        self.check_socket_closed(ctx.now);
        if self.armed.is_some_and(|a| a <= ctx.now) {
            self.armed = None;
        }
        let state = std::mem::replace(&mut self.state, State::Dead);
        self.state = match state {
            State::Idle => self.drive_idle(ctx),
            State::Resolving(lookup) => self.drive_resolving(ctx, lookup),
            State::Connecting(stream) => self.drive_connecting(ctx, stream),
            State::Proxying(proxied) => self.drive_proxying(ctx, proxied),
            State::Active(active) => self.drive_active(ctx, active),
            State::Raw(r) => self.drive_raw(ctx, r),
            State::Dead => State::Dead,
        };
        let finished = self.is_finished(ctx.now);
        if finished {
            self.shutdown(ctx);
        }
        self.report();
        !finished
    }

    /// Sends the driver's monitor events to the socket's monitor.
    fn report(&mut self) {
        while let Some(event) = self.driver.poll_event() {
            self.link.emit(event, &self.endpoint);
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.started = true;
        self.inproc = Some(ctx.inproc.clone());
        self.wake.set_token(ctx.token);
        if let Some(pipe) = &self.pipe {
            pipe.inbound.set_reader(self.wake.clone());
            pipe.outbound.set_writer(self.wake.clone());
        }
        if let Role::Accepted(stream) = &mut self.role {
            if let Some(stream) = stream.take() {
                self.state = self.activate(ctx, stream);
            }
        }
    }

    /// Tells the driver about the socket's close (or its closing of our pipe).
    fn check_socket_closed(&mut self, now: Instant) {
        let socket = SocketState {
            closed: self.link.is_closed(),
            pipe_closed: self.pipe.as_ref().is_some_and(|p| p.inbound.is_closed()),
            linger: self.link.linger(),
            default_linger: self.options.linger,
        };
        self.driver.observe_socket(now, socket);
    }

    fn is_finished(&self, now: Instant) -> bool {
        if matches!(self.state, State::Dead) {
            return true;
        }
        let unsent = match &self.state {
            State::Active(a) => a.connection.pending_transmit() > 0,
            State::Raw(r) => r.pending_transmit() > 0,
            _ => false,
        };
        let backlog = Backlog {
            queued: self.has_queued(),
            unsent,
            has_pipe: self.pipe.is_some(),
        };
        self.driver.is_finished(now, backlog)
    }

    /// Messages from the socket still wait for the peer.
    fn has_queued(&self) -> bool {
        self.pipe.as_ref().is_some_and(|p| !p.inbound.is_empty())
    }

    fn shutdown(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(pipe) = &self.pipe {
            pipe.direct.disable();
        }
        let stream = match &mut self.state {
            State::Active(a) => Some(&mut a.stream),
            State::Raw(r) => Some(r.stream_mut()),
            _ => None,
        };
        if let Some(stream) = stream {
            let _ = ctx.registry.deregister(stream);
            stream.shutdown();
        }
        self.state = State::Dead;
        if let Some(pipe) = &self.pipe {
            pipe.outbound.close();
            pipe.inbound.close();
        }
    }

    /// Starts ZMTP (or raw mode) on a connected stream.
    fn activate(&mut self, ctx: &mut Ctx<'_>, mut stream: Stream) -> State {
        stream.tune(&self.options.net);
        if matches!(self.role, Role::Accepted(_)) {
            let _ = ctx.registry.register(
                &mut stream,
                ctx.token,
                Interest::READABLE | Interest::WRITABLE,
            );
        }
        if self.options.raw {
            return self.activate_raw(ctx, stream);
        }
        let connection = match Connection::new(self.options.zmtp.clone()) {
            Ok(c) => c,
            Err(_) => return State::Dead,
        };
        self.driver.handshake_started(ctx.now);
        let active = Box::new(Active {
            stream,
            connection,
            read_buf: BytesMut::with_capacity(READ_CHUNK),
            eof: false,
            zap: None,
            failed: None,
            readable: true,
            write_blocked: false,
            hung_up: false,
        });
        self.drive_active(ctx, active)
    }

    fn drive_active(&mut self, ctx: &mut Ctx<'_>, mut a: Box<Active>) -> State {
        match self.pump(ctx, &mut a) {
            Ok(()) => State::Active(a),
            Err(failure) => self.connection_lost(ctx, a, failure),
        }
    }

    fn pump(&mut self, ctx: &mut Ctx<'_>, a: &mut Active) -> Result<(), Failure> {
        if self.driver.handshake_expired(ctx.now) {
            return Err(Failure::Timeout);
        }
        if self.driver.phase() == Phase::Refused {
            return self.wait_for_refused_peer(a);
        }
        let mut turns = 0;
        let mut more = a.readable;
        loop {
            self.deliver(a)?;
            if self.stalled.is_some() || a.eof || !more || a.failed.is_some() {
                break;
            }
            if turns == READS_PER_TURN {
                self.wake.notify();
                break;
            }
            turns += 1;
            more = read_some(a)?;
            a.readable = more;
        }
        a.connection
            .handle_timeout(ctx.now)
            .map_err(Failure::from_zmtp)?;
        self.write_out(a)?;
        if a.eof && self.stalled.is_none() {
            return Err(Failure::Closed);
        }
        Ok(())
    }

    /// A refused peer: what it sends is dropped until it closes.
    fn wait_for_refused_peer(&mut self, a: &mut Active) -> Result<(), Failure> {
        flush(a)?;
        for _ in 0..READS_PER_TURN {
            if !a.readable || a.eof {
                break;
            }
            a.readable = read_some(a)?;
            a.read_buf.clear();
        }
        if a.eof {
            return Err(Failure::Closed);
        }
        if a.readable {
            // A chatty peer waits its turn behind the other sessions.
            self.wake.notify();
        }
        Ok(())
    }

    /// Moves decoded events to the socket; stops when its queue is full.
    fn deliver(&mut self, a: &mut Active) -> Result<(), Failure> {
        self.check_zap_reply(a)?;
        if let Some(msg) = self.stalled.take() {
            self.push_to_socket(msg);
            if self.stalled.is_some() {
                return Ok(());
            }
        }
        if a.failed.is_none() {
            let mut buf = std::mem::take(&mut a.read_buf);
            let result = a.connection.handle_read(&mut buf);
            a.read_buf = buf;
            // Messages decoded before a bad frame are still delivered (as
            // libzmq does); the error ends the connection once they are.
            a.failed = result.err();
        }
        while self.stalled.is_none() {
            let Some(event) = a.connection.poll_event() else {
                break;
            };
            match event {
                Event::HandshakeSucceeded => self.handshake_succeeded(a),
                Event::Frame(frame) => {
                    if frame.more {
                        self.partial.push(frame.body);
                    } else if self.partial.is_empty() {
                        let msg = self.inbound_single(frame.body);
                        self.push_to_socket(msg);
                    } else {
                        let mut frames = std::mem::take(&mut self.partial);
                        frames.push(frame.body);
                        if let Some(msg) = Msg::from_frames(frames) {
                            self.push_to_socket(msg);
                        }
                    }
                }
                Event::Subscription(sub) => {
                    let msg = match sub {
                        Subscription::Subscribe(t) => Msg::subscription(true, t),
                        Subscription::Cancel(t) => Msg::subscription(false, t),
                    };
                    self.push_to_socket(msg);
                }
                Event::ZapRequest(request) => self.ask_zap(a, request)?,
                _ => {}
            }
        }
        if self.stalled.is_none() {
            if let Some(e) = a.failed.take() {
                return Err(Failure::from_zmtp(e));
            }
        }
        Ok(())
    }

    /// Sends a ZAP request to the handler bound at `inproc://zeromq.zap.01`;
    /// with no handler bound, the driver says what happens to the peer.
    fn ask_zap(&mut self, a: &mut Active, request: ZapRequest) -> Result<(), Failure> {
        let origin = ZapOrigin {
            domain: self.options.zap_domain.clone(),
            address: Bytes::from(a.stream.peer_address()),
            routing_id: self.options.zmtp.routing_id.clone(),
        };
        let mechanism = request.mechanism;
        let registry = self.inproc.clone();
        let client = registry
            .as_ref()
            .and_then(|r| ZapClient::ask(r, self.wake.clone(), &origin, request));
        if let Some(client) = client {
            a.zap = Some(client);
            return Ok(());
        }
        let verdict = self.driver.zap_unavailable(mechanism);
        self.apply_zap(a, verdict)
    }

    /// Takes the ZAP handler's reply, if it came, and hands it to the handshake.
    fn check_zap_reply(&mut self, a: &mut Active) -> Result<(), Failure> {
        let Some(zap) = &a.zap else {
            return Ok(());
        };
        let verdict = self.driver.zap_answer(zap.poll());
        if verdict != ZapVerdict::Wait {
            a.zap = None;
        }
        self.apply_zap(a, verdict)
    }

    /// Carries out the driver's verdict on the handshake.
    fn apply_zap(&mut self, a: &mut Active, verdict: ZapVerdict) -> Result<(), Failure> {
        let peer = a.stream.peer_address();
        match verdict {
            ZapVerdict::Wait | ZapVerdict::Abandon => Ok(()),
            ZapVerdict::Accept(reply) => a
                .connection
                .handle_zap_reply(reply)
                .map_err(Failure::Protocol),
            ZapVerdict::Refuse(reply) => {
                log::info!(
                    "{}: ZAP refused {peer}: {} {}",
                    self.endpoint,
                    reply.status(),
                    String::from_utf8_lossy(&reply.status_text)
                );
                // The mechanism queues ERROR (not for 300, a temporary
                // failure the peer is not told about); the peer must go.
                let _ = a.connection.handle_zap_reply(reply);
                Ok(())
            }
            ZapVerdict::Fail => {
                log::info!(
                    "{}: ZAP could not judge {peer} (no handler, or a malformed reply)",
                    self.endpoint
                );
                Err(Failure::Reported)
            }
        }
    }

    /// PUB and XPUB read 0x01/0x00 messages from old peers as subscriptions.
    fn inbound_single(&self, body: Bytes) -> Msg {
        let publisher = matches!(
            self.options.zmtp.socket_type,
            SocketType::Pub | SocketType::XPub
        );
        if publisher {
            match body.first() {
                Some(1) => return Msg::subscription(true, body.slice(1..)),
                Some(0) => return Msg::subscription(false, body.slice(1..)),
                _ => {}
            }
        }
        Msg::single(body)
    }

    fn push_to_socket(&mut self, msg: Msg) {
        let Some(pipe) = &self.pipe else {
            return;
        };
        let result = if msg.kind() == MsgKind::Data {
            pipe.outbound.push(msg)
        } else {
            pipe.outbound.force_push(msg);
            Ok(())
        };
        match result {
            Ok(()) | Err(PushError::Closed(_)) => {}
            Err(PushError::Full(msg)) => self.stalled = Some(msg),
        }
    }

    fn handshake_succeeded(&mut self, a: &mut Active) {
        let mut info = self.stream_peer_info(&a.stream);
        if let Some(peer) = a.connection.peer() {
            peer::add_zmtp_peer(&mut info, peer, self.connect_routing_id());
        }
        log::debug!(
            "{}: handshake with {} succeeded",
            self.endpoint,
            a.stream.peer_address()
        );
        let reconnected = self.driver.handshake_succeeded();
        match &self.pipe {
            Some(pipe) => {
                pipe.announce(info);
                // Only a *re*connection loses state the socket must restore
                // (e.g. subscriptions); the first one carries what was queued.
                if reconnected {
                    self.link.post(LinkEvent::Hiccup(pipe.id));
                }
            }
            None => self.attach_new_pipe(info),
        }
        let framing = a.connection.framing();
        let direct_ok =
            !a.connection.protects_frames() && framing != ferrozmq_zmtp::frame::Framing::V1;
        if let (Some(pipe), true) = (&self.pipe, direct_ok) {
            pipe.direct.enable(a.stream.raw_fd(), framing);
        }
    }

    /// Makes the socket's pipe for a connection that had none (accepted, or
    /// connected with ZMQ_IMMEDIATE) and hands it to the socket.
    fn attach_new_pipe(&mut self, info: PeerInfo) {
        let pipe = Pipe::new(
            self.options.rcvhwm,
            self.options.sndhwm,
            self.endpoint.clone(),
        );
        pipe.set_peer_info(info);
        pipe.set_conflate(self.options.conflate);
        // Socket view: inbound is written by us, outbound read by us.
        pipe.inbound.set_reader(self.link.signaler.clone());
        pipe.inbound.set_writer(self.wake.clone());
        pipe.outbound.set_reader(self.wake.clone());
        pipe.outbound.set_writer(self.link.signaler.clone());
        if self.options.probe_router {
            pipe.send_probe();
        }
        self.pipe = Some(pipe.mirror());
        self.link.post(LinkEvent::Attach(pipe));
    }

    /// Encodes and writes until the socket's queue is empty or the stream is
    /// full (then the writable event brings us back).
    fn write_out(&mut self, a: &mut Active) -> Result<(), Failure> {
        let Some(direct) = self.pipe.as_ref().map(|p| p.direct.clone()) else {
            return self.write_batches(a);
        };
        let leftover = direct.begin_io();
        a.connection.transmit().push_front(Bytes::from(leftover));
        let result = self.write_batches(a);
        direct.end_io(a.connection.pending_transmit() == 0);
        result
    }

    fn write_batches(&mut self, a: &mut Active) -> Result<(), Failure> {
        for _ in 0..WRITES_PER_TURN {
            self.fill_transmit(a)?;
            if a.write_blocked {
                return Ok(());
            }
            if flush(a)? == Flushed::Blocked {
                a.write_blocked = true;
                return Ok(());
            }
            let more = self.pipe.as_ref().is_some_and(|p| !p.inbound.is_empty());
            if !more || !a.connection.is_ready() {
                return Ok(());
            }
        }
        self.wake.notify();
        Ok(())
    }

    /// Encodes messages from the socket until the batch is big enough.
    fn fill_transmit(&mut self, a: &mut Active) -> Result<(), Failure> {
        if !a.connection.is_ready() {
            return Ok(());
        }
        let Some(pipe) = &self.pipe else {
            return Ok(());
        };
        while a.connection.transmit().len() < WRITE_BATCH {
            let Some(msg) = pipe.inbound.pop() else {
                break;
            };
            match msg.kind() {
                MsgKind::Data => {
                    let n = msg.len();
                    for (i, frame) in msg.into_frames().enumerate() {
                        a.connection
                            .send_frame(frame, i + 1 < n)
                            .map_err(Failure::Protocol)?;
                    }
                }
                MsgKind::Subscribe | MsgKind::Cancel => {
                    let topic = msg.first().clone();
                    let sub = if msg.kind() == MsgKind::Subscribe {
                        Subscription::Subscribe(topic)
                    } else {
                        Subscription::Cancel(topic)
                    };
                    a.connection
                        .send_subscription(&sub)
                        .map_err(Failure::Protocol)?;
                }
            }
        }
        Ok(())
    }

    fn connection_lost(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut a: Box<Active>,
        failure: Failure,
    ) -> State {
        if let Some(pipe) = &self.pipe {
            pipe.direct.disable();
        }
        // Best effort: an ERROR command may be waiting for the peer.
        let _ = flush(&mut a);
        let _ = ctx.registry.deregister(&mut a.stream);
        a.stream.shutdown();
        let handshaking = !a.connection.is_ready();
        let peer = a.stream.peer_address();
        if handshaking && self.driver.phase() != Phase::Refused {
            log::info!("{}: handshake with {peer} failed: {failure}", self.endpoint);
        } else {
            log::debug!("{}: connection to {peer} lost: {failure}", self.endpoint);
        }
        let retry = self.driver.lost(&failure, handshaking, a.stream.raw_fd());
        self.partial.clear();
        self.stalled = None;
        if !retry {
            return self.end();
        }
        self.reconnect_or_end(ctx)
    }

    /// After losing a connection: a connecter tries again later; any other
    /// session ends and closes its pipe.
    fn reconnect_or_end(&mut self, ctx: &mut Ctx<'_>) -> State {
        if !self.driver.wants_connection(self.has_queued()) {
            return self.end();
        }
        // ZMQ_IMMEDIATE: no pipe without a connection; the socket stops
        // queueing here until the next handshake brings a new one.
        if self.options.immediate {
            if let Some(pipe) = self.pipe.take() {
                pipe.outbound.close();
                pipe.inbound.close();
            }
        }
        self.schedule_reconnect(ctx)
    }

    /// Ends the session: the socket sees its pipe close.
    fn end(&mut self) -> State {
        self.driver.end();
        if let Some(pipe) = &self.pipe {
            pipe.outbound.close();
            pipe.inbound.close();
        }
        State::Dead
    }
}

/// Reads once into the buffer; returns whether more may be waiting. A read
/// that did not fill the space drained the socket: epoll (edge-triggered)
/// reports the next arrival, so no second read is needed to see EAGAIN.
fn read_some(a: &mut Active) -> Result<bool, Failure> {
    // A large frame in progress gets its whole body reserved at once (up to a
    // cap, so an announced size costs nothing until the bytes come).
    let body = a.connection.read_hint(&a.read_buf).min(MAX_RESERVE);
    let want = body.max(READ_CHUNK / 4);
    if a.read_buf.capacity() - a.read_buf.len() < want {
        a.read_buf.reserve(want.max(READ_CHUNK));
    }
    read_once(a.stream.raw_fd(), &mut a.read_buf, &mut a.eof, a.hung_up)
}

/// Reads once into the free space of `buf`; sets `eof` when the peer closed
/// its side; returns whether more may be waiting. A short read means the
/// socket is drained unless the peer `hung_up` (its close came with the
/// data, in the same edge-triggered event): then read on to the end.
fn read_once(
    fd: RawFd,
    buf: &mut BytesMut,
    eof: &mut bool,
    hung_up: bool,
) -> Result<bool, Failure> {
    let space = buf.capacity() - buf.len();
    match crate::sys::read_into(fd, buf) {
        Ok(0) => {
            *eof = true;
            Ok(false)
        }
        Ok(n) => Ok(n == space || hung_up),
        Err(e) => match e.kind() {
            io::ErrorKind::WouldBlock => Ok(false),
            io::ErrorKind::Interrupted => Ok(true),
            _ => Err(e.into()),
        },
    }
}

/// Whether everything queued was written.
#[derive(Debug, PartialEq, Eq)]
enum Flushed {
    All,
    Blocked,
}

/// Writes as much of the transmit queue as the socket takes.
fn flush(a: &mut Active) -> Result<Flushed, Failure> {
    write_queue(a.stream.raw_fd(), a.connection.transmit())
}

/// Writes as much of `q` as the stream `fd` takes.
fn write_queue(fd: RawFd, q: &mut TransmitQueue) -> Result<Flushed, Failure> {
    loop {
        if q.is_empty() {
            return Ok(Flushed::All);
        }
        let mut slices = [IoSlice::new(&[]); 64];
        let n = q.io_slices(&mut slices);
        let written = crate::sys::send_vectored(fd, slices.get(..n).unwrap_or(&[]));
        match written {
            Ok(0) => return Err(Failure::Closed),
            Ok(w) => q.advance(w),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flushed::Blocked),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}
