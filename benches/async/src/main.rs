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
    // BENCH_ONLY=<part of a contender's name> and BENCH_PART=thr|rtt narrow
    // a run (for strace or perf); the others then report NaN.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let part = std::env::var("BENCH_PART").unwrap_or_default();
    for round in 0..rounds {
        for (i, c) in CONTENDERS.iter().enumerate() {
            if !c.name.contains(only.as_str()) {
                thr[i].push(f64::NAN);
                rtt[i].push(f64::NAN);
                continue;
            }
            thr[i].push(if part != "rtt" { (c.thr)(messages) } else { f64::NAN });
            rtt[i].push(if part != "thr" { (c.rtt)(trips) } else { f64::NAN });
        }
        println!("round {} done, load {}", round + 1, loadavg());
    }
    println!("\n{:<30} {:>14} {:>14}", "", "msgs/s (med)", "rtt µs (med)");
    for (i, c) in CONTENDERS.iter().enumerate() {
        let (t, r) = (median(thr[i].clone()), median(rtt[i].clone()));
        println!("{:<30} {:>14.0} {:>14.1}", c.name, t, r);
    }
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
