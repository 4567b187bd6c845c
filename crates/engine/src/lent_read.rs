//! The application's side of the read lease (`Direct::lend`): a receive
//! blocked on a socket whose one pipe is an idle connection reads that
//! connection itself, instead of waiting for the I/O thread to read it and
//! wake the application (two thread wake-ups per message saved: the I/O
//! thread's and the application's).
//!
//! Only whole data messages are taken: the bytes read (up to 8 KiB at a
//! time) are parsed, and the complete messages at their front are pushed
//! into the pipe, exactly as the session would have pushed them. A data
//! message whose last frame is larger than that buffer is taken whole too
//! by a blocking receive that answers a send (request/reply: the
//! application sent on the connection since it last took a message): its
//! body is read straight into a buffer of its own from the I/O thread's
//! pool (`BodyPool`, as the session does), the receive waiting on the
//! connection for the rest ([`read_large`]). Anything else after the whole
//! messages — a command (PING, SUBSCRIBE, ERROR), a partial frame, a large
//! message for an async receive (which cannot wait) or in a stream (which
//! the session reads faster, in batches), a large body whose wait was cut
//! short (deadline, signal) — is *carried* to the session with the lease
//! (`Direct::give_back_carrying`), which decodes those bytes before it
//! reads the connection again; the end of the stream and errors are left
//! in the socket for it. So the session's decoder never misses a byte nor
//! sees one twice, and every case but the simple one keeps today's path.
//!
//! A receive that read only whole messages keeps the lease for the next
//! one (`Direct::give_back`, the sticky lease): a round trip then costs a
//! `poll` and one read, with no `epoll_ctl` and no new descriptor.
//!
//! Heartbeats stay the session's (ZMQ_HEARTBEAT_IVL, _TIMEOUT, a peer's
//! TTL): every read that takes bytes tells it so
//! (`Direct::note_lease_traffic`), which counts them as traffic from the
//! peer before it looks at its timers; it sends its PINGs itself meanwhile,
//! and a PING or PONG read here is carried to it like any command.

use std::os::fd::RawFd;
use std::time::Instant;

use bytes::Bytes;
use ferrozmq_zmtp::frame::{peek_header, Framing};

use crate::direct::Lent;
use crate::msg::{Body, Msg, Spares};
use crate::notify::{Beside, Signaler, WaitOutcome};
use crate::pipe::Pipe;
use crate::sys;

/// The most bytes read at once: messages up to about this size are read
/// whole into it; larger ones, by a blocking receive, into a buffer of
/// their own.
const PEEK: usize = 8 * 1024;
/// The most reads one [`read_messages`] makes (each after one that filled
/// the buffer): a receive does not stay reading for long while a fast
/// sender keeps the connection full and RCVHWM does not stop it (0).
const MAX_READS: usize = 16;
/// Messages larger than this (bodies, headers aside) are left to the
/// session by an async receive and in a stream; after one the session
/// stops offering its reads to such a receive until a smaller one comes.
const LEASE_BYTES: usize = PEEK - 64;
/// A last frame at least this large whose body is not all read yet is
/// read by a blocking receive into a body buffer of its own.
const LARGE_MIN: usize = PEEK;
/// Larger bodies are always the session's, as larger direct sends are
/// (`direct::MAX_BYTES`): such a message goes through the I/O thread both
/// ways, the reply written from the core that read the request. Measured
/// (1 MiB REQ/REP, two processes, 7 rounds at load 5-6): read under the
/// lease, 1.28 (tcp) and 1.10 (ipc) times the time with the session's
/// reads; level on a quiet machine.
const LARGE_MAX: usize = 128 * 1024;

/// Session: whether the application would leave a message of `len` bytes
/// to it (so offering the reads after one would only cost a wasted turn
/// while such messages come): past [`LARGE_MAX`], and past the lease's
/// buffer when the last large one was refused (`refuses_large`: an async
/// receive, or a stream).
pub(crate) fn leaves_to_session(len: usize, refuses_large: bool) -> bool {
    len > LARGE_MAX || len > LEASE_BYTES && refuses_large
}

/// How a read under the lease waits for the rest of a large body: sleeps
/// until the connection (the descriptor given) is readable (`FdReady`), or
/// not: the deadline, a signal, the socket ready otherwise.
type Waiter<'w> = &'w mut dyn FnMut(RawFd) -> Beside;

/// What the front of the bytes read holds (as a value, for tests).
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// A whole data message: each frame's body as (start, length), and
    /// where the message ends.
    Message {
        frames: Vec<(usize, usize)>,
        end: usize,
    },
    /// A data message whose frames are all there but the last, a large
    /// one whose body begins at `start` and is `size` bytes long.
    Large {
        frames: Vec<(usize, usize)>,
        start: usize,
        size: usize,
    },
    /// Not (yet) a whole data message: leave it to the session.
    Other,
}

/// [`scan_into`], as a value.
#[cfg(test)]
fn scan(bytes: &[u8], accepts: impl Fn(u64) -> bool) -> Scan {
    let mut frames = Vec::new();
    match scan_into(bytes, accepts, &mut frames) {
        Front::Message(end) => Scan::Message { frames, end },
        Front::Large { start, size } => Scan::Large {
            frames,
            start,
            size,
        },
        Front::Other => Scan::Other,
    }
}

/// What [`scan_into`] found at the front of the bytes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Front {
    /// A whole data message, ending there.
    Message(usize),
    /// A data message whose frames are all there but the last, a large
    /// one whose body begins at `start` and is `size` bytes long.
    Large { start: usize, size: usize },
    /// Not (yet) a whole data message: leave it to the session.
    Other,
}

/// Parses ZMTP 3 frames at the front of `bytes` up to the end of the first
/// message, if it is all there and made only of data frames (or all there
/// but the body of a large last frame): then `frames` holds each whole
/// frame's body as (start, length). (`frames` is the caller's, reused from
/// message to message: no allocation per message.)
fn scan_into(
    bytes: &[u8],
    accepts: impl Fn(u64) -> bool,
    frames: &mut Vec<(usize, usize)>,
) -> Front {
    frames.clear();
    let mut at = 0;
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        let header = match peek_header(rest, Framing::V3) {
            Ok(Some(header)) if !header.command && accepts(header.size as u64) => header,
            // Incomplete, a command, malformed or too large: the session's.
            _ => return Front::Other,
        };
        let start = at + header.len;
        let Some(end) = start.checked_add(header.size).filter(|&e| e <= bytes.len()) else {
            if header.more || header.size < LARGE_MIN {
                return Front::Other;
            }
            return Front::Large {
                start,
                size: header.size,
            };
        };
        frames.push((start, header.size));
        at = end;
        if !header.more {
            return Front::Message(end);
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
    /// As `Took` not clean: the wait for the rest of a large body ended
    /// thus (not `FdReady`), and what was read of it went into the carry.
    Stopped(Beside),
    /// The end of the stream or an error, nothing taken: the session's.
    Left,
    /// Nothing there yet (a spurious wake-up): the lease may stay.
    Nothing,
}

/// Reads what waits on the lent connection (up to [`PEEK`] bytes at a
/// time): the whole data messages at the front go into `pipe` (as many as
/// its high-water mark takes, at least one), then a large message begun
/// after them if `wait` may wait for the rest ([`read_large`]); whatever
/// follows — a command, a partial frame, messages past the high-water
/// mark — goes into `carry`, which the session must decode before it
/// reads the connection again (`Direct::give_back_carrying`).
///
/// A read that filled the buffer usually ends inside a message (8 KiB is
/// not a multiple of 66 bytes): those bytes are moved to the front and
/// the connection read again behind them, as long as each read fills the
/// buffer and something was taken from it (at most [`MAX_READS`] reads),
/// rather than carried to the
/// session with the lease. A stream of small messages (fan-out to many
/// subscribers) otherwise gave the lease back after nearly every full
/// read: two `epoll_ctl`, a `dup` and a `close`, and a turn of the I/O
/// thread, each time.
///
/// `buf` ([`PEEK`] bytes) is the lease's own, kept from one read to the
/// next: a buffer on the stack was zeroed at every call.
fn read_messages(
    lent: &Lent,
    buf: &mut [u8],
    pipe: &Pipe,
    carry: &mut Vec<u8>,
    wait: Option<Waiter>,
) -> Read {
    // The blocks of this call's copies: the thread's cache looked at once.
    let mut spares = Spares::new();
    let read = read_batches(lent, buf, pipe, carry, wait, &mut spares);
    // The pushes above were quiet: the reader (this thread, or whoever
    // polls the socket's descriptor) hears of them once.
    if matches!(read, Read::Took { .. } | Read::Stopped(_)) {
        pipe.inbound.notify_reader();
    }
    read
}

/// [`read_messages`]' reads, each message pushed without a wake-up.
fn read_batches(
    lent: &Lent,
    buf: &mut [u8],
    pipe: &Pipe,
    carry: &mut Vec<u8>,
    wait: Option<Waiter>,
    spares: &mut Spares,
) -> Read {
    // Bytes at the front of `buf` kept from the previous read (the start
    // of a message), and whether a message was taken yet.
    let mut kept = 0;
    let mut any = false;
    let mut frames = Vec::new();
    let mut wait = wait;
    for _ in 0..MAX_READS {
        let Some(space) = buf.get_mut(kept..) else {
            break;
        };
        let got = match sys::recv_nowait(lent.fd(), space, false) {
            Ok(n) if n > 0 => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && kept == 0 => {
                return Read::Nothing
            }
            // The end of the stream or an error, nothing taken: the session's.
            _ if kept == 0 => return Read::Left,
            // Nothing more now (or the end, or an error): the session
            // finishes the message begun, and sees what follows.
            _ => break,
        };
        // Traffic for the heartbeat's clock, which the session keeps.
        pipe.direct.note_lease_traffic();
        let seen = kept + got;
        let mut taken = 0;
        let mut stopped = false;
        while taken < seen {
            let Some(rest) = buf.get(taken..seen) else {
                stopped = true;
                break;
            };
            if any && !pipe.inbound.has_room() {
                stopped = true;
                break;
            }
            let end = match scan_into(rest, |size| lent.accepts(size), &mut frames) {
                Front::Message(end) => end,
                // Past the lease's share: the session's.
                Front::Large { size, .. } if size > LARGE_MAX => {
                    stopped = true;
                    break;
                }
                Front::Large { start, size } => {
                    // An async receive cannot wait for the body, and a stream
                    // of large messages (a receive that answers no send) is
                    // read faster by the session, in batches: the session's.
                    let wait = wait.take().filter(|_| !any && pipe.direct.take_answering());
                    let Some(wait) = wait else {
                        pipe.direct.note_large(false);
                        stopped = true;
                        break;
                    };
                    let head = Head {
                        bytes: rest,
                        frames: &frames,
                        start,
                        size,
                    };
                    return read_large(lent, pipe, head, wait, carry);
                }
                Front::Other => break,
            };
            let msg = match frames.as_slice() {
                // One frame, the usual case: no vector of bodies.
                [only] => Msg::single(copied_one(rest, only, spares)),
                more => match Msg::from_bodies(copied(rest, more, spares)) {
                    Some(msg) => msg,
                    None => {
                        stopped = true;
                        break;
                    }
                },
            };
            pipe.inbound.force_push_quiet(msg);
            if !any {
                // A message answering a send: the next large one answers none.
                pipe.direct.take_answering();
                any = true;
            }
            taken += end;
        }
        // Read on behind the start of a message (`Other` at the front of a
        // full buffer, after some messages taken); otherwise carry the rest.
        if stopped || taken == 0 || taken == seen || seen < buf.len() {
            kept = seen;
            if taken > 0 {
                buf.copy_within(taken..seen, 0);
                kept = seen - taken;
            }
            break;
        }
        buf.copy_within(taken..seen, 0);
        kept = seen - taken;
    }
    carry.extend_from_slice(buf.get(..kept).unwrap_or_default());
    Read::Took { clean: kept == 0 }
}

/// Copies of the frames at (start, length) in `bytes`, blocks from `spares`.
fn copied(bytes: &[u8], frames: &[(usize, usize)], spares: &mut Spares) -> Vec<Body> {
    frames
        .iter()
        .map(|frame| copied_one(bytes, frame, spares))
        .collect()
}

/// A copy of the frame at (start, length) in `bytes`, a block (if the
/// body needs one) from `spares`.
fn copied_one(bytes: &[u8], &(start, len): &(usize, usize), spares: &mut Spares) -> Body {
    Body::copied_with(bytes.get(start..start + len).unwrap_or_default(), spares)
}

/// The start of a large message read under the lease: `bytes`, the rest
/// of what was read, begins with it (see [`Scan::Large`]) and ends within
/// its last frame's body.
struct Head<'b> {
    bytes: &'b [u8],
    frames: &'b [(usize, usize)],
    start: usize,
    size: usize,
}

/// Reads the rest of a large message's last frame straight into a body
/// buffer of its own (from the I/O thread's pool, reused once the message
/// is dropped: warm pages, never zeroed), waiting on the connection with
/// `wait` while it is not all there, and pushes the message into `pipe`.
/// If the body does not come whole (the end of the stream, an error, the
/// wait cut short), everything read of the message goes into `carry`, in
/// order, for the session.
fn read_large(lent: &Lent, pipe: &Pipe, head: Head, wait: Waiter, carry: &mut Vec<u8>) -> Read {
    let Some(pool) = lent.bodies() else {
        carry.extend_from_slice(head.bytes);
        return Read::Took { clean: false };
    };
    let mut body = pool.take(head.size);
    body.extend_from_slice(head.bytes.get(head.start..).unwrap_or_default());
    let mut stopped = None;
    while body.remaining() > 0 {
        let limit = body.remaining();
        match sys::read_into(lent.fd(), body.buf_mut(), limit) {
            Ok(0) => break,
            Ok(_) => pipe.direct.note_lease_traffic(),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => match wait(lent.fd()) {
                Beside::FdReady | Beside::Woken => {}
                other => {
                    stopped = Some(other);
                    break;
                }
            },
            // The error stays in the socket for the session.
            Err(_) => break,
        }
    }
    if body.remaining() > 0 {
        carry.extend_from_slice(head.bytes.get(..head.start).unwrap_or_default());
        carry.extend_from_slice(body.as_ref());
        return match stopped {
            Some(outcome) => Read::Stopped(outcome),
            None => Read::Took { clean: false },
        };
    }
    let mut bodies = copied(head.bytes, head.frames, &mut Spares::new());
    bodies.push(Body::Shared(Bytes::from_owner(body)));
    let Some(msg) = Msg::from_bodies(bodies) else {
        // Never (a message has a frame); the bytes are the session's.
        return Read::Left;
    };
    pipe.direct.note_large(true);
    pipe.inbound.force_push(msg);
    Read::Took { clean: true }
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
    let outcome = match held.read(None) {
        Read::Took { .. } if !pipe.inbound.is_empty() => LentRead::Took,
        Read::Nothing => LentRead::Wait,
        Read::Took { .. } | Read::Stopped(_) | Read::Left => LentRead::Off,
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
        let mut outcome = signaler.sleep_beside(deadline, fd, &mut check);
        if outcome == Beside::FdReady {
            // A large message's body may take more than one read: wait for
            // the rest as for the message, the socket watched the same.
            let mut wait = |fd| signaler.sleep_beside(deadline, fd, &mut check);
            if let Read::Stopped(stopped) = held.read(Some(&mut wait)) {
                outcome = stopped;
            }
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

    /// Reads under the lease (see [`read_messages`]); large messages
    /// only with a `wait` for the rest of their bodies.
    fn read(&mut self, wait: Option<Waiter>) -> Read {
        let Some(lent) = &mut self.lent else {
            return Read::Nothing;
        };
        let mut buf = std::mem::take(&mut lent.read_buf);
        if buf.len() != PEEK {
            buf = vec![0; PEEK];
        }
        let read = read_messages(lent, &mut buf, self.pipe, &mut self.carry, wait);
        lent.read_buf = buf;
        self.clean = match read {
            Read::Took { clean } => clean,
            Read::Nothing => true,
            Read::Stopped(_) | Read::Left => false,
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
        // A large last frame whose body has begun, after an envelope: a
        // blocking receive reads it; not the last frame: the session's.
        let mut large = vec![MORE, 0, LONG, 0, 0, 0, 0, 0, 0, 0x40, 0, 1, 2];
        assert_eq!(
            scan(&large, any),
            Scan::Large {
                frames: vec![(2, 0)],
                start: 11,
                size: 0x4000
            }
        );
        large[2] |= MORE;
        assert_eq!(scan(&large, any), Scan::Other);
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
