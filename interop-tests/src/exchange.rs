//! One driver for every socket pair: our side plays a role, a peer plays the
//! other, and both check every byte.
//!
//! The role follows from the socket types, as in the peer programs:
//!
//! | type   | role                                                            |
//! |--------|-----------------------------------------------------------------|
//! | PUSH   | sends messages `0..count` (tag 0)                               |
//! | PULL   | receives and checks them                                        |
//! | REQ    | sends request `i` (tag 0), waits for reply `i` (tag 1)          |
//! | DEALER | the same, up to [`WINDOW`] requests ahead; adds the empty       |
//! |        | delimiter itself when the other side is REP                     |
//! | REP    | receives request `i`, sends reply `i`                           |
//! | ROUTER | the same, keeping the routing id (and the REQ delimiter)        |
//! | PAIR   | sends and receives at once, up to [`WINDOW`] ahead; the binder  |
//! |        | sends tag 0 and the connecter tag 1                             |

use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{Context, Multipart, Socket, SocketOption, SocketType};

use crate::payload;
use crate::peer::{parse_done, Peer, PeerKind};
use crate::{IpcFile, Transport, STEP_TIMEOUT};

/// How many requests (or PAIR messages) may be in flight.
pub const WINDOW: u32 = 64;

/// How long a peer may take to finish once our side is done.
const FINISH_TIMEOUT: Duration = Duration::from_secs(30);

/// A way to move whole messages: our socket, or a hand-driven ZMTP peer.
pub trait Wire {
    /// Sends one multipart message.
    fn send_message(&mut self, frames: Vec<Bytes>) -> Result<(), String>;
    /// Receives one multipart message.
    fn recv_message(&mut self) -> Result<Vec<Bytes>, String>;
}

/// Messages sent and received by one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Whole messages sent.
    pub sent: u32,
    /// Whole messages received and checked.
    pub received: u32,
}

impl Counts {
    /// What a side of type `me` sends and receives in an exchange of `count`.
    pub fn expected(me: SocketType, count: u32) -> Counts {
        match me {
            SocketType::Push => Counts {
                sent: count,
                received: 0,
            },
            SocketType::Pull => Counts {
                sent: 0,
                received: count,
            },
            _ => Counts {
                sent: count,
                received: count,
            },
        }
    }
}

/// One side of an exchange.
#[derive(Debug, Clone)]
pub struct Role {
    /// This side's socket type.
    pub me: SocketType,
    /// The other side's socket type.
    pub other: SocketType,
    /// Whether this side binds (decides the PAIR tags).
    pub binder: bool,
    /// Messages each way.
    pub count: u32,
    /// For a ROUTER: the routing id every request must come from.
    pub routing_id: Option<Bytes>,
}

/// Plays `role` over `wire`, checking every message received.
pub fn play(role: &Role, wire: &mut dyn Wire) -> Result<Counts, String> {
    let Role {
        me,
        other,
        binder,
        count,
        ..
    } = *role;
    let mut c = Counts::default();
    match me {
        SocketType::Push => {
            for i in 0..count {
                wire.send_message(payload::message(i, 0))?;
                c.sent += 1;
            }
        }
        SocketType::Pull => {
            for i in 0..count {
                payload::check(i, 0, &wire.recv_message()?)?;
                c.received += 1;
            }
        }
        SocketType::Req => {
            for i in 0..count {
                wire.send_message(payload::message(i, 0))?;
                c.sent += 1;
                payload::check(i, 1, &wire.recv_message()?)?;
                c.received += 1;
            }
        }
        SocketType::Dealer => {
            let env = usize::from(other == SocketType::Rep);
            while c.received < count {
                while c.sent < count && c.sent < c.received + WINDOW {
                    let mut frames = vec![Bytes::new(); env];
                    frames.extend(payload::message(c.sent, 0));
                    wire.send_message(frames)?;
                    c.sent += 1;
                }
                let frames = wire.recv_message()?;
                let (delimiter, body) = split(&frames, env);
                if delimiter.iter().any(|f| !f.is_empty()) {
                    return Err(format!("reply {} lacks the empty delimiter", c.received));
                }
                payload::check(c.received, 1, body)?;
                c.received += 1;
            }
        }
        SocketType::Rep => {
            for i in 0..count {
                payload::check(i, 0, &wire.recv_message()?)?;
                c.received += 1;
                wire.send_message(payload::message(i, 1))?;
                c.sent += 1;
            }
        }
        SocketType::Router => {
            let env = if other == SocketType::Req { 2 } else { 1 };
            for i in 0..count {
                let frames = wire.recv_message()?;
                let (envelope, body) = split(&frames, env);
                if envelope.len() < env || envelope.get(1).is_some_and(|f| !f.is_empty()) {
                    return Err(format!("request {i} has a bad envelope: {frames:?}"));
                }
                if let Some(id) = &role.routing_id {
                    if envelope.first() != Some(id) {
                        return Err(format!(
                            "request {i} from {:?}, expected {id:?}",
                            envelope.first()
                        ));
                    }
                }
                payload::check(i, 0, body)?;
                c.received += 1;
                let mut reply = envelope.to_vec();
                reply.extend(payload::message(i, 1));
                wire.send_message(reply)?;
                c.sent += 1;
            }
        }
        SocketType::Pair => {
            let (mine, theirs) = if binder { (0, 1) } else { (1, 0) };
            while c.received < count {
                while c.sent < count && c.sent < c.received + WINDOW {
                    wire.send_message(payload::message(c.sent, mine))?;
                    c.sent += 1;
                }
                payload::check(c.received, theirs, &wire.recv_message()?)?;
                c.received += 1;
            }
        }
        other => return Err(format!("no role for {other:?}")),
    }
    Ok(c)
}

/// One exchange between our socket and a peer program.
#[derive(Debug, Clone)]
pub struct Case {
    /// The peer's implementation.
    pub peer: PeerKind,
    /// Our socket type.
    pub ours: SocketType,
    /// The peer's socket type.
    pub theirs: SocketType,
    /// The transport.
    pub transport: Transport,
    /// We bind and the peer connects (else the reverse).
    pub we_bind: bool,
    /// Messages each way (requests, for request-reply).
    pub count: u32,
    /// A routing id for the side that is not a ROUTER to set, and for the
    /// ROUTER to check (with `None`, REQ and DEALER peers send an empty one).
    pub routing_id: Option<&'static str>,
}

/// Runs `case` and panics on any failure, on either side. Returns `false`
/// if the peer is not installed and the test was skipped.
pub fn run(case: &Case) -> bool {
    let started = Instant::now();
    let ctx = Context::new();
    let mut socket = OurSocket::new(&ctx, case.ours);
    if let Some(id) = case.routing_id.filter(|_| case.ours != SocketType::Router) {
        socket
            .socket
            .set_option_bytes(SocketOption::RoutingId, id.as_bytes())
            .expect("ROUTING_ID");
    }
    let count = case.count.to_string();
    let bind_ep = case.transport.bind_endpoint();
    let _file = IpcFile::of(&bind_ep);
    let (how, ep) = if case.we_bind {
        socket.socket.bind(&bind_ep).expect("bind");
        ("connect", socket.socket.last_endpoint().to_owned())
    } else {
        ("bind", bind_ep.clone())
    };
    let mut args = vec![case.theirs.name(), case.ours.name(), how, &ep, &count];
    args.extend(case.routing_id);
    let Some(mut peer) = Peer::spawn(case.peer, &args) else {
        return false;
    };
    if case.we_bind {
        assert_eq!(peer.line(), "connected");
    } else {
        let ep = peer.bound_endpoint();
        socket.socket.connect(&ep).expect("connect");
    }

    let role = Role {
        me: case.ours,
        other: case.theirs,
        binder: case.we_bind,
        count: case.count,
        routing_id: case
            .routing_id
            .filter(|_| case.ours == SocketType::Router)
            .map(|id| Bytes::from_static(id.as_bytes())),
    };
    let outcome = play(&role, &mut socket);
    let ours_counts = match outcome {
        Ok(c) => c,
        Err(why) => {
            let status = peer.kill();
            panic!(
                "{case:?}: our side failed: {why}\npeer ({status}) stderr:\n{}",
                peer.stderr()
            );
        }
    };
    let lines = peer.finish(FINISH_TIMEOUT);
    let theirs_counts = lines
        .iter()
        .find_map(|l| parse_done(l))
        .unwrap_or_else(|| panic!("{case:?}: the peer printed no counts: {lines:?}"));
    assert_eq!(
        ours_counts,
        Counts::expected(case.ours, case.count),
        "{case:?}: our counts"
    );
    let expected = Counts::expected(case.theirs, case.count);
    assert_eq!(
        theirs_counts,
        (expected.sent, expected.received),
        "{case:?}: the peer's counts (sent, received)"
    );
    socket.check_metadata(case);
    eprintln!(
        "{:?} {} {:?} {} {:?}: {} messages in {:?}",
        case.ours,
        if case.we_bind { "binds," } else { "connects," },
        case.theirs,
        case.peer.name(),
        case.transport,
        case.count,
        started.elapsed()
    );
    true
}

/// Our socket, with timeouts set, remembering the metadata of the first
/// message it received.
#[derive(Debug)]
pub struct OurSocket {
    /// The socket.
    pub socket: Socket,
    first_properties: Option<Vec<(&'static str, Option<String>)>>,
}

impl OurSocket {
    /// A `socket_type` socket with RCVTIMEO and SNDTIMEO of [`STEP_TIMEOUT`]
    /// and a LINGER of 5 s.
    pub fn new(ctx: &Context, socket_type: SocketType) -> OurSocket {
        let mut socket = ctx.socket(socket_type).expect("socket");
        let timeout = i32::try_from(STEP_TIMEOUT.as_millis()).expect("timeout fits");
        socket
            .set_option(SocketOption::RcvTimeo, timeout)
            .expect("RCVTIMEO");
        socket
            .set_option(SocketOption::SndTimeo, timeout)
            .expect("SNDTIMEO");
        socket
            .set_option(SocketOption::Linger, 5000)
            .expect("LINGER");
        OurSocket {
            socket,
            first_properties: None,
        }
    }

    /// A property (Socket-Type, Identity or Peer-Address) of the first
    /// message received; `None` if absent or nothing was received.
    pub fn first_property(&self, name: &str) -> Option<&str> {
        self.first_properties
            .as_ref()?
            .iter()
            .find(|(n, _)| *n == name)?
            .1
            .as_deref()
    }

    /// Whether any message was received.
    pub fn received_any(&self) -> bool {
        self.first_properties.is_some()
    }

    /// A received message shows the peer's Socket-Type, Identity (as
    /// libzmq: from REQ, DEALER and ROUTER) and, over tcp, its Peer-Address.
    /// ZMTP 2.0 peers (JeroMQ) have no READY, so libzmq shows no metadata
    /// for them; nothing is checked there.
    fn check_metadata(&self, case: &Case) {
        if !self.received_any() || case.peer == PeerKind::Jeromq {
            return;
        }
        assert_eq!(
            self.first_property("Socket-Type"),
            Some(case.theirs.name()),
            "{case:?}: Socket-Type of a received message"
        );
        let sends_identity = matches!(
            case.theirs,
            SocketType::Req | SocketType::Dealer | SocketType::Router
        );
        let expected = match case.routing_id {
            Some(id) if case.theirs != SocketType::Router => Some(id),
            _ if sends_identity => Some(""),
            _ => None,
        };
        assert_eq!(
            self.first_property("Identity"),
            expected,
            "{case:?}: Identity of a received message"
        );
        if case.transport == Transport::Tcp {
            assert_eq!(
                self.first_property("Peer-Address"),
                Some("127.0.0.1"),
                "{case:?}: Peer-Address of a received message"
            );
        }
    }
}

impl Wire for OurSocket {
    fn send_message(&mut self, frames: Vec<Bytes>) -> Result<(), String> {
        self.socket
            .send_multipart(frames)
            .map_err(|e| format!("send: {e}"))
    }

    fn recv_message(&mut self) -> Result<Vec<Bytes>, String> {
        let mut frames = Vec::new();
        loop {
            let msg = self
                .socket
                .recv()
                .map_err(|e| format!("receive after {} frames: {e}", frames.len()))?;
            if self.first_properties.is_none() {
                let properties = ["Socket-Type", "Identity", "Peer-Address"]
                    .into_iter()
                    .map(|name| (name, msg.property(name).map(str::to_owned)))
                    .collect();
                self.first_properties = Some(properties);
            }
            let more = msg.more();
            frames.push(msg.into_bytes());
            if !more {
                return Ok(frames);
            }
        }
    }
}

impl Wire for Socket {
    fn send_message(&mut self, frames: Vec<Bytes>) -> Result<(), String> {
        self.send_multipart(frames)
            .map_err(|e| format!("send: {e}"))
    }

    fn recv_message(&mut self) -> Result<Vec<Bytes>, String> {
        self.recv_multipart()
            .map(Multipart::into_bytes)
            .map_err(|e| format!("receive: {e}"))
    }
}

/// The first `n` frames and the rest.
fn split(frames: &[Bytes], n: usize) -> (&[Bytes], &[Bytes]) {
    frames.split_at(n.min(frames.len()))
}
