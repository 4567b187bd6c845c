//! The durable spool (a ferrozmq extension): every message a socket's
//! `send` accepts is appended to a log on disk and removed only once the
//! socket's I/O thread has written it to a peer's connection (into the
//! kernel's socket buffer). A socket that opens the same directory again,
//! after a crash or a restart, sends the messages never written first,
//! before any new one.
//!
//! Enable it with [`Socket::set_spool`](crate::Socket::set_spool) (C:
//! `ZMQ_FERROZMQ_SPOOL`, Python: `zmq.FERROZMQ_SPOOL`), choose when appends
//! reach the disk with [`FsyncPolicy`] and bound it with
//! [`Socket::set_spool_size`](crate::Socket::set_spool_size).
//!
//! **Guarantee: at least once.** A message is appended (a `write(2)` to the
//! kernel) before `send` returns, so a killed process loses nothing; after
//! a power loss, what the fsync policy had not synced is gone. A message
//! written to a connection is acknowledged in the log only when the socket
//! next looks (at its next send, or when it closes): a crash in between
//! sends it again. So is a message written to the kernel but never read by
//! the peer, if the connection then broke: it counts as written. A message
//! taken for a connection that dropped before writing it, or queued for a
//! peer that went away, is sent again (through whichever peer the socket
//! picks) at the next send, before the new message.
//!
//! | file | what |
//! |---|---|
//! | `record.rs` | the record format (length, CRC-32, message or acks) |
//! | `log.rs` | segment files: append, acknowledge, delete, recover |
//! | `tracker.rs` | which messages each pipe has written (the engine's `WriteAcks`) |
//! | `tests.rs` | the log's unit tests |

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use ferrozmq_engine::{Pipe, PipeId};

mod log;
mod record;
mod tracker;

#[cfg(test)]
mod tests;

pub(crate) use log::LogConfig;
pub(crate) use tracker::{marks, Marks};

use log::Log;
use tracker::Tracker;

/// When the spool's appends are made durable with `fdatasync`. Every
/// policy survives the process being killed (each append is written to the
/// kernel before `send` returns); they differ on a power loss or kernel
/// crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FsyncPolicy {
    /// Sync each message before `send` returns: a message `send` accepted
    /// survives a power loss. The slowest (one disk flush per message).
    EveryMessage,
    /// Sync when an append or acknowledgement comes this long or more
    /// after the last sync (and when the spool closes): a power loss may
    /// lose the messages accepted since the last sync.
    Every(Duration),
    /// Never sync: the kernel writes the pages back when it likes; a power
    /// loss may lose any message not yet written back.
    Never,
}

/// A socket's open spool: the log, what is in flight, what to resend.
#[derive(Debug)]
pub(crate) struct Spool {
    dir: PathBuf,
    /// The canonical directory, claimed in this process while open.
    claimed: PathBuf,
    log: Log,
    tracker: Tracker,
    /// Messages to send again before new ones (recovered at open, or lost
    /// with a connection), by sequence number.
    replay: BTreeMap<u64, Vec<Bytes>>,
}

impl Spool {
    /// Opens (or creates) the spool in `dir`; unacknowledged messages
    /// found there wait in [`Spool::next_replay`].
    /// A directory one socket of this process keeps open already is EBUSY
    /// (two writers would corrupt it; nothing stops two processes: give
    /// each its own directory).
    pub(crate) fn open(dir: &Path, config: LogConfig) -> io::Result<Spool> {
        std::fs::create_dir_all(dir)?;
        let claimed = dir.canonicalize()?;
        if !open_dirs(|dirs| dirs.insert(claimed.clone())) {
            return Err(io::Error::from_raw_os_error(EBUSY));
        }
        let (log, recovered) = match Log::open(dir, config) {
            Ok(opened) => opened,
            Err(e) => {
                open_dirs(|dirs| dirs.remove(&claimed));
                return Err(e);
            }
        };
        Ok(Spool {
            claimed,
            dir: dir.to_owned(),
            log,
            tracker: Tracker::default(),
            replay: recovered.messages.into_iter().collect(),
        })
    }

    /// The directory this spool keeps.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Changes the fsync policy and size limit.
    pub(crate) fn set_config(&mut self, config: LogConfig) {
        self.log.set_config(config);
    }

    /// The oldest message to send again, if any.
    pub(crate) fn next_replay(&self) -> Option<&[Bytes]> {
        self.replay
            .first_key_value()
            .map(|(_, frames)| frames.as_slice())
    }

    /// Takes the oldest message to send again, being sent now.
    pub(crate) fn take_replay(&mut self) -> Option<(u64, Vec<Bytes>)> {
        self.replay.pop_first()
    }

    /// Appends a message accepted by `send`; returns its sequence number.
    pub(crate) fn append(&mut self, frames: &[Bytes]) -> io::Result<u64> {
        self.log.append(frames)
    }

    /// Records where message `seq` (`frames`) went (see [`marks`]); a
    /// message that went nowhere is acknowledged at once.
    pub(crate) fn routed<'a>(
        &mut self,
        seq: u64,
        frames: Vec<Bytes>,
        marks: &Marks,
        pipes: impl Iterator<Item = &'a Pipe>,
    ) -> io::Result<()> {
        if self.tracker.routed(seq, frames, marks, pipes) {
            self.log.ack(&[seq])?;
        }
        Ok(())
    }

    /// Acknowledges what the pipes wrote since the last call, and queues
    /// what they lost to be sent again; `live` says which pipes the socket
    /// still routes to.
    pub(crate) fn poll(&mut self, live: impl Fn(PipeId) -> bool) -> io::Result<()> {
        let settled = self.tracker.poll(live);
        self.replay.extend(settled.lost);
        self.log.ack(&settled.acked)
    }

    /// Whether a send must wait: the log is at its size limit. When it is,
    /// the pipes are asked to wake the socket as they write.
    pub(crate) fn is_full(&self) -> bool {
        let full = self.log.is_full();
        if full {
            self.tracker.want_wake();
        }
        full
    }

    /// Messages kept in the spool: not yet written to a connection,
    /// including recovered ones not sent again yet.
    pub(crate) fn pending(&self) -> usize {
        self.log.unacked()
    }
}

impl Drop for Spool {
    /// Records what was written up to now, so that the next socket on this
    /// spool does not send it again.
    fn drop(&mut self) {
        let _ = self.poll(|_| true);
        open_dirs(|dirs| dirs.remove(&self.claimed));
    }
}

/// Runs `f` on the set of spool directories open in this process.
fn open_dirs(f: impl FnOnce(&mut HashSet<PathBuf>) -> bool) -> bool {
    static OPEN: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let mut dirs = OPEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut dirs)
}

/// Linux's errno for a resource in use (this crate has no libc for one number).
const EBUSY: i32 = 16;
