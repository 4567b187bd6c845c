//! [`Socket`]: bind/connect, send/recv of frames and whole messages, options.

mod curve;
mod drain;
mod fd;
mod flags;
mod monitor;
mod options;
mod recv;
mod send;
mod spooled;
mod stats;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrozmq_engine::{
    Body, Endpoint, EndpointError, EndpointId, InprocPeer, LinkEvent, Notify, PeerInfo, PeerRef,
    Pipe, PipeId, SocketLink, SparseClock, WaitOutcome,
};
use ferrozmq_zmtp::SocketType;

pub use drain::{Drained, Unsent};
pub use flags::{RecvFlags, SendFlags};
pub use monitor::EVENT_ALL;
pub(crate) use options::Options;
pub use options::{Mechanism, OptionKind, OptionValue, ReconnectStop, SocketOption, TakesEffect};
pub use stats::{PeerStats, QueueStats};

use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::pattern::{self, Origin, Pattern, PatternOptions};
use crate::poll_events::PollEvents;

/// A ZeroMQ socket. Like libzmq's, it is not thread-safe: use it from one
/// thread at a time (it may move between threads).
pub struct Socket {
    ctx: Context,
    link: Arc<SocketLink>,
    pattern: Box<dyn Pattern>,
    options: Options,
    /// What the pattern reads of `options`, copied out on each change.
    routing: PatternOptions,
    sending: Option<Vec<Body>>,
    receiving: VecDeque<Body>,
    receiving_peer: Option<Arc<PeerInfo>>,
    /// The last sender's handle and version, so its info is looked up only on change.
    peer_cache: Option<(PeerRef, usize)>,
    /// The pipe `peer_cache` came from, when it was looked up by pipe.
    peer_pipe: Option<PipeId>,
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
        let mut pattern = pattern::for_type(socket_type)?;
        let link = SocketLink::new();
        pattern.watch_news(link.signaler.clone());
        let mut options = Options::new(socket_type);
        let (ipv6, linger) = ctx.socket_defaults();
        options.ipv6 = ipv6;
        if let Some(linger) = linger {
            options.linger = linger;
        }
        Ok(Socket {
            ctx,
            link,
            pattern,
            routing: pattern_options(&options),
            options,
            sending: None,
            receiving: VecDeque::new(),
            receiving_peer: None,
            peer_cache: None,
            peer_pipe: None,
            rcvmore: false,
            endpoints: Vec::new(),
            last_endpoint: String::new(),
            monitoring: false,
            send_clock: match socket_type {
                SocketType::Req | SocketType::Rep => SparseClock::alternating(),
                _ => SparseClock::default(),
            },
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
        self.bind_endpoint(endpoint)
            .map_err(|e| e.at_endpoint(endpoint))
    }

    fn bind_endpoint(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let parsed = parse_endpoint(endpoint, Endpoint::parse)?;
        match &parsed {
            Endpoint::Inproc(name) => {
                self.ctx
                    .engine()?
                    .inproc()
                    .bind(name, self.inproc_peer())
                    .map_err(|_| ErrorKind::AddrInUse)?;
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
                self.announce_io_work();
            }
        }
        Ok(())
    }

    /// Connects to `endpoint`; the peer need not exist yet (reconnects until it does).
    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        self.connect_endpoint(endpoint)
            .map_err(|e| e.at_endpoint(endpoint))
    }

    fn connect_endpoint(&mut self, endpoint: &str) -> Result<()> {
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
                self.send_clock.watch(&pipe);
                self.pattern.attach(pipe, &self.routing);
            }
            Endpoint::Tcp { port: 0, .. } => return Err(ErrorKind::Invalid.into()),
            _ if self.connects_once() && self.is_connected_to(endpoint) => {
                // libzmq: a second connection to the same peer makes no
                // sense for these types, so the repeated connect is a no-op.
            }
            _ => {
                let mut options = self.options.session_options();
                options.net.connect_source = connect_source(endpoint, options.net.ipv6);
                let options = Arc::new(options);
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
                    self.send_clock.watch(&pipe);
                    self.pattern.attach(pipe, &self.routing);
                }
                self.announce_io_work();
            }
        }
        Ok(())
    }

    /// Makes ZMQ_FD readable after a bind or connect that started work on
    /// an I/O thread, as libzmq's does (its I/O thread answers through the
    /// socket's mailbox). Programs that poll the descriptor must expect a
    /// readiness that brings no message; some (CZMQ's zpoller test) count
    /// on this one.
    fn announce_io_work(&self) {
        self.link.signaler.notify();
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
        self.unbind_endpoint(endpoint)
            .map_err(|e| e.at_endpoint(endpoint))
    }

    fn unbind_endpoint(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let pos = self
            .endpoints
            .iter()
            .position(|r| matches!(r, Record::Bound { endpoint: e, .. } | Record::InprocBound { endpoint: e, .. } if e == endpoint))
            .ok_or_else(|| not_found(endpoint))?;
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
        self.disconnect_endpoint(endpoint)
            .map_err(|e| e.at_endpoint(endpoint))
    }

    fn disconnect_endpoint(&mut self, endpoint: &str) -> Result<()> {
        self.check_open()?;
        let pos = self
            .endpoints
            .iter()
            .position(|r| matches!(r, Record::Connected { endpoint: e, .. } | Record::InprocConnected { endpoint: e, .. } if e == endpoint))
            .ok_or_else(|| not_found(endpoint))?;
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

    /// Sets an option from raw bytes by libzmq's number, as `zmq_setsockopt`
    /// does: the raw path the bindings take (from Rust, use the typed setters).
    pub fn set_option_raw(&mut self, option: i32, value: &[u8]) -> Result<()> {
        self.check_open()?;
        let option = SocketOption::from_raw(option).ok_or(ErrorKind::Invalid)?;
        self.set_known_option(option, value)
            .map_err(|e| e.at_option(option.name()))
    }

    fn set_known_option(&mut self, option: SocketOption, value: &[u8]) -> Result<()> {
        match option {
            SocketOption::Blocky => Err(ErrorKind::Invalid.into()),
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
    /// [`ErrorKind::Invalid`].
    pub fn set_option(&mut self, option: SocketOption, value: i32) -> Result<()> {
        match option.kind() {
            OptionKind::Int64 => self.set_option_raw(option.raw(), &i64::from(value).to_ne_bytes()),
            OptionKind::Int => self.set_option_raw(option.raw(), &value.to_ne_bytes()),
            _ => Err(ErrorKind::Invalid.into()),
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
        self.known_option(option)
            .map_err(|e| e.at_option(option.name()))
    }

    fn known_option(&mut self, option: SocketOption) -> Result<OptionValue> {
        match option {
            _ if option.is_write_only() => Err(ErrorKind::Invalid.into()),
            // A context option: libzmq's sockets neither take nor give it.
            SocketOption::Blocky => Err(ErrorKind::Invalid.into()),
            SocketOption::RcvMore => Ok(OptionValue::Int(i32::from(self.rcvmore))),
            SocketOption::LastEndpoint => {
                Ok(OptionValue::Str(self.last_endpoint.clone().into_bytes()))
            }
            SocketOption::Events => Ok(OptionValue::Int(i32::from(self.events()?.bits()))),
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
            _ => Err(ErrorKind::Invalid.into()),
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

    /// ZMQ_EVENTS: whether a message can be received
    /// ([`PollEvents::READABLE`]) and sent ([`PollEvents::WRITABLE`]) now.
    /// Reading it re-arms the readiness descriptor ([`Socket::readiness_fd`]).
    ///
    /// ```
    /// use ferrozmq::{Context, PollEvents, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut req = ctx.socket(SocketType::Req)?;
    /// req.connect("inproc://events-doc")?;
    /// // A REQ can send its request (it is queued until a peer binds)...
    /// assert_eq!(req.events()?, PollEvents::WRITABLE);
    /// // ...and has nothing to receive yet.
    /// assert!(!req.events()?.contains(PollEvents::READABLE));
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn events(&mut self) -> Result<PollEvents> {
        self.check_open()?;
        self.release_lease();
        self.events_keeping_lease()
    }

    /// [`Socket::events`] for the async layer, which takes the read lease
    /// itself: a kept lease stays.
    pub(crate) fn events_keeping_lease(&mut self) -> Result<PollEvents> {
        self.check_open()?;
        self.link.signaler.clear_fd();
        self.process_link_events();
        self.pattern.refresh(&self.routing);
        let mut ev = PollEvents::empty();
        if !self.receiving.is_empty() || self.pattern.can_recv() {
            ev |= PollEvents::READABLE;
        }
        if self.sending.is_some() || self.pattern.can_send() {
            ev |= PollEvents::WRITABLE;
        }
        Ok(ev)
    }

    /// ZMQ_FD: a file descriptor that becomes readable when [`Socket::events`]
    /// may have changed (edge-triggered, as in libzmq).
    pub fn fd(&self) -> Result<i32> {
        self.check_open()?;
        self.release_lease();
        self.link
            .signaler
            .fd()
            .ok_or(Error::new(ErrorKind::NoMemory))
    }

    /// Waits up to `timeout` (`None` = forever) for any of `events`;
    /// returns those ready (empty when the time ran out).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ferrozmq::{Context, PollEvents, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut pull = ctx.socket(SocketType::Pull)?;
    /// pull.bind("inproc://socket-poll-doc")?;
    /// let quiet = pull.poll(PollEvents::READABLE, Some(Duration::from_millis(10)))?;
    /// assert!(quiet.is_empty());
    ///
    /// let mut push = ctx.socket(SocketType::Push)?;
    /// push.connect("inproc://socket-poll-doc")?;
    /// push.send("wake")?;
    /// let ready = pull.poll(PollEvents::READABLE, Some(Duration::from_secs(5)))?;
    /// assert_eq!(ready, PollEvents::READABLE);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    pub fn poll(&mut self, events: PollEvents, timeout: Option<Duration>) -> Result<PollEvents> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let signaler = self.link.signaler.clone();
        let mut ready = PollEvents::empty();
        let outcome = signaler.wait_until(deadline, || {
            ready = self.events().unwrap_or_default() & events;
            !ready.is_empty() || self.ctx.is_terminated()
        });
        if self.ctx.is_terminated() {
            return Err(ErrorKind::Terminated.into());
        }
        if outcome == WaitOutcome::Interrupted {
            return Err(ErrorKind::Interrupted.into());
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
            return Err(ErrorKind::NotSocket.into());
        }
        if self.ctx.is_terminated() {
            return Err(ErrorKind::Terminated.into());
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
    ///
    /// Messages from another socket of the process (inproc) carry no
    /// metadata, as in libzmq (`zmq_msg_gets` fails, ZMQ_SRCFD is -1): no
    /// reference to the peer's information is taken for them, which saves
    /// two locked reference counts per message.
    fn note_peer(&mut self, origin: Origin) {
        match origin {
            Origin::Pipe(pipe, version) => {
                let same = self.peer_pipe == Some(pipe)
                    && matches!(&self.peer_cache, Some((_, v)) if *v == version);
                if same {
                    return;
                }
                let pipes = self.pattern.pipes();
                let Some(peer) = pipes.slot_of(pipe).and_then(|s| pipes.get(s)) else {
                    // Not expected (the pipe just delivered); no metadata
                    // rather than another peer's.
                    self.receiving_peer = None;
                    self.peer_cache = None;
                    self.peer_pipe = None;
                    return;
                };
                if peer.is_between_sockets() {
                    self.receiving_peer = None;
                    self.peer_cache = Some((peer.peer_ref(), version));
                } else {
                    let peer = peer.peer_ref();
                    self.note_peer_ref(peer);
                }
                self.peer_pipe = Some(pipe);
            }
            Origin::Peer(peer) => {
                self.peer_pipe = None;
                self.note_peer_ref(peer);
            }
        }
    }

    /// As [`Socket::note_peer`], for a handle on the peer.
    fn note_peer_ref(&mut self, peer: PeerRef) {
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

    /// The socket's pipe, if it has exactly one.
    /// The socket's pipe if it has exactly one (the read lease's case).
    pub(crate) fn only_pipe(&self) -> Option<&Pipe> {
        let pipes = self.pattern.pipes();
        let mut all = pipes.iter();
        match (all.next(), all.next()) {
            (Some(pipe), None) => Some(pipe),
            _ => None,
        }
    }

    /// Hands back a read lease a blocking receive kept (the sticky lease,
    /// `ferrozmq_engine::wait_receiving`): the application now waits for
    /// the socket some other way, for which the I/O thread must read.
    fn release_lease(&self) {
        if let Some(pipe) = self.only_pipe() {
            pipe.release_lease();
        }
    }

    fn process_link_events(&mut self) {
        while let Some(event) = self.link.take_event() {
            match event {
                LinkEvent::Attach(pipe) => {
                    self.send_clock.watch(&pipe);
                    self.pattern.attach(pipe, &self.routing);
                }
                LinkEvent::Hiccup(id) => self.pattern.hiccup(id, &self.routing),
            }
        }
    }

    /// Runs `op` until it stops saying [`ErrorKind::Again`], sleeping between
    /// tries as long as `patience` allows. Receives spin briefly before
    /// sleeping (replies come fast); sends do not (a sender at its
    /// high-water mark waits for the I/O thread).
    fn wait_for<T>(
        &mut self,
        patience: Patience,
        wait: Wait,
        mut op: impl FnMut(&mut Socket) -> Result<T>,
    ) -> Result<T> {
        self.process_link_events();
        // The first try's result is matched as it is (matching a tuple of
        // it and `patience` built one in memory, field by field, and read
        // it back across those stores: a store-forwarding stall per call).
        let deadline = match op(self) {
            Err(e) if e.kind() == ErrorKind::Again => match patience {
                Patience::Forever => None,
                Patience::For(timeout) => Instant::now().checked_add(timeout),
                Patience::Now => {
                    if wait == Wait::Spin {
                        // A receive that does not wait: the application polls.
                        self.release_lease();
                    }
                    return Err(e);
                }
            },
            other => return other,
        };
        // A receive on a socket with one connection, idle: the connection's
        // reads may be lent to this thread (ferrozmq_engine::wait_receiving).
        let lender = match wait {
            Wait::Spin => self.only_pipe().filter(|p| p.lends_reads()).cloned(),
            _ => None,
        };
        let signaler = self.link.signaler.clone();
        let mut outcome = Err(ErrorKind::Again.into());
        let check = || {
            if self.ctx.is_terminated() {
                outcome = Err(ErrorKind::Terminated.into());
                return true;
            }
            self.process_link_events();
            outcome = op(self);
            !matches!(&outcome, Err(e) if e.kind() == ErrorKind::Again)
        };
        let waited = match (wait, lender) {
            (_, Some(pipe)) => ferrozmq_engine::wait_receiving(&signaler, &pipe, deadline, check),
            (Wait::Sleep, None) => signaler.wait_patiently(deadline, check),
            (_, None) => signaler.wait_until(deadline, check),
        };
        if waited == WaitOutcome::Interrupted {
            return Err(ErrorKind::Interrupted.into());
        }
        outcome
    }
}

/// How long a send or receive may wait for the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Patience {
    /// Not at all (DONTWAIT, or a zero timeout).
    Now,
    /// Up to this long.
    For(Duration),
    /// Until it succeeds (or the context ends).
    Forever,
}

impl Patience {
    /// From a timeout option in milliseconds (-1 = forever, as in libzmq).
    fn from_timeout_ms(ms: i32) -> Patience {
        match ms {
            0 => Patience::Now,
            ms if ms < 0 => Patience::Forever,
            ms => Patience::For(Duration::from_millis(u64::from(ms.unsigned_abs()))),
        }
    }

    /// Up to `timeout` (zero = not at all).
    fn within(timeout: Duration) -> Patience {
        if timeout.is_zero() {
            Patience::Now
        } else {
            Patience::For(timeout)
        }
    }
}

/// How a blocked call waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// Spin briefly, then sleep (receives).
    Spin,
    /// Sleep at once (sends).
    Sleep,
    /// Never wait: the first try of a blocking receive, which prepares its
    /// wait only if this finds nothing (the C binding's), so finding
    /// nothing does not hand a kept lease back.
    Ready,
    /// Never wait: an async receive, which takes the read lease itself
    /// (`aio`), so finding nothing does not hand a kept lease back.
    #[cfg(any(feature = "tokio", feature = "async-io"))]
    Polled,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.shut();
    }
}

/// Why unbind or disconnect found nothing at `endpoint`: as libzmq, a
/// malformed endpoint is EINVAL and an unknown transport EPROTONOSUPPORT
/// before it is ENOENT.
fn not_found(endpoint: &str) -> Error {
    match parse_endpoint(endpoint, Endpoint::parse) {
        Err(e) => e,
        Ok(_) => ErrorKind::NotFound.into(),
    }
}

fn parse_endpoint(
    endpoint: &str,
    parse: fn(&str) -> std::result::Result<Endpoint, EndpointError>,
) -> Result<Endpoint> {
    parse(endpoint).map_err(|e| match e {
        EndpointError::Invalid => Error::new(ErrorKind::Invalid),
        EndpointError::UnsupportedTransport => Error::new(ErrorKind::ProtocolNotSupported),
        EndpointError::NameTooLong => Error::new(ErrorKind::Os(ENAMETOOLONG)),
    })
}

/// What the pattern reads of a socket's options.
fn pattern_options(options: &Options) -> PatternOptions {
    PatternOptions {
        router_mandatory: options.router_mandatory,
        router_raw: options.router_raw,
        router_handover: options.router_handover,
        xpub_verbose: options.xpub_verbose,
        xpub_verboser: options.xpub_verboser,
        xpub_manual: options.xpub_manual,
        xpub_manual_last_value: options.xpub_manual_last_value,
        only_first_subscribe: options.only_first_subscribe,
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

/// The `source` of a `tcp://source;host:port` connect, which libzmq binds
/// before connecting: an IP address, an interface name or `*`, with a port
/// (0 or `*` for any). A host name is not looked up (as in libzmq), so this
/// never blocks the caller.
fn connect_source(endpoint: &str, ipv6: bool) -> Option<std::net::SocketAddr> {
    let (source, _) = endpoint.strip_prefix("tcp://")?.split_once(';')?;
    Endpoint::parse(&format!("tcp://{source}"))
        .ok()?
        .bind_addr(ipv6)
        .ok()
}
