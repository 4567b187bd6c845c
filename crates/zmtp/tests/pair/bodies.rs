//! Bodies read by the caller into buffers of their own
//! (`Connection::body_in_progress` / `handle_body`): the frames are the
//! same as through the read buffer, in every split, and a body of the wrong
//! size is refused.

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::{Config, Error, Event, SocketType};

use crate::harness::{Pair, Side};

/// Feeds `wire` to `side` the way the engine does: through one read buffer
/// in reads of at most `read` octets, except that once a body is in
/// progress its start is moved into a buffer of its own, the rest read
/// into that buffer, and the whole handed over with `handle_body`. Returns
/// how many bodies went that way. (The side's own buffer for
/// `handle_bytes` is empty once the handshake is done.)
pub(crate) fn feed_direct(side: &mut Side, wire: &[u8], read: usize) -> usize {
    let mut buf = BytesMut::new();
    let mut rest = wire;
    let mut direct = 0;
    while side.error.is_none() {
        let result = if let Some(size) = side.conn.body_in_progress(&buf) {
            let mut body = buf.split().to_vec();
            let take = (size - body.len()).min(rest.len());
            body.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if body.len() < size {
                return direct;
            }
            direct += 1;
            side.conn.handle_body(body)
        } else if rest.is_empty() {
            return direct;
        } else {
            let n = rest.len().min(read);
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            side.conn.handle_read(&mut buf)
        };
        if let Err(e) = result {
            side.error = Some(e);
        }
        side.pump();
    }
    direct
}

fn big(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ seed).collect()
}

/// The parts of one message around and above a read's size.
pub(crate) fn parts() -> Vec<Vec<u8>> {
    vec![
        big(5, 1),
        big(40_000, 2),
        Vec::new(),
        big(300_000, 3),
        big(255, 4),
        big(256, 5),
        big(70_000, 6),
    ]
}

/// Sends `parts` from the client and feeds them to the server directly,
/// in reads of `read` octets; checks what arrived and returns how many
/// bodies were read on their own.
pub(crate) fn check_direct(pair: &mut Pair, read: usize) -> usize {
    let parts = parts();
    let slices: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    pair.client.send(&slices);
    let wire = pair.client.take_transmit();
    pair.server.events.clear();
    let direct = feed_direct(&mut pair.server, &wire, read);
    assert_eq!(pair.server.error, None);
    let want: Vec<(Bytes, bool)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (Bytes::from(p.clone()), i + 1 < parts.len()))
        .collect();
    assert_eq!(pair.server.frames(), want, "reads of {read}");
    direct
}

#[test]
fn bodies_read_on_their_own_are_the_frames_sent() {
    for read in [1, 7, 4096, 65_536, usize::MAX] {
        let mut pair = Pair::new(
            Config::new(SocketType::Dealer),
            Config::new(SocketType::Router),
        );
        pair.handshake();
        let direct = check_direct(&mut pair, read);
        // Every body not whole in the first read went on its own.
        assert!(
            direct >= usize::from(read < 70_000),
            "reads of {read}: {direct}"
        );
    }
}

#[test]
fn a_body_of_the_wrong_size_or_out_of_turn_is_refused() {
    let mut pair = Pair::new(
        Config::new(SocketType::Dealer),
        Config::new(SocketType::Router),
    );
    pair.handshake();
    // No frame in progress.
    assert!(pair
        .server
        .conn
        .body_in_progress(&BytesMut::new())
        .is_none());
    assert!(matches!(
        pair.server.conn.handle_body(vec![0u8; 3]),
        Err(Error::Misuse(_))
    ));

    let mut pair = Pair::new(
        Config::new(SocketType::Dealer),
        Config::new(SocketType::Router),
    );
    pair.handshake();
    pair.client.send(&[&big(1000, 0)]);
    let wire = pair.client.take_transmit();
    let mut buf = BytesMut::from(&wire[..100]);
    pair.server.conn.handle_read(&mut buf).unwrap();
    assert_eq!(pair.server.conn.body_in_progress(&buf), Some(1000));
    assert!(matches!(
        pair.server.conn.handle_body(vec![0u8; 999]),
        Err(Error::Misuse(_))
    ));
    pair.server.pump();
    assert!(!pair
        .server
        .events
        .iter()
        .any(|e| matches!(e, Event::Frame(_))));
}
