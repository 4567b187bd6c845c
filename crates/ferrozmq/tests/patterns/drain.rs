//! `Socket::drain` (issue 14): stop a socket, count its queues, and take
//! back every undelivered outbound message, with none both handed back and
//! delivered.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{Context, ErrorKind, EventKind, Socket, SocketType};

use super::common::{bind, endpoint, socket, until, Handshakes};

/// A message's number, from its first frame.
fn number(frames: &[Bytes]) -> u64 {
    u64::from_le_bytes(frames[0][..8].try_into().unwrap())
}

/// A PULL worker that reads on its own thread into `seen`, while `go` is
/// set; it starts reading only once `go` is set.
struct Worker {
    seen: Arc<Mutex<Vec<u64>>>,
    go: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Worker {
    fn start(mut pull: Socket, reading: bool) -> Worker {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let go = Arc::new(AtomicBool::new(reading));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, g, st) = (seen.clone(), go.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            pull.set_rcvtimeo(Some(Duration::from_millis(20))).unwrap();
            while !st.load(Ordering::SeqCst) {
                if !g.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                match pull.recv_multipart().map(|m| m.into_bytes()) {
                    Ok(frames) => {
                        assert_eq!(frames.len(), 2, "whole messages only");
                        s.lock().unwrap().push(number(&frames));
                    }
                    Err(e) if e.kind() == ErrorKind::Again => {}
                    Err(e) => panic!("{e}"),
                }
            }
        });
        Worker {
            seen,
            go,
            stop,
            thread,
        }
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn finish(self) -> Vec<u64> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap();
        Arc::try_unwrap(self.seen).unwrap().into_inner().unwrap()
    }
}

/// Waits for `n` events of `kind` on a monitor socket.
fn wait_events(mon: &mut Socket, kind: EventKind, n: usize) {
    let mut got = 0;
    while got < n {
        let event = mon.recv_multipart().expect("a monitor event").into_bytes();
        if u16::from_ne_bytes([event[0][0], event[0][1]]) == kind.code() {
            got += 1;
        }
    }
}

/// The scenario of issue 14: a PUSH with five workers (tcp and ipc), of
/// which two read throughout, one stops reading (its connection stays up)
/// and two have gone away. After `count` messages, drain hands back
/// exactly those no worker got: once the stalled worker reads again and
/// the PUSH has closed (writing what its connections had already taken),
/// delivered and handed back are disjoint and together every message sent.
#[test]
fn push_with_three_of_five_workers_gone_or_stalled() {
    let count: u64 = 20_000;
    let worker_ctx = Context::new();
    let push_ctx = Context::new();
    let mut push = socket(&push_ctx, SocketType::Push);
    push.set_linger(None).unwrap();
    push.monitor(
        Some("inproc://drain-push-monitor"),
        EventKind::HandshakeSucceeded.code() | EventKind::Disconnected.code(),
    )
    .unwrap();
    let mut mon = push_ctx.socket(SocketType::Pair).unwrap();
    mon.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
    mon.connect("inproc://drain-push-monitor").unwrap();

    let mut pulls = Vec::new();
    let mut endpoints = Vec::new();
    for i in 0..5 {
        let mut pull = socket(&worker_ctx, SocketType::Pull);
        endpoints.push(bind(&mut pull, if i % 2 == 0 { "tcp" } else { "ipc" }));
        push.connect(&endpoints[i]).unwrap();
        pulls.push(pull);
    }
    wait_events(&mut mon, EventKind::HandshakeSucceeded, 5);
    // Workers 3 and 4 go away; the PUSH keeps their pipes (it reconnects).
    pulls.pop().unwrap().close();
    pulls.pop().unwrap().close();
    wait_events(&mut mon, EventKind::Disconnected, 2);
    let stalled = Worker::start(pulls.pop().unwrap(), false);
    let live: Vec<Worker> = pulls.into_iter().map(|p| Worker::start(p, true)).collect();

    for i in 0..count {
        push.send_multipart([
            Bytes::copy_from_slice(&i.to_le_bytes()),
            Bytes::from_static(b"body"),
        ])
        .unwrap();
    }
    let drained = push.drain().unwrap();
    assert_eq!(
        push.try_send("late").unwrap_err().error().kind(),
        ErrorKind::Fsm,
        "a drained socket sends nothing"
    );

    for u in &drained.unsent {
        eprintln!("handed back for {}: {}", u.endpoint, u.messages.len());
    }
    // What was counted is what was handed back, per peer and in total.
    assert_eq!(
        drained.stats.outbound,
        drained.len() as u64,
        "{:?}",
        drained.stats
    );
    for unsent in &drained.unsent {
        let peer = drained
            .stats
            .peers
            .iter()
            .find(|p| p.pipe_id == unsent.pipe_id)
            .unwrap();
        assert_eq!(peer.outbound, unsent.messages.len() as u64);
        let numbers: Vec<u64> = unsent.messages.iter().map(|m| number(m)).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "in order per peer");
        assert!(
            unsent
                .messages
                .iter()
                .all(|m| m.len() == 2 && m[1] == "body"),
            "whole"
        );
    }
    for gone in &endpoints[3..] {
        let held = drained.unsent.iter().find(|u| &u.endpoint == gone);
        assert!(
            held.is_some_and(|u| !u.messages.is_empty()),
            "{gone} held messages"
        );
    }

    // The stalled worker reads again; the PUSH closes and its connections
    // write what they had already taken.
    stalled.go.store(true, Ordering::SeqCst);
    push.close();
    let handed: BTreeSet<u64> = drained.messages().map(|m| number(m)).collect();
    assert_eq!(handed.len(), drained.len(), "handed back twice");
    let expect_delivered = count as usize - handed.len();
    until("every message not handed back to be delivered", || {
        stalled.count() + live.iter().map(Worker::count).sum::<usize>() >= expect_delivered
    });
    let mut delivered = stalled.finish();
    for w in live {
        delivered.extend(w.finish());
    }
    let delivered_set: BTreeSet<u64> = delivered.iter().copied().collect();
    assert_eq!(delivered_set.len(), delivered.len(), "delivered twice");
    assert!(
        delivered_set.is_disjoint(&handed),
        "handed back and delivered"
    );
    assert_eq!(delivered.len() + handed.len(), count as usize, "lost");
    drop(push_ctx);
}

/// inproc: the peer socket reads on another thread while the PUSH drains;
/// the hand-over of the queue's reading role loses and duplicates nothing.
#[test]
fn inproc_drain_while_the_peer_reads() {
    for round in 0..20 {
        let ctx = Context::new();
        let mut push = socket(&ctx, SocketType::Push);
        push.set_sndhwm(0).unwrap();
        let ep = bind(&mut push, "inproc");
        let mut pull = socket(&ctx, SocketType::Pull);
        pull.set_rcvhwm(0).unwrap();
        pull.connect(&ep).unwrap();
        let count: u64 = 5_000;
        for i in 0..count {
            push.send_multipart([
                Bytes::copy_from_slice(&i.to_le_bytes()),
                Bytes::from_static(b"body"),
            ])
            .unwrap();
        }
        let worker = Worker::start(pull, true);
        // Let the reader get going for a while (varies per round).
        until("the reader to start", || worker.count() > round * 100);
        let drained = push.drain().unwrap();
        let handed: Vec<u64> = drained.messages().map(|m| number(m)).collect();
        // The peer saw the pipe close and reads nothing more.
        let delivered = worker.finish();
        let all: BTreeSet<u64> = delivered.iter().chain(handed.iter()).copied().collect();
        assert_eq!(
            all.len(),
            count as usize,
            "lost or duplicated in round {round}"
        );
        assert_eq!(delivered.len() + handed.len(), count as usize);
        // Delivered is a prefix, handed back the rest, in order.
        assert!(delivered.iter().copied().eq(0..delivered.len() as u64));
        assert!(handed.iter().copied().eq(delivered.len() as u64..count));
    }
}

/// DEALER hands back multipart messages whole, to a peer not there yet.
#[test]
fn dealer_hands_back_whole_multipart_messages() {
    let ctx = Context::new();
    let mut dealer = socket(&ctx, SocketType::Dealer);
    dealer
        .connect(&endpoint("ipc").replace('*', "drain-nobody-here"))
        .unwrap();
    for i in 0..3u8 {
        dealer
            .try_send_multipart([vec![i], b"a".to_vec(), b"bb".to_vec()])
            .unwrap();
    }
    // A half-sent message is not accepted: it is discarded.
    dealer.send_more("partial").unwrap();
    let drained = dealer.drain().unwrap();
    let messages: Vec<Vec<Bytes>> = drained.messages().cloned().collect();
    assert_eq!(messages.len(), 3);
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(
            m,
            &[
                Bytes::from(vec![i as u8]),
                Bytes::from_static(b"a"),
                Bytes::from_static(b"bb")
            ]
        );
    }
    assert!(
        dealer.drain().unwrap().is_empty(),
        "a second drain hands back nothing"
    );
}

/// ROUTER hands back per routing id (inproc peers that do not read, and a
/// tcp peer that is not there yet, named by CONNECT_ROUTING_ID); the peers
/// then receive nothing.
#[test]
fn router_hands_back_per_routing_id() {
    let ctx = Context::new();
    let mut router = socket(&ctx, SocketType::Router);
    let ep = bind(&mut router, "inproc");
    let mut dealers = Vec::new();
    for id in ["A", "B"] {
        let mut d = socket(&ctx, SocketType::Dealer);
        d.set_routing_id(id.as_bytes()).unwrap();
        d.connect(&ep).unwrap();
        dealers.push(d);
    }
    router.set_connect_routing_id(b"C").unwrap();
    router.connect("tcp://127.0.0.1:9").unwrap();
    for (id, n) in [("A", 3), ("B", 2), ("C", 1)] {
        for i in 0..n {
            router
                .send_multipart([id.to_string(), format!("{id}{i}"), "x".into()])
                .unwrap();
        }
    }
    let drained = router.drain().unwrap();
    let mut by_id: Vec<(Bytes, Vec<Vec<Bytes>>)> = drained
        .unsent
        .iter()
        .map(|u| (u.routing_id.clone().unwrap(), u.messages.clone()))
        .collect();
    by_id.sort();
    assert_eq!(by_id.len(), 3);
    for ((id, messages), n) in by_id.iter().zip([3, 2, 1]) {
        let id = std::str::from_utf8(id).unwrap();
        let expect: Vec<Vec<Bytes>> = (0..n)
            .map(|i| vec![Bytes::from(format!("{id}{i}")), Bytes::from_static(b"x")])
            .collect();
        assert_eq!(messages, &expect);
    }
    for d in &mut dealers {
        assert_eq!(
            d.try_recv().unwrap_err().kind(),
            ErrorKind::Again,
            "delivered after drain"
        );
    }
}

/// PUB hands back per subscriber: each gets what matched its subscription.
#[test]
fn pub_hands_back_per_subscriber() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    let ep = bind(&mut publisher, "inproc");
    let mut all = socket(&ctx, SocketType::Sub);
    all.subscribe("").unwrap();
    all.connect(&ep).unwrap();
    let mut only_a = socket(&ctx, SocketType::Sub);
    only_a.subscribe("a").unwrap();
    only_a.connect(&ep).unwrap();
    for topic in ["a1", "b1", "a2"] {
        publisher.send(topic).unwrap();
    }
    let drained = publisher.drain().unwrap();
    let mut got: Vec<Vec<Bytes>> = drained
        .unsent
        .iter()
        .map(|u| u.messages.iter().map(|m| m[0].clone()).collect())
        .collect();
    got.sort_by_key(Vec::len);
    assert_eq!(got, vec![vec!["a1", "a2"], vec!["a1", "b1", "a2"]]);
    assert_eq!(drained.stats.peers.len(), 2);
}

/// Inbound: drain stops new arrivals, and what had arrived is still received.
#[test]
fn pull_keeps_what_arrived_and_takes_nothing_new() {
    for transport in ["tcp", "inproc"] {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let mut watch = Handshakes::watch(&ctx, &mut pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.connect(&ep).unwrap();
        watch.wait(transport, 1);
        for i in 0..3 {
            push.send(format!("{i}").as_str()).unwrap();
        }
        until("three messages to arrive", || {
            pull.queue_stats().unwrap().inbound == 3
        });
        let drained = pull.drain().unwrap();
        assert_eq!(
            (drained.stats.inbound, drained.len()),
            (3, 0),
            "{transport}"
        );
        // Sent after the drain: never taken in.
        let _ = push.try_send("late");
        for i in 0..3 {
            assert_eq!(pull.recv_string().unwrap(), format!("{i}"));
        }
        pull.set_rcvtimeo(Some(Duration::from_millis(100))).unwrap();
        assert_eq!(
            pull.recv().unwrap_err().kind(),
            ErrorKind::Again,
            "{transport}"
        );
        // The listener is gone: a new peer cannot connect.
        if transport == "tcp" {
            let mut late = socket(&ctx, SocketType::Push);
            late.set_immediate(true).unwrap();
            late.connect(&ep).unwrap();
            assert_eq!(
                late.try_send("x").unwrap_err().error().kind(),
                ErrorKind::Again,
                "nobody to send to"
            );
        }
    }
}

/// REQ hands back the request without its envelope.
#[test]
fn req_hands_back_the_request_body() {
    let ctx = Context::new();
    let mut req = socket(&ctx, SocketType::Req);
    req.connect("tcp://127.0.0.1:9").unwrap();
    req.send_multipart(["hello", "world"]).unwrap();
    let drained = req.drain().unwrap();
    let messages: Vec<Vec<Bytes>> = drained.messages().cloned().collect();
    assert_eq!(
        messages,
        vec![vec![
            Bytes::from_static(b"hello"),
            Bytes::from_static(b"world")
        ]]
    );
}

/// A bound PUSH whose worker left with messages queued for it: drain hands
/// those back too (libzmq drops them when the peer goes), and the worker
/// that stayed got none of them. Large messages, so that the leaver's
/// connection and kernel buffers hold few and its pipe the rest.
#[test]
fn bound_push_hands_back_what_a_departed_worker_left() {
    let ctx = Context::new();
    let mut push = socket(&ctx, SocketType::Push);
    push.set_sndhwm(20).unwrap();
    let mut watch = Handshakes::watch(&ctx, &mut push);
    let ep = bind(&mut push, "tcp");
    let mut stays = socket(&ctx, SocketType::Pull);
    stays.connect(&ep).unwrap();
    watch.wait("tcp", 1);
    let mut leaves = socket(&ctx, SocketType::Pull);
    leaves.set_rcvhwm(1).unwrap();
    leaves.set_linger(Some(Duration::ZERO)).unwrap();
    leaves.connect(&ep).unwrap();
    watch.wait("tcp", 1);
    let body = Bytes::from(vec![b'x'; 256 * 1024]);
    let message = |n: u64| [Bytes::copy_from_slice(&n.to_le_bytes()), body.clone()];
    // Neither worker reads yet: both pipes fill.
    let mut sent = 0u64;
    while push.try_send_multipart(message(sent)).is_ok() {
        sent += 1;
    }
    // The leaver connected second: its pipe has the higher id.
    let leaver_pipe = push
        .queue_stats()
        .unwrap()
        .peers
        .iter()
        .map(|p| p.pipe_id)
        .max()
        .unwrap();
    leaves.close();
    let mut delivered = BTreeSet::new();
    stays
        .set_rcvtimeo(Some(Duration::from_millis(300)))
        .unwrap();
    until("the PUSH to notice the leaver gone", || {
        while let Ok(m) = stays.recv_multipart().map(|m| m.into_bytes()) {
            delivered.insert(number(&m));
        }
        // A send prunes the pipe of a peer that has gone.
        if push.try_send_multipart(message(sent)).is_ok() {
            sent += 1;
        }
        push.queue_stats()
            .unwrap()
            .peers
            .iter()
            .all(|p| p.pipe_id != leaver_pipe)
    });
    while let Ok(m) = stays.recv_multipart().map(|m| m.into_bytes()) {
        delivered.insert(number(&m));
    }
    let drained = push.drain().unwrap();
    let left = drained.unsent.iter().find(|u| u.pipe_id == leaver_pipe);
    let left = left.unwrap_or_else(|| panic!("nothing handed back: {:?}", drained.stats));
    let counted = drained
        .stats
        .peers
        .iter()
        .find(|p| p.pipe_id == leaver_pipe)
        .unwrap();
    assert_eq!(counted.outbound, left.messages.len() as u64);
    let handed: Vec<u64> = left.messages.iter().map(|m| number(m)).collect();
    assert!(handed.windows(2).all(|w| w[0] < w[1]), "in order");
    assert!(left.messages.iter().all(|m| m[1] == body), "whole");
    assert!(
        handed.iter().all(|n| !delivered.contains(n)),
        "handed back and delivered"
    );
}
