//! A session: one peer connection of a socket, driven on an I/O thread.
//!
//! A session made by `connect` outlives its connections: it reconnects with
//! backoff and keeps its pipe, so messages queued while disconnected go out
//! after reconnecting. The decisions (when to connect, timers, linger,
//! ZAP verdicts, monitor events) are the sans-IO [`driver`]'s; the session
//! is the shell that does the I/O and tells the driver what happened.
//!
//! | file | what |
//! |---|---|
//! | `session.rs` | the shell: states, running a turn, linger end, the pipe |
//! | `driver/` | the lifecycle state machine (fake-clock tests in `driver/tests.rs`) |
//! | `connect.rs` | resolving, dialing each address, SOCKS5 |
//! | `zmtp.rs` | a ZMTP connection: read, decode, deliver, encode, write |
//! | `small_frames.rs` | small data messages parsed without the decoder |
//! | `zap.rs` | the ZAP exchange over inproc |
//! | `raw.rs` | STREAM sockets: raw bytes, no ZMTP |
//! | `peer.rs` | the peer info the socket sees |
//! | `stream_io.rs` | the read and vectored-write syscalls |
//! | `acks.rs` | settling written messages for a spool (`WriteAcks`) |
//! | `closing.rs` | the graceful close: our FIN, then wait for the peer's |

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use mio::Interest;

use crate::body_pool::BodyPool;
use crate::inproc::InprocRegistry;
use crate::link::{LinkEvent, SocketId, SocketLink};
use crate::mailbox::{EndpointId, SessionWake};
use crate::msg::{Msg, MsgKind};
use crate::options::SessionOptions;
use crate::pipe::{PeerInfo, Pipe, PushError};
use crate::transport::{Endpoint, Lookup, ProxyConnect, Resolver, Stream};

mod acks;
mod after_body;
mod closing;
mod connect;
mod driver;
mod pause;
mod peer;
mod raw;
mod small_frames;
mod stream_io;
mod zap;
mod zmtp;

use closing::Closing;
use zmtp::Active;

use driver::{Backlog, Driver, Failure, Inbound, Phase, SocketState, Wire, ZapVerdict};

/// One turn of a graceful close: Dead once the peer closed (or the wait
/// ran out).
fn drive_closing(ctx: &mut Ctx<'_>, mut closing: Closing) -> State {
    if closing.drive(ctx.now) {
        let _ = ctx.registry.deregister(closing.stream_mut());
        return State::Dead;
    }
    State::Closing(closing)
}

/// Read at least this much at a time.
const READ_CHUNK: usize = 64 * 1024;
/// Most reserved ahead for one large frame's body.
const MAX_RESERVE: usize = 16 * 1024 * 1024;
/// Stop pulling messages from the pipe when this much is waiting to be written.
const WRITE_BATCH: usize = 256 * 1024;
/// The same for sealed (CURVE) frames, whose encoding is the costly part.
const SEALED_WRITE_BATCH: usize = 32 * 1024;
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
    /// Buffers for large received bodies.
    pub(crate) bodies: &'a Arc<BodyPool>,
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
    /// Everything written and our FIN sent; waiting for the peer's.
    Closing(Closing),
    /// Done; the reactor drops the session.
    Dead,
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
    stalled: Option<Msg>,
    /// The lifecycle decisions: reconnects, timers, linger, monitor events.
    driver: Driver,
    /// The local address to connect from (a SOCKS proxy's `source;`).
    dial_source: Option<SocketAddr>,
    armed: Option<Instant>,
    started: bool,
    inproc: Option<Arc<InprocRegistry>>,
    /// Drained: reads nothing more from the peer or the socket (`pause.rs`).
    paused: bool,
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
            stalled: None,
            dial_source: None,
            armed: None,
            started: false,
            inproc: None,
            paused: false,
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

    pub(crate) fn socket_id(&self) -> SocketId {
        self.link.id()
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
        let state_timers = match &self.state {
            State::Active(a) => [a.wire.poll_timeout(), a.lease_check],
            State::Closing(c) => [Some(c.deadline()), None],
            _ => [None, None],
        };
        for t in state_timers.into_iter().flatten() {
            d = Some(d.map_or(t, |x: Instant| x.min(t)));
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
        #[cfg(test)]
        if self.endpoint.starts_with(PANIC_HOST) {
            panic!("a session bug, injected by a test");
        }
        self.wake.begin_run(ctx.token);
        let first_run = !self.started;
        if first_run {
            self.start(ctx);
        }
        // A connecter's first run dials before it looks at the socket's
        // close, as libzmq's connect command comes before the close in its
        // I/O thread's queue: the peer sees the connection come and go even
        // when the socket closed right after connecting (jzmq's monitor
        // tests count on its DISCONNECTED). The close is our own command
        // queued after this one, and runs the session again.
        if !(first_run && matches!(self.role, Role::Connecter(_))) {
            self.check_socket_closed(ctx.now);
        }
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
            State::Closing(c) => drive_closing(ctx, c),
            State::Dead => State::Dead,
        };
        // A graceful close ends by itself (it becomes Dead).
        let closing = matches!(self.state, State::Closing(_));
        if !closing && self.is_finished(ctx.now) {
            self.close(ctx);
        }
        self.report();
        !matches!(self.state, State::Dead)
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
        if let Some(pipe) = &self.pipe {
            pipe.wire_near(self.wake.clone());
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
            State::Active(a) => a.wire.pending_transmit() > 0,
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

    /// Ends a session that is finished: an open ZMTP connection closes
    /// gracefully ([`Closing`]) while the linger leaves time for it.
    fn close(&mut self, ctx: &mut Ctx<'_>) {
        // The application's thread reads the stream no more (the lease).
        if let Some(pipe) = &self.pipe {
            pipe.direct.disable();
        }
        let Some(until) = self.driver.linger_deadline() else {
            return self.shutdown(ctx);
        };
        let mut active = match std::mem::replace(&mut self.state, State::Dead) {
            State::Active(active) => *active,
            other => {
                self.state = other;
                return self.shutdown(ctx);
            }
        };
        let mut taken = std::mem::take(&mut active.taken);
        self.settle_lost(&mut taken);
        match Closing::begin(ctx, active.stream, until) {
            Ok(closing) => {
                self.state = State::Closing(closing);
                self.close_pipe();
            }
            Err(stream) => {
                active.stream = stream;
                self.state = State::Active(Box::new(active));
                self.shutdown(ctx);
            }
        }
    }

    fn shutdown(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(pipe) = &self.pipe {
            pipe.direct.disable();
        }
        if let State::Active(a) = &mut self.state {
            let mut taken = std::mem::take(&mut a.taken);
            self.settle_lost(&mut taken);
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
        if let State::Closing(c) = &mut self.state {
            let _ = ctx.registry.deregister(c.stream_mut());
        }
        self.state = State::Dead;
        self.close_pipe();
    }

    /// The socket sees the session go; what is left in the pipe is the
    /// socket's (drain).
    fn close_pipe(&self) {
        if let Some(pipe) = &self.pipe {
            pipe.outbound.close();
            pipe.inbound.close();
            // Never read again: what is left is the socket's (drain).
            pipe.resign_reader();
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
        self.activate_zmtp(ctx, stream)
    }

    fn push_to_socket(&mut self, msg: Msg) {
        self.push_to_socket_waking(msg, true);
    }

    /// Pushes `msg` into the socket's pipe; with `wake` false a data
    /// message wakes no reader (the caller wakes it once for a batch).
    fn push_to_socket_waking(&mut self, msg: Msg, wake: bool) {
        let Some(pipe) = &self.pipe else {
            return;
        };
        let result = if msg.kind() == MsgKind::Data && wake {
            pipe.outbound.push(msg)
        } else if msg.kind() == MsgKind::Data {
            pipe.outbound.push_quiet(msg)
        } else {
            pipe.outbound.force_push(msg);
            Ok(())
        };
        match result {
            Ok(()) | Err(PushError::Closed(_)) => {}
            Err(PushError::Full(msg)) => self.stalled = Some(msg),
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
        pipe.wire(self.link.signaler.clone(), self.wake.clone());
        if self.options.probe_router {
            pipe.send_probe();
        }
        self.pipe = Some(pipe.mirror());
        self.link.post(LinkEvent::Attach(pipe));
    }

    /// After losing a connection: a connecter tries again later; any other
    /// session ends and closes its pipe.
    fn reconnect_or_end(&mut self, ctx: &mut Ctx<'_>) -> State {
        if self.paused || !self.driver.wants_connection(self.has_queued()) {
            return self.end();
        }
        // ZMQ_IMMEDIATE: no pipe without a connection; the socket stops
        // queueing here until the next handshake brings a new one.
        if self.options.immediate {
            if let Some(pipe) = self.pipe.take() {
                pipe.outbound.close();
                pipe.inbound.close();
                pipe.resign_reader();
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
            pipe.resign_reader();
        }
        State::Dead
    }
}

/// Sessions for this host panic on their first turn (tests of the reactor's
/// panic containment).
#[cfg(test)]
pub(crate) const PANIC_HOST: &str = "tcp://panic.invalid:";
