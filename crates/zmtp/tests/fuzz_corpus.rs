//! Replays every file of the committed fuzz corpus (`fuzz/corpus/<target>/`)
//! through the same code the fuzz targets run, on stable Rust.

// Test code: a panic is a failed test. (clippy's in-tests exemptions do
// not reach helpers outside #[test] functions.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

#[path = "../fuzz/harness.rs"]
mod harness;

/// Runs `target` on every corpus file; returns (files, results).
fn replay<T>(dir: &str, target: fn(&[u8]) -> T) -> (usize, Vec<T>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut results = Vec::new();
    for file in &files {
        let data = fs::read(file).unwrap();
        match std::panic::catch_unwind(|| target(&data)) {
            Ok(r) => results.push(r),
            Err(_) => panic!("{} panicked", file.display()),
        }
    }
    (files.len(), results)
}

#[test]
fn decoder_corpus() {
    let (files, frames) = replay("decoder", harness::decoder);
    assert!(files >= 10, "{files} seed files");
    // The seeds are real streams, not noise: most decode to frames.
    assert!(frames.iter().filter(|&&n| n > 0).count() >= files / 2);
}

#[test]
fn handshake_corpus() {
    let (files, ready) = replay("handshake", harness::handshake);
    assert!(files >= 10, "{files} seed files");
    // Many seeds (real libzmq captures among them) complete the handshake,
    // so the fuzzer starts from deep inside the state machine.
    assert!(ready.iter().filter(|&&r| r).count() >= 10);
}
