//! PUB, SUB, XPUB and XSUB against libzmq and pyzmq: each pairing, tcp and
//! ipc, we bind or they bind. Subscribers must receive exactly the messages
//! that match (see `interop_tests::pubsub` for the phases and the model);
//! our XPUB must see subscriptions as `0x01 topic` and cancels (and a
//! departing subscriber's topics) as `0x00 topic`.
//!
//! Both peers run libzmq 4.3 (Debian's 4.3.4; pyzmq bundles 4.3.5), so
//! subscriptions travel as ZMTP 3.1 SUBSCRIBE/CANCEL commands; the
//! `*_commands` tests check that on the wire through a relay.

use bytes::Bytes;
use ferrozmq::{Context, PollEvents, Socket, SocketType};
use interop_tests::exchange::OurSocket;
use interop_tests::peer::{Peer, PeerKind};
use interop_tests::pubsub::{
    batch, collect, collected, contains, end_topic, expect, hex, msg_line, peer_synced,
    probe_until, recv_from, send_command, start, start_connected, sync_topic, Change, Model, Relay,
    Started, END_PREFIX, PHASES,
};
use interop_tests::{Transport, STEP_TIMEOUT};
use std::time::{Duration, Instant};

/// How long a peer may take to exit after `quit`.
const FINISH: Duration = Duration::from_secs(20);

/// How long to watch for a message that must not come.
const QUIET: Duration = Duration::from_millis(200);

/// Eight tests running `$scenario(peer, transport, we_bind)`.
macro_rules! each_peer {
    ($name:ident: $scenario:path) => {
        mod $name {
            use interop_tests::peer::PeerKind::{Libzmq, Pyzmq};
            use interop_tests::Transport::{Ipc, Tcp};

            #[test]
            fn libzmq_tcp_we_bind() {
                $scenario(Libzmq, Tcp, true);
            }

            #[test]
            fn libzmq_tcp_they_bind() {
                $scenario(Libzmq, Tcp, false);
            }

            #[test]
            fn libzmq_ipc_we_bind() {
                $scenario(Libzmq, Ipc, true);
            }

            #[test]
            fn libzmq_ipc_they_bind() {
                $scenario(Libzmq, Ipc, false);
            }

            #[test]
            fn pyzmq_tcp_we_bind() {
                $scenario(Pyzmq, Tcp, true);
            }

            #[test]
            fn pyzmq_tcp_they_bind() {
                $scenario(Pyzmq, Tcp, false);
            }

            #[test]
            fn pyzmq_ipc_we_bind() {
                $scenario(Pyzmq, Ipc, true);
            }

            #[test]
            fn pyzmq_ipc_they_bind() {
                $scenario(Pyzmq, Ipc, false);
            }
        }
    };
}

each_peer!(our_pub_their_sub: super::our_pub_their_sub);
each_peer!(our_sub_their_pub: super::our_sub_their_pub);
each_peer!(our_xpub_their_sub: super::our_xpub_their_sub);
each_peer!(our_xpub_their_xsub: super::our_xpub_their_xsub);
each_peer!(our_xsub_their_xpub: super::our_xsub_their_xpub);

fn socket(ctx: &Context, socket_type: SocketType) -> Socket {
    OurSocket::new(ctx, socket_type).socket
}

/// Our PUB filters for their SUB through every phase.
fn our_pub_their_sub(kind: PeerKind, transport: Transport, we_bind: bool) {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(kind, SocketType::Sub, transport, we_bind, &mut publisher)
    else {
        return;
    };
    publish_phases(
        &mut publisher,
        &mut peer,
        &format!("{kind:?} {transport:?}"),
    );
    quit(&mut peer);
}

/// Runs [`PHASES`] from our `publisher` to a scripted SUB peer.
fn publish_phases(publisher: &mut Socket, peer: &mut Peer, what: &str) {
    let mut model = Model::default();
    peer.tell(&format!("sub {}", hex(END_PREFIX)));
    for (n, changes) in PHASES.iter().enumerate() {
        for &change in *changes {
            peer.tell(&change.command());
            model.apply(change);
        }
        let sync = sync_topic(n);
        peer.tell(&format!("sub {}", hex(&sync)));
        peer.tell(&format!("wait {}", hex(&sync)));
        probe_until(publisher, &sync, || {
            peer_synced(peer, Duration::from_millis(5))
        });
        let end = end_topic(n);
        peer.tell(&format!("collect {}", hex(&end)));
        let sent = batch(n);
        for m in &sent {
            publisher.send_multipart(m.clone()).expect("publish");
        }
        publisher.send(end).expect("publish the end marker");
        let want: Vec<String> = model.expected(&sent).iter().map(|m| msg_line(m)).collect();
        assert_eq!(collected(peer), want, "{what}: phase {n}, {changes:?}");
    }
}

/// Our SUB subscribes at their PUB, which must send just what matches.
fn our_sub_their_pub(kind: PeerKind, transport: Transport, we_bind: bool) {
    let ctx = Context::new();
    let mut sub = socket(&ctx, SocketType::Sub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(kind, SocketType::Pub, transport, we_bind, &mut sub)
    else {
        return;
    };
    let mut model = Model::default();
    sub.subscribe(END_PREFIX).unwrap();
    for (n, changes) in PHASES.iter().enumerate() {
        for &change in *changes {
            change.apply_to(&mut sub);
            model.apply(change);
        }
        let sync = sync_topic(n);
        sub.subscribe(&sync).unwrap();
        peer.tell(&format!("probe {}", hex(&sync)));
        loop {
            let frames = recv_from(&mut sub, &mut peer);
            if frames.first() == Some(&sync) {
                break;
            }
            assert!(
                frames.first().is_some_and(|f| f.first() == Some(&0x7f)),
                "{kind:?} {transport:?} phase {n}: {frames:?} before the probe"
            );
        }
        peer.tell("stop");
        expect(&mut peer, "stopped");
        let sent = batch(n);
        for m in &sent {
            peer.tell(&send_command(m));
        }
        let end = end_topic(n);
        peer.tell(&send_command(std::slice::from_ref(&end)));
        let got = collect(&mut sub, &mut peer, &end);
        assert_eq!(
            got,
            model.expected(&sent),
            "{kind:?} {transport:?}: phase {n}, {changes:?}"
        );
    }
    quit(&mut peer);
}

/// Their SUB's subscriptions reach our XPUB as messages, cancels and its
/// departure as `0x00 topic`; our XPUB filters for it as a PUB does.
fn our_xpub_their_sub(kind: PeerKind, transport: Transport, we_bind: bool) {
    xpub_with(kind, SocketType::Sub, transport, we_bind);
}

/// The same with their XSUB, which also sends an ordinary message up.
fn our_xpub_their_xsub(kind: PeerKind, transport: Transport, we_bind: bool) {
    xpub_with(kind, SocketType::XSub, transport, we_bind);
}

fn xpub_with(kind: PeerKind, theirs: SocketType, transport: Transport, we_bind: bool) {
    let what = format!("{kind:?} {theirs:?} {transport:?} we_bind={we_bind}");
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(kind, theirs, transport, we_bind, &mut xpub)
    else {
        return;
    };
    let seen = |xpub: &mut Socket, peer: &mut Peer, want: &[u8]| {
        let got = recv_from(xpub, peer);
        assert_eq!(got, [Bytes::copy_from_slice(want)], "{what}");
    };
    peer.tell("sub 77656174686572"); // weather
    seen(&mut xpub, &mut peer, b"\x01weather");
    // A second subscription to a topic is not passed up (no XPUB_VERBOSE).
    peer.tell("sub 77656174686572");
    peer.tell("sub 6e657773"); // news
    seen(&mut xpub, &mut peer, b"\x01news");
    peer.tell("sub 7f"); // control messages
    seen(&mut xpub, &mut peer, b"\x01\x7f");
    if theirs == SocketType::XSub {
        peer.tell("send 68656c6c6f");
        seen(&mut xpub, &mut peer, b"hello");
    }
    let mut model = Model::default();
    for t in [&b"weather"[..], b"weather", b"news"] {
        model.apply(Change::Sub(t));
    }
    xpub_phase(&mut xpub, &mut peer, &model, 0, &what);

    // One cancel of two subscriptions keeps the topic: nothing passes up.
    peer.tell("unsub 77656174686572");
    model.apply(Change::Unsub(b"weather"));
    peer.tell("unsub 6e657773");
    model.apply(Change::Unsub(b"news"));
    seen(&mut xpub, &mut peer, b"\x00news");
    peer.tell("sub -");
    model.apply(Change::Sub(b""));
    seen(&mut xpub, &mut peer, b"\x01");
    xpub_phase(&mut xpub, &mut peer, &model, 1, &what);

    // A subscriber that connected to us and leaves cancels what it still
    // held. If we connected, the pipe outlives the connection (we would
    // reconnect) and nothing is passed up, as in libzmq (`session_base.cpp`
    // keeps a connecter's pipe).
    quit(&mut peer);
    if we_bind {
        let mut left: Vec<Vec<u8>> = (0..3)
            .map(|_| {
                let frames = recv_from(&mut xpub, &mut peer);
                assert_eq!(frames.len(), 1, "{what}: {frames:?}");
                frames[0].to_vec()
            })
            .collect();
        left.sort();
        assert_eq!(
            left,
            [&b"\x00"[..], b"\x00weather", b"\x00\x7f"],
            "{what}: cancels on disconnect"
        );
    }
    assert!(
        xpub.poll(PollEvents::READABLE, Some(QUIET))
            .unwrap()
            .is_empty(),
        "{what}: nothing more"
    );
}

/// Our XPUB publishes a batch and an end marker; the peer must collect
/// exactly what `model` matches.
fn xpub_phase(xpub: &mut Socket, peer: &mut Peer, model: &Model, n: usize, what: &str) {
    let end = end_topic(n);
    peer.tell(&format!("collect {}", hex(&end)));
    let sent = batch(n);
    for m in &sent {
        xpub.send_multipart(m.clone()).expect("publish");
    }
    xpub.send(end).expect("publish the end marker");
    let want: Vec<String> = model.expected(&sent).iter().map(|m| msg_line(m)).collect();
    assert_eq!(collected(peer), want, "{what}: phase {n}");
}

/// Our XSUB subscribes by message at their XPUB, which sees each as
/// `0x01 topic`, our cancels and our departure as `0x00 topic`, and an
/// ordinary message as itself.
fn our_xsub_their_xpub(kind: PeerKind, transport: Transport, we_bind: bool) {
    let what = format!("{kind:?} {transport:?} we_bind={we_bind}");
    let ctx = Context::new();
    let mut xsub = socket(&ctx, SocketType::XSub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(kind, SocketType::XPub, transport, we_bind, &mut xsub)
    else {
        return;
    };
    for topic in [&b"\x01weather"[..], b"\x01news", b"\x01\x7f"] {
        xsub.send(topic).expect("subscribe");
    }
    // Sent before the connection may exist: they may arrive in any order.
    let mut got: Vec<String> = (0..3)
        .map(|_| {
            peer.tell("recv");
            line_polling(&mut peer, &mut xsub)
        })
        .collect();
    got.sort();
    let mut want = vec![
        "msg 01".to_owned() + &hex(b"weather"),
        "msg 01".to_owned() + &hex(b"news"),
        "msg 017f".to_owned(),
    ];
    want.sort();
    assert_eq!(got, want, "{what}: subscriptions at their XPUB");
    xsub.send("hello").expect("send upstream");
    peer.tell("recv");
    expect(&mut peer, &msg_line(&[Bytes::from_static(b"hello")]));

    let mut model = Model::default();
    model.apply(Change::Sub(b"weather"));
    model.apply(Change::Sub(b"news"));
    xsub_phase(&mut xsub, &mut peer, &model, 0, &what);

    xsub.send(&b"\x00news"[..]).expect("cancel");
    peer.tell("recv");
    expect(&mut peer, &format!("msg 00{}", hex(b"news")));
    model.apply(Change::Unsub(b"news"));
    xsub_phase(&mut xsub, &mut peer, &model, 1, &what);

    // Our XSUB leaves: their XPUB cancels what we held, if it was the one
    // that bound (a connecter keeps the pipe to reconnect).
    xsub.close();
    if !we_bind {
        let mut left: Vec<String> = (0..2)
            .map(|_| {
                peer.tell("recv");
                peer.line()
            })
            .collect();
        left.sort();
        let mut want = ["msg 007f".to_owned(), format!("msg 00{}", hex(b"weather"))];
        want.sort();
        assert_eq!(left, want, "{what}: cancels when our XSUB closes");
    }
    quit(&mut peer);
}

/// The peer's next line, reading our socket's EVENTS meanwhile as an event
/// loop would: like libzmq, a socket takes on a new connection (and an XSUB
/// sends it the subscriptions it holds) only when the application calls it.
fn line_polling(peer: &mut Peer, socket: &mut Socket) -> String {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        socket.events().expect("EVENTS");
        if let Some(line) = peer.line_within(Duration::from_millis(10)) {
            return line;
        }
        if Instant::now() > deadline {
            return peer.line();
        }
    }
}

/// Their XPUB publishes a batch and an end marker; our XSUB must receive
/// exactly what `model` matches.
fn xsub_phase(xsub: &mut Socket, peer: &mut Peer, model: &Model, n: usize, what: &str) {
    let sent = batch(n);
    for m in &sent {
        peer.tell(&send_command(m));
    }
    let end = end_topic(n);
    peer.tell(&send_command(std::slice::from_ref(&end)));
    let got = collect(xsub, peer, &end);
    assert_eq!(got, model.expected(&sent), "{what}: phase {n}");
}

/// A libzmq 4.3 SUB talking to our PUB (which announces ZMTP 3.1) sends
/// SUBSCRIBE and CANCEL commands, never the 3.0 message form, and is
/// filtered correctly. A relay between the two records the wire.
fn subscribes_by_command(kind: PeerKind) {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let relay = Relay::start(publisher.last_endpoint());
    let Some(mut peer) = start_connected(kind, SocketType::Sub, &relay.endpoint()) else {
        return;
    };
    publish_phases(&mut publisher, &mut peer, &format!("{kind:?} via relay"));
    quit(&mut peer);
    // Every (un)subscription went out before the last phase's probe got
    // through, so the recording is complete.
    let wire = relay.client_to_upstream.lock().unwrap().clone();
    for topic in [&b"weather.1000"[..], b"news", b"sports", b"", b"\x00"] {
        assert!(
            contains(&wire, &command(b"SUBSCRIBE", topic)),
            "{kind:?}: no SUBSCRIBE {topic:?} on the wire"
        );
        assert!(
            !contains(&wire, &short_frame(&[&[1], topic].concat())),
            "{kind:?}: a 0x01 {topic:?} message on the wire"
        );
    }
    for topic in [&b"news"[..], b"sports", b"", b"weather.1000"] {
        assert!(
            contains(&wire, &command(b"CANCEL", topic)),
            "{kind:?}: no CANCEL {topic:?} on the wire"
        );
    }
}

#[test]
fn libzmq_subscribes_by_command() {
    subscribes_by_command(PeerKind::Libzmq);
}

#[test]
fn pyzmq_subscribes_by_command() {
    subscribes_by_command(PeerKind::Pyzmq);
}

/// libzmq's XPUB keeps a set of pipes per topic (`mtrie.cpp`), and a SUB
/// sends a CANCEL only when its own count of a topic reaches zero
/// (`xsub.cpp`). So after subscribing twice and unsubscribing twice, an XPUB
/// sees `0x01 news` once and `0x00 news` once. Here our SUB and their XPUB:
/// the reference behaviour.
#[test]
fn libzmq_xpub_passes_cancel_after_duplicate_subscriptions() {
    let ctx = Context::new();
    let mut sub = socket(&ctx, SocketType::Sub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(
        PeerKind::Libzmq,
        SocketType::XPub,
        Transport::Tcp,
        false,
        &mut sub,
    )
    else {
        return;
    };
    let seen = |peer: &mut Peer, want: &[u8]| {
        peer.tell("recv");
        expect(peer, &msg_line(&[Bytes::copy_from_slice(want)]));
    };
    sub.subscribe("news").unwrap();
    sub.subscribe("news").unwrap();
    seen(&mut peer, b"\x01news");
    sub.unsubscribe("news").unwrap();
    sub.subscribe("weather").unwrap();
    seen(&mut peer, b"\x01weather");
    sub.unsubscribe("news").unwrap();
    seen(&mut peer, b"\x00news");
    quit(&mut peer);
}

/// The same with their SUB and our XPUB, which must pass the cancel up too
/// (else a proxy never forwards it and the upstream publisher keeps
/// sending the topic).
#[test]
fn our_xpub_passes_cancel_after_duplicate_subscriptions() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(
        PeerKind::Libzmq,
        SocketType::Sub,
        Transport::Tcp,
        true,
        &mut xpub,
    )
    else {
        return;
    };
    let seen = |xpub: &mut Socket, peer: &mut Peer, want: &[u8]| {
        assert_eq!(
            xpub.poll(PollEvents::READABLE, Some(Duration::from_secs(5)))
                .unwrap(),
            PollEvents::READABLE,
            "our XPUB did not pass up {want:?}"
        );
        let got = recv_from(xpub, peer);
        assert_eq!(got, [Bytes::copy_from_slice(want)]);
    };
    peer.tell("sub 6e657773");
    peer.tell("sub 6e657773");
    seen(&mut xpub, &mut peer, b"\x01news");
    peer.tell("unsub 6e657773");
    peer.tell("sub 77656174686572");
    seen(&mut xpub, &mut peer, b"\x01weather");
    peer.tell("unsub 6e657773");
    seen(&mut xpub, &mut peer, b"\x00news");
    quit(&mut peer);
}

/// A short ZMTP 3.1 command frame: flags 0x04, size, name length, name, data.
fn command(name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut body = vec![u8::try_from(name.len()).unwrap()];
    body.extend_from_slice(name);
    body.extend_from_slice(data);
    let mut frame = vec![0x04, u8::try_from(body.len()).unwrap()];
    frame.extend(body);
    frame
}

/// A short, final ZMTP data frame.
fn short_frame(body: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x00, u8::try_from(body.len()).unwrap()];
    frame.extend_from_slice(body);
    frame
}

/// Tells the peer to quit and waits for it to exit cleanly.
fn quit(peer: &mut Peer) {
    peer.tell("quit");
    expect(peer, "bye");
    peer.finish(FINISH);
}

/// libzmq honours ZMQ_XPUB_NODROP on a PUB as well as on an XPUB (`pub_t`
/// is an `xpub_t`; zmq_setsockopt(3) lists both types): once a
/// subscriber's queue is full, a send fails with EAGAIN (or blocks)
/// instead of dropping. (Our PUB used to accept the option and ignore it.)
/// Here a libzmq SUB that stops reading fills up; our PUB with XPUB_NODROP
/// must report EAGAIN well before 100,000 messages of 1 KiB have "gone".
#[test]
fn our_pub_honours_xpub_nodrop() {
    let ctx = Context::new();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher
        .set_option(ferrozmq::SocketOption::XpubNodrop, 1)
        .unwrap();
    publisher
        .set_option(ferrozmq::SocketOption::SndHwm, 10)
        .unwrap();
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(
        PeerKind::Libzmq,
        SocketType::Sub,
        Transport::Tcp,
        true,
        &mut publisher,
    )
    else {
        return;
    };
    let sync = sync_topic(0);
    peer.tell("sub -");
    peer.tell(&format!("wait {}", hex(&sync)));
    probe_until(&mut publisher, &sync, || {
        peer_synced(&mut peer, Duration::from_millis(5))
    });
    // The peer now waits on stdin and reads no more messages.
    let body = Bytes::from(vec![b'x'; 1024]);
    let refused = (0..100_000).find(|_| {
        publisher
            .try_send(body.clone())
            .is_err_and(|e| *e.error() == ferrozmq::ErrorKind::Again)
    });
    assert!(
        refused.is_some(),
        "100,000 sends to a subscriber that reads nothing never met EAGAIN"
    );
    quit(&mut peer);
}

/// ZMQ_EVENTS / zmq_poll on an XPUB report POLLIN only when a message is
/// there to receive: libzmq applies incoming subscriptions first and counts
/// only those it passes up (`xpub.cpp`: `xhas_in` is `!_pending_data.empty()`).
/// A duplicate subscription, which is not passed up, must not make our
/// XPUB readable.
#[test]
fn our_xpub_not_readable_for_a_duplicate_subscription() {
    let ctx = Context::new();
    let mut xpub = socket(&ctx, SocketType::XPub);
    let Some(Started {
        mut peer,
        file: _file,
    }) = start(
        PeerKind::Libzmq,
        SocketType::Sub,
        Transport::Tcp,
        true,
        &mut xpub,
    )
    else {
        return;
    };
    peer.tell("sub 6e657773");
    assert_eq!(
        recv_from(&mut xpub, &mut peer),
        [Bytes::from_static(b"\x01news")]
    );
    peer.tell("sub 6e657773");
    let ready = xpub
        .poll(PollEvents::READABLE, Some(Duration::from_secs(2)))
        .unwrap();
    if ready == PollEvents::READABLE {
        let got = xpub.try_recv_multipart();
        assert!(got.is_ok(), "POLLIN, then recv: {got:?}");
    }
    quit(&mut peer);
}
