//! A guide to the things newcomers to ZeroMQ trip on, with ferrozmq's API.
//!
//! This module holds no code: only this text and its examples, which run as
//! doctests. Each section is one surprise, why it happens, and what to do.
//!
//! # Contents
//!
//! 1. [Threads: who may touch what](#threads-who-may-touch-what)
//! 2. [Which socket pairs are valid](#which-socket-pairs-are-valid)
//! 3. [The slow joiner in PUB/SUB](#the-slow-joiner-in-pubsub)
//! 4. [High-water marks: who blocks, who drops](#high-water-marks-who-blocks-who-drops)
//! 5. [REQ's strict alternation](#reqs-strict-alternation)
//! 6. [Linger on close](#linger-on-close)
//! 7. [Non-blocking calls and the message handed back](#non-blocking-calls-and-the-message-handed-back)
//! 8. [Event loops and the readiness descriptor](#event-loops-and-the-readiness-descriptor)
//!
//! # Threads: who may touch what
//!
//! A [`Context`](crate::Context) is `Send + Sync` and cheap to clone: share
//! it freely. A [`Socket`](crate::Socket) is `Send` but not `Sync`: as in
//! libzmq, one thread uses it at a time, and it may move to another thread.
//! To talk between threads, give each its own socket and connect them over
//! `inproc://`, rather than sharing one socket behind a lock.
//!
//! ```
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! let mut results = ctx.socket(SocketType::Pull)?;
//! results.bind("inproc://results")?;
//! let worker = {
//!     let ctx = ctx.clone();
//!     std::thread::spawn(move || -> ferrozmq::Result<()> {
//!         let mut out = ctx.socket(SocketType::Push)?;
//!         out.connect("inproc://results")?;
//!         out.send("done")
//!     })
//! };
//! assert_eq!(results.recv_string()?, "done");
//! worker.join().expect("worker panicked")?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # Which socket pairs are valid
//!
//! Only these types talk to each other (RFC 23); any other pair fails its
//! handshake and the connection is dropped, silently from the sockets' point
//! of view (a [monitor](crate::Socket::monitor) reports it):
//!
//! | socket        | valid peers               |
//! |---------------|---------------------------|
//! | REQ           | REP, ROUTER               |
//! | REP           | REQ, DEALER               |
//! | DEALER        | REP, DEALER, ROUTER       |
//! | ROUTER        | REQ, DEALER, ROUTER       |
//! | PUB, XPUB     | SUB, XSUB                 |
//! | SUB, XSUB     | PUB, XPUB                 |
//! | PUSH          | PULL                      |
//! | PULL          | PUSH                      |
//! | PAIR          | PAIR                      |
//! | STREAM        | plain TCP peers, not ZMTP |
//!
//! ```
//! use ferrozmq::SocketType;
//!
//! assert!(SocketType::Req.is_compatible_with(SocketType::Router));
//! assert!(!SocketType::Req.is_compatible_with(SocketType::Req));
//! assert!(!SocketType::Push.is_compatible_with(SocketType::Sub));
//! ```
//!
//! # The slow joiner in PUB/SUB
//!
//! A subscriber receives only what is published *after* its subscription
//! reached the publisher. Connecting and subscribing take a moment (over
//! tcp, a handshake and a round trip), so the first messages a publisher
//! sends right after `bind` are lost: PUB drops messages nobody has
//! subscribed to yet. Sleeping is not a fix. Either synchronise (a
//! REQ/REP handshake, or an XPUB that sees the subscription arrive), or
//! design so that losing the first messages is harmless.
//!
//! ```
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! // XPUB receives each subscription as a message: wait for it, then publish.
//! let mut publisher = ctx.socket(SocketType::XPub)?;
//! publisher.bind("inproc://weather")?;
//! let mut subscriber = ctx.socket(SocketType::Sub)?;
//! subscriber.connect("inproc://weather")?;
//! subscriber.subscribe("london")?;
//!
//! let subscription = publisher.recv()?; // 0x01 + topic
//! assert_eq!(subscription, b"\x01london");
//! publisher.send("london 12C")?;
//! assert_eq!(subscriber.recv_string()?, "london 12C");
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # High-water marks: who blocks, who drops
//!
//! Each connection queues at most SNDHWM messages outbound and RCVHWM
//! inbound (1000 each by default; [`Socket::set_sndhwm`](crate::Socket::set_sndhwm),
//! [`Socket::set_rcvhwm`](crate::Socket::set_rcvhwm)). What happens when a
//! queue is full depends on the socket type:
//!
//! | socket                 | at the high-water mark                                      |
//! |------------------------|-------------------------------------------------------------|
//! | PUSH, DEALER, REQ      | `send` waits (up to SNDTIMEO); `try_send` hands it back     |
//! | PAIR                   | `send` waits; `try_send` hands it back                      |
//! | PUB, XPUB              | the message is **dropped** for that subscriber only         |
//! | XPUB with XPUB_NODROP  | `send` waits; `try_send` hands it back                      |
//! | ROUTER                 | the message is **dropped** (unknown peer too)               |
//! | ROUTER_MANDATORY       | `Again` when full, `HostUnreachable` for an unknown peer    |
//! | REP                    | the reply is **dropped** if the requester's queue is full   |
//!
//! Messages are never cut: a multipart message is queued whole or not at
//! all. [`Socket::queue_stats`](crate::Socket::queue_stats) counts what was
//! queued and dropped.
//!
//! ```
//! use ferrozmq::{Context, ErrorKind, SocketType};
//!
//! let ctx = Context::new();
//! let mut pull = ctx.socket(SocketType::Pull)?;
//! pull.set_rcvhwm(1)?;
//! pull.bind("inproc://hwm")?;
//! let mut push = ctx.socket(SocketType::Push)?;
//! push.set_sndhwm(1)?;
//! push.connect("inproc://hwm")?;
//! let mut queued = 0;
//! let refused = loop {
//!     match push.try_send("work") {
//!         Ok(()) => queued += 1,
//!         Err(refused) => break refused,
//!     }
//! };
//! assert_eq!(*refused.error(), ErrorKind::Again);
//! assert!(queued >= 1);
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # REQ's strict alternation
//!
//! REQ sends one request, then must receive its reply before sending
//! again; REP receives one request, then must reply. Calling out of turn
//! fails with [`ErrorKind::Fsm`](crate::ErrorKind::Fsm). If a reply can be
//! lost (the server died), a plain REQ is stuck: set
//! [`Socket::set_req_relaxed`](crate::Socket::set_req_relaxed) (and
//! [`Socket::set_req_correlate`](crate::Socket::set_req_correlate), so a late
//! reply to an older request is ignored) to allow a new request, or use
//! DEALER and manage the envelope yourself.
//!
//! ```
//! use ferrozmq::{Context, ErrorKind, SocketType};
//!
//! let ctx = Context::new();
//! let mut rep = ctx.socket(SocketType::Rep)?;
//! rep.bind("inproc://alternation")?;
//! let mut req = ctx.socket(SocketType::Req)?;
//! req.connect("inproc://alternation")?;
//!
//! req.send("first")?;
//! assert_eq!(req.send("second").unwrap_err(), ErrorKind::Fsm);
//! assert_eq!(rep.send("no request yet").unwrap_err(), ErrorKind::Fsm);
//!
//! // Relaxed: a new request may go before the reply to the last one.
//! req.set_req_relaxed(true)?;
//! req.set_req_correlate(true)?;
//! req.send("second")?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # Linger on close
//!
//! Closing (or dropping) a socket does not throw away what it still has
//! queued: the I/O thread keeps delivering for up to LINGER, which is
//! forever by default, as in libzmq. [`Context::term`](crate::Context::term)
//! waits for that delivery, so a program whose peer is gone can hang on
//! exit. Set a bounded linger on sockets that may outlive their peers
//! ([`Socket::set_linger`](crate::Socket::set_linger); `Some(Duration::ZERO)`
//! drops at once, `None` waits forever).
//!
//! ```
//! use std::time::Duration;
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! let mut push = ctx.socket(SocketType::Push)?;
//! push.set_linger(Some(Duration::from_millis(100)))?;
//! push.connect("tcp://127.0.0.1:9")?; // nobody there
//! push.send("never delivered")?;      // queued for the absent peer
//! push.close();
//! ctx.term()?; // returns within the linger, dropping the message
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # Non-blocking calls and the message handed back
//!
//! [`Socket::send`](crate::Socket::send) and
//! [`Socket::recv`](crate::Socket::recv) wait (up to SNDTIMEO and RCVTIMEO,
//! forever by default). The `try_` forms never wait and fail with
//! [`ErrorKind::Again`](crate::ErrorKind::Again); a failed send returns the
//! message in a [`SendError`](crate::SendError), so nothing is lost and
//! nothing is copied. The `_timeout` forms wait at most the given
//! [`Duration`](std::time::Duration).
//!
//! ```
//! use ferrozmq::{Context, SocketType};
//!
//! let ctx = Context::new();
//! let mut push = ctx.socket(SocketType::Push)?;
//! let mut pending = Vec::new();
//! if let Err(refused) = push.try_send("later") {
//!     pending.push(refused.into_message()); // retry once a peer is there
//! }
//! assert_eq!(pending.len(), 1);
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! # Event loops and the readiness descriptor
//!
//! A socket's [`AsFd`](std::os::fd::AsFd) descriptor (ZMQ_FD) is not the
//! connection: it is a wake-up, and it is edge-triggered. It becomes
//! readable when [`Socket::events`](crate::Socket::events) *may* have
//! changed. After each wake, call `events()` and send or receive until it
//! reports nothing ready; only then wait on the descriptor again. Waiting
//! first can sleep forever with a message already queued.
//!
//! ```
//! use std::os::fd::AsRawFd;
//! use std::time::Duration;
//! use ferrozmq::{poll, Context, PollEvents, PollItem, SocketType};
//!
//! let ctx = Context::new();
//! let mut pull = ctx.socket(SocketType::Pull)?;
//! pull.bind("inproc://loop")?;
//! let mut push = ctx.socket(SocketType::Push)?;
//! push.connect("inproc://loop")?;
//! push.send("tick")?;
//!
//! let fd = pull.as_raw_fd();
//! loop {
//!     // Drain first: the descriptor only reports changes.
//!     while pull.events()?.contains(PollEvents::READABLE) {
//!         assert_eq!(pull.try_recv()?, b"tick");
//!     }
//!     # break;
//!     poll(&mut [PollItem::fd(fd, PollEvents::READABLE)], Some(Duration::from_secs(1)))?;
//! }
//! # Ok::<(), ferrozmq::Error>(())
//! ```
