//! Runs `graceful_shutdown` twice: first with no worker there (everything
//! is spooled), then with one (the spooled jobs go first, then the new
//! ones); the worker gets every job exactly once, in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::{Command, Stdio};
use std::time::Duration;

use ferrozmq::{Context, SocketType};

fn producer(
    endpoint: &str,
    spool: &std::path::Path,
    first: u32,
    count: u32,
    grace_ms: u32,
) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_graceful_shutdown"))
        .args([
            endpoint,
            spool.to_str().unwrap(),
            &first.to_string(),
            &count.to_string(),
            &grace_ms.to_string(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn nothing_is_lost_across_a_restart() {
    let dir = std::env::temp_dir().join(format!("graceful-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spool = dir.join("spool.bin");
    let endpoint = format!("ipc://{}", dir.join("jobs").display());

    // No worker: the grace period runs out and everything is spooled.
    let out = producer(&endpoint, &spool, 0, 5, 200);
    assert!(out.contains("5 spooled"), "{out}");
    assert!(spool.exists());

    let ctx = Context::new();
    let mut worker = ctx.socket(SocketType::Pull).unwrap();
    worker.set_rcvtimeo(Some(Duration::from_secs(10))).unwrap();
    worker.bind(&endpoint).unwrap();
    // A worker: the queue empties well within the grace period.
    let out = producer(&endpoint, &spool, 5, 5, 10_000);
    assert!(
        out.contains("resent 5 spooled messages") && out.contains("0 spooled"),
        "{out}"
    );
    assert!(!spool.exists());
    for i in 0..10 {
        assert_eq!(worker.recv_string().unwrap(), format!("job-{i}"));
    }
    worker
        .set_rcvtimeo(Some(Duration::from_millis(100)))
        .unwrap();
    assert!(worker.recv().is_err(), "each job once");
    let _ = std::fs::remove_dir_all(&dir);
}
