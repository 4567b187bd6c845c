//! Unit tests of the spool's log: append, acknowledge, segment deletion,
//! recovery (with torn and corrupt tails) and the size limit.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;

use super::log::{Log, LogConfig};
use super::FsyncPolicy;

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ferrozmq-spool-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn config(segment_bytes: u64, size_limit: Option<u64>) -> LogConfig {
    LogConfig {
        fsync: FsyncPolicy::Never,
        size_limit,
        segment_bytes,
    }
}

fn msg(i: u32) -> Vec<Bytes> {
    vec![
        Bytes::from(format!("part-{i}")),
        Bytes::from(i.to_le_bytes().to_vec()),
    ]
}

fn segments(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "spool"))
        .collect();
    files.sort();
    files
}

#[test]
fn unacknowledged_messages_come_back_whole_and_in_order() {
    let dir = TempDir::new();
    {
        let (mut log, recovered) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
        assert!(recovered.messages.is_empty());
        for i in 0..10 {
            assert_eq!(log.append(&msg(i)).unwrap(), u64::from(i));
        }
        log.ack(&[0, 2, 4, 6, 8, 2, 99]).unwrap();
        assert_eq!(log.unacked(), 5);
    }
    let (mut log, recovered) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
    let seqs: Vec<u64> = recovered.messages.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, vec![1, 3, 5, 7, 9]);
    assert_eq!(recovered.messages[1].1, msg(3));
    assert_eq!(recovered.torn_bytes, 0);
    // New messages get new numbers.
    assert_eq!(log.append(&msg(10)).unwrap(), 10);
}

#[test]
fn acknowledged_segments_are_deleted_oldest_first() {
    let dir = TempDir::new();
    let (mut log, _) = Log::open(&dir.0, config(100, None)).unwrap();
    for i in 0..20 {
        log.append(&msg(i)).unwrap();
    }
    let before = segments(&dir.0);
    assert!(before.len() >= 5, "{} segments", before.len());
    // Acknowledging later segments frees nothing while an older one holds.
    log.ack(&(5..20).collect::<Vec<_>>()).unwrap();
    let after = segments(&dir.0);
    assert!(before.iter().all(|s| after.contains(s)));
    log.ack(&(0..5).collect::<Vec<_>>()).unwrap();
    assert_eq!(log.unacked(), 0);
    assert_eq!(segments(&dir.0).len(), 1, "only the active segment is left");
    drop(log);
    let (log, recovered) = Log::open(&dir.0, config(100, None)).unwrap();
    assert!(recovered.messages.is_empty());
    assert!(log.bytes() <= 100 + 64);
}

#[test]
fn a_torn_tail_is_cut_off_and_appending_goes_on() {
    let dir = TempDir::new();
    {
        let (mut log, _) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
        for i in 0..3 {
            log.append(&msg(i)).unwrap();
        }
    }
    let file = segments(&dir.0).pop().unwrap();
    let whole = fs::metadata(&file).unwrap().len();
    // Half a record, as a crash mid-write leaves it.
    let mut f = OpenOptions::new().append(true).open(&file).unwrap();
    f.write_all(&[40, 0, 0, 0, 1, 2, 3, 4, 1, 9]).unwrap();
    drop(f);
    let (mut log, recovered) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
    assert_eq!(recovered.messages.len(), 3);
    assert_eq!(recovered.torn_bytes, 10);
    assert_eq!(fs::metadata(&file).unwrap().len(), whole);
    assert_eq!(log.append(&msg(3)).unwrap(), 3);
    drop(log);
    let (_, recovered) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
    assert_eq!(recovered.messages.len(), 4);
    assert_eq!(recovered.messages[3].1, msg(3));
}

#[test]
fn a_corrupt_record_ends_the_segment() {
    let dir = TempDir::new();
    {
        let (mut log, _) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
        for i in 0..3 {
            log.append(&msg(i)).unwrap();
        }
    }
    let file = segments(&dir.0).pop().unwrap();
    let mut bytes = fs::read(&file).unwrap();
    let len = bytes.len();
    bytes[len - 2] ^= 0xff; // inside the last record's body
    fs::write(&file, &bytes).unwrap();
    let (_, recovered) = Log::open(&dir.0, config(1 << 20, None)).unwrap();
    let seqs: Vec<u64> = recovered.messages.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, vec![0, 1]);
    assert!(recovered.torn_bytes > 0);
}

#[test]
fn the_size_limit_refuses_appends_until_acknowledgements_free_space() {
    let dir = TempDir::new();
    let (mut log, _) = Log::open(&dir.0, config(128, Some(512))).unwrap();
    let mut accepted = Vec::new();
    loop {
        match log.append(&msg(accepted.len() as u32)) {
            Ok(seq) => accepted.push(seq),
            Err(e) => {
                assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
                break;
            }
        }
        assert!(accepted.len() < 1000, "the limit never hit");
    }
    assert!(log.is_full());
    assert!(log.bytes() >= 512 && log.bytes() < 512 + 128);
    log.ack(&accepted).unwrap();
    assert!(
        !log.is_full(),
        "acknowledged segments go: {} bytes",
        log.bytes()
    );
    assert!(log.append(&msg(0)).is_ok());
}

#[test]
fn a_full_spool_of_one_acknowledged_segment_is_reclaimed() {
    let dir = TempDir::new();
    // The segment size exceeds the limit: the active segment must go too.
    let (mut log, _) = Log::open(&dir.0, config(1 << 20, Some(200))).unwrap();
    let mut seqs = Vec::new();
    while let Ok(seq) = log.append(&msg(7)) {
        seqs.push(seq);
    }
    log.ack(&seqs).unwrap();
    assert!(!log.is_full());
    assert!(log.append(&msg(8)).is_ok());
}

#[test]
fn every_fsync_policy_keeps_what_it_wrote() {
    for fsync in [
        FsyncPolicy::EveryMessage,
        FsyncPolicy::Every(std::time::Duration::from_millis(5)),
        FsyncPolicy::Never,
    ] {
        let dir = TempDir::new();
        let cfg = LogConfig {
            fsync,
            size_limit: None,
            segment_bytes: 64,
        };
        {
            let (mut log, _) = Log::open(&dir.0, cfg).unwrap();
            for i in 0..5 {
                log.append(&msg(i)).unwrap();
            }
            log.ack(&[0, 1]).unwrap();
        }
        let (_, recovered) = Log::open(&dir.0, cfg).unwrap();
        assert_eq!(recovered.messages.len(), 3, "{fsync:?}");
    }
}

mod tracking {
    use std::sync::Arc;

    use ferrozmq_engine::{Msg, Pipe};

    use super::super::{marks, Spool};
    use super::*;

    /// A socket-side pipe towards a tcp peer whose session never writes.
    fn tcp_pipe() -> Pipe {
        Pipe::new(0, 0, Arc::from("tcp://127.0.0.1:1"))
    }

    fn route(spool: &mut Spool, pipes: &[Pipe], frames: Vec<Bytes>) -> u64 {
        let seq = spool.append(&frames).unwrap();
        let before = marks(pipes.iter());
        for pipe in pipes {
            pipe.send(Msg::from_frames(frames.clone()).unwrap(), false);
        }
        spool.routed(seq, frames, &before, pipes.iter()).unwrap();
        seq
    }

    #[test]
    fn a_message_that_went_nowhere_is_acknowledged_at_once() {
        let dir = TempDir::new();
        let mut spool = Spool::open(&dir.0, config(1 << 20, None)).unwrap();
        route(&mut spool, &[], msg(1));
        assert_eq!(spool.pending(), 0);
    }

    #[test]
    fn what_a_vanished_pipe_did_not_write_is_sent_again() {
        let dir = TempDir::new();
        let mut spool = Spool::open(&dir.0, config(1 << 20, None)).unwrap();
        let pipe = tcp_pipe();
        route(&mut spool, std::slice::from_ref(&pipe), msg(1));
        route(&mut spool, std::slice::from_ref(&pipe), msg(2));
        spool.poll(|_| true).unwrap();
        assert_eq!(spool.pending(), 2);
        assert!(spool.next_replay().is_none(), "in flight, not lost");
        // The peer's session ends without writing them.
        pipe.mirror().close();
        spool.poll(|_| false).unwrap();
        assert_eq!(spool.pending(), 2, "still kept");
        assert_eq!(spool.take_replay().map(|(_, f)| f), Some(msg(1)));
        assert_eq!(spool.take_replay().map(|(_, f)| f), Some(msg(2)));
        assert!(spool.take_replay().is_none());
    }

    #[test]
    fn an_inproc_message_is_acknowledged_once_the_peer_takes_it() {
        let dir = TempDir::new();
        let mut spool = Spool::open(&dir.0, config(1 << 20, None)).unwrap();
        let pipe = Pipe::new(0, 0, Arc::from("inproc://spool"));
        let peer = pipe.mirror();
        let pipes = [pipe];
        route(&mut spool, &pipes, msg(1));
        route(&mut spool, &pipes, msg(2));
        assert!(peer.recv().is_some());
        spool.poll(|_| true).unwrap();
        assert_eq!(spool.pending(), 1);
        assert!(peer.recv().is_some());
        spool.poll(|_| true).unwrap();
        assert_eq!(spool.pending(), 0);
    }
}
