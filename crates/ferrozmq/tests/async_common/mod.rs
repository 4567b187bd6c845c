//! Scenarios for the async sockets, generic over the event loop: each
//! executor's test file (async_tokio.rs, async_smol.rs) runs them all.
//! Joins and time-outs come from futures-lite and async-io, which work
//! under any executor.

#![allow(dead_code)]

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use async_io::Timer;
use ferrozmq::aio::{AsyncSocket, Reactor};
use ferrozmq::{Context, Message, Multipart, Result, SocketOption, SocketType};
use futures_lite::future::{or, zip};
use futures_lite::StreamExt;
use futures_sink::Sink;

/// A fresh inproc endpoint name.
pub(crate) fn inproc(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("inproc://aio-{name}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// A fresh ipc endpoint (a socket file under the temporary directory).
pub(crate) fn ipc(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "ferrozmq-aio-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    format!("ipc://{}", path.display())
}

/// A tcp endpoint on any free port (bound by `pair`).
pub(crate) const TCP: &str = "tcp://127.0.0.1:*";

/// A bound socket and a socket connected to it, both async.
pub(crate) fn pair<R: Reactor>(
    ctx: &Context,
    bound: SocketType,
    connected: SocketType,
    endpoint: &str,
) -> Result<(AsyncSocket<R>, AsyncSocket<R>)> {
    let mut a = ctx.socket(bound)?;
    a.bind(endpoint)?;
    let endpoint = a.last_endpoint().to_owned();
    let mut b = ctx.socket(connected)?;
    b.connect(&endpoint)?;
    Ok((AsyncSocket::new(a)?, AsyncSocket::new(b)?))
}

fn text(msg: &Message) -> String {
    String::from_utf8_lossy(msg.data()).into_owned()
}

fn texts(msg: &Multipart) -> Vec<String> {
    msg.iter().map(text).collect()
}

/// `n` messages PUSHed while the PULL side reads them, in order.
pub(crate) async fn push_pull<R: Reactor>(endpoint: &str, n: usize) -> Result<()> {
    let ctx = Context::new();
    let (mut pull, mut push) = pair::<R>(&ctx, SocketType::Pull, SocketType::Push, endpoint)?;
    let send = async {
        for i in 0..n {
            push.send(format!("{i}")).await?;
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let recv = async {
        for i in 0..n {
            assert_eq!(text(&pull.recv().await?), format!("{i}"));
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let (sent, received) = zip(send, recv).await;
    sent?;
    received
}

/// `n` request/reply round trips.
pub(crate) async fn req_rep<R: Reactor>(endpoint: &str, n: usize) -> Result<()> {
    let ctx = Context::new();
    let (mut rep, mut req) = pair::<R>(&ctx, SocketType::Rep, SocketType::Req, endpoint)?;
    let server = async {
        for _ in 0..n {
            let question = rep.recv().await?;
            rep.send(format!("re: {}", text(&question))).await?;
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let client = async {
        for i in 0..n {
            req.send(format!("{i}")).await?;
            assert_eq!(text(&req.recv().await?), format!("re: {i}"));
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let (served, asked) = zip(server, client).await;
    served?;
    asked
}

/// Multipart both ways between DEALER and ROUTER, the routing id first.
pub(crate) async fn dealer_router<R: Reactor>(endpoint: &str, n: usize) -> Result<()> {
    let ctx = Context::new();
    let (mut router, mut dealer) =
        pair::<R>(&ctx, SocketType::Router, SocketType::Dealer, endpoint)?;
    let server = async {
        for _ in 0..n {
            let mut msg = router.recv_multipart().await?;
            assert_eq!(msg.len(), 3);
            let id = msg.pop_front().expect("a routing id");
            let body = texts(&msg).join("+");
            router
                .send_multipart([id, "reply".into(), body.into()])
                .await?;
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let client = async {
        for i in 0..n {
            let msg = Multipart::from(vec!["part".to_owned(), format!("{i}")]);
            dealer.send_multipart(msg).await?;
            let reply = dealer.recv_multipart().await?;
            assert_eq!(texts(&reply), ["reply".to_owned(), format!("part+{i}")]);
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let (served, asked) = zip(server, client).await;
    served?;
    asked
}

/// Polls all `futures` to completion on the current task (a join_all).
pub(crate) async fn join_all<T>(futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    poll_fn(|cx| {
        for (slot, result) in futures.iter_mut().zip(results.iter_mut()) {
            if let Some(f) = slot {
                if let Poll::Ready(v) = f.as_mut().poll(cx) {
                    *result = Some(v);
                    *slot = None;
                }
            }
        }
        if futures.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// `pairs` PUSH/PULL pairs exchanging `n` messages each, all at once on
/// one task.
pub(crate) async fn many_pairs<R: Reactor>(tcp: bool, pairs: usize, n: usize) -> Result<()> {
    let mut work: Vec<Pin<Box<dyn Future<Output = Result<()>>>>> = Vec::new();
    for _ in 0..pairs {
        let endpoint = if tcp { TCP.to_owned() } else { inproc("many") };
        work.push(Box::pin(async move { push_pull::<R>(&endpoint, n).await }));
    }
    join_all(work).await.into_iter().collect()
}

/// A cheap pseudo-random sequence (no dependency for it).
pub(crate) struct Lcg(u64);

impl Lcg {
    /// A sequence from `seed`.
    pub(crate) fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    /// The next number below `bound`.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

/// A way to give up on a future after a time limit (a timeout, a
/// `select!` against a sleep), dropping it.
pub(crate) trait Cancel {
    /// `fut`'s output, or `None` (and `fut` dropped) once `limit` passed.
    async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T>;
}

/// Cancels with an async-io timer (any executor).
pub(crate) struct AsyncIoTimer;

impl Cancel for AsyncIoTimer {
    async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
        within(limit, fut).await
    }
}

/// The receiver races each `recv` against a short random time limit with
/// `C`, dropping the receive future whenever the limit wins; all `n`
/// messages still arrive, in order. Returns how many receives were
/// cancelled.
pub(crate) async fn cancelled_recvs_lose_nothing<R: Reactor, C: Cancel>(
    endpoint: &str,
    n: usize,
) -> Result<usize> {
    let ctx = Context::new();
    let (mut pull, mut push) = pair::<R>(&ctx, SocketType::Pull, SocketType::Push, endpoint)?;
    let send = async {
        let mut rng = Lcg::new(7);
        for i in 0..n {
            // Now and then a pause longer than tokio's 1 ms timer tick, so
            // that receives do get cancelled while waiting.
            if rng.below(8) == 0 {
                Timer::after(Duration::from_micros(rng.below(3000))).await;
            }
            push.send(format!("{i}")).await?;
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let recv = async {
        let mut rng = Lcg::new(11);
        let mut cancelled = 0;
        let mut next = 0;
        while next < n {
            let limit = Duration::from_micros(rng.below(1500));
            match C::within(limit, pull.recv()).await {
                None => cancelled += 1,
                Some(msg) => {
                    assert_eq!(text(&msg?), format!("{next}"));
                    next += 1;
                }
            }
        }
        Ok::<_, ferrozmq::Error>(cancelled)
    };
    let (sent, received) = zip(send, recv).await;
    sent?;
    received
}

/// Races `fut` against an async-io timer (any executor).
pub(crate) async fn within<T>(limit: Duration, fut: impl Future<Output = T>) -> Option<T> {
    or(async { Some(fut.await) }, async {
        Timer::after(limit).await;
        None
    })
    .await
}

/// Sends one message through the `Sink` interface (poll_ready,
/// start_send, poll_flush), as `SinkExt::send` would.
pub(crate) async fn sink_send<S, M>(sink: &mut S, msg: M) -> std::result::Result<(), S::Error>
where
    S: Sink<M> + Unpin,
{
    poll_fn(|cx| Pin::new(&mut *sink).poll_ready(cx)).await?;
    Pin::new(&mut *sink).start_send(msg)?;
    poll_fn(|cx| Pin::new(&mut *sink).poll_flush(cx)).await
}

/// Multipart messages through the `Sink` of one DEALER and out of the
/// `Stream` of another, and back.
pub(crate) async fn sink_stream<R: Reactor + Unpin>(endpoint: &str, n: usize) -> Result<()> {
    let ctx = Context::new();
    let (mut a, mut b) = pair::<R>(&ctx, SocketType::Dealer, SocketType::Dealer, endpoint)?;
    for i in 0..n {
        let msg = Multipart::from(vec!["k".to_owned(), format!("{i}")]);
        sink_send(&mut b, msg).await?;
        let msg = a.next().await.expect("the stream goes on")?;
        assert_eq!(texts(&msg), ["k".to_owned(), format!("{i}")]);
        sink_send(&mut a, msg).await?;
        let echoed = b.next().await.expect("the stream goes on")?;
        assert_eq!(texts(&echoed), ["k".to_owned(), format!("{i}")]);
    }
    Ok(())
}

/// With small high-water marks and a PULL that does not read, a send
/// future stays pending; once the PULL reads, it completes, and every
/// message arrives in order.
pub(crate) async fn hwm_back_pressure<R: Reactor>() -> Result<()> {
    let ctx = Context::new();
    let endpoint = inproc("hwm");
    let mut pull = ctx.socket(SocketType::Pull)?;
    pull.set_option(SocketOption::RcvHwm, 4)?;
    pull.bind(&endpoint)?;
    let mut push = ctx.socket(SocketType::Push)?;
    push.set_option(SocketOption::SndHwm, 4)?;
    push.connect(&endpoint)?;
    let (mut pull, mut push) = (AsyncSocket::<R>::new(pull)?, AsyncSocket::<R>::new(push)?);
    let mut sent = 0;
    while within(Duration::from_millis(200), push.send(format!("{sent}")))
        .await
        .transpose()?
        .is_some()
    {
        sent += 1;
        assert!(sent < 1000, "a send should block at the high-water mark");
    }
    assert!(sent >= 4, "at least one HWM's worth went: {sent}");
    // Inproc has no I/O thread: the queue stays full, so this send pends.
    let mut blocked = Box::pin(push.send(format!("{sent}")));
    let polled = poll_fn(|cx| Poll::Ready(blocked.as_mut().poll(cx))).await;
    assert!(polled.is_pending(), "the send future waits for the reader");
    let reader = async {
        for i in 0..=sent {
            assert_eq!(text(&pull.recv().await?), format!("{i}"));
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let (unblocked, read) = zip(blocked, reader).await;
    unblocked?;
    read
}

/// `send_more` builds a message that leaves only with its last frame:
/// before that the peer sees nothing; then it gets every frame at once.
/// `send_multipart` after `send_more` adds its frames to the same message.
pub(crate) async fn send_more_builds_one_message<R: Reactor>(endpoint: &str) -> Result<()> {
    let ctx = Context::new();
    let (mut pull, mut push) = pair::<R>(&ctx, SocketType::Pull, SocketType::Push, endpoint)?;
    push.send_more("a");
    push.send_more(String::from("b"));
    // Nothing went yet: a PUSH with a peer would have sent a frame by now.
    let early = within(Duration::from_millis(50), pull.recv()).await;
    assert!(early.is_none(), "a frame before the last was visible");
    push.send("c").await?;
    assert_eq!(texts(&pull.recv_multipart().await?), ["a", "b", "c"]);

    push.send_more("head");
    push.send_multipart(["x", "y"]).await?;
    assert_eq!(texts(&pull.recv_multipart().await?), ["head", "x", "y"]);

    // Abandoned: the next message is whole without them.
    push.send_more("dropped");
    assert_eq!(texts(&push.take_partial()), ["dropped"]);
    assert!(push.take_partial().is_empty());
    push.send("alone").await?;
    assert_eq!(texts(&pull.recv_multipart().await?), ["alone"]);
    Ok(())
}

/// A PUSH at its high-water mark: a `send` of a built message's last frame
/// pends and is dropped. The peer never sees part of that message, the
/// frames given to `send_more` stay pending, and sending the last frame
/// again delivers the whole message after the ones queued before it.
pub(crate) async fn cancelled_send_more_is_never_half_sent<R: Reactor>() -> Result<()> {
    let ctx = Context::new();
    let endpoint = inproc("more-hwm");
    let mut pull = ctx.socket(SocketType::Pull)?;
    pull.set_option(SocketOption::RcvHwm, 2)?;
    pull.bind(&endpoint)?;
    let mut push = ctx.socket(SocketType::Push)?;
    push.set_option(SocketOption::SndHwm, 2)?;
    push.connect(&endpoint)?;
    let (mut pull, mut push) = (AsyncSocket::<R>::new(pull)?, AsyncSocket::<R>::new(push)?);
    let mut queued = 0;
    while within(Duration::from_millis(100), push.send(format!("{queued}")))
        .await
        .transpose()?
        .is_some()
    {
        queued += 1;
        assert!(queued < 1000, "a send should block at the high-water mark");
    }
    push.send_more("m1");
    push.send_more("m2");
    for limit in [0, 20] {
        let cancelled = within(Duration::from_millis(limit), push.send("m3")).await;
        assert!(cancelled.is_none(), "the queue is full: the send pends");
    }
    // Only the whole single-frame messages queued before it are there.
    for i in 0..queued {
        assert_eq!(texts(&pull.recv_multipart().await?), [format!("{i}")]);
    }
    let nothing = within(Duration::from_millis(50), pull.recv()).await;
    assert!(
        nothing.is_none(),
        "part of the cancelled message was visible"
    );
    // The frames before the last were kept: sending it again completes it.
    push.send("m3").await?;
    assert_eq!(texts(&pull.recv_multipart().await?), ["m1", "m2", "m3"]);
    Ok(())
}

/// Large messages sent far apart over tcp take the direct path (written
/// from the sending task's thread) and fill the kernel's buffer, so each
/// write is partial and the I/O thread finishes it: every byte still
/// arrives, in order.
pub(crate) async fn sparse_large_messages_arrive_whole<R: Reactor>() -> Result<()> {
    const SIZE: usize = 4 << 20;
    let ctx = Context::new();
    let (mut pull, mut push) = pair::<R>(&ctx, SocketType::Pull, SocketType::Push, TCP)?;
    // The connection is up (and the direct path open) once a first
    // message went through.
    push.send("hello").await?;
    assert_eq!(text(&pull.recv().await?), "hello");
    for i in 0..4u8 {
        // Apart enough to count as sparse traffic.
        Timer::after(Duration::from_millis(2)).await;
        let body: Vec<u8> = (0..SIZE).map(|n| (n % 251) as u8 ^ i).collect();
        push.send(body).await?;
    }
    for i in 0..4u8 {
        let msg = pull.recv().await?;
        assert_eq!(msg.len(), SIZE);
        let wrong = msg
            .data()
            .iter()
            .enumerate()
            .position(|(n, b)| *b != (n % 251) as u8 ^ i);
        assert_eq!(wrong, None, "message {i} differs");
    }
    Ok(())
}

/// A send the socket refuses for good (REQ sending twice: EFSM) fails at
/// once and hands the message back; after the reply it goes through.
pub(crate) async fn refused_send_hands_the_message_back<R: Reactor>() -> Result<()> {
    let ctx = Context::new();
    let (mut rep, mut req) = pair::<R>(&ctx, SocketType::Rep, SocketType::Req, &inproc("efsm"))?;
    req.send("first").await.map_err(|e| e.into_parts().0)?;
    let failed = req
        .send("second")
        .await
        .expect_err("REQ may not send twice");
    assert_eq!(failed.error().kind(), ferrozmq::ErrorKind::Fsm);
    let back = failed.into_message();
    assert_eq!(text(&back), "second");
    let msg = rep.recv().await?;
    assert_eq!(text(&msg), "first");
    rep.send(msg).await.map_err(|e| e.into_parts().0)?;
    assert_eq!(text(&req.recv().await?), "first");
    req.send(back).await.map_err(|e| e.into_parts().0)?;
    assert_eq!(text(&rep.recv().await?), "second");
    Ok(())
}

/// A message the `Sink` holds (the socket was at its high-water mark) goes
/// before one given to `send` after it, even once the socket has room.
pub(crate) async fn sink_message_goes_before_a_later_send<R: Reactor + Unpin>() -> Result<()> {
    let ctx = Context::new();
    let endpoint = inproc("sink-order");
    let mut pull = ctx.socket(SocketType::Pull)?;
    pull.set_option(SocketOption::RcvHwm, 4)?;
    pull.bind(&endpoint)?;
    let mut push = ctx.socket(SocketType::Push)?;
    push.set_option(SocketOption::SndHwm, 4)?;
    push.connect(&endpoint)?;
    let (mut pull, mut push) = (AsyncSocket::<R>::new(pull)?, AsyncSocket::<R>::new(push)?);
    let mut sent = 0;
    while push.get_mut().try_send(format!("{sent}")).is_ok() {
        sent += 1;
        assert!(sent < 1000, "a send should block at the high-water mark");
    }
    type Held = Multipart;
    poll_fn(|cx| Sink::<Held>::poll_ready(Pin::new(&mut push), cx)).await?;
    Pin::new(&mut push).start_send(Held::from(vec![format!("{sent}")]))?;
    let flushed =
        poll_fn(|cx| Poll::Ready(Sink::<Held>::poll_flush(Pin::new(&mut push), cx))).await;
    assert!(
        flushed.is_pending(),
        "the Sink holds its message at the HWM"
    );
    // The `send` below must queue behind the Sink's message, whenever
    // the reader makes room.
    let later = push.send(format!("{}", sent + 1));
    let reader = async {
        for i in 0..=sent + 1 {
            assert_eq!(text(&pull.recv().await?), format!("{i}"));
        }
        Ok::<_, ferrozmq::Error>(())
    };
    let (later, read) = zip(later, reader).await;
    later.map_err(|e| e.into_parts().0)?;
    read?;
    Ok(())
}

/// The frames of request `seq` of [`lease_stress`]: 1 to 4 frames of 0 to
/// 100 kB (most small enough for the read lease), each byte a function of
/// the message, the frame and its place.
fn stress_message(rng: &mut Lcg, seq: u64) -> Vec<Vec<u8>> {
    let frames = 1 + rng.below(4);
    (0..frames)
        .map(|f| {
            let len = match rng.below(10) {
                0..=6 => rng.below(300),
                7..=8 => 7_000 + rng.below(2_500),
                _ => rng.below(100_001),
            };
            (0..len)
                .map(|i| (seq.wrapping_mul(131) ^ f.wrapping_mul(29) ^ i) as u8)
                .collect()
        })
        .collect()
}

/// The read lease under async receives: DEALER/ROUTER (`routed`) or
/// REQ/REP round trips of random multipart messages, both sides on this
/// executor, each receive raced against a random short time limit with `C`
/// (a cancelled receive is dropped, possibly while its connection's reads
/// are lent), random pauses on both sides (some long enough for the
/// session to take a kept lease back). Every byte of every message and
/// every echo is checked. Returns how many receives were cancelled.
pub(crate) async fn lease_stress<R: Reactor, C: Cancel>(
    endpoint: &str,
    routed: bool,
    n: u64,
    seed: u64,
) -> Result<usize> {
    let ctx = Context::new();
    let (server, client) = if routed {
        (SocketType::Router, SocketType::Dealer)
    } else {
        (SocketType::Rep, SocketType::Req)
    };
    let (mut server, mut client) = pair::<R>(&ctx, server, client, endpoint)?;
    // Receives until one completes, each raced against a random limit.
    async fn recv_all<R: Reactor, C: Cancel>(
        s: &mut AsyncSocket<R>,
        rng: &mut Lcg,
        cancelled: &mut usize,
    ) -> Result<Vec<Vec<u8>>> {
        loop {
            let limit = Duration::from_micros(rng.below(3_000));
            match C::within(limit, s.recv_multipart()).await {
                None => *cancelled += 1,
                Some(msg) => return Ok(msg?.iter().map(|m| m.data().to_vec()).collect()),
            }
        }
    }
    async fn pause(rng: &mut Lcg) {
        let wait = match rng.below(10) {
            0..=7 => return,
            8 => Duration::from_micros(rng.below(500)),
            _ => Duration::from_millis(3 + rng.below(5)),
        };
        Timer::after(wait).await;
    }
    let echo = async {
        let mut sizes = Lcg::new(seed);
        let mut rng = Lcg::new(seed ^ 1);
        let mut cancelled = 0;
        for seq in 0..n {
            let mut got = recv_all::<R, C>(&mut server, &mut rng, &mut cancelled).await?;
            let id = routed.then(|| got.remove(0));
            assert!(
                got == stress_message(&mut sizes, seq),
                "request {seq} (seed {seed})"
            );
            pause(&mut rng).await;
            if let Some(id) = id {
                got.insert(0, id);
            }
            server
                .send_multipart(got)
                .await
                .map_err(|e| e.into_parts().0)?;
        }
        Ok::<_, ferrozmq::Error>(cancelled)
    };
    let ask = async {
        let mut sizes = Lcg::new(seed);
        let mut rng = Lcg::new(seed ^ 2);
        let mut cancelled = 0;
        for seq in 0..n {
            let msg = stress_message(&mut sizes, seq);
            client
                .send_multipart(msg.clone())
                .await
                .map_err(|e| e.into_parts().0)?;
            let got = recv_all::<R, C>(&mut client, &mut rng, &mut cancelled).await?;
            assert!(got == msg, "reply {seq} (seed {seed})");
            pause(&mut rng).await;
        }
        Ok::<_, ferrozmq::Error>(cancelled)
    };
    let (a, b) = zip(echo, ask).await;
    Ok(a? + b?)
}

/// A receive dropped while it waits under the read lease leaves the
/// connection watched: the peer's disconnect is still reported, with no
/// receive running.
pub(crate) async fn dropped_recv_leaves_the_connection_watched<R: Reactor>(
    endpoint: &str,
) -> Result<()> {
    let ctx = Context::new();
    let (mut router, mut dealer) =
        pair::<R>(&ctx, SocketType::Router, SocketType::Dealer, endpoint)?;
    dealer
        .get_mut()
        .monitor(Some("inproc://aio-lease-mon"), 0x0200)?;
    let mut mon = ctx.socket(SocketType::Pair)?;
    mon.set_rcvtimeo(Some(Duration::from_secs(5)))?;
    mon.connect("inproc://aio-lease-mon")?;
    // A round trip: the dealer's receive takes the lease and keeps it.
    dealer.send("ping").await.map_err(|e| e.into_parts().0)?;
    let request = router.recv_multipart().await?;
    router
        .send_multipart(request)
        .await
        .map_err(|e| e.into_parts().0)?;
    assert_eq!(text(&dealer.recv().await?), "ping");
    // A receive waiting under the lease, dropped.
    assert!(within(Duration::from_millis(20), dealer.recv())
        .await
        .is_none());
    // The peer goes while nobody receives.
    drop(router);
    let event = mon.recv_multipart()?;
    let code = event
        .iter()
        .next()
        .and_then(|m| m.data().get(..2))
        .map(|b| {
            u16::from_ne_bytes([
                b.first().copied().unwrap_or(0),
                b.get(1).copied().unwrap_or(0),
            ])
        });
    assert_eq!(code, Some(0x0200), "a DISCONNECTED event");
    Ok(())
}
