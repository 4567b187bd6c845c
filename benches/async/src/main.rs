//! ferrozmq blocking vs ferrozmq async (tokio) vs the `zeromq` crate
//! (zmq.rs, tokio) in one run: PUSH/PULL throughput of 64-byte messages and
//! REQ/REP round trip, over tcp on 127.0.0.1, each side in its own thread
//! of this one process (an async side runs a current-thread tokio runtime
//! on its thread). Rounds interleave the three (A B C A B C ...) so that
//! the load of a shared machine falls on all alike; medians are reported.
//!
//! `cargo run --release -- [rounds] [messages] [round-trips]`

mod aio;
mod blocking;
mod zmqrs;

use std::time::Instant;

/// The message size.
const SIZE: usize = 64;

/// One contender: throughput (messages/s) and round-trip (µs) runs.
struct Contender {
    name: &'static str,
    thr: fn(usize) -> f64,
    rtt: fn(usize) -> f64,
}

const CONTENDERS: [Contender; 3] = [
    Contender {
        name: "ferrozmq blocking",
        thr: blocking::thr,
        rtt: blocking::rtt,
    },
    Contender {
        name: "ferrozmq async (tokio)",
        thr: aio::thr,
        rtt: aio::rtt,
    },
    Contender {
        name: "zeromq crate (zmq.rs, tokio)",
        thr: zmqrs::thr,
        rtt: zmqrs::rtt,
    },
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// User + system CPU time of the whole process (both sides and the
/// context's I/O thread), in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Runs `f(n)`; its result and the CPU µs it cost per message or trip.
fn timed(f: fn(usize) -> f64, n: usize) -> (f64, f64) {
    let cpu = cpu_seconds();
    let value = f(n);
    (value, (cpu_seconds() - cpu) * 1e6 / n as f64)
}

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() {
    let rounds = arg(1, 5);
    let messages = arg(2, 200_000);
    let trips = arg(3, 5_000);
    println!(
        "{rounds} rounds, PUSH/PULL {messages} x {SIZE} B, REQ/REP {trips} round trips, tcp 127.0.0.1, two threads; load {}",
        loadavg()
    );
    let started = Instant::now();
    let mut thr = vec![Vec::new(); CONTENDERS.len()];
    let mut rtt = vec![Vec::new(); CONTENDERS.len()];
    let mut thr_cpu = vec![Vec::new(); CONTENDERS.len()];
    let mut rtt_cpu = vec![Vec::new(); CONTENDERS.len()];
    // BENCH_ONLY=<part of a contender's name> and BENCH_PART=thr|rtt narrow
    // a run (for strace or perf); the others then report NaN.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let part = std::env::var("BENCH_PART").unwrap_or_default();
    for round in 0..rounds {
        for (i, c) in CONTENDERS.iter().enumerate() {
            let skip = (f64::NAN, f64::NAN);
            let included = c.name.contains(only.as_str());
            let (t, tc) = if included && part != "rtt" {
                timed(c.thr, messages)
            } else {
                skip
            };
            let (r, rc) = if included && part != "thr" {
                timed(c.rtt, trips)
            } else {
                skip
            };
            thr[i].push(t);
            thr_cpu[i].push(tc);
            rtt[i].push(r);
            rtt_cpu[i].push(rc);
        }
        println!("round {} done, load {}", round + 1, loadavg());
    }
    println!(
        "\n{:<30} {:>14} {:>14} {:>14} {:>14}",
        "", "msgs/s (med)", "cpu µs/msg", "rtt µs (med)", "cpu µs/trip"
    );
    for (i, c) in CONTENDERS.iter().enumerate() {
        let (t, r) = (median(thr[i].clone()), median(rtt[i].clone()));
        let (tc, rc) = (median(thr_cpu[i].clone()), median(rtt_cpu[i].clone()));
        println!(
            "{:<30} {:>14.0} {:>14.2} {:>14.1} {:>14.1}",
            c.name, t, tc, r, rc
        );
    }
    // Per-round ratios of the async side to the others (A B C rounds).
    let ratios = |a: &[f64], b: &[f64]| -> String {
        let mut v: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        v.sort_by(f64::total_cmp);
        match (v.first(), v.last()) {
            (Some(lo), Some(hi)) => format!("{:.2} [{lo:.2}..{hi:.2}]", median(v.clone())),
            _ => String::new(),
        }
    };
    println!(
        "async/blocking: thr {} rtt {}",
        ratios(&thr[1], &thr[0]),
        ratios(&rtt[1], &rtt[0])
    );
    println!(
        "async/zmq.rs:   thr {} rtt {}",
        ratios(&thr[1], &thr[2]),
        ratios(&rtt[1], &rtt[2])
    );
    for (i, c) in CONTENDERS.iter().enumerate() {
        let all: Vec<String> = thr[i].iter().map(|t| format!("{t:.0}")).collect();
        let rts: Vec<String> = rtt[i].iter().map(|r| format!("{r:.1}")).collect();
        println!("{}: thr [{}] rtt [{}]", c.name, all.join(" "), rts.join(" "));
    }
    println!(
        "\n{:.0} s in all; load at the end {}",
        started.elapsed().as_secs_f64(),
        loadavg()
    );
}

/// A current-thread tokio runtime for one side.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
