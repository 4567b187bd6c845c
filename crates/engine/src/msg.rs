//! [`Msg`]: one whole multipart message as it travels through a pipe.

use bytes::Bytes;

mod blocks;
mod body;

pub(crate) use blocks::Spares;
pub use blocks::BLOCK_MAX;
pub use body::{Body, Small, SMALL_MAX};

/// A whole message (all its frames), or a subscription change.
///
/// Pipes carry whole messages so a multipart message is delivered all or
/// nothing. A one-frame message needs no allocation beyond its body, and
/// none at all when the body is small ([`Body::Small`]).
///
/// The first frame comes first in memory (`repr(C)`): a `Msg` is copied
/// 16 octets at a time, and so is a [`Body`], so with the body at offset 0
/// the copies of one line up with the stores of the other (with the body
/// at offset 24, where the compiler put it, every copy of a message just
/// built read across two stores: a store-forwarding stall each).
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(C)]
pub struct Msg {
    first: Body,
    rest: Vec<Body>,
    kind: MsgKind,
}

/// What a [`Msg`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgKind {
    /// Application data.
    Data,
    /// Subscribe to the topic in the first frame (SUBSCRIBE command or 0x01 message).
    Subscribe,
    /// Cancel the topic in the first frame (CANCEL command or 0x00 message).
    Cancel,
}

impl Msg {
    /// A one-frame data message.
    #[inline]
    pub fn single(body: impl Into<Body>) -> Msg {
        Msg {
            first: body.into(),
            rest: Vec::new(),
            kind: MsgKind::Data,
        }
    }

    /// A data message from its frames; `None` when `frames` is empty.
    #[inline]
    pub fn from_frames(frames: Vec<Bytes>) -> Option<Msg> {
        Msg::from_bodies(frames.into_iter().map(Body::Shared).collect())
    }

    /// A data message from its frames' bodies; `None` when `frames` is empty.
    #[inline]
    pub fn from_bodies(mut frames: Vec<Body>) -> Option<Msg> {
        if frames.len() == 1 {
            return frames.pop().map(Msg::single);
        }
        let mut it = frames.into_iter();
        let first = it.next()?;
        Some(Msg {
            first,
            rest: it.collect(),
            kind: MsgKind::Data,
        })
    }

    /// The same message with each body in a pooled block moved into shared
    /// bytes (see [`Body::into_shareable`]): for a message about to be
    /// cloned for many peers, whose clones then share its bodies.
    pub fn into_shareable(self) -> Msg {
        Msg {
            first: self.first.into_shareable(),
            rest: self.rest.into_iter().map(Body::into_shareable).collect(),
            kind: self.kind,
        }
    }

    /// A subscription change for `topic`.
    pub fn subscription(subscribe: bool, topic: Bytes) -> Msg {
        Msg {
            first: Body::Shared(topic),
            rest: Vec::new(),
            kind: if subscribe {
                MsgKind::Subscribe
            } else {
                MsgKind::Cancel
            },
        }
    }

    /// What this message carries.
    #[inline]
    pub fn kind(&self) -> MsgKind {
        self.kind
    }

    /// The first frame (the topic for subscriptions).
    #[inline]
    pub fn first(&self) -> &Body {
        &self.first
    }

    /// Number of frames.
    #[inline]
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Always false: a message has at least one frame.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Every frame in order.
    #[inline]
    pub fn frames(&self) -> impl Iterator<Item = &Body> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }

    /// Takes the frames out, in order.
    #[inline]
    pub fn into_frames(self) -> impl Iterator<Item = Body> {
        std::iter::once(self.first).chain(self.rest)
    }

    /// The first frame and the rest, apart (the rest is empty for a
    /// one-frame message): for a reader that hands the first frame out at
    /// once and keeps the rest.
    #[inline]
    pub fn into_first_and_rest(self) -> (Body, Vec<Body>) {
        (self.first, self.rest)
    }

    /// The frame of a one-frame data message or subscription change;
    /// the message itself when it has more frames.
    #[inline]
    pub fn into_only(self) -> Result<Body, Msg> {
        if self.rest.is_empty() {
            Ok(self.first)
        } else {
            Err(self)
        }
    }

    /// Adds a frame at the front (e.g. a routing id or an envelope delimiter).
    #[inline]
    pub fn push_front(&mut self, frame: impl Into<Body>) {
        let old = std::mem::replace(&mut self.first, frame.into());
        if self.rest.is_empty() {
            // A one-frame message gaining an envelope (ROUTER's routing id
            // on every received message): one allocation of its size,
            // without the general insert's growth path.
            self.rest = vec![old];
        } else {
            self.rest.insert(0, old);
        }
    }

    /// As [`Msg::push_front`], for a one-frame message taking `spare`'s
    /// storage (a vector the reader gave back, see
    /// [`Msg::into_first_and_rest`]) instead of a new allocation: ROUTER
    /// puts a routing id before every message it receives. Anything in
    /// `spare` is dropped; it is left empty.
    #[inline]
    pub fn push_front_reusing(&mut self, frame: impl Into<Body>, spare: &mut Vec<Body>) {
        if !self.rest.is_empty() || spare.capacity() == 0 {
            self.push_front(frame);
            return;
        }
        spare.clear();
        let old = std::mem::replace(&mut self.first, frame.into());
        spare.push(old);
        self.rest = std::mem::take(spare);
    }

    /// Removes and returns the first frame; `None` when it is the only one.
    pub fn pop_front(&mut self) -> Option<Body> {
        if self.rest.is_empty() {
            return None;
        }
        let next = self.rest.remove(0);
        Some(std::mem::replace(&mut self.first, next))
    }

    /// Total body bytes.
    pub fn byte_len(&self) -> usize {
        self.frames().map(|f| f.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_front_reusing_takes_the_spare_storage() {
        let mut spare: Vec<Body> = Vec::with_capacity(4);
        spare.push(Body::from(Bytes::from_static(b"stale")));
        let storage = spare.as_ptr();
        let mut msg = Msg::single(Bytes::from_static(b"body"));
        msg.push_front_reusing(Bytes::from_static(b"id"), &mut spare);
        let frames: Vec<&[u8]> = msg.frames().map(|f| &f[..]).collect();
        assert_eq!(frames, [&b"id"[..], b"body"]);
        assert!(spare.is_empty() && spare.capacity() == 0);
        let (first, rest) = msg.into_first_and_rest();
        assert_eq!((&first[..], rest.as_ptr()), (&b"id"[..], storage));
        // Without a spare (or onto a longer message): as push_front.
        let mut msg = Msg::single(Bytes::from_static(b"b"));
        msg.push_front_reusing(Bytes::from_static(b"a"), &mut Vec::new());
        msg.push_front_reusing(Bytes::from_static(b"0"), &mut Vec::with_capacity(1));
        let frames: Vec<&[u8]> = msg.frames().map(|f| &f[..]).collect();
        assert_eq!(frames, [&b"0"[..], b"a", b"b"]);
    }

    #[test]
    fn frames_in_order() {
        let mut m = Msg::from_frames(vec!["a".into(), "b".into()]).unwrap();
        m.push_front(Bytes::from("id"));
        assert_eq!(m.frames().collect::<Vec<_>>(), ["id", "a", "b"]);
        assert_eq!(m.pop_front().unwrap(), "id");
        assert_eq!(m.len(), 2);
        assert_eq!(m.byte_len(), 2);
        let mut one = Msg::single(Bytes::from("x"));
        assert_eq!(one.pop_front(), None);
        assert_eq!(one.into_only(), Ok(Body::from("x")));
        let two = Msg::from_frames(vec!["a".into(), "b".into()]).unwrap();
        assert_eq!(two.clone().into_only(), Err(two));
        assert!(Msg::from_frames(vec![]).is_none());
    }
}
