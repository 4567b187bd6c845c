//! Against a real libzmq (4.3.5, bundled with pyzmq): raw bytes it sends are
//! parsed by our decoder, and our `Connection`, driven over a real TCP
//! socket, completes handshakes and exchanges messages with it.
//!
//! Each test starts a small Python script. Without pyzmq the tests fail when
//! `CI=true` and are skipped otherwise. Every wait has a deadline, and the
//! scripts kill themselves after 30 s, so nothing can hang.

// Test code: a panic is a failed test. (clippy's in-tests exemptions do
// not reach helpers outside #[test] functions.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command as Process, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::command::{local_metadata, Command};
use ferrozmq_zmtp::frame::{encode_frame, Decoder, Frame, Framing, TransmitQueue};
use ferrozmq_zmtp::greeting::{signature, Greeting, MechanismName};
use ferrozmq_zmtp::{
    Config, Connection, Error, Event, HeartbeatConfig, MechanismConfig, Metadata, PeerProtocol,
    SocketType, Subscription, ZapReply, ZapRequest,
};

const DEADLINE: Duration = Duration::from_secs(10);

/// Shared head of every peer script.
const PRELUDE: &str = r#"
import signal, sys, threading, zmq
signal.alarm(30)
ctx = zmq.Context()
def out(*a):
    print(*a, flush=True)
"#;

// ---------------------------------------------------------------- peers ---

/// A Python/libzmq peer process; killed when dropped.
struct PyPeer {
    child: Child,
    lines: Receiver<String>,
}

impl PyPeer {
    /// Starts `script` with `args`, or returns `None` (skip) without pyzmq.
    fn start(script: &str, args: &[&str]) -> Option<PyPeer> {
        if !pyzmq_available() {
            return None;
        }
        let mut child = Process::new("python3")
            .arg("-c")
            .arg(format!("{PRELUDE}{script}"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Some(PyPeer { child, lines })
    }

    /// The next line the script printed.
    fn line(&self) -> String {
        self.lines
            .recv_timeout(DEADLINE)
            .expect("peer printed nothing in time")
    }
}

impl Drop for PyPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pyzmq_available() -> bool {
    let ok = Process::new("python3")
        .args(["-c", "import zmq"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("pyzmq is missing; CI must install it (.ci/install-peers.sh)");
        }
        eprintln!("skipping: python3 with pyzmq not found");
    }
    ok
}

fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    (listener, port)
}

fn accept(listener: &TcpListener) -> TcpStream {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                return stream;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("no connection from the peer: {e}"),
        }
    }
}

fn connect(port: &str) -> TcpStream {
    TcpStream::connect(format!("127.0.0.1:{port}")).unwrap()
}

// ------------------------------------------------- driving a Connection ---

/// Why `Link::run_until` stopped early.
#[derive(Debug, PartialEq)]
enum Stop {
    Zmtp(Error),
    Eof,
}

/// Our `Connection` over a real TCP stream.
struct Link {
    stream: TcpStream,
    conn: Connection,
    buf: BytesMut,
    events: Vec<Event>,
    zap_requests: Vec<ZapRequest>,
    zap: Box<dyn FnMut(&ZapRequest) -> ZapReply>,
}

impl Link {
    fn new(stream: TcpStream, config: Config) -> Link {
        stream
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Link {
            stream,
            conn: Connection::new(config).unwrap(),
            buf: BytesMut::new(),
            events: Vec::new(),
            zap_requests: Vec::new(),
            zap: Box::new(|_| ZapReply::accepted()),
        }
    }

    fn flush(&mut self) {
        while !self.conn.transmit().is_empty() {
            let n = match self.stream.write(self.conn.transmit().front()) {
                Ok(n) => n,
                Err(_) => return, // the peer went away; reading will tell
            };
            self.conn.transmit().advance(n);
        }
    }

    /// Moves bytes until `done` holds, the connection fails or the peer closes.
    fn run_until(&mut self, mut done: impl FnMut(&Link) -> bool) -> Result<(), Stop> {
        let deadline = Instant::now() + DEADLINE;
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            self.flush();
            if done(self) {
                return Ok(());
            }
            assert!(
                Instant::now() < deadline,
                "timed out; events so far: {:?}",
                self.events
            );
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Stop::Eof),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    let result = self.conn.handle_read(&mut self.buf);
                    self.pump().map_err(Stop::Zmtp)?;
                    if let Err(e) = result {
                        self.flush();
                        return Err(Stop::Zmtp(e));
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return Err(Stop::Eof),
            }
            self.conn
                .handle_timeout(Instant::now())
                .map_err(Stop::Zmtp)?;
        }
    }

    fn pump(&mut self) -> Result<(), Error> {
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::ZapRequest(request) => {
                    let reply = (self.zap)(&request);
                    self.zap_requests.push(request);
                    self.conn.handle_zap_reply(reply)?;
                }
                other => self.events.push(other),
            }
        }
        Ok(())
    }

    fn handshake(&mut self) {
        self.run_until(|l| l.conn.is_ready())
            .expect("handshake with libzmq");
    }

    fn send(&mut self, parts: &[&[u8]]) {
        for (i, part) in parts.iter().enumerate() {
            let more = i + 1 < parts.len();
            self.conn
                .send_frame(Bytes::copy_from_slice(part), more)
                .unwrap();
        }
        self.flush();
    }

    fn frames(&self) -> Vec<Bytes> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Frame(f) => Some(f.body.clone()),
                _ => None,
            })
            .collect()
    }

    /// Waits for `n` data frames in all, and returns them.
    fn recv_frames(&mut self, n: usize) -> Vec<Bytes> {
        self.run_until(|l| l.frames().len() >= n).unwrap();
        self.frames()
    }
}

// ---------------------------------------------------------- raw bytes ---

/// Reads exactly `n` octets (or fails the test at the deadline).
fn read_exact(stream: &mut TcpStream, n: usize) -> Vec<u8> {
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut out = vec![0; n];
    stream.read_exact(&mut out).expect("peer sent too little");
    out
}

/// Reads and decodes frames until `n` have arrived; returns them and every
/// octet read.
fn read_frames(stream: &mut TcpStream, decoder: &mut Decoder, n: usize) -> (Vec<Frame>, Vec<u8>) {
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut buf = BytesMut::new();
    let mut raw = Vec::new();
    let mut frames = Vec::new();
    let mut chunk = [0u8; 4096];
    while frames.len() < n {
        let got = stream.read(&mut chunk).expect("peer sent too little");
        assert!(got > 0, "peer closed after {} frames", frames.len());
        buf.extend_from_slice(&chunk[..got]);
        raw.extend_from_slice(&chunk[..got]);
        while let Some(frame) = decoder.decode(&mut buf).unwrap() {
            frames.push(frame);
        }
    }
    assert!(buf.is_empty());
    (frames, raw)
}

fn ready_frame(socket_type: SocketType) -> Vec<u8> {
    let m = local_metadata(socket_type, &Bytes::new(), &Metadata::new()).unwrap();
    let mut q = TransmitQueue::new();
    encode_frame(Framing::V3, false, true, Command::Ready(m).encode(), &mut q);
    q.to_vec()
}

/// With `ZMTP_CAPTURE_DIR` set, keeps what a real peer sent (fuzz seeds).
fn keep_capture(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("ZMTP_CAPTURE_DIR") {
        std::fs::write(PathBuf::from(dir).join(name), bytes).unwrap();
    }
}

/// libzmq's greeting (in stages), READY and frames, parsed by our code.
#[test]
fn raw_dealer_greeting_ready_and_frames() {
    let (listener, port) = listen();
    let script = r#"
s = ctx.socket(zmq.DEALER)
s.setsockopt(zmq.IDENTITY, b"py-dealer")
s.connect("tcp://127.0.0.1:" + sys.argv[1])
s.send_multipart([b"hello", b"x" * 300])
out("sent")
s.recv()
"#;
    let Some(peer) = PyPeer::start(script, &[&port]) else {
        return;
    };
    let mut stream = accept(&listener);
    assert_eq!(peer.line(), "sent");

    // Stage 1: only the signature, whose padding is identity length + 1.
    let sig = read_exact(&mut stream, 10);
    assert_eq!(sig[0], 0xFF);
    assert_eq!(u64::from_be_bytes(sig[1..9].try_into().unwrap()), 10);
    assert_eq!(sig[9], 0x7F);
    stream.write_all(&signature(0)).unwrap();
    // Stage 2: the major version, once it has our signature.
    let major = read_exact(&mut stream, 1);
    assert_eq!(major, [3]);
    let ours = Greeting::new(MechanismName::NULL, false).encode_after_signature();
    stream.write_all(&ours[..1]).unwrap();
    // Stage 3: the rest, once it has our major version.
    let rest = read_exact(&mut stream, 53);
    let mut greeting = sig.clone();
    greeting.extend_from_slice(&major);
    greeting.extend_from_slice(&rest);
    let g = Greeting::decode(&greeting).unwrap();
    assert_eq!((g.major, g.minor), (3, 1));
    assert_eq!(g.mechanism, MechanismName::NULL);
    assert!(!g.as_server);

    stream.write_all(&ours[1..]).unwrap();
    stream.write_all(&ready_frame(SocketType::Router)).unwrap();
    let mut decoder = Decoder::new(Framing::V3, None);
    let (frames, raw) = read_frames(&mut stream, &mut decoder, 3);
    let mut capture = greeting.clone();
    capture.extend_from_slice(&raw);
    keep_capture("libzmq-dealer-greeting-ready-frames", &capture);

    assert!(frames[0].command);
    let Command::Ready(m) = Command::decode(&frames[0].body).unwrap() else {
        panic!("expected READY, got {:?}", frames[0]);
    };
    assert_eq!(m.get_str("Socket-Type"), Some("DEALER"));
    assert_eq!(m.get_str("Identity"), Some("py-dealer"));
    assert_eq!(frames[1], Frame::data(&b"hello"[..], true));
    assert_eq!(frames[2], Frame::data(vec![b'x'; 300], false));
    // libzmq uses the long size form only above 255.
    assert!(raw.windows(2).any(|w| w == [0x01, 5]));
    let long_header = [0x02, 0, 0, 0, 0, 0, 0, 1, 0x2C, b'x'];
    assert!(raw.windows(10).any(|w| w == long_header));
}

/// libzmq sends SUBSCRIBE commands to a 3.1 peer and the message form to a
/// 3.0 peer (ZMTP-FACTS 13).
#[test]
fn raw_subscriber_adapts_to_our_minor_version() {
    for minor in [1u8, 0] {
        let (listener, port) = listen();
        let script = r#"
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, b"weather")
s.connect("tcp://127.0.0.1:" + sys.argv[1])
out("subscribed")
s.recv()
"#;
        let Some(peer) = PyPeer::start(script, &[&port]) else {
            return;
        };
        let mut stream = accept(&listener);
        assert_eq!(peer.line(), "subscribed");
        let mut g = Greeting::new(MechanismName::NULL, false);
        g.minor = minor;
        stream.write_all(&g.encode(0)).unwrap();
        stream.write_all(&ready_frame(SocketType::Pub)).unwrap();
        let theirs = read_exact(&mut stream, 64);
        assert_eq!(Greeting::decode(&theirs).unwrap().minor, 1);
        let mut decoder = Decoder::new(Framing::V3, None);
        let (frames, raw) = read_frames(&mut stream, &mut decoder, 2);
        let Command::Ready(m) = Command::decode(&frames[0].body).unwrap() else {
            panic!("expected READY");
        };
        assert_eq!(m.get_str("Socket-Type"), Some("SUB"));
        assert!(m.get("Identity").is_none(), "SUB sends no Identity");
        if minor == 1 {
            assert!(frames[1].command);
            assert_eq!(
                Command::decode(&frames[1].body).unwrap(),
                Command::Subscribe(Bytes::from_static(b"weather"))
            );
            let mut capture = theirs.clone();
            capture.extend_from_slice(&raw);
            keep_capture("libzmq-sub-greeting-ready-subscribe", &capture);
        } else {
            assert_eq!(frames[1], Frame::data(&b"\x01weather"[..], false));
        }
    }
}

/// libzmq answers a hand-written ZMTP 2.0 greeting in 2.0, as our legacy
/// path assumes: major 3, then its socket type, then an identity frame.
#[test]
fn raw_zmtp20_client_against_libzmq() {
    let script = r#"
s = ctx.socket(zmq.PULL)
out(s.bind_to_random_port("tcp://127.0.0.1"))
out(s.recv_multipart())
"#;
    let Some(peer) = PyPeer::start(script, &[]) else {
        return;
    };
    let mut stream = connect(&peer.line());
    let mut hello = signature(2).to_vec();
    hello.push(0x01); // revision: ZMTP 2.0
    hello.push(SocketType::Push.number());
    hello.extend_from_slice(b"\x00\x02me"); // identity frame
    hello.extend_from_slice(b"\x01\x01a\x00\x02bc"); // message "a", "bc"
    stream.write_all(&hello).unwrap();

    let head = read_exact(&mut stream, 12);
    assert_eq!(head[0], 0xFF);
    assert_eq!(head[9], 0x7F);
    assert_eq!(head[10], 3, "libzmq announces its own major");
    assert_eq!(head[11], SocketType::Pull.number());
    let mut decoder = Decoder::new(Framing::V2, None);
    let (frames, _) = read_frames(&mut stream, &mut decoder, 1);
    assert_eq!(
        frames[0],
        Frame::data(Bytes::new(), false),
        "identity frame"
    );
    assert_eq!(peer.line(), "[b'a', b'bc']");
}

// ------------------------------------------------ Connection ↔ libzmq ---

#[test]
fn our_req_to_libzmq_rep() {
    let script = r#"
s = ctx.socket(zmq.REP)
out(s.bind_to_random_port("tcp://127.0.0.1"))
while True:
    msg = s.recv_multipart()
    s.send_multipart([b"re:" + m for m in msg])
"#;
    let Some(peer) = PyPeer::start(script, &[]) else {
        return;
    };
    let stream = connect(&peer.line());
    let mut link = Link::new(stream, Config::new(SocketType::Req));
    link.handshake();
    let info = link.conn.peer().unwrap();
    assert_eq!(info.socket_type, Some(SocketType::Rep));
    assert_eq!((info.major, info.minor), (3, 1));
    assert_eq!(info.protocol, PeerProtocol::Zmtp3);

    let big = vec![b'z'; 100_000];
    link.send(&[b"", b"hello", &big]);
    let got = link.recv_frames(3);
    assert_eq!(got[0], "");
    assert_eq!(got[1], "re:hello");
    assert_eq!(got[2].len(), 100_003);
    assert!(got[2].starts_with(b"re:zzz"));
    link.send(&[b"", b"again"]);
    assert_eq!(link.recv_frames(5)[4], "re:again");
}

#[test]
fn libzmq_req_to_our_rep() {
    let (listener, port) = listen();
    let script = r#"
s = ctx.socket(zmq.REQ)
s.connect("tcp://127.0.0.1:" + sys.argv[1])
s.send_multipart([b"a", b"b"])
out(b",".join(s.recv_multipart()).decode())
"#;
    let Some(peer) = PyPeer::start(script, &[&port]) else {
        return;
    };
    let mut link = Link::new(accept(&listener), Config::new(SocketType::Rep));
    link.handshake();
    let info = link.conn.peer().unwrap();
    assert_eq!(info.socket_type, Some(SocketType::Req));
    // libzmq's REQ sends an (empty) Identity.
    assert_eq!(info.metadata.get("Identity").map(|v| v.len()), Some(0));
    assert_eq!(link.recv_frames(3), ["", "a", "b"]);
    link.send(&[b"", b"A", b"B"]);
    assert_eq!(peer.line(), "A,B");
}

/// A libzmq PLAIN server with a ZAP handler thread (RFC 27) written inline.
const PLAIN_SERVER: &str = r#"
def zap():
    h = ctx.socket(zmq.REP)
    h.bind("inproc://zeromq.zap.01")
    ready.set()
    while True:
        version, rid, domain, address, identity, mech, user, password = h.recv_multipart()
        if mech == b"PLAIN" and user == b"admin" and password == b"secret":
            h.send_multipart([b"1.0", rid, b"200", b"OK", b"admin-id", b""])
        else:
            h.send_multipart([b"1.0", rid, b"400", b"denied", b"", b""])
ready = threading.Event()
threading.Thread(target=zap, daemon=True).start()
ready.wait()
s = ctx.socket(zmq.REP)
s.plain_server = True
out(s.bind_to_random_port("tcp://127.0.0.1"))
while True:
    frames = s.recv_multipart(copy=False)
    s.send_multipart([f.bytes.upper() for f in frames] + [frames[0].get("User-Id").encode()])
"#;

fn plain_client(user: &str, password: &str) -> Config {
    let mut config = Config::new(SocketType::Req);
    config.mechanism = MechanismConfig::PlainClient {
        username: Bytes::copy_from_slice(user.as_bytes()),
        password: Bytes::copy_from_slice(password.as_bytes()),
    };
    config
}

#[test]
fn our_plain_client_to_libzmq_plain_server() {
    let Some(peer) = PyPeer::start(PLAIN_SERVER, &[]) else {
        return;
    };
    let port = peer.line();
    let mut link = Link::new(connect(&port), plain_client("admin", "secret"));
    link.handshake();
    assert_eq!(link.conn.peer().unwrap().socket_type, Some(SocketType::Rep));
    link.send(&[b"", b"hi", b"there"]);
    // The ZAP handler's user id reached libzmq's messages.
    assert_eq!(link.recv_frames(4), ["", "HI", "THERE", "admin-id"]);

    // Wrong password: libzmq sends ERROR with the ZAP status code.
    let mut refused = Link::new(connect(&port), plain_client("admin", "guess"));
    let stop = refused.run_until(|l| l.conn.is_ready());
    assert_eq!(stop, Err(Stop::Zmtp(Error::PeerError("400".into()))));
}

#[test]
fn libzmq_plain_client_to_our_plain_server() {
    let (listener, port) = listen();
    let script = r#"
s = ctx.socket(zmq.DEALER)
s.plain_username = b"admin"
s.plain_password = b"secret"
s.connect("tcp://127.0.0.1:" + sys.argv[1])
s.send_multipart([b"hello", b"plain"])
out(b" ".join(s.recv_multipart()).decode())
"#;
    let Some(peer) = PyPeer::start(script, &[&port]) else {
        return;
    };
    let mut config = Config::new(SocketType::Router);
    config.mechanism = MechanismConfig::PlainServer;
    let mut link = Link::new(accept(&listener), config);
    link.zap = Box::new(|req| {
        if req.credentials == [Bytes::from("admin"), Bytes::from("secret")] {
            ZapReply::accepted()
        } else {
            ZapReply::refused("400")
        }
    });
    link.handshake();
    assert_eq!(link.zap_requests.len(), 1);
    assert_eq!(link.zap_requests[0].mechanism, "PLAIN");
    let info = link.conn.peer().unwrap();
    assert_eq!(info.socket_type, Some(SocketType::Dealer));
    assert_eq!(link.recv_frames(2), ["hello", "plain"]);
    link.send(&[b"welcome", b"back"]);
    assert_eq!(peer.line(), "welcome back");
}

#[test]
fn libzmq_subscriber_reaches_our_publisher() {
    for minor in [1u8, 0] {
        let (listener, port) = listen();
        let script = r#"
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, b"weather")
s.connect("tcp://127.0.0.1:" + sys.argv[1])
out(s.recv().decode())
"#;
        let Some(peer) = PyPeer::start(script, &[&port]) else {
            return;
        };
        let mut config = Config::new(SocketType::Pub);
        config.minor_version = minor;
        let mut link = Link::new(accept(&listener), config);
        link.handshake();
        let expected = if minor == 1 {
            Event::Subscription(Subscription::Subscribe(Bytes::from_static(b"weather")))
        } else {
            // A 3.0 peer gets the message form, passed up as a frame.
            Event::Frame(Frame::data(&b"\x01weather"[..], false))
        };
        link.run_until(|l| l.events.contains(&expected)).unwrap();
        link.send(&[b"sport 1"]);
        link.send(&[b"weather 42"]);
        assert_eq!(peer.line(), "weather 42");
    }
}

/// Our PINGs get libzmq's PONGs: with a silent libzmq ROUTER, the only
/// traffic keeping us from timing out is its PONG.
#[test]
fn libzmq_answers_our_pings() {
    let Some(peer) = PyPeer::start(HEARTBEAT_ROUTER, &["0"]) else {
        return;
    };
    let mut config = Config::new(SocketType::Dealer);
    config.heartbeat = HeartbeatConfig {
        interval: Some(Duration::from_millis(100)),
        ttl: Some(Duration::from_millis(2000)),
        timeout: Some(Duration::from_millis(600)),
    };
    let mut link = Link::new(connect(&peer.line()), config);
    link.handshake();
    let until = Instant::now() + Duration::from_millis(1500);
    link.run_until(|_| Instant::now() >= until).unwrap();
    link.send(&[b"alive"]);
    assert_eq!(link.recv_frames(1), ["alive!"]);
}

/// libzmq's PINGs (with a TTL) get our PONGs, or it would drop us after
/// its 600 ms timeout.
#[test]
fn we_answer_libzmq_pings() {
    let Some(peer) = PyPeer::start(HEARTBEAT_ROUTER, &["1"]) else {
        return;
    };
    let mut link = Link::new(connect(&peer.line()), Config::new(SocketType::Dealer));
    link.handshake();
    let until = Instant::now() + Duration::from_millis(1500);
    link.run_until(|_| Instant::now() >= until).unwrap();
    // Its PING carried a TTL, so we now watch for its traffic.
    assert!(link.conn.poll_timeout().is_some());
    link.send(&[b"alive"]);
    assert_eq!(link.recv_frames(1), ["alive!"]);
}

const HEARTBEAT_ROUTER: &str = r#"
s = ctx.socket(zmq.ROUTER)
if sys.argv[1] == "1":
    s.heartbeat_ivl = 100
    s.heartbeat_timeout = 600
    s.heartbeat_ttl = 2000
out(s.bind_to_random_port("tcp://127.0.0.1"))
while True:
    rid, body = s.recv_multipart()
    s.send_multipart([rid, body + b"!"])
"#;
