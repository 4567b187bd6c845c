//! Which spooled messages reached a peer's connection: the socket side of
//! the engine's `WriteAcks`.
//!
//! Before a spooled message is routed, [`marks`] notes each pipe's push
//! count; after, [`Tracker::routed`] finds the pipes whose count moved:
//! the message went there, at that push index. Each pipe keeps a FIFO of
//! (push index, sequence number); once the session has settled that index
//! (written it, or lost it with the connection), the entry leaves the FIFO.
//! A message is acknowledged when every pipe it went to wrote it. One that
//! was lost on some pipe (taken from it but not written when the
//! connection dropped), or whose pipe went away before writing it, is
//! handed back to be sent again; it stays in the spool meanwhile.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use bytes::Bytes;
use ferrozmq_engine::{Pipe, PipeId};

/// Each pipe's push count before routing a message.
pub(crate) type Marks = Vec<(PipeId, u64)>;

/// Notes each pipe's push count (call right before routing).
pub(crate) fn marks<'a>(pipes: impl Iterator<Item = &'a Pipe>) -> Marks {
    pipes.map(|p| (p.id(), p.sent_count())).collect()
}

/// The spooled messages in flight, per pipe.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    pipes: HashMap<PipeId, Track>,
    /// Per message in flight: pipes yet to settle it, and whether one lost it.
    pending: HashMap<u64, Pending>,
}

#[derive(Debug)]
struct Track {
    pipe: Pipe,
    /// An inproc pipe has no session: the peer taking it is the write.
    inproc: bool,
    /// (push index, sequence number), oldest first.
    fifo: VecDeque<(u64, u64)>,
    /// Push indices the session lost, not yet passed by the FIFO.
    lost: Vec<Range<u64>>,
}

#[derive(Debug)]
struct Pending {
    pipes: u32,
    lost: bool,
    /// The message, to send again if a pipe loses it (the frames are
    /// shared with the queued copy, not duplicated).
    frames: Vec<Bytes>,
}

/// What [`Tracker::poll`] found settled.
#[derive(Debug, Default)]
pub(crate) struct Settled {
    /// Written by every pipe they went to.
    pub(crate) acked: Vec<u64>,
    /// Lost by some pipe: to send again.
    pub(crate) lost: Vec<(u64, Vec<Bytes>)>,
}

impl Tracker {
    /// Records where message `seq` went, comparing the push counts with
    /// `marks`. Returns true if it went nowhere (dropped, as PUB drops a
    /// message no subscriber wants): nothing will acknowledge it.
    pub(crate) fn routed<'a>(
        &mut self,
        seq: u64,
        frames: Vec<Bytes>,
        marks: &Marks,
        pipes: impl Iterator<Item = &'a Pipe>,
    ) -> bool {
        let mut count = 0;
        for pipe in pipes {
            let before = marks
                .iter()
                .find(|(id, _)| *id == pipe.id())
                .map(|(_, n)| *n);
            let Some(before) = before else { continue };
            if pipe.sent_count() == before {
                continue;
            }
            let track = self.pipes.entry(pipe.id()).or_insert_with(|| Track {
                pipe: pipe.clone(),
                inproc: pipe.endpoint().starts_with("inproc://"),
                fifo: VecDeque::new(),
                lost: Vec::new(),
            });
            track.fifo.push_back((before, seq));
            count += 1;
        }
        if count > 0 {
            self.pending.insert(
                seq,
                Pending {
                    pipes: count,
                    lost: false,
                    frames,
                },
            );
        }
        count == 0
    }

    /// Collects the messages every pipe they went to has now written, and
    /// those a pipe lost; `live` says which pipes the socket still routes
    /// to (what a pipe gone from it did not write counts as lost).
    pub(crate) fn poll(&mut self, live: impl Fn(PipeId) -> bool) -> Settled {
        let mut settled = Settled::default();
        let mut gone = Vec::new();
        for (id, track) in &mut self.pipes {
            let mark = track.progress();
            while let Some(&(index, seq)) = track.fifo.front() {
                if index >= mark {
                    break;
                }
                track.fifo.pop_front();
                let was_lost = track.lost.iter().any(|r| r.contains(&index));
                settle(&mut self.pending, seq, was_lost, &mut settled);
            }
            track.lost.retain(|r| r.end > mark);
            if !live(*id) && track.pipe.is_gone() {
                for (_, seq) in track.fifo.drain(..) {
                    settle(&mut self.pending, seq, true, &mut settled);
                }
                gone.push(*id);
            }
        }
        for id in gone {
            self.pipes.remove(&id);
        }
        settled
    }

    /// Asks every pipe with messages in flight to wake the socket when it
    /// writes some (the spool is full and a send waits).
    pub(crate) fn want_wake(&self) {
        for track in self.pipes.values().filter(|t| !t.fifo.is_empty()) {
            track.pipe.write_acks().want_wake();
        }
    }
}

impl Track {
    /// The settled count, with the losses below it added to `lost`.
    fn progress(&mut self) -> u64 {
        if self.inproc {
            return self.pipe.taken_count();
        }
        let acks = self.pipe.write_acks();
        let settled = acks.settled();
        self.lost.extend(acks.take_lost());
        settled
    }
}

/// One pipe settled `seq`; when the last did, it is acknowledged, or
/// handed back to be sent again if a pipe lost it.
fn settle(pending: &mut HashMap<u64, Pending>, seq: u64, lost: bool, out: &mut Settled) {
    let Some(p) = pending.get_mut(&seq) else {
        return;
    };
    p.lost |= lost;
    p.pipes = p.pipes.saturating_sub(1);
    if p.pipes > 0 {
        return;
    }
    if let Some(p) = pending.remove(&seq) {
        if p.lost {
            out.lost.push((seq, p.frames));
        } else {
            out.acked.push(seq);
        }
    }
}
