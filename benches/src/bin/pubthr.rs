//! PUB fan-out throughput on ferrozmq: one publisher, N subscribers, all in
//! one process.
//!
//! `pubthr <tcp|ipc|inproc> <subscribers> <size> <count>`: a PUB socket on
//! the main thread binds; each subscriber is a SUB socket on its own thread
//! (subscribed to everything) that connects and counts messages. Once every
//! subscriber has seen a probe, the publisher sends `count` messages of
//! `size` bytes as fast as it can, then end markers until every subscriber
//! has seen one. A PUB never blocks: a subscriber that falls behind by more
//! than its high-water mark loses messages, so what is measured is what each
//! subscriber actually receives.
//!
//! Each subscriber's clock runs from its first data message to the end
//! marker. Prints one line (the C program `benches/c/pubthr.c` prints the
//! same for libzmq; `benches/pubsub.sh` runs both):
//!
//! ```text
//! impl=ferrozmq version=0.1.0 mode=pubthr transport=tcp subscribers=4 size=64 count=1000000
//!   per_sub_msgs_per_sec=... min_sub_msgs_per_sec=... max_sub_msgs_per_sec=...
//!   total_msgs_per_sec=... delivered_pct=... elapsed_s=...
//! ```
//!
//! (one line in fact). `per_sub_msgs_per_sec` is the mean over subscribers
//! of messages received ÷ that subscriber's time; `total_msgs_per_sec` is all
//! messages received by all subscribers ÷ the time from the first data
//! message anywhere to the last end marker; `delivered_pct` is the share of
//! `count × subscribers` that arrived.
//!
//! `pub_msgs_per_sec` is `count` ÷ the time the publisher took to send
//! them (what it offered, dropped or not).
//!
//! With `PUBTHR_NODROP=1` the publisher is an XPUB with XPUB_NODROP, whose
//! sends block while any subscriber's queue is full: nothing is lost, and
//! the rates are what the slowest subscriber sustains. (libzmq honours
//! XPUB_NODROP on a plain PUB too, and ours does since b075977; both tools
//! use XPUB for this mode, as when it was written, to keep results
//! comparable.)
//!
//! Message kinds go by the first byte: `p` probe, `x` data, `e` end. Waits
//! are bounded by `BENCH_TIMEOUT_MS` (default 20000, also SNDTIMEO and
//! RCVTIMEO); `BENCH_HWM` sets SNDHWM and RCVHWM (default 1000, as
//! libzmq).

// A benchmark binary: failing loudly on a broken setup is the right answer,
// so the workspace's no-unwrap/no-panic lints are relaxed here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{Context, Socket, SocketOption, SocketType};
use ferrozmq_bench::{apply_hwm, env_int, Transport, IMPL, VERSION};

fn main() -> ExitCode {
    let Some(args) = Args::parse(&std::env::args().skip(1).collect::<Vec<_>>()) else {
        eprintln!(
            "usage: pubthr <tcp|ipc|inproc> <subscribers> <message-size-bytes> <message-count>"
        );
        return ExitCode::from(2);
    };
    let nodrop = env_int("PUBTHR_NODROP").unwrap_or(0) != 0;
    let result = run(&args, nodrop);
    if args.transport == Transport::Ipc {
        let _ = std::fs::remove_file(args.transport.ipc_path("pubthr"));
    }
    match result {
        Ok((subs, sending)) => {
            println!("{}", report(&args, nodrop, &subs, sending));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "pubthr {} subscribers={} size={} count={}: {e}",
                args.transport, args.subscribers, args.size, args.count
            );
            ExitCode::FAILURE
        }
    }
}

/// The command line.
#[derive(Debug, Clone, Copy)]
struct Args {
    transport: Transport,
    subscribers: usize,
    size: usize,
    count: u64,
}

impl Args {
    fn parse(argv: &[String]) -> Option<Args> {
        let [transport, subscribers, size, count] = argv else {
            return None;
        };
        let args = Args {
            transport: Transport::parse(transport)?,
            subscribers: subscribers.parse().ok()?,
            size: size.parse().ok()?,
            count: count.parse().ok()?,
        };
        (args.subscribers > 0 && args.size > 0 && args.count > 0).then_some(args)
    }
}

/// What one subscriber saw.
#[derive(Debug, Clone, Copy)]
struct SubResult {
    received: u64,
    first: Instant,
    end: Instant,
}

fn timeout() -> Duration {
    let ms = env_int("BENCH_TIMEOUT_MS").unwrap_or(20_000);
    Duration::from_millis(u64::try_from(ms).unwrap_or(20_000))
}

fn run(args: &Args, nodrop: bool) -> Result<(Vec<SubResult>, Duration), String> {
    let ctx = Context::new();
    let socket_type = if nodrop {
        SocketType::XPub
    } else {
        SocketType::Pub
    };
    let mut publisher = ctx
        .socket(socket_type)
        .map_err(|e| format!("socket({socket_type:?}): {e}"))?;
    apply_hwm(&mut publisher).map_err(|e| format!("HWM: {e}"))?;
    let ms = i32::try_from(timeout().as_millis()).unwrap_or(i32::MAX);
    publisher
        .set_option(SocketOption::SndTimeo, ms)
        .map_err(|e| format!("SNDTIMEO: {e}"))?;
    if nodrop {
        publisher
            .set_option(SocketOption::XpubNodrop, 1)
            .map_err(|e| format!("XPUB_NODROP: {e}"))?;
    }
    publisher
        .bind(&args.transport.bind_endpoint("pubthr"))
        .map_err(|e| format!("bind: {e}"))?;
    let endpoint = publisher.last_endpoint().to_owned();

    let ready = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let (failed_tx, failed_rx) = mpsc::channel::<String>();
    let mut threads = Vec::new();
    for _ in 0..args.subscribers {
        let ctx = ctx.clone();
        let endpoint = endpoint.clone();
        let (ready, done, failed) = (ready.clone(), done.clone(), failed_tx.clone());
        let size = args.size;
        threads.push(thread::spawn(move || {
            let result = subscribe(&ctx, &endpoint, size, &ready, &done);
            if let Err(e) = &result {
                let _ = failed.send(e.clone());
            }
            result
        }));
    }

    // Probe until every subscriber is connected and subscribed.
    let probe = Bytes::from_static(b"p");
    wait_for(&ready, args.subscribers, &failed_rx, || {
        publisher.send(probe.clone()).map_err(|e| e.to_string())
    })?;

    // Like zmq_send(buf, size): each message is a fresh copy of the payload.
    let payload = vec![b'x'; args.size];
    let sending = Instant::now();
    for i in 0..args.count {
        publisher
            .send(Bytes::copy_from_slice(&payload))
            .map_err(|e| format!("send #{i}: {e}"))?;
    }
    let sending = sending.elapsed();
    // End markers until everyone has one (a full queue drops some).
    let end = Bytes::from_static(b"e");
    wait_for(&done, args.subscribers, &failed_rx, || {
        publisher.send(end.clone()).map_err(|e| e.to_string())
    })?;
    let subs = threads
        .into_iter()
        .map(|t| t.join().map_err(|_| "a subscriber panicked".to_owned())?)
        .collect::<Result<_, _>>()?;
    Ok((subs, sending))
}

/// Calls `send` every 200 µs until `counter` reaches `target`, a
/// subscriber fails, or the timeout passes.
fn wait_for(
    counter: &AtomicUsize,
    target: usize,
    failed: &mpsc::Receiver<String>,
    mut send: impl FnMut() -> Result<(), String>,
) -> Result<(), String> {
    let deadline = Instant::now() + timeout();
    while counter.load(Ordering::Acquire) < target {
        if let Ok(why) = failed.try_recv() {
            return Err(why);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {target} subscribers answered within {:?}",
                counter.load(Ordering::Acquire),
                timeout()
            ));
        }
        send()?;
        thread::sleep(Duration::from_micros(200));
    }
    Ok(())
}

/// One subscriber: counts data messages until an end marker.
fn subscribe(
    ctx: &Context,
    endpoint: &str,
    size: usize,
    ready: &AtomicUsize,
    done: &AtomicUsize,
) -> Result<SubResult, String> {
    let mut sub: Socket = ctx
        .socket(SocketType::Sub)
        .map_err(|e| format!("socket(SUB): {e}"))?;
    let ms = i32::try_from(timeout().as_millis()).unwrap_or(i32::MAX);
    sub.set_option(SocketOption::RcvTimeo, ms)
        .map_err(|e| format!("RCVTIMEO: {e}"))?;
    apply_hwm(&mut sub).map_err(|e| format!("HWM: {e}"))?;
    sub.subscribe("").map_err(|e| format!("subscribe: {e}"))?;
    sub.connect(endpoint)
        .map_err(|e| format!("connect({endpoint}): {e}"))?;
    let mut probed = false;
    let mut received = 0u64;
    let mut first = None;
    loop {
        let msg = sub
            .recv()
            .map_err(|e| format!("receive after {received} messages: {e}"))?;
        match msg.data().first() {
            Some(b'x') => {
                if msg.len() != size {
                    return Err(format!("a data message of {} bytes", msg.len()));
                }
                if first.is_none() {
                    first = Some(Instant::now());
                }
                received += 1;
            }
            Some(b'p') if !probed => {
                probed = true;
                ready.fetch_add(1, Ordering::AcqRel);
            }
            Some(b'p') => {}
            Some(b'e') => {
                let end = Instant::now();
                done.fetch_add(1, Ordering::AcqRel);
                return Ok(SubResult {
                    received,
                    first: first.unwrap_or(end),
                    end,
                });
            }
            _ => return Err(format!("an unexpected message {:?}", msg.bytes())),
        }
    }
}

/// The one-line report.
fn report(args: &Args, nodrop: bool, subs: &[SubResult], sending: Duration) -> String {
    let rates: Vec<f64> = subs
        .iter()
        .map(|s| s.received as f64 / (s.end - s.first).as_secs_f64().max(1e-9))
        .collect();
    let n = rates.len().max(1) as f64;
    let mean = rates.iter().sum::<f64>() / n;
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let max = rates.iter().copied().fold(0.0, f64::max);
    let received: u64 = subs.iter().map(|s| s.received).sum();
    let start = subs.iter().map(|s| s.first).min();
    let end = subs.iter().map(|s| s.end).max();
    let span = match (start, end) {
        (Some(s), Some(e)) => (e - s).as_secs_f64().max(1e-9),
        _ => 1e-9,
    };
    let delivered = 100.0 * received as f64 / (args.count as f64 * args.subscribers as f64);
    let offered = args.count as f64 / sending.as_secs_f64().max(1e-9);
    format!(
        "impl={IMPL} version={VERSION} mode=pubthr transport={} nodrop={} subscribers={} \
         size={} count={} per_sub_msgs_per_sec={mean:.0} min_sub_msgs_per_sec={min:.0} \
         max_sub_msgs_per_sec={max:.0} total_msgs_per_sec={:.0} delivered_pct={delivered:.2} \
         pub_msgs_per_sec={offered:.0} elapsed_s={span:.6}",
        args.transport,
        u8::from(nodrop),
        args.subscribers,
        args.size,
        args.count,
        received as f64 / span
    )
}
