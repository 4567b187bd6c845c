//! Connections that end in every odd way release their descriptors at once
//! (issue 15), on tcp and ipc, while a well-behaved peer keeps its traffic;
//! and the context's socket table (MAX_SOCKETS), whose 20 000 sockets take
//! nearly every descriptor.
//!
//! A test binary of its own, with one test at a time ([`ONE_AT_A_TIME`]): it
//! counts and limits the process's descriptors, which tests running beside
//! it would change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use ferrozmq::{Context, ContextOption, ErrorKind, Socket, SocketOption, SocketType};

/// As in the C library (bindings/c): see the dev-dependency's note.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Held by each test: they count and limit the process's descriptors.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Ways a raw client ends its connection (see [`Raw::end`]).
const ENDINGS: [usize; 6] = [0, 1, 2, 3, 4, 5];

fn open_fds() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .map(|p| p.display().to_string())
        .collect()
}

/// This process's resident memory (VmRSS) in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A NULL greeting (signature, ZMTP 3.1, NULL, not server).
fn greeting() -> Vec<u8> {
    let mut g = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 1];
    g.extend_from_slice(b"NULL");
    g.resize(64, 0);
    g
}

fn ready(socket_type: &str) -> Vec<u8> {
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&(socket_type.len() as u32).to_be_bytes());
    body.extend_from_slice(socket_type.as_bytes());
    let mut frame = vec![0x04, body.len() as u8];
    frame.extend_from_slice(&body);
    frame
}

/// A raw client connection on either transport.
enum Raw {
    Tcp(TcpStream),
    Ipc(UnixStream),
}

impl Raw {
    fn connect(endpoint: &str) -> Raw {
        match endpoint.split_once("://").unwrap() {
            ("tcp", addr) => Raw::Tcp(TcpStream::connect(addr).unwrap()),
            (_, path) => Raw::Ipc(UnixStream::connect(path).unwrap()),
        }
    }

    fn io(&mut self) -> &mut dyn ReadWrite {
        match self {
            Raw::Tcp(s) => s,
            Raw::Ipc(s) => s,
        }
    }

    /// Makes the coming close a TCP reset (on ipc, a plain close).
    fn reset_on_close(&self) {
        if let Raw::Tcp(s) = self {
            socket2::SockRef::from(s)
                .set_linger(Some(Duration::ZERO))
                .unwrap();
        }
    }

    /// Plays ending `how` and closes: 0 at once; 1 a reset at once; 2 after
    /// the greeting; 3 a reset after the handshake; 4 the handshake and a
    /// message sent with the close; 5 a reset after reading our READY.
    fn end(mut self, how: usize, peer_type: &str) {
        let mut buf = [0u8; 64];
        let handshake = [greeting(), ready(peer_type)].concat();
        match how {
            0 => {}
            1 => self.reset_on_close(),
            2 => {
                let _ = self.io().write_all(&greeting());
                let _ = self.io().read_exact(&mut buf);
            }
            3 => {
                let _ = self.io().write_all(&handshake);
                let _ = self.io().read_exact(&mut buf);
                self.reset_on_close();
            }
            4 => {
                let _ = self.io().write_all(&greeting());
                let _ = self.io().write_all(&ready(peer_type));
                let _ = self.io().write_all(b"\x00\x05hello");
                let _ = self.io().read_exact(&mut buf);
            }
            _ => {
                let _ = self.io().write_all(&handshake);
                let _ = self.io().read_exact(&mut buf);
                let _ = self.io().read(&mut buf);
                self.reset_on_close();
            }
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// Churns `cycles` raw clients against a bound `socket_type` while a real
/// peer exchanges messages with it; asserts the descriptors come back and
/// the real peer lost nothing.
fn churn(
    transport: &str,
    socket_type: SocketType,
    peer: SocketType,
    endings: &[usize],
    cycles: usize,
) {
    let ctx = Context::new();
    let mut server = socket(&ctx, socket_type);
    let endpoint = bind(&mut server, transport);
    let peer_type = if socket_type == SocketType::Pull {
        "PUSH"
    } else {
        "DEALER"
    };
    let mut good = socket(&ctx, peer);
    good.connect(&endpoint).unwrap();
    let mut exchanged = 0;
    let mut exchange = |server: &mut ferrozmq::Socket, good: &mut ferrozmq::Socket| {
        good.send(format!("m{exchanged}")).unwrap();
        // Raw clients' "hello" messages arrive too: set them aside.
        loop {
            if socket_type == SocketType::Router {
                let _id = server.recv().unwrap();
            }
            let body = server.recv_string().unwrap();
            if body != "hello" {
                assert_eq!(body, format!("m{exchanged}"));
                break;
            }
        }
        exchanged += 1;
    };
    // Descriptors a socket opens once, on first use, are counted after a
    // first round of each ending.
    for &how in endings {
        Raw::connect(&endpoint).end(how, peer_type);
    }
    exchange(&mut server, &mut good);
    std::thread::sleep(Duration::from_millis(100));
    let before = open_fds();
    let rss_before = rss_kib();
    let started = Instant::now();
    for i in 0..cycles {
        Raw::connect(&endpoint).end(endings[i % endings.len()], peer_type);
        if i % 50 == 0 {
            exchange(&mut server, &mut good);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_fds().len() > before.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = open_fds();
    eprintln!(
        "churn {transport} {socket_type:?}: {cycles} cycles in {:.1} s: fds {} -> {}, \
         RSS {} -> {} KiB",
        started.elapsed().as_secs_f64(),
        before.len(),
        after.len(),
        rss_before,
        rss_kib()
    );
    assert_eq!(
        after.len(),
        before.len(),
        "{transport} {socket_type:?}: {after:?}, before {before:?}"
    );
    // Memory comes back too (within what the allocator keeps for reuse).
    let grown = rss_kib().saturating_sub(rss_before);
    assert!(
        grown < 32 * 1024,
        "{transport} {socket_type:?}: RSS grew {grown} KiB"
    );
    exchange(&mut server, &mut good);
    if socket_type == SocketType::Router {
        // Replies still reach the good peer.
        good.send("ping").unwrap();
        let id = loop {
            let id = server.recv().unwrap();
            if server.recv_string().unwrap() == "ping" {
                break id;
            }
        };
        server.send_more(id).unwrap();
        server.send("pong").unwrap();
        assert_eq!(good.recv_string().unwrap(), "pong");
    }
}

#[test]
fn churning_clients_leave_no_descriptors_behind() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The end of the stream in the same edge-triggered event as the last
    // bytes: a short read must not be taken for a drained socket.
    churn("tcp", SocketType::Router, SocketType::Dealer, &[4], 1500);
    churn("tcp", SocketType::Pull, SocketType::Push, &[4], 1500);
    // Every ending in turn.
    for transport in ["tcp", "ipc"] {
        churn(
            transport,
            SocketType::Router,
            SocketType::Dealer,
            &ENDINGS,
            3000,
        );
        churn(
            transport,
            SocketType::Pull,
            SocketType::Push,
            &ENDINGS,
            3000,
        );
    }
}

/// The long soak of issue 15: `cargo test -p ferrozmq --test churn --
/// --ignored churn_soak` (100,000 cycles per transport and socket type).
#[test]
#[ignore = "soak: minutes; run by hand"]
fn churn_soak() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for transport in ["tcp", "ipc"] {
        churn(
            transport,
            SocketType::Router,
            SocketType::Dealer,
            &ENDINGS,
            100_000,
        );
        churn(
            transport,
            SocketType::Pull,
            SocketType::Push,
            &ENDINGS,
            100_000,
        );
    }
}

/// A socket out of descriptors keeps serving its peers, and accepts the
/// connections that waited as soon as descriptors free up, with no new
/// connection needed to prompt it (libzmq backs off and retries on EMFILE).
#[test]
fn listener_at_its_descriptor_limit_recovers() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let endpoint = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.connect(&endpoint).unwrap();
    push.send("before").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "before");

    // Ten clients in another process, started before the limit drops (a
    // spawn needs descriptors of its own): told to go, each completes a
    // handshake and sends one message, then waits to be told to leave.
    let addr = endpoint.strip_prefix("tcp://").unwrap();
    let mut clients = std::process::Command::new("python3")
        .args(["-c", CLIENTS, addr, "10"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (soft, hard) = nofile_limit();
    set_nofile_limit(open_fds().len() as u64 + 2, hard);
    clients.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(clients.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "connected");
    // The existing peer is still served while the listener is stuck.
    push.send("during").unwrap();
    let mut got = Vec::new();
    while got.len() < 11 {
        let msg = pull.recv_string().unwrap();
        if got.is_empty() {
            // Give the listener time to hit the limit before raising it.
            set_nofile_limit(soft, hard);
        }
        got.push(msg);
    }
    got.sort();
    let mut want: Vec<String> = (0..10).map(|i| format!("client-{i}")).collect();
    want.push("during".into());
    want.sort();
    assert_eq!(got, want);
    drop(clients.stdin.take());
    assert!(clients.wait().unwrap().success());
}

/// Python: on a line from stdin, connect argv[2] raw ZMTP PUSH clients to
/// argv[1], each sending "client-N"; print "connected"; wait for stdin to
/// close.
const CLIENTS: &str = r#"
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
greeting = b"\xff" + b"\0" * 7 + b"\x01\x7f\x03\x01" + b"NULL".ljust(20, b"\0") + b"\0" * 32
body = b"\x05READY\x0bSocket-Type\0\0\0\x04PUSH"
sys.stdin.readline()
conns = []
for i in range(int(sys.argv[2])):
    c = socket.create_connection((host, int(port)))
    msg = b"client-%d" % i
    c.sendall(greeting + bytes([4, len(body)]) + body + bytes([0, len(msg)]) + msg)
    conns.append(c)
print("connected", flush=True)
sys.stdin.read()
"#;

/// The soft and hard RLIMIT_NOFILE of this process.
fn nofile_limit() -> (u64, u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit for the call to fill.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(rc, 0, "getrlimit: {}", std::io::Error::last_os_error());
    (limit.rlim_cur, limit.rlim_max)
}

/// Sets RLIMIT_NOFILE in-process: spawning `prlimit` would itself need
/// descriptors that a lowered limit may not leave.
fn set_nofile_limit(soft: u64, hard: u64) {
    let limit = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    // SAFETY: `limit` is a valid rlimit that the call only reads.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(rc, 0, "setrlimit: {}", std::io::Error::last_os_error());
}

fn socket(ctx: &Context, t: SocketType) -> Socket {
    let mut s = ctx.socket(t).unwrap();
    s.set_rcvtimeo(Some(Duration::from_millis(5000))).unwrap();
    s.set_sndtimeo(Some(Duration::from_millis(5000))).unwrap();
    s
}

fn bind(s: &mut Socket, transport: &str) -> String {
    s.bind(&format!(
        "{transport}://{}",
        if transport == "tcp" {
            "127.0.0.1:*"
        } else {
            "*"
        }
    ))
    .unwrap();
    s.last_endpoint().to_string()
}

#[test]
fn max_sockets_bounds_open_sockets_and_many_are_cheap() {
    // Here, not beside other tests: 20 000 sockets take nearly every descriptor.
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = Context::new();
    ctx.set(ContextOption::MaxSockets, 20_000).unwrap();
    let start = std::time::Instant::now();
    let mut sockets = Vec::new();
    while let Ok(s) = ctx.socket(SocketType::Pair) {
        sockets.push(s);
    }
    assert_eq!(sockets.len(), 20_000);
    assert_eq!(ctx.socket(SocketType::Pair).unwrap_err(), ErrorKind::Os(24));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    sockets.pop();
    assert!(ctx.socket(SocketType::Pair).is_ok());
}

/// Peers that announce huge frames and trickle them cost memory for what
/// they sent, not for what they announced (issue 15): ten peers each
/// announcing 100 MB and sending 1 MiB of it in 64 KiB pieces, while the
/// good peer keeps exchanging.
#[test]
fn trickled_huge_frames_cost_what_arrived() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let endpoint = bind(&mut router, "tcp");
    let mut good = socket(&ctx, SocketType::Dealer);
    good.connect(&endpoint).unwrap();
    let mut round = 0;
    let mut exchange = |router: &mut Socket, good: &mut Socket| {
        good.send(format!("m{round}")).unwrap();
        let _id = router.recv().unwrap();
        assert_eq!(router.recv_string().unwrap(), format!("m{round}"));
        round += 1;
    };
    exchange(&mut router, &mut good);
    let before = open_fds().len();
    let rss_before = rss_kib();
    let mut peers: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut s = TcpStream::connect(endpoint.strip_prefix("tcp://").unwrap()).unwrap();
            s.write_all(&[greeting(), ready("DEALER")].concat())
                .unwrap();
            let mut theirs = [0u8; 64];
            s.read_exact(&mut theirs).unwrap();
            let mut header = vec![0x02];
            header.extend_from_slice(&100_000_000u64.to_be_bytes());
            s.write_all(&header).unwrap();
            s
        })
        .collect();
    let piece = vec![0xCD; 64 << 10];
    for _ in 0..16 {
        for peer in &mut peers {
            peer.write_all(&piece).unwrap();
        }
        exchange(&mut router, &mut good);
    }
    // 10 MiB arrived; allow for the allocator's 2 MiB pages and doubling.
    let grown = rss_kib().saturating_sub(rss_before);
    assert!(grown < 64 * 1024, "RSS grew {grown} KiB for 10 MiB sent");
    drop(peers);
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_fds().len() > before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(open_fds().len(), before);
    exchange(&mut router, &mut good);
}

/// Connections that never send a byte cost no read buffer (issue 15): a
/// thousand of them, while the good peer keeps exchanging, then closed.
#[test]
fn silent_connections_are_cheap() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (soft, hard) = nofile_limit();
    set_nofile_limit(hard.min(8192).max(soft), hard);
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    // Room for all 1,000 in the listen queue: with libzmq's 100, connects
    // made faster than the I/O thread accepts wait out SYN retries (1 s
    // each, with libzmq as with us).
    pull.set_option(SocketOption::Backlog, 1000).unwrap();
    let endpoint = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.connect(&endpoint).unwrap();
    push.send("first").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "first");
    let before = open_fds().len();
    let rss_before = rss_kib();
    let addr = endpoint.strip_prefix("tcp://").unwrap();
    let silent: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // Every one accepted (each has our greeting to read) before measuring.
    for mut s in silent.iter() {
        let mut signature = [0u8; 10];
        s.read_exact(&mut signature).unwrap();
    }
    push.send("during").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "during");
    let grown = rss_kib().saturating_sub(rss_before);
    assert!(
        grown < 16 * 1024,
        "1000 silent connections took {grown} KiB"
    );
    drop(silent);
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_fds().len() > before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(open_fds().len(), before);
    push.send("after").unwrap();
    assert_eq!(pull.recv_string().unwrap(), "after");
    set_nofile_limit(soft, hard);
}
