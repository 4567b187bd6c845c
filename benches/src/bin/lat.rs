//! REQ/REP round-trip latency on ferrozmq, both sides in one process.
//!
//! `lat <tcp|ipc|inproc> <size> <round-trips>`: a REP socket on its own
//! thread binds and echoes every request; a REQ socket on the main thread
//! connects, sends `size` bytes and waits for the reply, `round-trips` times
//! (after a short untimed warm-up). Prints one line, e.g.
//! `impl=ferrozmq version=0.1.0 mode=lat transport=tcp size=64 count=... median_us=... mean_us=...`.
//!
//! A reply that never arrives, or a send that blocks for good, shows up as
//! an error after RCVTIMEO/SNDTIMEO
//! (`BENCH_TIMEOUT_MS`, default 20000) rather than a hang.

// A benchmark binary: failing loudly on a broken setup is the right answer,
// so the workspace's no-unwrap/no-panic lints are relaxed here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use bytes::Bytes;
use ferrozmq::{Context, SocketOption, SocketType};
use ferrozmq_bench::{env_int, latency_line, Args, Transport};

fn main() -> ExitCode {
    let args = match Args::from_env("lat", "round-trips") {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let result = run(args);
    if args.transport == Transport::Ipc {
        let _ = std::fs::remove_file(args.transport.ipc_path("lat"));
    }
    match result {
        Ok(mut samples) => {
            println!("{}", latency_line(&args, &mut samples));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "lat {} size={} count={}: {e}",
                args.transport, args.size, args.count
            );
            ExitCode::FAILURE
        }
    }
}

fn timeout_ms() -> i32 {
    env_int("BENCH_TIMEOUT_MS").unwrap_or(20_000)
}

/// Untimed round trips first: connection set-up and first-touch allocations.
fn warmup(count: u64) -> u64 {
    (count / 10).clamp(1, 100)
}

fn run(args: Args) -> Result<Vec<u64>, String> {
    let ctx = Context::new();
    let total = args.count + warmup(args.count);
    let (endpoint_tx, endpoint_rx) = mpsc::channel::<Result<String, String>>();

    let server_ctx = ctx.clone();
    let server = thread::spawn(move || -> Result<(), String> {
        let mut rep = server_ctx
            .socket(SocketType::Rep)
            .map_err(|e| format!("socket(REP): {e}"))?;
        rep.set_option(SocketOption::RcvTimeo, timeout_ms())
            .map_err(|e| format!("RCVTIMEO: {e}"))?;
        if let Err(e) = rep.bind(&args.transport.bind_endpoint("lat")) {
            let msg = format!("bind: {e}");
            let _ = endpoint_tx.send(Err(msg.clone()));
            return Err(msg);
        }
        let _ = endpoint_tx.send(Ok(rep.last_endpoint().to_owned()));
        for i in 0..total {
            let msg = rep
                .recv()
                .map_err(|e| format!("REP recv #{i} of {total}: {e}"))?;
            rep.send(msg).map_err(|e| format!("REP send #{i}: {e}"))?;
        }
        Ok(())
    });

    let endpoint = endpoint_rx
        .recv()
        .map_err(|_| "server thread died before binding".to_owned())??;
    let mut req = ctx
        .socket(SocketType::Req)
        .map_err(|e| format!("socket(REQ): {e}"))?;
    req.set_option(SocketOption::RcvTimeo, timeout_ms())
        .map_err(|e| format!("RCVTIMEO: {e}"))?;
    req.set_option(SocketOption::SndTimeo, timeout_ms())
        .map_err(|e| format!("SNDTIMEO: {e}"))?;
    req.connect(&endpoint)
        .map_err(|e| format!("connect({endpoint}): {e}"))?;

    let payload = vec![b'x'; args.size];
    let mut samples = Vec::with_capacity(args.count as usize);
    for i in 0..total {
        let start = Instant::now();
        req.send(Bytes::copy_from_slice(&payload))
            .map_err(|e| format!("REQ send #{i}: {e}"))?;
        let reply = req.recv().map_err(|e| {
            format!(
                "LOST REPLY: round trip #{i} of {total}: {e} after {} ms",
                timeout_ms()
            )
        })?;
        let took = start.elapsed();
        if reply.len() != args.size {
            return Err(format!(
                "reply #{i} has {} bytes, expected {}",
                reply.len(),
                args.size
            ));
        }
        if i >= total - args.count {
            samples.push(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
        }
    }
    server
        .join()
        .map_err(|_| "server thread panicked".to_owned())??;
    drop(req);
    Ok(samples)
}
