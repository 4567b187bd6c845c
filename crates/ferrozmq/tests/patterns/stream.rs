//! STREAM: raw TCP to peers that speak no ZeroMQ, as libzmq's `stream.cpp`
//! and raw engine behave. The peers here are plain `std::net` sockets.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{
    Context, ErrorKind, EventKind, OptionValue, Socket, SocketOption, SocketType, EVENT_ALL,
};

use crate::common::*;

/// A raw client connected to `stream`'s tcp endpoint, with a read timeout.
fn raw_client(endpoint: &str) -> TcpStream {
    let addr = endpoint.trim_start_matches("tcp://");
    let client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    client
}

/// Receives `[id][data]`, checking the frame structure.
fn recv_pair(s: &mut Socket) -> (Bytes, Bytes) {
    let id = s.recv().unwrap();
    assert!(id.more(), "the routing id comes first, with more to follow");
    let data = s.recv().unwrap();
    assert!(!data.more(), "a STREAM message is two frames");
    (id.into_bytes(), data.into_bytes())
}

/// Reads from `peer` until `n` bytes came.
fn read_exactly(peer: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    peer.read_exact(&mut buf).unwrap();
    buf
}

#[test]
fn serves_a_raw_client_with_notifications_and_peer_address() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    let ep = bind(&mut server, "tcp");
    let mut client = raw_client(&ep);

    // Connecting is announced as [id][empty], with the peer's address.
    let id = server.recv().unwrap();
    assert_eq!(id.property("Peer-Address"), Some("127.0.0.1"));
    assert_eq!((id.len(), id.data()[0]), (5, 0), "a generated id");
    assert_eq!(server.recv().unwrap().len(), 0);
    let id = id.into_bytes();

    client.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut request = Vec::new();
    while request.len() < 18 {
        let (from, data) = recv_pair(&mut server);
        assert_eq!(from, id);
        request.extend_from_slice(&data);
    }
    assert_eq!(request, b"GET / HTTP/1.0\r\n\r\n");

    // Data goes out raw; SNDMORE on the data frame changes nothing.
    server.send_more(id.clone()).unwrap();
    server.send_more("hello").unwrap();
    server.send_more(id.clone()).unwrap();
    server.send(" world").unwrap();
    assert_eq!(read_exactly(&mut client, 11), b"hello world");

    // The client hangs up: announced as [id][empty]; the id is gone.
    drop(client);
    assert_eq!(recv_pair(&mut server), (id.clone(), Bytes::new()));
    assert_eq!(
        server.send_more(id).unwrap_err(),
        ErrorKind::HostUnreachable
    );
}

#[test]
fn an_empty_frame_closes_the_connection_after_what_was_queued() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    let ep = bind(&mut server, "tcp");
    let mut client = raw_client(&ep);
    let (id, hello) = recv_pair(&mut server);
    assert!(hello.is_empty());

    let body = vec![b'x'; 300_000];
    server.send_more(id.clone()).unwrap();
    server.send(body.clone()).unwrap();
    server.send_more(id.clone()).unwrap();
    server.send(Bytes::new()).unwrap();

    let mut got = Vec::new();
    client.read_to_end(&mut got).unwrap();
    assert_eq!(got.len(), body.len(), "everything queued, then end of file");
    assert!(got == body);
    // The socket forgot the peer at once, and announces nothing more.
    assert_eq!(
        server.send_more(id).unwrap_err(),
        ErrorKind::HostUnreachable
    );
    assert_eq!(server.try_recv().unwrap_err(), ErrorKind::Again);
}

/// Closing a connection waits for its data to go out, but the socket's
/// LINGER at close still bounds that wait: a peer that never reads cannot
/// hold `zmq_ctx_term`.
#[test]
fn a_peer_that_never_reads_does_not_hold_term_after_close() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    server.set_linger(None).unwrap();
    let ep = bind(&mut server, "tcp");
    let _client = raw_client(&ep);
    let (id, _) = recv_pair(&mut server);
    // More than the kernel buffers of both ends hold.
    server.send_more(id.clone()).unwrap();
    server.send(vec![0u8; 64 << 20]).unwrap();
    server.send_more(id).unwrap();
    server.send(Bytes::new()).unwrap();
    server.set_linger(Some(Duration::ZERO)).unwrap();
    server.close();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(ctx.term()));
    let term = finished.recv_timeout(Duration::from_secs(5));
    assert!(term.is_ok(), "zmq_ctx_term still waits for the unread data");
}

#[test]
fn large_reads_arrive_in_chunks_of_at_most_8192_bytes() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    server.set_stream_notify(false).unwrap();
    let ep = bind(&mut server, "tcp");
    let mut client = raw_client(&ep);
    let sent: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    client.write_all(&sent).unwrap();

    let mut got = Vec::new();
    while got.len() < sent.len() {
        let (_, data) = recv_pair(&mut server);
        assert!(!data.is_empty(), "no notifications with STREAM_NOTIFY off");
        assert!(data.len() <= 8192, "a chunk of {} bytes", data.len());
        got.extend_from_slice(&data);
    }
    assert!(got == sent);
}

#[test]
fn connects_with_a_chosen_or_generated_routing_id() {
    let ctx = Context::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = format!("tcp://{}", listener.local_addr().unwrap());
    let mut stream = socket(&ctx, SocketType::Stream);

    // A chosen id: messages may be queued before the connection exists.
    stream.set_connect_routing_id(b"web").unwrap();
    stream.connect(&ep).unwrap();
    stream.send_more("web").unwrap();
    stream.send("early").unwrap();
    let (mut first, _) = listener.accept().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(read_exactly(&mut first, 5), b"early");
    assert_eq!(recv_pair(&mut stream), (Bytes::from("web"), Bytes::new()));

    // A generated id, which ZMQ_ROUTING_ID then reads back (as in libzmq).
    stream.connect(&ep).unwrap();
    let (mut second, _) = listener.accept().unwrap();
    let (id, notice) = recv_pair(&mut stream);
    assert!(notice.is_empty());
    assert_eq!(
        stream.option(SocketOption::RoutingId).unwrap(),
        OptionValue::Bytes(id.to_vec())
    );
    second.write_all(b"ping").unwrap();
    assert_eq!(recv_pair(&mut stream), (id, Bytes::from("ping")));
}

#[test]
fn routing_errors_and_lone_frames_follow_libzmq() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    let ep = bind(&mut server, "tcp");
    let mut client = raw_client(&ep);
    let (id, _) = recv_pair(&mut server);

    // An unknown id with SNDMORE: EHOSTUNREACH.
    assert_eq!(
        server.send_more("nobody").unwrap_err(),
        ErrorKind::HostUnreachable
    );
    // A first frame without SNDMORE routes nowhere: it and its data frame
    // are dropped without an error.
    server.send(id.clone()).unwrap();
    server.send("dropped").unwrap();
    server.send_more(id).unwrap();
    server.send("kept").unwrap();
    assert_eq!(read_exactly(&mut client, 4), b"kept");
}

/// libzmq's raw engine has no handshake: a connection is never reported as
/// handshaken, and its loss is reported as a failed handshake (EPIPE when
/// the peer closed), then as a disconnect.
#[test]
fn monitor_events_follow_libzmqs_raw_engine() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    server
        .monitor(Some("inproc://monitor-stream"), EVENT_ALL)
        .unwrap();
    let mut mon = socket(&ctx, SocketType::Pair);
    mon.connect("inproc://monitor-stream").unwrap();
    let ep = bind(&mut server, "tcp");
    let client = raw_client(&ep);
    recv_pair(&mut server);
    drop(client);
    recv_pair(&mut server);

    let mut seen = Vec::new();
    while seen.last().map(|(e, _)| *e) != Some(EventKind::Disconnected.code()) {
        let frames = mon.recv_multipart().unwrap();
        let event = u16::from_ne_bytes([frames[0][0], frames[0][1]]);
        let value = u32::from_ne_bytes([frames[0][2], frames[0][3], frames[0][4], frames[0][5]]);
        seen.push((event, value));
    }
    let events: Vec<u16> = seen.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        events,
        [
            EventKind::Listening.code(),
            EventKind::Accepted.code(),
            EventKind::HandshakeFailedNoDetail.code(),
            EventKind::Disconnected.code(),
        ]
    );
    assert_eq!(seen[2].1, 32, "EPIPE");
}

#[test]
fn stream_notify_is_a_strict_boolean_of_stream_sockets_only() {
    let ctx = Context::new();
    let mut stream = ctx.socket(SocketType::Stream).unwrap();
    assert_eq!(
        stream
            .set_option(SocketOption::StreamNotify, 2)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    stream.set_stream_notify(false).unwrap();
    let mut router = ctx.socket(SocketType::Router).unwrap();
    assert_eq!(
        router.set_stream_notify(true).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
}

#[test]
fn two_stream_sockets_talk_over_ipc() {
    let ctx = Context::new();
    let mut server = socket(&ctx, SocketType::Stream);
    let ep = bind(&mut server, "ipc");
    let mut client = socket(&ctx, SocketType::Stream);
    client.connect(&ep).unwrap();
    let (server_side, _) = recv_pair(&mut server);
    let (client_side, _) = recv_pair(&mut client);

    client.send_more(client_side.clone()).unwrap();
    client.send("over ipc").unwrap();
    assert_eq!(
        recv_pair(&mut server),
        (server_side.clone(), Bytes::from("over ipc"))
    );
    // The server hangs up; the client, having connected, is told too.
    server.send_more(server_side).unwrap();
    server.send(Bytes::new()).unwrap();
    assert_eq!(recv_pair(&mut client), (client_side, Bytes::new()));
}
