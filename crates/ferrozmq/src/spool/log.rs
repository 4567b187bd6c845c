//! The spool's log: a directory of segment files holding message and
//! acknowledgement records (record.rs), appended to the newest segment.
//!
//! A segment is named by the first sequence number it may hold
//! (`00000000000000000042.spool`); every message in it has a sequence
//! number at least that and below the next segment's. Segments are deleted
//! from the oldest on, once every message in them was acknowledged; so an
//! acknowledgement record (always written after its message) is only ever
//! deleted together with, or after, the message it acknowledges.
//!
//! Opening a directory recovers it: the records are read in order, a torn
//! or corrupt tail is cut off (truncating the file there), and the messages
//! never acknowledged come back, oldest first, to be sent again.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use bytes::Bytes;

use super::record::{self, Record};
use super::FsyncPolicy;

/// The log's limits and durability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogConfig {
    /// When appends reach the disk.
    pub(crate) fsync: FsyncPolicy,
    /// The most bytes the segments may take (`None` = no limit).
    pub(crate) size_limit: Option<u64>,
    /// A segment is closed and a new one started past this size.
    pub(crate) segment_bytes: u64,
}

/// The spool's files, see the module docs.
#[derive(Debug)]
pub(crate) struct Log {
    dir: PathBuf,
    config: LogConfig,
    /// Segments by first sequence number; the last is the one appended to.
    segments: BTreeMap<u64, Segment>,
    active: File,
    /// Messages written and not acknowledged.
    live: BTreeSet<u64>,
    next_seq: u64,
    /// Bytes of all segments.
    bytes: u64,
    last_sync: Instant,
    /// Something was written since the last sync.
    dirty: bool,
    buf: Vec<u8>,
}

#[derive(Debug)]
struct Segment {
    bytes: u64,
    /// Messages in it not acknowledged yet.
    unacked: usize,
}

/// What recovery found.
#[derive(Debug, Default)]
pub(crate) struct Recovered {
    /// Unacknowledged messages, oldest first.
    pub(crate) messages: Vec<(u64, Vec<Bytes>)>,
    /// Bytes cut off torn or corrupt tails.
    pub(crate) torn_bytes: u64,
}

impl Log {
    /// Opens (creating if needed) the spool in `dir` and recovers it.
    pub(crate) fn open(dir: &Path, config: LogConfig) -> io::Result<(Log, Recovered)> {
        fs::create_dir_all(dir)?;
        let mut segments = BTreeMap::new();
        let mut live = BTreeSet::new();
        let mut pending: BTreeMap<u64, Vec<Bytes>> = BTreeMap::new();
        let mut recovered = Recovered::default();
        let mut next_seq = 0;
        for (first, path) in segment_files(dir)? {
            let (segment, torn) = scan(&path, first, &mut segments, &mut live, &mut pending)?;
            recovered.torn_bytes += torn;
            next_seq = next_seq.max(first).max(segment.1);
            segments.insert(first, segment.0);
        }
        recovered.messages = pending.into_iter().collect();
        let active_first = match segments.keys().next_back() {
            Some(&last) => last,
            None => {
                segments.insert(
                    next_seq,
                    Segment {
                        bytes: 0,
                        unacked: 0,
                    },
                );
                next_seq
            }
        };
        let active = open_segment(dir, active_first)?;
        let bytes = segments.values().map(|s| s.bytes).sum();
        let mut log = Log {
            dir: dir.to_owned(),
            config,
            segments,
            active,
            live,
            next_seq,
            bytes,
            last_sync: Instant::now(),
            dirty: false,
            buf: Vec::new(),
        };
        log.delete_acknowledged()?;
        if config.fsync != FsyncPolicy::Never {
            sync_dir(dir)?;
        }
        Ok((log, recovered))
    }

    /// Appends a message; returns its sequence number. Fails with
    /// `WouldBlock` when the log is at its size limit.
    pub(crate) fn append(&mut self, frames: &[Bytes]) -> io::Result<u64> {
        if self.is_full() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if record::message_size(frames) > record::MAX_RECORD {
            return Err(io::ErrorKind::InvalidInput.into());
        }
        let active = self.active_first();
        if self
            .segments
            .get(&active)
            .is_some_and(|s| s.bytes >= self.config.segment_bytes)
        {
            self.roll()?;
        }
        let seq = self.next_seq;
        self.buf.clear();
        record::encode_message(seq, frames, &mut self.buf);
        self.write_buf()?;
        self.next_seq += 1;
        self.live.insert(seq);
        let active = self.active_first();
        if let Some(segment) = self.segments.get_mut(&active) {
            segment.unacked += 1;
        }
        self.synced_after_write(self.config.fsync == FsyncPolicy::EveryMessage)?;
        Ok(seq)
    }

    /// Records that the messages `seqs` reached a peer's connection;
    /// unknown or already acknowledged numbers are ignored.
    pub(crate) fn ack(&mut self, seqs: &[u64]) -> io::Result<()> {
        let fresh: Vec<u64> = seqs
            .iter()
            .copied()
            .filter(|s| self.live.remove(s))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        for seq in &fresh {
            if let Some((_, segment)) = self.segments.range_mut(..=seq).next_back() {
                segment.unacked = segment.unacked.saturating_sub(1);
            }
        }
        self.buf.clear();
        record::encode_acks(&fresh, &mut self.buf);
        self.write_buf()?;
        // A lost acknowledgement only means a duplicate after a crash:
        // it waits for the policy's next sync.
        self.synced_after_write(false)?;
        self.delete_acknowledged()?;
        // A fully acknowledged active segment is closed once big enough (or
        // when it holds the spool at its limit), so that it can go too.
        let active = self.active_first();
        let idle = self.segments.get(&active).is_some_and(|s| {
            s.unacked == 0 && (s.bytes >= self.config.segment_bytes || self.is_full())
        });
        if idle {
            self.roll()?;
        }
        Ok(())
    }

    /// Whether the segments take the size limit or more.
    pub(crate) fn is_full(&self) -> bool {
        self.config
            .size_limit
            .is_some_and(|limit| self.bytes >= limit)
    }

    /// Messages written and not acknowledged.
    pub(crate) fn unacked(&self) -> usize {
        self.live.len()
    }

    /// Bytes the segments take.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Changes the limits and durability from now on.
    pub(crate) fn set_config(&mut self, config: LogConfig) {
        self.config = config;
    }

    /// Makes everything written so far durable (unless the policy is
    /// [`FsyncPolicy::Never`]).
    pub(crate) fn sync(&mut self) -> io::Result<()> {
        if self.dirty && self.config.fsync != FsyncPolicy::Never {
            self.active.sync_data()?;
            self.dirty = false;
            self.last_sync = Instant::now();
        }
        Ok(())
    }

    fn active_first(&self) -> u64 {
        self.segments.keys().next_back().copied().unwrap_or(0)
    }

    /// Appends the encoded record in `buf`; a failed write (a full disk)
    /// is cut off again, so that the records after it stay readable.
    fn write_buf(&mut self) -> io::Result<()> {
        let active = self.active_first();
        let Some(segment) = self.segments.get_mut(&active) else {
            return Err(io::ErrorKind::NotFound.into());
        };
        if let Err(e) = self.active.write_all(&self.buf) {
            let _ = self.active.set_len(segment.bytes);
            return Err(e);
        }
        let len = self.buf.len() as u64;
        segment.bytes += len;
        self.bytes += len;
        self.dirty = true;
        Ok(())
    }

    /// Syncs now if `now` or the policy's interval has passed.
    fn synced_after_write(&mut self, now: bool) -> io::Result<()> {
        let due = match self.config.fsync {
            FsyncPolicy::EveryMessage => now,
            FsyncPolicy::Every(interval) => self.last_sync.elapsed() >= interval,
            FsyncPolicy::Never => false,
        };
        if due {
            self.sync()?;
        }
        Ok(())
    }

    /// Closes the active segment and starts the next one.
    fn roll(&mut self) -> io::Result<()> {
        self.sync()?;
        let first = self.next_seq;
        if first == self.active_first() {
            // Only acknowledgements since the last roll: the name is taken.
            // They can go if they acknowledge nothing still kept.
            if self.segments.len() == 1 && self.live.is_empty() {
                self.active.set_len(0)?;
                self.bytes = 0;
                if let Some(segment) = self.segments.get_mut(&first) {
                    segment.bytes = 0;
                }
            }
            return Ok(());
        }
        self.active = open_segment(&self.dir, first)?;
        self.segments.insert(
            first,
            Segment {
                bytes: 0,
                unacked: 0,
            },
        );
        if self.config.fsync != FsyncPolicy::Never {
            sync_dir(&self.dir)?;
        }
        self.delete_acknowledged()
    }

    /// Deletes the oldest segments while every message in them was
    /// acknowledged (never the active one).
    fn delete_acknowledged(&mut self) -> io::Result<()> {
        while self.segments.len() > 1 {
            let Some(mut oldest) = self.segments.first_entry() else {
                break;
            };
            if oldest.get().unacked > 0 {
                break;
            }
            let first = *oldest.key();
            fs::remove_file(segment_path(&self.dir, first))?;
            self.bytes -= oldest.get_mut().bytes;
            oldest.remove();
        }
        Ok(())
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = self.sync();
    }
}

/// The segment files in `dir`, by first sequence number.
fn segment_files(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let first = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(SUFFIX))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(first) = first {
            found.push((first, path));
        }
    }
    found.sort();
    Ok(found)
}

/// Reads one segment into the recovery state; cuts a torn tail off the
/// file. Returns the segment, the sequence number after its last message,
/// and the bytes cut.
fn scan(
    path: &Path,
    first: u64,
    segments: &mut BTreeMap<u64, Segment>,
    live: &mut BTreeSet<u64>,
    pending: &mut BTreeMap<u64, Vec<Bytes>>,
) -> io::Result<((Segment, u64), u64)> {
    let data = fs::read(path)?;
    let mut segment = Segment {
        bytes: 0,
        unacked: 0,
    };
    let mut next = first;
    let mut at = 0;
    while at < data.len() {
        let Ok((record, size)) = record::decode(data.get(at..).unwrap_or(&[])) else {
            break;
        };
        match record {
            Record::Message { seq, frames } => {
                live.insert(seq);
                pending.insert(seq, frames);
                segment.unacked += 1;
                next = next.max(seq + 1);
            }
            Record::Acks(seqs) => {
                for seq in seqs.iter().filter(|s| live.remove(s)) {
                    pending.remove(seq);
                    if *seq >= first {
                        segment.unacked = segment.unacked.saturating_sub(1);
                    } else if let Some((_, older)) = segments.range_mut(..=seq).next_back() {
                        older.unacked = older.unacked.saturating_sub(1);
                    }
                }
            }
        }
        at += size;
    }
    let torn = (data.len() - at) as u64;
    if torn > 0 {
        OpenOptions::new()
            .write(true)
            .open(path)?
            .set_len(at as u64)?;
    }
    segment.bytes = at as u64;
    Ok(((segment, next), torn))
}

fn open_segment(dir: &Path, first: u64) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(segment_path(dir, first))
}

fn segment_path(dir: &Path, first: u64) -> PathBuf {
    dir.join(format!("{first:020}{SUFFIX}"))
}

/// Makes a created or deleted segment's directory entry durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

const SUFFIX: &str = ".spool";
