//! Support for the publish-subscribe tests: scripted peers, a model of
//! what a subscriber should receive, and a recording TCP relay.
//!
//! The peers (`peers/c/pubsub.c`, `peers/python/pubsub.py`) take commands on
//! stdin (`sub`, `unsub`, `send`, `recv`, `wait`, `collect`, `probe`,
//! `quit`; see either file) and print what they receive, frames in hex.
//!
//! Publish-subscribe has no acknowledgements, so the tests synchronise
//! through the data path instead of sleeping. Subscriptions travel in order
//! on one connection, so once a probe on a fresh *control* topic (first
//! octet 0x7f, see [`sync_topic`]) subscribed last gets through, every
//! earlier (un)subscription is in force at the publisher. Each phase then
//! sends a [`batch`] of messages and an end marker, and the subscriber's
//! list must equal [`Model::expected`] exactly, in order.
//!
//! One limit: while the empty prefix is subscribed, every probe matches, so
//! a phase that cancels it may see its probe early. Such a phase must only
//! cancel (the publisher then sends at most a few messages too many, which
//! a SUB filters out itself), and end markers live under [`END_PREFIX`],
//! subscribed once at the start, so no cancel can lose them.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{Socket, SocketType};

use crate::peer::{c_program, python_program, Peer, PeerKind};
use crate::{IpcFile, Transport, STEP_TIMEOUT};

/// One subscription change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Subscribe to a prefix.
    Sub(&'static [u8]),
    /// Cancel one subscription to a prefix.
    Unsub(&'static [u8]),
}

impl Change {
    /// The scripted peer's command for this change.
    pub fn command(self) -> String {
        match self {
            Change::Sub(t) => format!("sub {}", hex(t)),
            Change::Unsub(t) => format!("unsub {}", hex(t)),
        }
    }

    /// Applies the change to one of our SUB sockets.
    pub fn apply_to(self, socket: &mut Socket) {
        match self {
            Change::Sub(t) => socket.subscribe(t).expect("subscribe"),
            Change::Unsub(t) => socket.unsubscribe(t).expect("unsubscribe"),
        }
    }
}

use Change::{Sub, Unsub};

/// Subscription changes before each phase: several topics, prefixes of
/// each other, a binary topic, a topic subscribed twice (one cancel keeps
/// it), the empty prefix (everything), and cancels back down.
pub const PHASES: &[&[Change]] = &[
    &[
        Sub(b"weather.1000"),
        Sub(b"sports"),
        Sub(b"news"),
        Sub(b"news"),
        Sub(b"\x00"),
    ],
    &[Unsub(b"news"), Unsub(b"sports"), Sub(b"sports.nba")],
    &[Sub(b"")],
    &[Unsub(b""), Unsub(b"news"), Unsub(b"weather.1000")],
];

/// Phases for a subscriber that filters nothing itself (a raw ZMTP 3.0
/// peer): no topic twice, and the empty prefix last, never cancelled, so
/// every probe proves the publisher is up to date.
pub const DISTINCT_PHASES: &[&[Change]] = &[
    &[
        Sub(b"weather.1000"),
        Sub(b"sports"),
        Sub(b"news"),
        Sub(b"\x00"),
    ],
    &[Unsub(b"sports"), Sub(b"sports.nba")],
    &[Unsub(b"news"), Unsub(b"weather.1000"), Sub(b"weather.2")],
    &[Sub(b"")],
];

/// First frames of the messages in a [`batch`]: prefixes of one another,
/// the empty topic, and binary ones.
pub const TOPICS: &[&[u8]] = &[
    b"weather.10001",
    b"weather.10002",
    b"weather.2000",
    b"weather",
    b"sports.nba",
    b"sports.nfl",
    b"sports",
    b"sport",
    b"news",
    b"newsflash",
    b"",
    b"\x00bin",
    b"\x01x",
];

/// Rounds of [`TOPICS`] in a [`batch`].
const ROUNDS: usize = 4;

/// The messages a publisher sends in phase `phase`: `ROUNDS` rounds over
/// [`TOPICS`], some one frame (the topic alone), most a topic and a body
/// naming phase, round and topic.
pub fn batch(phase: usize) -> Vec<Vec<Bytes>> {
    let mut out = Vec::new();
    for round in 0..ROUNDS {
        for (i, topic) in TOPICS.iter().enumerate() {
            let topic = Bytes::from_static(topic);
            if (round + i) % 3 == 0 {
                out.push(vec![topic]);
            } else {
                let body = format!("phase {phase} round {round} topic {i}");
                out.push(vec![topic, Bytes::from(body)]);
            }
        }
    }
    out
}

/// The control topic that marks phase `phase` as synchronised: 0x7f, the
/// phase number, a dot (so no phase's topic is a prefix of another's).
pub fn sync_topic(phase: usize) -> Bytes {
    Bytes::from(format!("\x7f{phase}."))
}

/// The prefix of every end marker, which subscribers take at the start.
/// It is no prefix of a [`sync_topic`].
pub const END_PREFIX: &[u8] = b"\x7f.";

/// The end marker of phase `phase`.
pub fn end_topic(phase: usize) -> Bytes {
    Bytes::from(format!("\x7f.end{phase}"))
}

/// Whether a message is control traffic (probes, end markers).
pub fn is_control(frames: &[Bytes]) -> bool {
    frames.first().and_then(|f| f.first()) == Some(&0x7f)
}

/// What a subscriber holds: counted prefixes, as a SUB socket counts them.
#[derive(Debug, Default, Clone)]
pub struct Model {
    subscriptions: Vec<&'static [u8]>,
}

impl Model {
    /// Applies one change.
    pub fn apply(&mut self, change: Change) {
        match change {
            Sub(t) => self.subscriptions.push(t),
            Unsub(t) => {
                if let Some(i) = self.subscriptions.iter().position(|s| *s == t) {
                    self.subscriptions.remove(i);
                }
            }
        }
    }

    /// Whether a message with first frame `topic` matches a subscription.
    pub fn matches(&self, topic: &[u8]) -> bool {
        self.subscriptions.iter().any(|s| topic.starts_with(s))
    }

    /// The messages of `sent` that a subscriber must receive, in order.
    pub fn expected(&self, sent: &[Vec<Bytes>]) -> Vec<Vec<Bytes>> {
        sent.iter()
            .filter(|m| self.matches(m.first().map_or(&[][..], |f| &f[..])))
            .cloned()
            .collect()
    }
}

/// `bytes` in lowercase hex; `-` for no bytes (the peers' notation).
pub fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_owned();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The line a peer prints for a message: `msg` and a hex word per frame.
pub fn msg_line(frames: &[Bytes]) -> String {
    let mut line = "msg".to_owned();
    for f in frames {
        line.push(' ');
        line.push_str(&hex(f));
    }
    line
}

/// The peer's command to send `frames`.
pub fn send_command(frames: &[Bytes]) -> String {
    format!("send{}", &msg_line(frames)[3..])
}

/// The scripted pub-sub program for `kind` (built or found once per run).
fn program(kind: PeerKind) -> Result<Vec<std::ffi::OsString>, String> {
    static C: OnceLock<Result<Vec<std::ffi::OsString>, String>> = OnceLock::new();
    static PYTHON: OnceLock<Result<Vec<std::ffi::OsString>, String>> = OnceLock::new();
    match kind {
        PeerKind::Libzmq => C.get_or_init(|| c_program("pubsub")).clone(),
        PeerKind::Pyzmq => PYTHON.get_or_init(|| python_program("pubsub.py")).clone(),
        PeerKind::Jeromq => Err("no scripted pub-sub peer for JeroMQ".to_owned()),
    }
}

/// Starts a scripted `theirs` peer that binds `endpoint` (a wildcard or
/// fresh path) and returns it with the endpoint it bound.
pub fn start_bound(kind: PeerKind, theirs: SocketType, endpoint: &str) -> Option<(Peer, String)> {
    let mut peer = Peer::spawn_program(kind, program(kind), &[theirs.name(), "bind", endpoint])?;
    let ep = peer.bound_endpoint();
    Some((peer, ep))
}

/// Starts a scripted `theirs` peer that connects to `endpoint`.
pub fn start_connected(kind: PeerKind, theirs: SocketType, endpoint: &str) -> Option<Peer> {
    let mut peer = Peer::spawn_program(kind, program(kind), &[theirs.name(), "connect", endpoint])?;
    expect(&mut peer, "connected");
    Some(peer)
}

/// A scripted peer connected to one of our sockets, and the ipc socket
/// file to remove at the end, if any.
#[derive(Debug)]
pub struct Started {
    /// The peer.
    pub peer: Peer,
    /// Removes the ipc file when dropped.
    pub file: IpcFile,
}

/// Connects a scripted `theirs` peer and `ours` over `transport`: we bind
/// and it connects, or the reverse. `None`: the peer is not installed.
pub fn start(
    kind: PeerKind,
    theirs: SocketType,
    transport: Transport,
    we_bind: bool,
    ours: &mut Socket,
) -> Option<Started> {
    let endpoint = transport.bind_endpoint();
    let file = IpcFile::of(&endpoint);
    let peer = if we_bind {
        ours.bind(&endpoint).expect("bind");
        let ep = ours.last_endpoint().to_owned();
        start_connected(kind, theirs, &ep)?
    } else {
        let (peer, ep) = start_bound(kind, theirs, &endpoint)?;
        ours.connect(&ep).expect("connect");
        peer
    };
    Some(Started { peer, file })
}

/// Reads the peer's next line and checks it is `want`.
pub fn expect(peer: &mut Peer, want: &str) {
    let got = peer.line();
    if got != want {
        panic!(
            "{} peer said {got:?}, expected {want:?}; stderr:\n{}",
            peer.kind().name(),
            peer.stderr()
        );
    }
}

/// The `msg` lines a peer prints up to its `end` line.
pub fn collected(peer: &mut Peer) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let Some(line) = peer.line_within(STEP_TIMEOUT) else {
            let status = peer.kill();
            panic!(
                "{} peer: no end line within {STEP_TIMEOUT:?} ({status}); it had collected {lines:#?}; stderr:\n{}",
                peer.kind().name(),
                peer.stderr()
            );
        };
        if line == "end" {
            return lines;
        }
        if !line.starts_with("msg") {
            panic!(
                "{} peer said {line:?} while collecting; stderr:\n{}",
                peer.kind().name(),
                peer.stderr()
            );
        }
        lines.push(line);
    }
}

/// Receives one message on our socket (within its RCVTIMEO), with the
/// peer's stderr in the panic message if none comes.
pub fn recv_from(socket: &mut Socket, peer: &mut Peer) -> Vec<Bytes> {
    match socket.recv_multipart() {
        Ok(frames) => frames.into_bytes(),
        Err(e) => panic!(
            "{:?} received nothing from the {} peer: {e}; its stderr:\n{}",
            socket.socket_type(),
            peer.kind().name(),
            peer.stderr()
        ),
    }
}

/// Receives on `socket` until the message whose first frame is `until`,
/// skipping other control messages; returns the rest, in order.
pub fn collect(socket: &mut Socket, peer: &mut Peer, until: &[u8]) -> Vec<Vec<Bytes>> {
    let mut got = Vec::new();
    loop {
        let frames = recv_from(socket, peer);
        if frames.first().is_some_and(|f| f == until) {
            return got;
        }
        if !is_control(&frames) {
            got.push(frames);
        }
    }
}

/// Sends `[topic, "probe"]` on `publisher` every few milliseconds until
/// `synced` says the subscribers have seen one; panics after
/// [`STEP_TIMEOUT`].
pub fn probe_until(publisher: &mut Socket, topic: &Bytes, mut synced: impl FnMut() -> bool) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        publisher
            .send_multipart([topic.clone(), Bytes::from_static(b"probe")])
            .expect("send a probe");
        if synced() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no subscriber saw a probe on {topic:?} within {STEP_TIMEOUT:?}"
        );
    }
}

/// Waits `within` for a scripted peer's `synced` line.
pub fn peer_synced(peer: &mut Peer, within: Duration) -> bool {
    match peer.line_within(within) {
        None => false,
        Some(line) if line == "synced" => true,
        Some(line) => panic!(
            "{} peer said {line:?} instead of synced; stderr:\n{}",
            peer.kind().name(),
            peer.stderr()
        ),
    }
}

/// A TCP relay that forwards one connection to `upstream` and records the
/// bytes each way, to see what the two ends put on the wire.
#[derive(Debug)]
pub struct Relay {
    port: u16,
    /// Bytes from the connecting side (the client) to `upstream`.
    pub client_to_upstream: Arc<Mutex<Vec<u8>>>,
    /// Bytes from `upstream` back to the client.
    pub upstream_to_client: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    /// Listens on a loopback port; the first connection is relayed to
    /// `upstream` (`tcp://host:port`).
    pub fn start(upstream: &str) -> Relay {
        let upstream = upstream
            .strip_prefix("tcp://")
            .expect("a tcp endpoint")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let up = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(Mutex::new(Vec::new()));
        let (up2, down2) = (up.clone(), down.clone());
        // Detached: it ends when both sides have closed.
        std::thread::spawn(move || {
            let Some(client) = accept_within(&listener, STEP_TIMEOUT) else {
                return;
            };
            let server = TcpStream::connect(&upstream).expect("relay: connect upstream");
            let (c2, s2) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            let forward = std::thread::spawn(move || pump(c2, s2, &up2));
            pump(server, client, &down2);
            let _ = forward.join();
        });
        Relay {
            port,
            client_to_upstream: up,
            upstream_to_client: down,
        }
    }

    /// The endpoint clients connect to.
    pub fn endpoint(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }
}

/// Copies `from` to `to`, recording, until either side closes.
fn pump(mut from: TcpStream, mut to: TcpStream, record: &Mutex<Vec<u8>>) {
    let mut buf = vec![0u8; 1 << 16];
    while let Ok(n) = from.read(&mut buf) {
        let Some(bytes) = buf.get(..n).filter(|b| !b.is_empty()) else {
            break;
        };
        record.lock().expect("record").extend_from_slice(bytes);
        if to.write_all(bytes).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}

/// Accepts one connection within `timeout`.
pub fn accept_within(listener: &TcpListener, timeout: Duration) -> Option<TcpStream> {
    listener
        .set_nonblocking(true)
        .expect("nonblocking listener");
    let deadline = Instant::now() + timeout;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).expect("blocking stream");
                return Some(stream);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => return None,
        }
    }
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
