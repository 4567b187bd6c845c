//! PUSH/PULL throughput on ferrozmq, both sides in one process.
//!
//! `thr <tcp|ipc|inproc> <size> <count>`: a PULL socket on its own thread
//! binds, a PUSH socket on the main thread connects and sends `count`
//! messages of `size` bytes. The clock runs from the first message received
//! to the last, as libzmq's `local_thr` does. Prints one line, e.g.
//! `impl=ferrozmq version=0.1.0 mode=thr transport=tcp size=64 count=... msgs_per_sec=... mbit_per_sec=...`.
//!
//! A message that never arrives, or a send that blocks for good, shows up
//! as an error after RCVTIMEO/SNDTIMEO
//! (`BENCH_TIMEOUT_MS`, default 20000) rather than a hang. `BENCH_HWM`
//! sets SNDHWM and RCVHWM on both sockets (default: 1000, as libzmq).

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
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq::{Context, SocketOption, SocketType};
use ferrozmq_bench::{apply_hwm, env_int, throughput_line, Args, Transport};

fn main() -> ExitCode {
    let args = match Args::from_env("thr", "message-count") {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let result = run(args);
    if args.transport == Transport::Ipc {
        let _ = std::fs::remove_file(args.transport.ipc_path("thr"));
    }
    match result {
        Ok(elapsed) => {
            println!("{}", throughput_line(&args, elapsed));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "thr {} size={} count={}: {e}",
                args.transport, args.size, args.count
            );
            ExitCode::FAILURE
        }
    }
}

fn timeout_ms() -> i32 {
    env_int("BENCH_TIMEOUT_MS").unwrap_or(20_000)
}

fn run(args: Args) -> Result<Duration, String> {
    let ctx = Context::new();
    let (endpoint_tx, endpoint_rx) = mpsc::channel::<Result<String, String>>();

    let receiver_ctx = ctx.clone();
    let receiver = thread::spawn(move || -> Result<Duration, String> {
        let mut pull = receiver_ctx
            .socket(SocketType::Pull)
            .map_err(|e| format!("socket(PULL): {e}"))?;
        pull.set_option(SocketOption::RcvTimeo, timeout_ms())
            .map_err(|e| format!("RCVTIMEO: {e}"))?;
        apply_hwm(&mut pull).map_err(|e| format!("HWM: {e}"))?;
        if let Err(e) = pull.bind(&args.transport.bind_endpoint("thr")) {
            let msg = format!("bind: {e}");
            let _ = endpoint_tx.send(Err(msg.clone()));
            return Err(msg);
        }
        let _ = endpoint_tx.send(Ok(pull.last_endpoint().to_owned()));

        let mut received = 0u64;
        let mut start = None;
        while received < args.count {
            let msg = pull.recv().map_err(|e| {
                format!(
                    "LOST MESSAGES: received {received} of {} ({e} after {} ms)",
                    args.count,
                    timeout_ms()
                )
            })?;
            if msg.len() != args.size {
                return Err(format!(
                    "message {received} has {} bytes, expected {}",
                    msg.len(),
                    args.size
                ));
            }
            if start.is_none() {
                start = Some(Instant::now());
            }
            received += 1;
        }
        Ok(start.map(|s| s.elapsed()).unwrap_or_default())
    });

    let endpoint = endpoint_rx
        .recv()
        .map_err(|_| "receiver thread died before binding".to_owned())??;
    let mut push = ctx
        .socket(SocketType::Push)
        .map_err(|e| format!("socket(PUSH): {e}"))?;
    push.set_option(SocketOption::SndTimeo, timeout_ms())
        .map_err(|e| format!("SNDTIMEO: {e}"))?;
    apply_hwm(&mut push).map_err(|e| format!("HWM: {e}"))?;
    push.connect(&endpoint)
        .map_err(|e| format!("connect({endpoint}): {e}"))?;

    // Like zmq_send(buf, size): each message is a fresh copy of the payload.
    let payload = vec![b'x'; args.size];
    for i in 0..args.count {
        push.send(Bytes::copy_from_slice(&payload))
            .map_err(|e| format!("send #{i}: {e}"))?;
    }
    // Keep the sender open until everything arrived: we time the transfer,
    // not the linger on close.
    let elapsed = receiver
        .join()
        .map_err(|_| "receiver thread panicked".to_owned())??;
    drop(push);
    Ok(elapsed)
}
