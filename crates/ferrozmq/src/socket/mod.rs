//! [`Socket`]: bind/connect, send/recv of frames and whole messages, options.

mod curve;
mod monitor;
mod options;
mod spooled;
mod stats;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq_engine::{
    Endpoint, EndpointError, EndpointId, InprocPeer, LinkEvent, Msg, PeerInfo, PeerRef, Pipe,
    PipeId, SocketLink, SparseClock, WaitOutcome,
};
use ferrozmq_zmtp::SocketType;

pub use monitor::EVENT_ALL;
pub(crate) use options::Options;
pub use options::{Mechanism, OptionKind, OptionValue, SocketOption, TakesEffect};
pub use stats::{PeerStats, QueueStats};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::pattern::{self, Pattern, PatternOptions};

/// Don't block: fail with [`Error::Again`] instead (ZMQ_DONTWAIT).
pub const DONTWAIT: i32 = 1;
/// More frames of this message follow (ZMQ_SNDMORE).
pub const SNDMORE: i32 = 2;
/// ZMQ_POLLIN: a message can be received.
pub const POLLIN: i16 = 1;
/// ZMQ_POLLOUT: a message can be sent.
pub const POLLOUT: i16 = 2;

/// A ZeroMQ socket. Like libzmq's, it is not thread-safe: use it from one
/// thread at a time (it may move between threads).
pub struct Socket {
    ctx: Context,
    link: Arc<SocketLink>,
    pattern: Box<dyn Pattern>,
    options: Options,
    /// What the pattern reads of `options`, copied out on each change.
    routing: PatternOptions,
    sending: Option<Vec<Bytes>>,
    receiving: VecDeque<Bytes>,
    receiving_peer: Option<Arc<PeerInfo>>,
    /// The last sender's handle and version, so its info is looked up only on change.
    peer_cache: Option<(PeerRef, usize)>,
    rcvmore: bool,
    endpoints: Vec<Record>,
    last_endpoint: String,
    /// A monitor is installed on the link (`zmq_socket_monitor`).
    monitoring: bool,
    send_clock: SparseClock,
    /// The durable spool, when ZMQ_FERROZMQ_SPOOL is set (spooled.rs).
    spool: Option<Box<crate::spool::Spool>>,
    closed: bool,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("type", &self.options.socket_type)
            .field("last_endpoint", &self.last_endpoint)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
enum Record {
    Bound {
        endpoint: String,
        id: EndpointId,
    },
    Connected {
        endpoint: String,
        id: EndpointId,
        pipe: Option<PipeId>,
    },
    InprocBound {
        endpoint: String,
        name: String,
    },
    InprocConnected {
        endpoint: String,
        pipe: PipeId,
    },
}

impl Context {
    /// Creates a socket of `socket_type`.
    ///
    /// (Defined here, beside [`Socket`], so that the context module does not
    /// depend on the socket module.)
    pub fn socket(&self, socket_type: SocketType) -> Result<Socket> {
        self.admit_socket()?;
        let socket = Socket::new(self.clone(), socket_type)?;
        self.socket_opened(socket.link());
        Ok(socket)
    }
}

impl Socket {
    fn new(ctx: Context, socket_type: SocketType) -> Result<Socket> {
        let pattern = pattern::for_type(socket_type)?;
        let mut options = Options::new(socket_type);
        let (ipv6, linger) = ctx.socket_defaults();
        options.ipv6 = ipv6;
        if let Some(linger) = linger {
            options.linger = linger;
        }
        Ok(Socket {
            ctx,
            link: SocketLink::new(),
            pattern,
            routing: pattern_options(&options),
            options,
            sending: None,
            receiving: VecDeque::new(),
            receiving_peer: None,
            peer_cache: None,
            rcvmore: false,
            endpoints: Vec::new(),
            last_endpoint: String::new(),
            monitoring: false,
            send_clock: SparseClock::default(),
            spool: None,
            closed: false,
        })
    }

    /// The socket type.
    pub fn socket_type(&self) -> SocketType {
        self.options.socket_type
    }

    /// Accepts connections on `endpoint` (`tcp://*:5555`, `ipc:///tmp/x`, `inproc://name`).
    pub fn bind(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let parsed = parse_endpoint(endpoint, Endpoint::parse)?;
        match &parsed {
            Endpoint::Inproc(name) => {
                self.ctx
                    .engine()?
                    .inproc()
                    .bind(name, self.inproc_peer())
                    .map_err(|_| Error::AddrInUse)?;
                self.last_endpoint = endpoint.to_owned();
                self.endpoints.push(Record::InprocBound {
                    endpoint: endpoint.to_owned(),
                    name: name.clone(),
                });
                // Connects that waited for this bind are adopted now, as
                // libzmq's bind does, so e.g. SUB's subscriptions go out at once.
                self.process_link_events();
            }
            _ => {
                let options = Arc::new(self.options.session_options());
                let (id, resolved) = self.ctx.engine()?.bind(&parsed, options, &self.link)?;
                self.last_endpoint = resolved.clone();
                self.endpoints.push(Record::Bound {
                    endpoint: resolved,
                    id,
                });
            }
        }
        Ok(())
    }

    /// Connects to `endpoint`; the peer need not exist yet (reconnects until it does).
    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let parsed = parse_endpoint(endpoint, Endpoint::parse_connect)?;
        match &parsed {
            Endpoint::Inproc(name) => {
                let pipe = self.ctx.engine()?.inproc().connect(
                    name,
                    self.inproc_peer(),
                    Arc::from(endpoint),
                );
                self.endpoints.push(Record::InprocConnected {
                    endpoint: endpoint.to_owned(),
                    pipe: pipe.id(),
                });
                self.pattern.attach(pipe, &self.routing);
            }
            Endpoint::Tcp { port: 0, .. } => return Err(Error::Invalid),
            _ if self.connects_once() && self.is_connected_to(endpoint) => {
                // libzmq: a second connection to the same peer makes no
                // sense for these types, so the repeated connect is a no-op.
            }
            _ => {
                let options = Arc::new(self.options.session_options());
                let routed_later = self.options.socket_type == SocketType::Router
                    && self.options.connect_routing_id.is_none();
                let pipe_now = !self.options.immediate && !routed_later;
                let (id, pipe) = self
                    .ctx
                    .engine()?
                    .connect(parsed, options, &self.link, pipe_now)?;
                self.options.connect_routing_id = None;
                self.endpoints.push(Record::Connected {
                    endpoint: endpoint.to_owned(),
                    id,
                    pipe: pipe.as_ref().map(|p| p.id()),
                });
                if let Some(pipe) = pipe {
                    self.pattern.attach(pipe, &self.routing);
                }
            }
        }
        Ok(())
    }

    /// Whether a repeated connect to one endpoint is a no-op for this socket
    /// type (libzmq's DEALER, SUB, PUB and REQ).
    fn connects_once(&self) -> bool {
        matches!(
            self.options.socket_type,
            SocketType::Dealer | SocketType::Sub | SocketType::Pub | SocketType::Req
        )
    }

    /// Whether [`Socket::connect`] was called with `endpoint` (tcp or ipc)
    /// and not disconnected since.
    fn is_connected_to(&self, endpoint: &str) -> bool {
        self.endpoints
            .iter()
            .any(|r| matches!(r, Record::Connected { endpoint: e, .. } if e == endpoint))
    }

    /// Stops accepting on an endpoint given to [`Socket::bind`] (for wildcards,
    /// the resolved LAST_ENDPOINT string).
    pub fn unbind(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let pos = self
            .endpoints
            .iter()
            .position(|r| matches!(r, Record::Bound { endpoint: e, .. } | Record::InprocBound { endpoint: e, .. } if e == endpoint))
            .ok_or(Error::NotFound)?;
        match self.endpoints.remove(pos) {
            Record::Bound { id, .. } => {
                self.link.set_linger(self.options.linger_duration());
                self.ctx.engine()?.remove(id);
                self.close_accepted_pipes(endpoint);
            }
            Record::InprocBound { name, .. } => {
                let _ = self.ctx.engine()?.inproc().unbind(&name, &self.link);
            }
            _ => {}
        }
        Ok(())
    }

    /// Drops the connection made by [`Socket::connect`] to `endpoint`.
    pub fn disconnect(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let pos = self
            .endpoints
            .iter()
            .position(|r| matches!(r, Record::Connected { endpoint: e, .. } | Record::InprocConnected { endpoint: e, .. } if e == endpoint))
            .ok_or(Error::NotFound)?;
        let (id, pipe) = match self.endpoints.remove(pos) {
            Record::Connected { id, pipe, .. } => (Some(id), pipe),
            Record::InprocConnected { pipe, .. } => (None, Some(pipe)),
            _ => (None, None),
        };
        if let Some(id) = id {
            self.link.set_linger(self.options.linger_duration());
            self.ctx.engine()?.remove(id);
        }
        if let Some(pipe) = pipe {
            self.close_pipes(|p| p.id() == pipe);
            self.pattern.detach(pipe, &self.routing);
        }
        Ok(())
    }

    /// Sends one frame; with [`SNDMORE`] in `flags`, more frames of the same
    /// message follow. The message is delivered all or nothing.
    pub fn send(&mut self, frame: impl Into<Message>, flags: i32) -> Result<()> {
        self.check_open()?;
        let data = frame.into().into_bytes();
        if self.spool.is_some() {
            return self.send_spooled(data, flags);
        }
        let sndmore = flags & SNDMORE != 0;
        let index = self.sending.as_ref().map_or(0, Vec::len);
        let more = self.pattern.continues(index, sndmore);
        match self.sending.take() {
            None => {
                self.routing.sparse = self.send_clock.is_sparse();
                self.routing.sndmore = sndmore;
                let timeout = self.options.sndtimeo;
                self.wait_for(flags, timeout, Wait::Sleep, |s| {
                    s.pattern.prepare_send(&data, &s.routing)
                })?;
                if more {
                    self.sending = Some(vec![data]);
                    return Ok(());
                }
                let sent = self.pattern.send(Msg::single(data), &self.routing);
                self.send_clock.sent();
                sent
            }
            Some(mut frames) => {
                frames.push(data);
                if more {
                    self.sending = Some(frames);
                    return Ok(());
                }
                let sent = match Msg::from_frames(frames) {
                    Some(msg) => self.pattern.send(msg, &self.routing),
                    None => Ok(()),
                };
                self.send_clock.sent();
                sent
            }
        }
    }

    /// Sends every frame of a message.
    pub fn send_multipart<I, M>(&mut self, frames: I, flags: i32) -> Result<()>
    where
        I: IntoIterator<Item = M>,
        M: Into<Message>,
    {
        let mut frames = frames.into_iter().peekable();
        while let Some(frame) = frames.next() {
            let more = if frames.peek().is_some() { SNDMORE } else { 0 };
            self.send(frame, (flags & !SNDMORE) | more)?;
        }
        Ok(())
    }

    /// Receives one frame; [`Message::more`] tells whether more follow.
    pub fn recv(&mut self, flags: i32) -> Result<Message> {
        self.check_open()?;
        if self.receiving.is_empty() {
            let timeout = self.options.rcvtimeo;
            let (msg, peer) = self.wait_for(flags, timeout, Wait::Spin, |s| {
                s.pattern.recv(&s.routing)?.ok_or(Error::Again)
            })?;
            self.receiving.extend(msg.into_frames());
            self.note_peer(peer);
        }
        let data = self.receiving.pop_front().ok_or(Error::Again)?;
        self.rcvmore = !self.receiving.is_empty();
        Ok(Message::received(
            data,
            self.rcvmore,
            self.receiving_peer.clone(),
        ))
    }

    /// Receives one frame's bytes.
    pub fn recv_bytes(&mut self, flags: i32) -> Result<Bytes> {
        self.recv(flags).map(Message::into_bytes)
    }

    /// Receives every frame of the next message.
    pub fn recv_multipart(&mut self, flags: i32) -> Result<Vec<Bytes>> {
        let mut frames = vec![self.recv(flags)?];
        while frames.last().is_some_and(Message::more) {
            frames.push(self.recv(flags)?);
        }
        Ok(frames.into_iter().map(Message::into_bytes).collect())
    }

    /// Receives one frame as text; invalid UTF-8 is an [`Error::Invalid`].
    pub fn recv_string(&mut self, flags: i32) -> Result<String> {
        let bytes = self.recv_bytes(flags)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::Invalid)
    }

    /// Sets an option from raw bytes by libzmq's number, as `zmq_setsockopt`
    /// does: the raw path the bindings take (from Rust, use the typed setters).
    pub fn set_option_raw(&mut self, option: i32, value: &[u8]) -> Result<()> {
        self.check_open()?;
        let option = SocketOption::from_raw(option).ok_or(Error::Invalid)?;
        match option {
            SocketOption::Subscribe | SocketOption::Unsubscribe => {
                self.process_link_events();
                let subscribe = option == SocketOption::Subscribe;
                self.pattern
                    .set_subscription(subscribe, value, &self.routing)
            }
            SocketOption::Spool | SocketOption::SpoolFsync | SocketOption::SpoolSize => {
                let previous = self.options.spool.clone();
                self.options.set(option, value)?;
                self.configure_spool(option, Some(previous))
            }
            SocketOption::SndHwm | SocketOption::RcvHwm => {
                self.options.set(option, value)?;
                self.retune_pipes();
                Ok(())
            }
            _ => {
                self.options.set(option, value)?;
                self.routing = PatternOptions {
                    sparse: self.routing.sparse,
                    sndmore: self.routing.sndmore,
                    ..pattern_options(&self.options)
                };
                Ok(())
            }
        }
    }

    /// Applies changed high-water marks to the pipes already attached, as
    /// libzmq does (an inproc pipe keeps its peer's share).
    fn retune_pipes(&mut self) {
        self.process_link_events();
        let (sndhwm, rcvhwm) = (self.options.sndhwm, self.options.rcvhwm);
        for pipe in self.pattern.pipes().iter() {
            pipe.set_send_hwm(sndhwm.max(0) as usize);
            pipe.set_recv_hwm(rcvhwm.max(0) as usize);
        }
    }

    /// Sets an integer option by libzmq's number: the raw path the
    /// bindings take. From Rust, prefer the typed setters (`set_sndhwm`,
    /// `set_linger`, ...). Options whose value is not an integer fail with
    /// [`Error::Invalid`].
    pub fn set_option(&mut self, option: SocketOption, value: i32) -> Result<()> {
        match option.kind() {
            OptionKind::Int64 => self.set_option_raw(option.raw(), &i64::from(value).to_ne_bytes()),
            OptionKind::Int => self.set_option_raw(option.raw(), &value.to_ne_bytes()),
            _ => Err(Error::Invalid),
        }
    }

    /// Subscribes to messages starting with `prefix` (SUB; empty = everything).
    pub fn subscribe(&mut self, prefix: impl AsRef<[u8]>) -> Result<()> {
        self.set_option_raw(SocketOption::Subscribe.raw(), prefix.as_ref())
    }

    /// Cancels one subscription to `prefix` (SUB).
    pub fn unsubscribe(&mut self, prefix: impl AsRef<[u8]>) -> Result<()> {
        self.set_option_raw(SocketOption::Unsubscribe.raw(), prefix.as_ref())
    }

    /// Sets an option from raw bytes (raw path; from Rust, use the typed setters).
    pub fn set_option_bytes(&mut self, option: SocketOption, value: &[u8]) -> Result<()> {
        self.set_option_raw(option.raw(), value)
    }

    /// Reads an option, as `zmq_getsockopt` does (raw path; from Rust, use
    /// the typed getters such as `sndhwm()`).
    pub fn option(&mut self, option: SocketOption) -> Result<OptionValue> {
        self.check_open()?;
        match option {
            SocketOption::RcvMore => Ok(OptionValue::Int(i32::from(self.rcvmore))),
            SocketOption::LastEndpoint => Ok(OptionValue::Str(self.last_endpoint.clone())),
            SocketOption::Events => Ok(OptionValue::Int(i32::from(self.events()?))),
            SocketOption::Fd => Ok(OptionValue::Int(self.fd()?)),
            SocketOption::SpoolPending => Ok(OptionValue::Int64(
                self.spool_pending().map_or(-1, |n| n as i64),
            )),
            SocketOption::RoutingId => match self.pattern.chosen_routing_id() {
                Some(id) => Ok(OptionValue::Bytes(id.to_vec())),
                None => self.options.get(option),
            },
            _ => self.options.get(option),
        }
    }

    /// Reads an integer option (raw path; from Rust, use the typed getters).
    pub fn option_int(&mut self, option: SocketOption) -> Result<i64> {
        match self.option(option)? {
            OptionValue::Int(v) => Ok(i64::from(v)),
            OptionValue::Int64(v) => Ok(v),
            _ => Err(Error::Invalid),
        }
    }

    /// Messages queued and dropped, in total and per peer, exact at the
    /// moment of the call (a ferrozmq extension; see [`QueueStats`] for
    /// precisely what is counted). Peers that connected since the last
    /// send/recv/poll are taken in first.
    pub fn queue_stats(&mut self) -> Result<QueueStats> {
        self.check_open()?;
        self.process_link_events();
        Ok(stats::collect(self.pattern.as_ref()))
    }

    /// The endpoint last bound (ZMQ_LAST_ENDPOINT), e.g. with the port `tcp://*:*` chose.
    pub fn last_endpoint(&self) -> &str {
        &self.last_endpoint
    }

    /// Whether more frames of the last received message follow (ZMQ_RCVMORE).
    pub fn rcvmore(&self) -> bool {
        self.rcvmore
    }

    /// ZMQ_EVENTS: [`POLLIN`] and/or [`POLLOUT`] as they stand now.
    pub fn events(&mut self) -> Result<i16> {
        self.check_open()?;
        self.link.signaler.clear_fd();
        self.process_link_events();
        self.pattern.refresh(&self.routing);
        let mut ev = 0;
        if !self.receiving.is_empty() || self.pattern.can_recv() {
            ev |= POLLIN;
        }
        if self.sending.is_some() || self.pattern.can_send() {
            ev |= POLLOUT;
        }
        Ok(ev)
    }

    /// ZMQ_FD: a file descriptor that becomes readable when [`Socket::events`]
    /// may have changed (edge-triggered, as in libzmq).
    pub fn fd(&self) -> Result<i32> {
        self.check_open()?;
        self.link.signaler.fd().ok_or(Error::NoMemory)
    }

    /// Waits up to `timeout` (`None` = forever) for any of `events`; returns those ready.
    pub fn poll(&mut self, events: i16, timeout: Option<Duration>) -> Result<i16> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let signaler = self.link.signaler.clone();
        let mut ready = 0;
        let outcome = signaler.wait_until(deadline, || {
            ready = self.events().unwrap_or(0) & events;
            ready != 0 || self.ctx.is_terminated()
        });
        if self.ctx.is_terminated() {
            return Err(Error::Terminated);
        }
        if outcome == WaitOutcome::Interrupted {
            return Err(Error::Interrupted);
        }
        Ok(ready)
    }

    /// Closes the socket: queued messages are still delivered within LINGER.
    pub fn close(mut self) {
        self.shut();
    }

    pub(crate) fn link(&self) -> &Arc<SocketLink> {
        &self.link
    }

    fn shut(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        // Before any pipe closes: sessions may start lingering at once.
        self.link.set_linger(self.options.linger_duration());
        self.process_link_events();
        self.close_pipes(|_| true);
        match self.ctx.engine() {
            // The engine retires the monitor once the listeners are closed.
            Ok(engine) => engine.close_socket(&self.link),
            Err(_) => self.stop_monitor(),
        }
        self.ctx.socket_closed(&self.link);
    }

    fn check_open(&self) -> Result<()> {
        if self.closed {
            return Err(Error::NotSocket);
        }
        if self.ctx.is_terminated() {
            return Err(Error::Terminated);
        }
        Ok(())
    }

    fn inproc_peer(&self) -> InprocPeer {
        let session = self.options.session_options();
        InprocPeer {
            link: self.link.clone(),
            socket_type: self.options.socket_type,
            routing_id: self.options.routing_id.clone(),
            sndhwm: self.options.sndhwm.max(0) as usize,
            rcvhwm: self.options.rcvhwm.max(0) as usize,
            conflate: session.conflate,
            probe_router: session.probe_router,
        }
    }

    /// Remembers who sent the message being received, re-reading the peer
    /// information only when the sender or its information changed.
    fn note_peer(&mut self, peer: PeerRef) {
        let version = peer.version();
        let fresh = match &self.peer_cache {
            Some((cached, v)) => !(cached.same_as(&peer) && *v == version),
            None => true,
        };
        if fresh || self.receiving_peer.is_none() {
            self.receiving_peer = Some(peer.get());
            self.peer_cache = Some((peer, version));
        }
    }

    /// Unbind ends the connections the endpoint accepted at once, as libzmq
    /// does: nothing more arrives or leaves through them while the I/O
    /// thread catches up; what they already delivered can still be received.
    fn close_accepted_pipes(&mut self, endpoint: &str) {
        self.process_link_events();
        self.close_pipes(|p| p.endpoint() == endpoint);
    }

    /// Closes the pipes `which` picks; the pattern forgets each once it
    /// has read what the peer sent before.
    fn close_pipes(&self, which: impl Fn(&Pipe) -> bool) {
        for pipe in self.pattern.pipes().iter().filter(|p| which(p)) {
            pipe.close();
        }
    }

    fn process_link_events(&mut self) {
        while let Some(event) = self.link.take_event() {
            match event {
                LinkEvent::Attach(pipe) => self.pattern.attach(pipe, &self.routing),
                LinkEvent::Hiccup(id) => self.pattern.hiccup(id, &self.routing),
            }
        }
    }

    /// Runs `op` until it stops saying [`Error::Again`], sleeping between
    /// tries, unless DONTWAIT is set or `timeout_ms` (≥ 0) expires. Receives
    /// spin briefly before sleeping (replies come fast); sends do not (a
    /// sender at its high-water mark waits for the I/O thread).
    fn wait_for<T>(
        &mut self,
        flags: i32,
        timeout_ms: i32,
        wait: Wait,
        mut op: impl FnMut(&mut Socket) -> Result<T>,
    ) -> Result<T> {
        self.process_link_events();
        match op(self) {
            Err(Error::Again) if flags & DONTWAIT == 0 && timeout_ms != 0 => {}
            other => return other,
        }
        let deadline =
            (timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
        let signaler = self.link.signaler.clone();
        let mut outcome = Err(Error::Again);
        let check = || {
            if self.ctx.is_terminated() {
                outcome = Err(Error::Terminated);
                return true;
            }
            self.process_link_events();
            outcome = op(self);
            !matches!(outcome, Err(Error::Again))
        };
        let waited = match wait {
            Wait::Spin => signaler.wait_until(deadline, check),
            Wait::Sleep => signaler.wait_patiently(deadline, check),
        };
        if waited == WaitOutcome::Interrupted {
            return Err(Error::Interrupted);
        }
        outcome
    }
}

/// How a blocked call waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// Spin briefly, then sleep (receives).
    Spin,
    /// Sleep at once (sends).
    Sleep,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.shut();
    }
}

fn parse_endpoint(
    endpoint: &str,
    parse: fn(&str) -> std::result::Result<Endpoint, EndpointError>,
) -> Result<Endpoint> {
    parse(endpoint).map_err(|e| match e {
        EndpointError::Invalid => Error::Invalid,
        EndpointError::UnsupportedTransport => Error::ProtocolNotSupported,
        EndpointError::NameTooLong => Error::Os(ENAMETOOLONG),
    })
}

/// What the pattern reads of a socket's options.
fn pattern_options(options: &Options) -> PatternOptions {
    PatternOptions {
        router_mandatory: options.router_mandatory,
        router_handover: options.router_handover,
        xpub_verbose: options.xpub_verbose,
        xpub_verboser: options.xpub_verboser,
        xpub_manual: options.xpub_manual,
        xpub_nodrop: options.xpub_nodrop,
        xpub_welcome_msg: options.xpub_welcome_msg.clone(),
        invert_matching: options.invert_matching,
        req_relaxed: options.req_relaxed,
        req_correlate: options.req_correlate,
        sndmore: false,
        sparse: false,
    }
}

/// Linux's errno for a name too long (this crate has no libc for one number).
const ENAMETOOLONG: i32 = 36;
