use std::time::Duration;

use ferrozmq::{Context, Socket, SocketType};

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

/// Gives asynchronous connects time to complete.
pub(crate) fn settle() {
    std::thread::sleep(Duration::from_millis(200));
}

/// Publishes `probe` until `sub` receives it (its subscription has reached
/// the publisher), then drains what else arrived.
pub(crate) fn wait_subscribed(publisher: &mut Socket, sub: &mut Socket, probe: &str) {
    for _ in 0..500 {
        publisher.send(probe, 0).unwrap();
        if sub.recv(ferrozmq::DONTWAIT).is_ok() {
            std::thread::sleep(Duration::from_millis(20));
            while sub.recv(ferrozmq::DONTWAIT).is_ok() {}
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("subscription never reached the publisher");
}

/// A ZAP handler (RFC 27) on inproc://zeromq.zap.01 in `ctx`: `decide` reads
/// each request's frames and returns the status code and user id to answer.
/// Serves until 3 s pass without a request; returns how many it served.
pub(crate) fn start_zap(
    ctx: &Context,
    decide: impl Fn(&[bytes::Bytes]) -> (&'static str, &'static str) + Send + 'static,
) -> std::thread::JoinHandle<usize> {
    let mut handler = ctx.socket(SocketType::Rep).unwrap();
    handler.bind("inproc://zeromq.zap.01").unwrap();
    handler
        .set_rcvtimeo(Some(Duration::from_millis(3000)))
        .unwrap();
    std::thread::spawn(move || {
        let mut served = 0;
        while let Ok(request) = handler.recv_multipart(0) {
            served += 1;
            assert_eq!(&request[0][..], b"1.0");
            let (code, user) = decide(&request);
            let reply: [&[u8]; 6] = [
                b"1.0",
                &request[1],
                code.as_bytes(),
                b"",
                user.as_bytes(),
                b"",
            ];
            handler.send_multipart(reply, 0).unwrap();
        }
        served
    })
}
