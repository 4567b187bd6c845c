//! The session's shortcut for small data messages: whole messages made
//! only of small data frames (up to [`BLOCK_MAX`] bytes each) at the front
//! of the read buffer are parsed here and their bodies copied out (in
//! place, or into a pooled block), instead of going through the ZMTP
//! decoder, which splits each body off the shared read buffer as `Bytes`
//! and queues it as an event.
//!
//! Per message that saves, on the I/O thread, a split (an atomic increment
//! of the read buffer's reference count), an event pushed and popped, and
//! the conversion to a message; on the receiving application thread, the
//! drop of that `Bytes` (an atomic decrement of a count the I/O thread
//! keeps incrementing: a cache line bounced between the two cores per
//! message). And the read buffer, no longer held by bodies in flight, is
//! reused for the next read rather than replaced.
//!
//! Taken only when the decoder would do nothing else with those bytes: a
//! plain ZMTP 3 connection (no CURVE), ready, not failed, at a message
//! boundary, and not a publisher's (which reads subscriptions from old
//! peers' messages), as for the read lease (`lent_read.rs`), which parses
//! the same way. Heartbeats do not stop it: it tells their clock of the
//! traffic itself (as the lease does, through the session). Any other
//! frame (a command, a large or partial one, one above ZMQ_MAXMSGSIZE)
//! stops the shortcut: it and what follows go to the decoder, in order.

use bytes::Buf;
use ferrozmq_zmtp::frame::{peek_header, Framing};

use super::zmtp::Active;
use super::Session;
use crate::msg::{Body, Msg, Spares, BLOCK_MAX};

impl Session {
    /// Delivers the whole small data messages at the front of the read
    /// buffer into the socket's pipe, without waking its reader (see
    /// `deliver`), until something else comes or the pipe is full.
    /// Returns whether it delivered any, and whether it stopped at the
    /// start of such a message not all read yet (which the decoder must
    /// then not be given: see [`Front::Partial`]).
    pub(super) fn deliver_small(&mut self, a: &mut Active) -> (bool, bool) {
        if a.read_buf.is_empty() || !takes_small_frames(a) {
            return (false, false);
        }
        let max = self.options.zmtp.max_message_size;
        let mut spares = Spares::new();
        let mut last = None;
        let mut partial = false;
        while self.stalled.is_none() {
            let (msg, end) = match front_message(&a.read_buf, max, &mut spares) {
                Front::Message(msg, end) => (msg, end),
                Front::Partial => {
                    partial = true;
                    break;
                }
                Front::Other => break,
            };
            a.read_buf.advance(end);
            last = Some(end);
            self.push_to_socket_waking(msg, false);
        }
        let Some(end) = last else {
            return (false, partial);
        };
        // Data is traffic to the heartbeat, as when the decoder reads it.
        a.wire.note_traffic();
        // What offer_reads looks at: the size of the last message (its
        // bodies are small, so only whether it is large matters there).
        a.last_len = end;
        (true, partial)
    }
}

/// How much of the read buffer to give the decoder: up to the end of a
/// message (or command) within its first [`SHARE_SCAN`] frames that is
/// followed by what the shortcut takes (a small data frame, or the start
/// of a frame), so that the shortcut takes that. Given all, the decoder
/// would keep the connection until a read happened to end where a frame
/// does: seldom, in a stream. `None`: give it all; also when the last message read was
/// large (a stream of large messages: looking would cost each of them a
/// header read twice). Only a place to cut: the decoder hands back
/// whatever it does not take.
pub(super) fn decoders_share(a: &Active) -> Option<usize> {
    if a.last_len > BLOCK_MAX || !may_take_small_frames(a) {
        return None;
    }
    let bytes = &a.read_buf[..];
    // The body of the frame the decoder is in, first.
    let mut at = a.wire.frame_in_progress().unwrap_or(0);
    for _ in 0..SHARE_SCAN {
        let header = peek_header(bytes.get(at..)?, Framing::V3).ok()??;
        at = at.checked_add(header.len)?.checked_add(header.size)?;
        if header.more && !header.command {
            continue;
        }
        // A message ends at `at`: cut there if the shortcut takes what
        // comes next.
        match peek_header(bytes.get(at..)?, Framing::V3) {
            Ok(Some(next)) if next.command || next.size > BLOCK_MAX => {}
            Ok(_) if at < bytes.len() => return Some(at),
            _ => return None,
        }
    }
    None
}

/// Most frames [`decoders_share`] looks through for a place to cut.
const SHARE_SCAN: usize = 8;

/// Whether the decoder would only split data frames off the read buffer,
/// at a message boundary (see the module's notes).
fn takes_small_frames(a: &Active) -> bool {
    may_take_small_frames(a) && a.wire.at_message_boundary()
}

/// Whether the connection is one whose data frames the shortcut may take:
/// plain ZMTP 3, ready, not failed, not a publisher's.
fn may_take_small_frames(a: &Active) -> bool {
    a.wire.is_ready()
        && !a.wire.has_failed()
        && a.wire.direct_framing() == Some(Framing::V3)
        && !a.wire.reads_subscriptions()
}

/// What the front of the read buffer holds.
enum Front {
    /// A whole message of small data frames, and where it ends.
    Message(Msg, usize),
    /// The start of what may be such a message: wait for more bytes
    /// rather than hand it to the decoder (which, once it took a frame's
    /// header, would keep every later frame from the shortcut).
    Partial,
    /// Anything else: the decoder's.
    Other,
}

/// The whole message at the front of `bytes` (see [`Front`]), if it is
/// all there and made only of data frames of at most [`BLOCK_MAX`] bytes
/// each (and at most `max` bytes, ZMQ_MAXMSGSIZE).
fn front_message(bytes: &[u8], max: Option<u64>, spares: &mut Spares) -> Front {
    let (body, mut at, more) = match front_frame(bytes, max, spares) {
        Frame::Whole(body, len, more) => (body, len, more),
        Frame::Partial => return Front::Partial,
        Frame::Other => return Front::Other,
    };
    if !more {
        // One frame, the usual case: no vector of bodies.
        return Front::Message(Msg::single(body), at);
    }
    let mut bodies = vec![body];
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        match front_frame(rest, max, spares) {
            Frame::Whole(body, len, more) => {
                bodies.push(body);
                at += len;
                if !more {
                    return match Msg::from_bodies(bodies) {
                        Some(msg) => Front::Message(msg, at),
                        None => Front::Other,
                    };
                }
            }
            // A long message of small frames goes to the decoder, rather
            // than the read buffer growing to hold it whole.
            Frame::Partial if at < PARTIAL_MAX => return Front::Partial,
            Frame::Partial | Frame::Other => return Front::Other,
        }
    }
}

/// What the front of the bytes holds, frame by frame.
enum Frame {
    /// A small data frame: its body copied out, its length with its
    /// header, and its MORE flag.
    Whole(Body, usize, bool),
    /// A frame not all there yet that may be one.
    Partial,
    /// Anything else.
    Other,
}

#[inline]
fn front_frame(bytes: &[u8], max: Option<u64>, spares: &mut Spares) -> Frame {
    // The usual frame first: flags 0 or MORE, a one-octet size.
    if let [flags @ (0 | 1), size, ..] = *bytes {
        let size = usize::from(size);
        if size <= BLOCK_MAX && max.is_none_or(|m| size as u64 <= m) {
            return match bytes.get(2..2 + size) {
                Some(body) => Frame::Whole(Body::copied_with(body, spares), 2 + size, flags == 1),
                None => Frame::Partial,
            };
        }
    }
    let header = match peek_header(bytes, Framing::V3) {
        Ok(Some(header)) => header,
        Ok(None) => return Frame::Partial,
        Err(_) => return Frame::Other,
    };
    let small = header.size <= BLOCK_MAX && max.is_none_or(|m| header.size as u64 <= m);
    if header.command || !small {
        return Frame::Other;
    }
    let end = header.len + header.size;
    match bytes.get(header.len..end) {
        Some(body) => Frame::Whole(Body::copied_with(body, spares), end, header.more),
        None => Frame::Partial,
    }
}

/// Most bytes of a multipart message of small frames left in the read
/// buffer for more to come; a longer one is the decoder's.
const PARTIAL_MAX: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    use ferrozmq_zmtp::frame::{FLAG_COMMAND as COMMAND, FLAG_LONG as LONG, FLAG_MORE as MORE};

    fn frames(msg: &Msg) -> Vec<&[u8]> {
        msg.frames().map(|f| &f[..]).collect()
    }

    /// The message at the front and its end; panics on anything else.
    fn whole(bytes: &[u8], max: Option<u64>) -> (Msg, usize) {
        match front_message(bytes, max, &mut Spares::new()) {
            Front::Message(msg, end) => (msg, end),
            _ => panic!("not a whole message: {bytes:?}"),
        }
    }

    fn partial(bytes: &[u8]) -> bool {
        matches!(
            front_message(bytes, None, &mut Spares::new()),
            Front::Partial
        )
    }

    fn other(bytes: &[u8], max: Option<u64>) -> bool {
        matches!(front_message(bytes, max, &mut Spares::new()), Front::Other)
    }

    #[test]
    fn takes_whole_small_data_messages_only() {
        // One frame, then the next message's first octet.
        let (msg, end) = whole(&[0, 2, b'h', b'i', 0], None);
        assert_eq!((frames(&msg), end), (vec![&b"hi"[..]], 4));
        // Empty, and the largest small body (held in a block).
        let (msg, end) = whole(&[0, 0], None);
        assert_eq!((frames(&msg), end), (vec![&b""[..]], 2));
        let mut block = vec![0, BLOCK_MAX as u8];
        block.extend((0..BLOCK_MAX).map(|i| i as u8));
        let (msg, end) = whole(&block, None);
        assert_eq!((msg.first().as_slice(), end), (&block[2..], BLOCK_MAX + 2));
        // Multipart.
        let (msg, end) = whole(&[MORE, 1, b'a', MORE, 0, 0, 1, b'b'], None);
        assert_eq!((frames(&msg), end), (vec![&b"a"[..], b"", b"b"], 8));
        // A long header for a small body is still small.
        let (msg, _) = whole(&[LONG, 0, 0, 0, 0, 0, 0, 0, 1, b'x'], None);
        assert_eq!(frames(&msg), [&b"x"[..]]);
    }

    #[test]
    fn waits_for_the_rest_of_a_small_message_and_leaves_the_rest_to_the_decoder() {
        // Partial body, partial header, multipart missing its last frame:
        // wait for more (the decoder would take the header).
        assert!(partial(&[0, 3, b'a']));
        assert!(partial(&[LONG, 0, 0]));
        assert!(partial(&[MORE, 1, b'a']));
        assert!(partial(&[MORE, 1, b'a', 0]));
        assert!(partial(&[]));
        // A long multipart message of small frames: the decoder's.
        let long: Vec<u8> = (0..PARTIAL_MAX / 2).flat_map(|_| [MORE, 0]).collect();
        assert!(partial(&long[..PARTIAL_MAX - 2]) && other(&long, None));
        // A command, reserved flags, a body past a block (even whole).
        assert!(other(&[COMMAND, 4, 4, b'P', b'I', b'N', b'G'], None));
        assert!(other(&[0x10, 0], None));
        let mut big = vec![0, BLOCK_MAX as u8 + 1];
        big.resize(BLOCK_MAX + 3, 7);
        assert!(other(&big, None));
        assert!(other(&big[..4], None), "the start of a large frame too");
        // A small frame then a large one in the same message.
        let mut parts = vec![MORE, 1, b'a', 0, BLOCK_MAX as u8 + 1];
        parts.resize(parts.len() + BLOCK_MAX + 1, 7);
        assert!(other(&parts, None));
        // Above ZMQ_MAXMSGSIZE: the decoder's, which fails the connection.
        assert!(other(&[0, 2, b'h', b'i'], Some(1)));
        assert!(whole(&[0, 1, b'h'], Some(1)).1 == 3);
    }
}
