//! Small bodies, held by value up to `SMALL_BODY` octets: every size around
//! that limit, alone and in multipart messages, through PUSH/PULL,
//! REQ/REP and DEALER/ROUTER envelopes, on every transport, arrives intact
//! and in order, with the sender's metadata.

use ferrozmq::{Context, Message, SocketType, SMALL_BODY};

use crate::common::*;

/// Sizes on both sides of the limit.
const SIZES: [usize; 8] = [0, 1, 2, SMALL_BODY - 1, SMALL_BODY, SMALL_BODY + 1, 33, 64];

fn body(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 13 + seed * 5 + 1) as u8).collect()
}

#[test]
fn push_pull_keeps_every_size_and_order() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.connect(&ep).unwrap();
        for round in 0..3 {
            for (seed, &len) in SIZES.iter().enumerate() {
                push.send(body(len, seed + round).as_slice()).unwrap();
            }
            // One multipart message of every size, then its frames in reverse.
            let frames: Vec<Message> = SIZES
                .iter()
                .chain(SIZES.iter().rev())
                .enumerate()
                .map(|(i, &len)| Message::from(body(len, i).as_slice()))
                .collect();
            push.send_multipart(frames.clone()).unwrap();
            for (seed, &len) in SIZES.iter().enumerate() {
                let got = pull.recv().unwrap();
                assert!(!got.more(), "{transport}");
                assert_eq!(got.data(), body(len, seed + round), "{transport} {len}");
                if transport != "inproc" {
                    assert_eq!(got.property("Socket-Type"), Some("PUSH"), "{transport}");
                }
            }
            let got = pull.recv_multipart().unwrap();
            assert_eq!(got.len(), frames.len(), "{transport}");
            for (g, f) in got.iter().zip(&frames) {
                assert_eq!(g.data(), f.data(), "{transport}");
            }
        }
    }
}

#[test]
fn envelopes_around_small_bodies() {
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut rep = socket(&ctx, SocketType::Rep);
        let ep = bind(&mut rep, transport);
        let mut req = socket(&ctx, SocketType::Req);
        req.connect(&ep).unwrap();
        for (seed, &len) in SIZES.iter().enumerate() {
            req.send(body(len, seed).as_slice()).unwrap();
            let asked = rep.recv().unwrap();
            assert_eq!(asked.data(), body(len, seed), "{transport}");
            rep.send(body(len, seed + 1).as_slice()).unwrap();
            assert_eq!(req.recv().unwrap().data(), body(len, seed + 1));
        }

        let mut router = socket(&ctx, SocketType::Router);
        let ep = bind(&mut router, transport);
        let mut dealer = socket(&ctx, SocketType::Dealer);
        dealer.set_routing_id(b"d").unwrap();
        dealer.connect(&ep).unwrap();
        for (seed, &len) in SIZES.iter().enumerate() {
            dealer.send_more(body(len, seed).as_slice()).unwrap();
            dealer.send(body(len, seed + 2).as_slice()).unwrap();
            let got = router.recv_multipart().unwrap();
            assert_eq!(got.len(), 3, "{transport}");
            assert_eq!(got[0].data(), b"d");
            assert_eq!(got[1].data(), body(len, seed), "{transport}");
            assert_eq!(got[2].data(), body(len, seed + 2), "{transport}");
            router.send_more("d").unwrap();
            router.send(body(len, seed + 3).as_slice()).unwrap();
            assert_eq!(dealer.recv().unwrap().data(), body(len, seed + 3));
        }
    }
}

/// A one-frame send that cannot go hands the very message back: its bytes
/// and the metadata of the peer it came from (the socket's one-call send
/// path admits a frame before it takes it), on the first try and after a
/// wait that ran out.
#[test]
fn a_refused_single_frame_comes_back_whole() {
    let ctx = Context::new();
    let mut pull = socket(&ctx, SocketType::Pull);
    let ep = bind(&mut pull, "tcp");
    let mut push = socket(&ctx, SocketType::Push);
    push.connect(&ep).unwrap();
    // A PUSH without peers refuses every send.
    let mut lonely = socket(&ctx, SocketType::Push);
    for (seed, &len) in SIZES.iter().enumerate() {
        push.send(body(len, seed).as_slice()).unwrap();
        let received = pull.recv().unwrap();
        assert_eq!(received.property("Socket-Type"), Some("PUSH"));
        let failed = lonely.try_send(received).unwrap_err();
        assert_eq!(*failed.error(), ferrozmq::ErrorKind::Again);
        let back = failed.into_message();
        assert_eq!(back.data(), body(len, seed).as_slice(), "size {len}");
        assert_eq!(back.property("Socket-Type"), Some("PUSH"), "size {len}");
        let failed = lonely
            .send_timeout(back, std::time::Duration::from_millis(1))
            .unwrap_err();
        let back = failed.into_message();
        assert_eq!(back.data(), body(len, seed).as_slice(), "size {len}");
        assert_eq!(back.property("Socket-Type"), Some("PUSH"), "size {len}");
        assert!(back.source_fd().is_some());
    }
}

/// `Socket::recv_into` (zmq_msg_recv's path): each frame replaces what the
/// message held, MORE and the sender's metadata with it, on every
/// transport; a receive that fails leaves the message as it was.
#[test]
fn recv_into_replaces_the_message_in_place() {
    use ferrozmq::{ErrorKind, RecvFlags};
    for transport in TRANSPORTS {
        let ctx = Context::new();
        let mut pull = socket(&ctx, SocketType::Pull);
        let ep = bind(&mut pull, transport);
        let mut push = socket(&ctx, SocketType::Push);
        push.connect(&ep).unwrap();
        let mut msg = Message::from(&body(40, 9)[..]);
        assert_eq!(
            pull.recv_into(&mut msg, RecvFlags::DONTWAIT)
                .unwrap_err()
                .kind(),
            ErrorKind::Again
        );
        assert_eq!(msg.data(), &body(40, 9)[..], "untouched on failure");
        for round in 0..3 {
            for (seed, &len) in SIZES.iter().enumerate() {
                push.send(body(len, seed + round).as_slice()).unwrap();
            }
            push.send_multipart([&b"a"[..], &body(SMALL_BODY + 1, round)[..]])
                .unwrap();
            for (seed, &len) in SIZES.iter().enumerate() {
                pull.recv_into(&mut msg, RecvFlags::empty()).unwrap();
                assert_eq!(msg.data(), &body(len, seed + round)[..], "{transport}");
                assert!(!msg.more());
                // Connections carry the sender's metadata (inproc none).
                let expected = (transport != "inproc").then_some("PUSH");
                assert_eq!(msg.property("Socket-Type"), expected, "{transport}");
            }
            pull.recv_into(&mut msg, RecvFlags::empty()).unwrap();
            assert_eq!((msg.data(), msg.more()), (&b"a"[..], true));
            pull.recv_into(&mut msg, RecvFlags::empty()).unwrap();
            assert_eq!(msg.data(), &body(SMALL_BODY + 1, round)[..]);
            assert!(!msg.more());
        }
    }
}
