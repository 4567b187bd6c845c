//! Publish-subscribe with a ZMTP 3.0 subscriber: our zmtp crate's
//! `Connection` announcing minor version 0, driven over a std `TcpStream`,
//! subscribing with `0x01 topic` / `0x00 topic` messages as libzmq 4.1,
//! NetMQ and JeroMQ 0.4 do (ZMTP-FACTS 13). It filters nothing itself, so
//! what it receives is exactly what the publisher chose to send.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use ferrozmq::{Context, Socket, SocketType};
use ferrozmq_zmtp::{Config, Connection, Event};
use interop_tests::exchange::OurSocket;
use interop_tests::peer::PeerKind;
use interop_tests::pubsub::{
    accept_within, batch, collected, end_topic, expect, hex, is_control, msg_line, peer_synced,
    probe_until, start_bound, start_connected, sync_topic, Change, Model, DISTINCT_PHASES,
    END_PREFIX,
};
use interop_tests::STEP_TIMEOUT;

/// A ZMTP 3.0 SUB on a blocking stream.
struct Sub30 {
    conn: Connection,
    stream: TcpStream,
    inbox: VecDeque<Vec<Bytes>>,
    partial: Vec<Bytes>,
    /// Events other than frames from the publisher, in order.
    others: Vec<Event>,
    read_buf: Vec<u8>,
}

impl Sub30 {
    /// Completes the handshake with a PUB that announces ZMTP 3.1.
    fn new(stream: TcpStream) -> Sub30 {
        let mut config = Config::new(SocketType::Sub);
        config.minor_version = 0;
        stream.set_write_timeout(Some(STEP_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let mut sub = Sub30 {
            conn: Connection::new(config).unwrap(),
            stream,
            inbox: VecDeque::new(),
            partial: Vec::new(),
            others: Vec::new(),
            read_buf: vec![0; 1 << 16],
        };
        sub.flush();
        let deadline = Instant::now() + STEP_TIMEOUT;
        while !sub.conn.is_ready() {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no handshake within {STEP_TIMEOUT:?}");
            sub.pump(left);
        }
        let publisher = sub.conn.peer().unwrap();
        assert_eq!((publisher.major, publisher.minor), (3, 1));
        assert_eq!(publisher.socket_type, Some(SocketType::Pub));
        sub
    }

    fn connect(endpoint: &str) -> Sub30 {
        let addr = endpoint.strip_prefix("tcp://").unwrap();
        Sub30::new(TcpStream::connect(addr).unwrap())
    }

    /// Sends `0x01 topic` (or `0x00 topic`) as an ordinary message.
    fn change(&mut self, change: Change) {
        match change {
            Change::Sub(t) => self.send_subscription(1, t),
            Change::Unsub(t) => self.send_subscription(0, t),
        }
    }

    /// Sends `flag topic` as a one-frame message.
    fn send_subscription(&mut self, flag: u8, topic: &[u8]) {
        let mut body = BytesMut::new();
        body.put_u8(flag);
        body.put_slice(topic);
        self.conn.send_frame(body.freeze(), false).unwrap();
        self.flush();
    }

    fn flush(&mut self) {
        loop {
            let transmit = self.conn.transmit();
            if transmit.is_empty() {
                return;
            }
            let n = self.stream.write(transmit.front()).expect("write");
            transmit.advance(n);
        }
    }

    /// Reads once, waiting up to `timeout`; false if nothing came.
    fn pump(&mut self, timeout: Duration) -> bool {
        let timeout = timeout.max(Duration::from_millis(1));
        self.stream.set_read_timeout(Some(timeout)).unwrap();
        let n = match self.stream.read(&mut self.read_buf) {
            Ok(0) => panic!("the publisher closed the connection"),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(e) => panic!("read: {e}"),
        };
        self.conn.handle_bytes(&self.read_buf[..n]).unwrap();
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::Frame(frame) => {
                    self.partial.push(frame.body);
                    if !frame.more {
                        self.inbox.push_back(std::mem::take(&mut self.partial));
                    }
                }
                Event::HandshakeSucceeded => {}
                other => self.others.push(other),
            }
        }
        self.flush();
        true
    }

    /// The next message, if one comes within `timeout`.
    fn recv_within(&mut self, timeout: Duration) -> Option<Vec<Bytes>> {
        let deadline = Instant::now() + timeout;
        while self.inbox.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.pump(left) {
                break;
            }
        }
        self.inbox.pop_front()
    }

    fn recv(&mut self) -> Vec<Bytes> {
        self.recv_within(STEP_TIMEOUT)
            .unwrap_or_else(|| panic!("no message within {STEP_TIMEOUT:?}"))
    }

    /// Whether the probe on `sync` has arrived (control messages skipped;
    /// anything else is a failure).
    fn synced(&mut self, sync: &Bytes, within: Duration) -> bool {
        while let Some(frames) = self.recv_within(within) {
            if frames.first() == Some(sync) {
                return true;
            }
            assert!(is_control(&frames), "{frames:?} while waiting for a probe");
        }
        false
    }

    /// Messages up to the one whose first frame is `until`, without control
    /// messages.
    fn collect(&mut self, until: &Bytes) -> Vec<Vec<Bytes>> {
        let mut got = Vec::new();
        loop {
            let frames = self.recv();
            if frames.first() == Some(until) {
                return got;
            }
            if !is_control(&frames) {
                got.push(frames);
            }
        }
    }
}

fn socket(ctx: &Context, socket_type: SocketType) -> Socket {
    OurSocket::new(ctx, socket_type).socket
}

/// Our PUB and a 3.0 subscriber, connected either way.
fn pub_and_sub30(ctx: &Context, we_bind: bool) -> (Socket, Sub30) {
    let mut publisher = socket(ctx, SocketType::Pub);
    if we_bind {
        publisher.bind("tcp://127.0.0.1:*").unwrap();
        let sub = Sub30::connect(publisher.last_endpoint());
        (publisher, sub)
    } else {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        publisher
            .connect(&format!("tcp://127.0.0.1:{port}"))
            .unwrap();
        let stream = accept_within(&listener, STEP_TIMEOUT).expect("our PUB connects");
        (publisher, Sub30::new(stream))
    }
}

fn sub30_filtered(we_bind: bool) {
    let ctx = Context::new();
    let (mut publisher, mut sub) = pub_and_sub30(&ctx, we_bind);
    let mut model = Model::default();
    sub.send_subscription(1, END_PREFIX);
    for (n, changes) in DISTINCT_PHASES.iter().enumerate() {
        for &change in *changes {
            sub.change(change);
            model.apply(change);
        }
        let sync = sync_topic(n);
        sub.send_subscription(1, &sync);
        probe_until(&mut publisher, &sync, || {
            sub.synced(&sync, Duration::from_millis(5))
        });
        let sent = batch(n);
        for m in &sent {
            publisher.send_multipart(m.clone()).unwrap();
        }
        let end = end_topic(n);
        publisher.send(end.clone()).unwrap();
        assert_eq!(
            sub.collect(&end),
            model.expected(&sent),
            "phase {n}: {changes:?}"
        );
    }
    assert!(sub.others.is_empty(), "{:?}", sub.others);
}

/// RFC 29 / FACTS 13: our PUB filters for a 3.0 subscriber by its
/// message-form subscriptions (we bind).
#[test]
fn sub30_filtered_by_our_pub_we_bind() {
    sub30_filtered(true);
}

/// The same with our PUB connecting to the 3.0 subscriber.
#[test]
fn sub30_filtered_by_our_pub_they_bind() {
    sub30_filtered(false);
}

/// One PUB, two subscribers with different subscriptions: a libzmq 4.3 SUB
/// (SUBSCRIBE commands) and a 3.0 one (subscription messages). Each gets
/// exactly its own matches.
#[test]
fn libzmq_and_sub30_on_one_pub() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let ep = publisher.last_endpoint().to_owned();
    let Some(mut peer) = start_connected(PeerKind::Libzmq, SocketType::Sub, &ep) else {
        return;
    };
    let mut sub = Sub30::connect(&ep);
    let mut theirs = Model::default();
    peer.tell(&format!("sub {}", hex(END_PREFIX)));
    sub.send_subscription(1, END_PREFIX);
    for change in [Change::Sub(b"weather"), Change::Sub(b"news")] {
        peer.tell(&change.command());
        theirs.apply(change);
    }
    let mut ours = Model::default();
    for change in [Change::Sub(b"sports.n"), Change::Sub(b"weather.1")] {
        sub.change(change);
        ours.apply(change);
    }
    let sync = sync_topic(0);
    peer.tell(&format!("sub {}", hex(&sync)));
    peer.tell(&format!("wait {}", hex(&sync)));
    sub.send_subscription(1, &sync);
    let (mut peer_ok, mut sub_ok) = (false, false);
    probe_until(&mut publisher, &sync, || {
        peer_ok = peer_ok || peer_synced(&mut peer, Duration::from_millis(2));
        sub_ok = sub_ok || sub.synced(&sync, Duration::from_millis(2));
        peer_ok && sub_ok
    });
    let end = end_topic(0);
    peer.tell(&format!("collect {}", hex(&end)));
    let sent = batch(0);
    for m in &sent {
        publisher.send_multipart(m.clone()).unwrap();
    }
    publisher.send(end.clone()).unwrap();
    let want: Vec<String> = theirs.expected(&sent).iter().map(|m| msg_line(m)).collect();
    assert_eq!(collected(&mut peer), want, "the libzmq SUB");
    assert_eq!(sub.collect(&end), ours.expected(&sent), "the 3.0 SUB");
    peer.tell("quit");
    expect(&mut peer, "bye");
    peer.finish(STEP_TIMEOUT);
}

/// libzmq's SUB counts its subscriptions but its PUB/XPUB does not: a SUB
/// subscribed twice to a topic sends SUBSCRIBE twice, and once unsubscribed
/// twice sends a single CANCEL (`xsub.cpp`: cancels go upstream only when
/// the count reaches zero). The publisher keeps a *set* of pipes per topic
/// (`mtrie.cpp`), so that one CANCEL ends the subscription (`xpub.cpp`).
/// This plays that SUB on the wire and checks which messages the publisher
/// still sends. `publisher` is a libzmq PUB (scripted) or ours.
fn duplicate_then_one_cancel(libzmq_publisher: bool) {
    let ctx = Context::new();
    let mut ours = socket(&ctx, SocketType::Pub);
    let mut scripted = None;
    let mut sub = if libzmq_publisher {
        let Some((peer, ep)) = start_bound(PeerKind::Libzmq, SocketType::Pub, "tcp://127.0.0.1:*")
        else {
            return;
        };
        scripted = Some(peer);
        Sub30::connect(&ep)
    } else {
        ours.bind("tcp://127.0.0.1:*").unwrap();
        Sub30::connect(ours.last_endpoint())
    };
    sub.send_subscription(1, END_PREFIX);
    sub.change(Change::Sub(b"news"));
    sub.change(Change::Sub(b"news"));
    sub.change(Change::Sub(b"weather"));
    sub.change(Change::Unsub(b"news"));
    let sync = sync_topic(0);
    sub.send_subscription(1, &sync);
    let end = end_topic(0);
    let sent = vec![
        vec![Bytes::from_static(b"news")],
        vec![Bytes::from_static(b"weather")],
    ];
    match scripted.as_mut() {
        Some(peer) => {
            peer.tell(&format!("probe {}", hex(&sync)));
            assert!(sub.synced(&sync, STEP_TIMEOUT), "no probe");
            peer.tell("stop");
            expect(peer, "stopped");
            for m in &sent {
                peer.tell(&format!("send {}", hex(&m[0])));
            }
            peer.tell(&format!("send {}", hex(&end)));
        }
        None => {
            probe_until(&mut ours, &sync, || {
                sub.synced(&sync, Duration::from_millis(5))
            });
            for m in &sent {
                ours.send_multipart(m.clone()).unwrap();
            }
            ours.send(end.clone()).unwrap();
        }
    }
    assert_eq!(
        sub.collect(&end),
        [vec![Bytes::from_static(b"weather")]],
        "after SUBSCRIBE news ×2, CANCEL news ×1 the publisher must stop sending news"
    );
}

/// The reference: libzmq's PUB stops sending after the one CANCEL.
#[test]
fn libzmq_pub_one_cancel_ends_a_duplicate_subscription() {
    duplicate_then_one_cancel(true);
}

/// Ours must do the same, or a libzmq (or ferrozmq) SUB that subscribed
/// twice and unsubscribed twice keeps receiving, and filtering, the topic.
#[test]
fn our_pub_one_cancel_ends_a_duplicate_subscription() {
    duplicate_then_one_cancel(false);
}
