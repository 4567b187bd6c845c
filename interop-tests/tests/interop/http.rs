//! A STREAM socket serves a real HTTP client: `curl` connects to our socket
//! bound on 127.0.0.1, we read its request as raw bytes and answer with an
//! HTTP response, and curl's output must be exactly our body.
//!
//! Each test checks the connect and disconnect notifications too, and one
//! of them ends the response by closing the connection ([id][empty]) after a
//! body large enough to need many writes.

use std::process::{Child, Command, Output, Stdio};

use bytes::Bytes;
use ferrozmq::{Context, Socket, SocketOption, SocketType};
use interop_tests::{in_ci, STEP_TIMEOUT};

/// curl's own limit on the whole transfer.
const CURL_MAX_TIME: &str = "20";

/// Serves one request with a `Content-Length` response; curl closes the
/// connection itself, which we must see as a disconnect notification.
#[test]
fn curl_gets_a_response_with_content_length() {
    let ctx = Context::new();
    let mut server = stream_socket(&ctx);
    let Some(curl) = Curl::get(
        &format!("{}/hello?x=1", url(&server)),
        &["-H", "X-Test: stream"],
    ) else {
        return;
    };
    let (id, request) = read_request(&mut server);
    let port = url(&server)
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        request.starts_with("GET /hello?x=1 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains(&format!("Host: 127.0.0.1:{port}\r\n")),
        "{request}"
    );
    assert!(request.contains("X-Test: stream\r\n"), "{request}");

    let body = "Hello from a ZMQ_STREAM socket!\n";
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    server.send_more(id.clone()).unwrap();
    server.send_more(head).unwrap();
    server.send_more(id.clone()).unwrap();
    server.send(body).unwrap();

    let out = curl.finish();
    assert_eq!(String::from_utf8_lossy(&out.stdout), body);
    // curl hung up after the body: [id][empty].
    let (from, data) = recv_pair(&mut server);
    assert_eq!((from, data), (id, Bytes::new()));
}

/// Serves an HTTP/1.0 response whose end is the end of the connection: the
/// empty frame must close it only after the whole 1 MiB body went out.
#[test]
fn curl_gets_a_body_ended_by_closing_the_connection() {
    let ctx = Context::new();
    let mut server = stream_socket(&ctx);
    let Some(curl) = Curl::get(&format!("{}/big", url(&server)), &[]) else {
        return;
    };
    let (id, request) = read_request(&mut server);
    assert!(request.starts_with("GET /big HTTP/1.1\r\n"), "{request}");

    let body: Vec<u8> = (0..1 << 20).map(|i: u32| b'a' + (i % 26) as u8).collect();
    server.send_more(id.clone()).unwrap();
    server
        .send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        .unwrap();
    server.send_more(id.clone()).unwrap();
    server.send(body.clone()).unwrap();
    server.send_more(id).unwrap();
    server.send(Bytes::new()).unwrap();

    let out = curl.finish();
    assert_eq!(out.stdout.len(), body.len());
    assert!(
        out.stdout == body,
        "curl's output differs from the body sent"
    );
}

/// A STREAM socket bound on loopback, with deadlines on every wait.
fn stream_socket(ctx: &Context) -> Socket {
    let mut s = ctx.socket(SocketType::Stream).unwrap();
    let ms = STEP_TIMEOUT.as_millis() as i32;
    s.set_option(SocketOption::RcvTimeo, ms).unwrap();
    s.set_option(SocketOption::SndTimeo, ms).unwrap();
    s.set_option(SocketOption::Linger, ms).unwrap();
    s.bind("tcp://127.0.0.1:*").unwrap();
    s
}

/// `http://127.0.0.1:PORT` for the socket's bound endpoint.
fn url(server: &Socket) -> String {
    server.last_endpoint().replacen("tcp://", "http://", 1)
}

/// Receives `[id][data]`.
fn recv_pair(s: &mut Socket) -> (Bytes, Bytes) {
    let id = s.recv().unwrap();
    assert!(id.more(), "a routing id frame first");
    let data = s.recv().unwrap();
    assert!(!data.more(), "then one data frame");
    (id.into_bytes(), data.into_bytes())
}

/// Takes the connect notification, then the request's bytes up to the end
/// of its headers; returns the connection's id and the request text.
fn read_request(server: &mut Socket) -> (Bytes, String) {
    let (id, hello) = recv_pair(server);
    assert!(hello.is_empty(), "the connect notification comes first");
    let mut request = Vec::new();
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let (from, data) = recv_pair(server);
        assert_eq!(from, id, "one client, one connection");
        assert!(!data.is_empty(), "curl hung up before its request ended");
        request.extend_from_slice(&data);
    }
    (id, String::from_utf8_lossy(&request).into_owned())
}

/// A running curl, killed if the test fails before it finishes.
struct Curl(Option<Child>);

impl Curl {
    /// Starts `curl` fetching `url` (with extra `args`); `None` when curl is
    /// not installed and we are not under `CI=true`.
    fn get(url: &str, args: &[&str]) -> Option<Curl> {
        let child = Command::new("curl")
            .args(["--silent", "--show-error", "--max-time", CURL_MAX_TIME])
            .args(args)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        match child {
            Ok(child) => Some(Curl(Some(child))),
            Err(e) if in_ci() => panic!("curl unavailable under CI=true: {e}"),
            Err(e) => {
                eprintln!("skipping: curl unavailable: {e}");
                None
            }
        }
    }

    /// Waits for curl to end (its own `--max-time` bounds this) and
    /// requires success.
    fn finish(mut self) -> Output {
        let child = self.0.take().expect("a running curl");
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "curl failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Curl {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
