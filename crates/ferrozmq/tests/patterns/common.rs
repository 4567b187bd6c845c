use std::time::{Duration, Instant};

use ferrozmq::{Context, EventKind, PollEvents, Socket, SocketType};

/// The transports every pattern test runs over.
pub(crate) const TRANSPORTS: [&str; 3] = ["inproc", "tcp", "ipc"];

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A bindable endpoint for `transport`, unique within the process.
pub(crate) fn endpoint(transport: &str) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match transport {
        "inproc" => format!("inproc://test-{n}"),
        "tcp" => "tcp://127.0.0.1:*".to_string(),
        _ => "ipc://*".to_string(),
    }
}

/// A socket with a receive timeout so a broken test fails instead of hanging.
pub(crate) fn socket(ctx: &Context, t: SocketType) -> Socket {
    let mut s = ctx.socket(t).unwrap();
    s.set_rcvtimeo(Some(Duration::from_millis(5000))).unwrap();
    s.set_sndtimeo(Some(Duration::from_millis(5000))).unwrap();
    s.set_linger(Some(Duration::from_millis(1000))).unwrap();
    s
}

/// Binds `s` on a fresh endpoint of `transport` and returns what to connect to.
pub(crate) fn bind(s: &mut Socket, transport: &str) -> String {
    s.bind(&endpoint(transport)).unwrap();
    s.last_endpoint().to_string()
}

/// Retries `done` every millisecond until it holds; panics naming `what`
/// after 5 s. For waits on state no event announces.
pub(crate) fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How long a negative check waits for something that must not come.
pub(crate) const QUIET: Duration = Duration::from_millis(50);

/// Whether nothing arrives on `s` within [`QUIET`].
pub(crate) fn quiet(s: &mut Socket) -> bool {
    s.poll(PollEvents::READABLE, Some(QUIET))
        .unwrap()
        .is_empty()
}

/// A monitor of `socket`'s successful handshakes, to wait for peers to
/// connect instead of sleeping. Install it before connecting or binding.
pub(crate) struct Handshakes(Socket);

impl Handshakes {
    pub(crate) fn watch(ctx: &Context, socket: &mut Socket) -> Handshakes {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let endpoint = format!("inproc://handshakes-{n}");
        socket
            .monitor(Some(&endpoint), EventKind::HandshakeSucceeded.code())
            .unwrap();
        let mut mon = ctx.socket(SocketType::Pair).unwrap();
        mon.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
        mon.connect(&endpoint).unwrap();
        Handshakes(mon)
    }

    /// Waits for `n` more handshakes over `transport` (inproc has none:
    /// its peers are attached when they connect).
    pub(crate) fn wait(&mut self, transport: &str, n: usize) {
        if transport == "inproc" {
            return;
        }
        for _ in 0..n {
            let event = self.0.recv_multipart().expect("a handshake");
            let code = u16::from_ne_bytes([event[0][0], event[0][1]]);
            assert_eq!(code, EventKind::HandshakeSucceeded.code());
        }
    }
}

/// Publishes `probe` until `sub` receives it (its subscription has reached
/// the publisher), then a last marked probe, and drains up to it: the
/// subscriber's next message is whatever the publisher sends next.
pub(crate) fn wait_subscribed(publisher: &mut Socket, sub: &mut Socket, probe: &str) {
    until("the subscription to reach the publisher", || {
        publisher.send(probe).unwrap();
        sub.try_recv().is_ok()
    });
    let last = format!("{probe}-last");
    publisher.send(last.as_str()).unwrap();
    while sub.recv_string().unwrap() != last {}
}

/// A ZAP handler (RFC 27) on inproc://zeromq.zap.01 in `ctx`: `decide` reads
/// each request's frames and returns the status code and user id to answer.
/// Serves until the context is shut down (or 5 s pass without a request);
/// returns how many it served.
pub(crate) fn start_zap(
    ctx: &Context,
    decide: impl Fn(&[bytes::Bytes]) -> (&'static str, &'static str) + Send + 'static,
) -> std::thread::JoinHandle<usize> {
    let mut handler = ctx.socket(SocketType::Rep).unwrap();
    handler.bind("inproc://zeromq.zap.01").unwrap();
    handler
        .set_rcvtimeo(Some(Duration::from_millis(5000)))
        .unwrap();
    handler.set_linger(Some(Duration::ZERO)).unwrap();
    std::thread::spawn(move || {
        let mut served = 0;
        while let Ok(request) = handler.recv_multipart() {
            served += 1;
            assert_eq!(&request[0][..], b"1.0");
            let (code, user) = decide(&request.clone().into_bytes());
            let reply: [&[u8]; 6] = [
                b"1.0",
                &request[1],
                code.as_bytes(),
                b"",
                user.as_bytes(),
                b"",
            ];
            if handler.send_multipart(reply).is_err() {
                break; // the context is shutting down
            }
        }
        served
    })
}
