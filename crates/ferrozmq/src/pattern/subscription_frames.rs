//! Which frames of a message are subscription changes (`0x01 topic` /
//! `0x00 topic`), by libzmq 4.3's rule for XPUB and XSUB.
//!
//! A one-frame message is a change when its first byte is 0 or 1. In a
//! multipart message the first frame is judged the same way; each later
//! frame too, unless ZMQ_ONLY_FIRST_SUBSCRIBE is set and the first frame
//! was data, in which case the rest is data whatever its first byte.

/// Walks a message's frames, telling each one's subscription change.
#[derive(Debug)]
pub(crate) struct SubscriptionFrames {
    only_first: bool,
    seen_first: bool,
    /// Whether frames after the first may be changes.
    rest_may_change: bool,
}

impl SubscriptionFrames {
    /// For one message, under ZMQ_ONLY_FIRST_SUBSCRIBE or not.
    pub(crate) fn new(only_first_subscribe: bool) -> SubscriptionFrames {
        SubscriptionFrames {
            only_first: only_first_subscribe,
            seen_first: false,
            rest_may_change: true,
        }
    }

    /// The next frame's change, `(subscribe, topic)`, or `None` for data.
    pub(crate) fn next<'a>(&mut self, frame: &'a [u8]) -> Option<(bool, &'a [u8])> {
        let change = if !self.seen_first || self.rest_may_change {
            change_in(frame)
        } else {
            None
        };
        if !self.seen_first {
            self.seen_first = true;
            self.rest_may_change = !self.only_first || change.is_some();
        }
        change
    }
}

/// The change a frame reads as: 0x01 subscribes, 0x00 cancels, to the
/// topic that follows.
pub(crate) fn change_in(frame: &[u8]) -> Option<(bool, &[u8])> {
    match frame.split_first() {
        Some((1, topic)) => Some((true, topic)),
        Some((0, topic)) => Some((false, topic)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(only_first: bool, frames: &[&[u8]]) -> Vec<Option<bool>> {
        let mut walk = SubscriptionFrames::new(only_first);
        frames
            .iter()
            .map(|f| walk.next(f).map(|(s, _)| s))
            .collect()
    }

    #[test]
    fn every_frame_may_change_by_default() {
        let frames: &[&[u8]] = &[b"ABC", b"\x00BC", b"\x01CD", b"x"];
        assert_eq!(kinds(false, frames), [None, Some(false), Some(true), None]);
    }

    #[test]
    fn only_first_makes_the_rest_of_a_data_message_data() {
        let frames: &[&[u8]] = &[b"ABC", b"\x00BC", b"\x01CD"];
        assert_eq!(kinds(true, frames), [None, None, None]);
    }

    #[test]
    fn only_first_keeps_changes_after_a_first_change() {
        // libzmq 4.3.4's xpub/xsub: a first frame that is a change lets
        // the later frames be changes too (test_xpub_manual's
        // test_user_message_multi).
        let frames: &[&[u8]] = &[b"\x01BC", b"\x01CD", b"data"];
        assert_eq!(kinds(true, frames), [Some(true), Some(true), None]);
    }

    #[test]
    fn an_empty_frame_is_data() {
        assert_eq!(change_in(b""), None);
        assert_eq!(change_in(b"\x01"), Some((true, &b""[..])));
    }
}
