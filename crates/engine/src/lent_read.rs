//! The application's side of the read lease (`Direct::lend`): a receive
//! blocked on a socket whose one pipe is an idle connection reads that
//! connection itself, instead of waiting for the I/O thread to read it and
//! wake the application (two thread wake-ups per message saved: the I/O
//! thread's and the application's).
//!
//! Only whole data messages are taken: the bytes read (up to 8 KiB at a
//! time) are parsed, and the complete messages at their front are pushed
//! into the pipe, exactly as the session would have pushed them. Anything
//! after them — a command (PING, SUBSCRIBE, ERROR), a partial frame, a
//! message larger than the buffer — is *carried* to the session with the
//! lease (`Direct::give_back_carrying`), which decodes those bytes before
//! it reads the connection again; the end of the stream and errors are
//! left in the socket for it. So the session's decoder never misses a
//! byte nor sees one twice, and every case but the simple one keeps
//! today's path.
//!
//! A receive that read only whole messages keeps the lease for the next
//! one (`Direct::give_back`, the sticky lease): a round trip then costs a
//! `poll` and one read, with no `epoll_ctl` and no new descriptor.

use std::time::Instant;

use ferrozmq_zmtp::frame::{peek_header, Framing};

use crate::direct::Lent;
use crate::msg::{Body, Msg};
use crate::notify::{Beside, Signaler, WaitOutcome};
use crate::pipe::Pipe;
use crate::sys;

/// The most bytes read at once: messages up to about this size are read
/// by the application; larger ones go through the session.
const PEEK: usize = 8 * 1024;
/// Messages larger than this (bodies, headers aside) are left to the
/// session; after one the session stops offering its reads until a
/// smaller one comes.
pub(crate) const LEASE_BYTES: usize = PEEK - 64;

/// What the front of the bytes read holds.
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// A whole data message: each frame's body as (start, length), and
    /// where the message ends.
    Message {
        frames: Vec<(usize, usize)>,
        end: usize,
    },
    /// Not (yet) a whole data message: leave it to the session.
    Other,
}

/// [`scan_into`], as a value.
#[cfg(test)]
fn scan(bytes: &[u8], accepts: impl Fn(u64) -> bool) -> Scan {
    let mut frames = Vec::new();
    match scan_into(bytes, accepts, &mut frames) {
        Some(end) => Scan::Message { frames, end },
        None => Scan::Other,
    }
}

/// Parses ZMTP 3 frames at the front of `bytes` up to the end of the first
/// message, if it is all there and made only of data frames: then `frames`
/// holds each frame's body as (start, length) and the result is where the
/// message ends. `None`: not (yet) a whole data message, leave it to the
/// session. (`frames` is the caller's, reused from message to message:
/// no allocation per message.)
fn scan_into(
    bytes: &[u8],
    accepts: impl Fn(u64) -> bool,
    frames: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    frames.clear();
    let mut at = 0;
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        let header = match peek_header(rest, Framing::V3) {
            Ok(Some(header)) if !header.command && accepts(header.size as u64) => header,
            // Incomplete, a command, malformed or too large: the session's.
            _ => return None,
        };
        let start = at + header.len;
        let end = start
            .checked_add(header.size)
            .filter(|&e| e <= bytes.len())?;
        frames.push((start, header.size));
        at = end;
        if !header.more {
            return Some(end);
        }
    }
}

/// What one read under the lease did.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    /// Bytes were taken off the connection: the whole data messages at
    /// their front went into the pipe, the rest (if any) into the carry,
    /// for the session; `clean` when there was no rest.
    Took { clean: bool },
    /// The end of the stream or an error, nothing taken: the session's.
    Left,
    /// Nothing there yet (a spurious wake-up): the lease may stay.
    Nothing,
}

/// Reads what waits on the lent connection (up to [`PEEK`] bytes): the
/// whole data messages at the front go into `pipe` (as many as its
/// high-water mark takes, at least one), and whatever follows them — a
/// command, a partial or large frame, messages past the high-water mark —
/// into `carry`, which the session must decode before it reads the
/// connection again (`Direct::give_back_carrying`).
fn read_messages(lent: &Lent, pipe: &Pipe, carry: &mut Vec<u8>) -> Read {
    let mut buf = [0u8; PEEK];
    let seen = match sys::recv_nowait(lent.fd(), &mut buf, false) {
        Ok(n) if n > 0 => n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Read::Nothing,
        // The end of the stream or an error: the session's.
        _ => return Read::Left,
    };
    let mut taken = 0;
    let mut frames = Vec::new();
    while taken < seen {
        let Some(rest) = buf.get(taken..seen) else {
            break;
        };
        let Some(end) = scan_into(rest, |size| lent.accepts(size), &mut frames) else {
            break;
        };
        if taken > 0 && !pipe.inbound.has_room() {
            break;
        }
        let body = |&(start, len): &(usize, usize)| {
            Body::copy_from_slice(rest.get(start..start + len).unwrap_or_default())
        };
        let msg = match frames.as_slice() {
            // One frame, the usual case: no vector of bodies.
            [only] => Msg::single(body(only)),
            more => match Msg::from_bodies(more.iter().map(body).collect()) {
                Some(msg) => msg,
                None => break,
            },
        };
        pipe.inbound.force_push(msg);
        taken += end;
    }
    carry.extend_from_slice(buf.get(taken..seen).unwrap_or_default());
    Read::Took {
        clean: taken == seen,
    }
}

/// For a receive that cannot block the thread (async): if the socket's
/// only pipe, `pipe`, is empty and its connection lends its reads, reads
/// the whole data messages waiting there into the pipe, without waiting.
/// The lease is never held across the call: it is kept (`KEPT`, see
/// `direct.rs`) when the read ended at a message boundary, so a dropped
/// future leaves nothing out that the session does not take back on its
/// own within two lease checks, and loses no message (those read are in
/// the pipe).
pub fn read_lent(pipe: &Pipe) -> LentRead {
    if !pipe.inbound.is_empty() {
        // The socket is signalled for these as usual.
        return LentRead::Off;
    }
    let Some(lent) = pipe.direct.lend() else {
        return LentRead::Off;
    };
    if lent.is_fresh() {
        // The session checks on a lease that is out: wake it to arm that.
        pipe.outbound.notify_reader();
    }
    let mut held = Held::new(pipe, lent);
    let outcome = match held.read() {
        Read::Took { .. } if !pipe.inbound.is_empty() => LentRead::Took,
        Read::Nothing => LentRead::Wait,
        Read::Took { .. } | Read::Left => LentRead::Off,
    };
    drop(held);
    outcome
}

/// Waits as [`Signaler::wait_until`] does, for a receive on a socket whose
/// only pipe is `pipe`: while the pipe's connection lends its reads, the
/// waiter sleeps on the connection itself and reads whole messages from
/// it (see the module's notes); otherwise it waits as usual.
pub fn wait_receiving(
    signaler: &Signaler,
    pipe: &Pipe,
    deadline: Option<Instant>,
    mut check: impl FnMut() -> bool,
) -> WaitOutcome {
    loop {
        if check() {
            return WaitOutcome::Ready;
        }
        // Only onto an empty pipe: what the connection brings goes after
        // what the session queued, within the high-water mark.
        let lent = if pipe.inbound.is_empty() {
            pipe.direct.lend()
        } else {
            None
        };
        let Some(lent) = lent else {
            return signaler.wait_until(deadline, check);
        };
        if lent.is_fresh() {
            // The session checks on a lease that is out (`check_lease`):
            // wake it to arm that check.
            pipe.outbound.notify_reader();
        }
        // Given back however this turn ends, a panic in `check` included:
        // a lease left out would keep the session from its connection.
        let mut held = Held::new(pipe, lent);
        let fd = held.lent.as_ref().map_or(-1, Lent::fd);
        let outcome = signaler.sleep_beside(deadline, fd, &mut check);
        if outcome == Beside::FdReady {
            held.read();
        }
        drop(held);
        match outcome {
            Beside::Ready => return WaitOutcome::Ready,
            Beside::Interrupted => return WaitOutcome::Interrupted,
            Beside::TimedOut if check() => return WaitOutcome::Ready,
            Beside::TimedOut => return WaitOutcome::TimedOut,
            Beside::FdReady | Beside::Woken => {}
        }
    }
}

/// What [`read_lent`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LentRead {
    /// Messages went into the pipe: receive them.
    Took,
    /// Nothing there yet: the application keeps the lease; wait for the
    /// connection's descriptor ([`Pipe::lease_watch`]) to be readable (or
    /// the socket's readiness, as always).
    Wait,
    /// No lease, or what came is the session's: wait on the socket's
    /// readiness only.
    Off,
}

/// A lease in use: kept, or given back with what the session must have,
/// when dropped (a panic in a receive's check included: a lease left out
/// would keep the session from its connection).
struct Held<'a> {
    pipe: &'a Pipe,
    lent: Option<Lent>,
    /// Whether the application may keep the lease (see
    /// `Direct::give_back`): nothing read yet, or whole messages only.
    clean: bool,
    /// Bytes read that are the session's, in order.
    carry: Vec<u8>,
}

impl<'a> Held<'a> {
    fn new(pipe: &'a Pipe, lent: Lent) -> Held<'a> {
        Held {
            pipe,
            lent: Some(lent),
            clean: true,
            carry: Vec::new(),
        }
    }

    /// Reads under the lease (see [`read_messages`]).
    fn read(&mut self) -> Read {
        let Some(lent) = &self.lent else {
            return Read::Nothing;
        };
        let read = read_messages(lent, self.pipe, &mut self.carry);
        self.clean = match read {
            Read::Took { clean } => clean,
            Read::Nothing => true,
            Read::Left => false,
        };
        read
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let Some(lent) = self.lent.take() else {
            return;
        };
        if self.clean {
            self.pipe.direct.give_back(lent, true);
            return;
        }
        let carried = !self.carry.is_empty();
        self.pipe
            .direct
            .give_back_carrying(lent, std::mem::take(&mut self.carry));
        if carried {
            // epoll reports nothing for bytes already taken: wake the
            // session to decode them.
            self.pipe.outbound.notify_reader();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use ferrozmq_zmtp::frame::{FLAG_COMMAND as COMMAND, FLAG_LONG as LONG, FLAG_MORE as MORE};

    fn any(_: u64) -> bool {
        true
    }

    #[test]
    fn scans_whole_data_messages_only() {
        // One short frame.
        assert_eq!(
            scan(&[0, 2, b'h', b'i'], any),
            Scan::Message {
                frames: vec![(2, 2)],
                end: 4
            }
        );
        // Two frames (MORE), then bytes of the next message.
        assert_eq!(
            scan(&[MORE, 0, 0, 1, b'x', 0], any),
            Scan::Message {
                frames: vec![(2, 0), (4, 1)],
                end: 5
            }
        );
        // A long frame.
        let mut long = vec![LONG, 0, 0, 0, 0, 0, 0, 0, 3];
        long.extend_from_slice(b"abc");
        assert_eq!(
            scan(&long, any),
            Scan::Message {
                frames: vec![(9, 3)],
                end: 12
            }
        );
        // A partial body, a partial header, a multipart message missing
        // its last frame, a command, reserved flags: the session's.
        assert_eq!(scan(&[0, 3, b'a'], any), Scan::Other);
        assert_eq!(scan(&[LONG, 0, 0], any), Scan::Other);
        assert_eq!(scan(&[MORE, 1, b'a'], any), Scan::Other);
        assert_eq!(scan(&[COMMAND, 4, 4, b'P', b'I', b'N'], any), Scan::Other);
        assert_eq!(scan(&[0x10, 0], any), Scan::Other);
        assert_eq!(scan(&[], any), Scan::Other);
        // A frame above ZMQ_MAXMSGSIZE: the session's (which fails the
        // connection).
        assert_eq!(scan(&[0, 2, b'h', b'i'], |size| size <= 1), Scan::Other);
        // A command between data messages is left with what follows it.
        assert_eq!(
            scan(&[0, 1, b'a', COMMAND, 0], any),
            Scan::Message {
                frames: vec![(2, 1)],
                end: 3
            }
        );
    }
}
