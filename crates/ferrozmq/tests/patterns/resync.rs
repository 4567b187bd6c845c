//! Subscription resync (issue 14, libzmq issue 4064): after a reconnect a
//! SUB/XSUB re-sends every subscription, and none is lost at its SNDHWM.
//!
//! libzmq 4.3.4 loses them: its `xsub_t::xhiccuped` writes each
//! subscription into the fresh pipe with `pipe->write`, which fails once
//! SNDHWM messages are queued, and `send_subscription` then drops the rest
//! (see interop-tests' `resync` test for the measured figure). ferrozmq
//! queues subscriptions beside the high-water mark (`Pipe::send_queued`):
//! they are control messages, bounded by the number of topics, and the
//! mark is for data.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{Context, Socket, SocketType};

use super::common::{socket, until};

const TOPICS: usize = 1_000;

fn topic(i: usize) -> String {
    format!("topic-{i:04}")
}

/// Binds an XPUB at `ep` and collects subscriptions until it has all.
fn publisher_sees_every_topic(ctx: &Context, ep: &str) -> Socket {
    let mut xpub = socket(ctx, SocketType::XPub);
    xpub.set_sndhwm(0).unwrap();
    xpub.bind(ep).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < TOPICS {
        let msg = xpub.recv_bytes().expect("every subscription");
        assert_eq!(msg[0], 1, "a subscription");
        seen.insert(msg.slice(1..));
    }
    let expected: std::collections::BTreeSet<Bytes> =
        (0..TOPICS).map(|i| Bytes::from(topic(i))).collect();
    assert_eq!(seen, expected);
    xpub
}

#[test]
fn every_subscription_reaches_a_restarted_publisher_despite_sndhwm() {
    for transport in ["tcp", "ipc"] {
        let ctx = Context::new();
        // A fixed endpoint: the publisher comes back at the same address.
        let ep = match transport {
            "tcp" => {
                let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                format!("tcp://{}", probe.local_addr().unwrap())
            }
            _ => format!("ipc:///tmp/ferrozmq-resync-{}", std::process::id()),
        };
        let mut sub = socket(&ctx, SocketType::Sub);
        sub.set_sndhwm(10).unwrap();
        sub.set_reconnect_ivl(Some(Duration::from_millis(10)))
            .unwrap();
        for i in 0..TOPICS {
            sub.subscribe(topic(i)).unwrap();
        }
        sub.connect(&ep).unwrap();
        let first_ctx = Context::new();
        let first = publisher_sees_every_topic(&first_ctx, &ep);
        drop(first);
        drop(first_ctx);

        // The publisher restarts; the SUB reconnects while waiting to receive.
        let restarted = std::thread::spawn({
            let ep = ep.clone();
            move || {
                let ctx = Context::new();
                let mut xpub = publisher_sees_every_topic(&ctx, &ep);
                for i in 0..TOPICS {
                    xpub.send(topic(i).as_str()).unwrap();
                }
                xpub.send("not-subscribed").unwrap();
                // Stay up until the subscriber has read everything.
                xpub.set_rcvtimeo(Some(Duration::from_secs(5))).unwrap();
                let _ = xpub.recv_bytes();
            }
        });
        let mut received = 0;
        until("the restarted publisher's messages", || {
            while sub.try_recv().is_ok() {
                received += 1;
            }
            received == TOPICS
        });
        sub.close();
        restarted.join().unwrap();
    }
}
