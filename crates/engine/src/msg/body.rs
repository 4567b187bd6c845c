//! [`Body`]: one frame's bytes, small ones carried by value.

use std::fmt;
use std::num::NonZeroU8;
use std::ops::Deref;

use bytes::Bytes;

use super::blocks::{self, Block, Spares, BLOCK_MAX};

/// Bodies up to this many bytes travel inside the [`Body`] itself (like
/// libzmq's "very small messages"): no allocation when the frame is made
/// and no free on the thread that consumes it. 23 is what fits beside
/// `Bytes`' non-null pointer, so a `Body` is no larger than a `Bytes`.
pub const SMALL_MAX: usize = 23;

/// One frame's bytes: up to [`SMALL_MAX`] in place, up to [`BLOCK_MAX`]
/// in a pooled block when made by [`Small::zeroed`], otherwise shared,
/// reference-counted [`Bytes`].
///
/// It reads as a byte slice; equality compares the bytes, whichever way
/// they are held.
#[derive(Clone)]
pub enum Body {
    /// A small body, owned alone: in place, or up to [`BLOCK_MAX`] bytes in
    /// a pooled block (see [`Small`]).
    Small(Small),
    /// Shared bytes (any size; received frames, zero-copy bodies).
    Shared(Bytes),
}

/// A body the [`Body`] owns alone and may write: up to [`SMALL_MAX`]
/// bytes in place, or up to [`BLOCK_MAX`] bytes in a block of its own, reused
/// through a pool rather than freed (see `blocks`: the block of a body sent
/// to another thread comes back to the sender's side in batches).
#[derive(Clone)]
pub struct Small(Held);

/// How a [`Small`] holds its bytes. `len1` is the length plus one, so that
/// its zero is free to tell the two apart, and a `Small` (so a [`Body`])
/// is no larger than before.
enum Held {
    InPlace {
        len1: NonZeroU8,
        bytes: [u8; SMALL_MAX],
    },
    /// `block` is `None` only while the body is dropped (taken out for
    /// the pool).
    InBlock { len: u8, block: Option<Block> },
}

impl Small {
    /// A copy of `data`; `None` when it is longer than [`SMALL_MAX`].
    #[inline]
    pub fn new(data: &[u8]) -> Option<Small> {
        let mut bytes = [0; SMALL_MAX];
        copy_short(bytes.get_mut(..data.len())?, data);
        Some(Small(Held::InPlace {
            len1: len1(data.len()),
            bytes,
        }))
    }

    /// A copy of `data`: in place up to [`SMALL_MAX`] bytes, in a pooled
    /// block up to [`BLOCK_MAX`]; `None` when it is longer. For the bodies
    /// the engine copies anyway (a copy-in send, a frame read off a
    /// connection): a block from the thread's pool costs neither an
    /// allocation nor, once the consumer drops it, a free or a reference
    /// count shared with another thread.
    #[inline]
    pub fn copied(data: &[u8]) -> Option<Small> {
        Small::copied_into(data, blocks::take)
    }

    /// As [`Small::copied`], a block taken from `spares`.
    #[inline]
    pub(crate) fn copied_with(data: &[u8], spares: &mut Spares) -> Option<Small> {
        Small::copied_into(data, || spares.block())
    }

    /// As [`Small::copied`], a block (if one is needed) from `block`.
    /// Always inlined: returned from a call, the body went through memory
    /// written field by field (a byte of length, the block's pointer) and
    /// was read back 16 bytes at a time, a store-forwarding stall that
    /// waited for the copy into the block, often a cache miss, to reach
    /// the cache (most of `lent_read`'s samples at fan-out to 10
    /// subscriber processes).
    #[inline(always)]
    fn copied_into(data: &[u8], block: impl FnOnce() -> Block) -> Option<Small> {
        if data.len() <= SMALL_MAX {
            return Small::new(data);
        }
        let len = u8::try_from(data.len())
            .ok()
            .filter(|&l| usize::from(l) <= BLOCK_MAX)?;
        let mut block = block();
        copy_short(block.get_mut(..data.len())?, data);
        Some(Small(Held::InBlock {
            len,
            block: Some(block),
        }))
    }

    /// Drops the body, its block (if any) kept in `spares` rather than
    /// given back to the thread's cache on its own (see [`Spares`]).
    #[inline]
    pub(crate) fn recycle(mut self, spares: &mut Spares) {
        if let Held::InBlock { block, .. } = &mut self.0 {
            if let Some(block) = block.take() {
                spares.keep(block);
            }
        }
    }

    /// `len` zero bytes (`None` above [`BLOCK_MAX`]), built whole: no copy from
    /// a slice, so the value is written once, as a whole, where it goes (a
    /// copy built byte by byte and then moved costs a store-forwarding
    /// stall; `zmq_msg_init_size` makes one per message). Above
    /// [`SMALL_MAX`] the bytes are in a block (see [`Small`]).
    #[inline]
    pub fn zeroed(len: usize) -> Option<Small> {
        if len <= SMALL_MAX {
            return Some(Small(Held::InPlace {
                len1: len1(len),
                bytes: [0; SMALL_MAX],
            }));
        }
        let len = u8::try_from(len)
            .ok()
            .filter(|&l| usize::from(l) <= BLOCK_MAX)?;
        Some(Small(Held::InBlock {
            len,
            block: Some(blocks::take_zeroed()),
        }))
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            Held::InPlace { len1, bytes } => bytes.get(..usize::from(len1.get() - 1)),
            Held::InBlock { len, block } => block.as_ref().and_then(|b| b.get(..usize::from(*len))),
        }
        .unwrap_or(&[])
    }

    /// The bytes, writable.
    #[inline]
    fn as_mut_slice(&mut self) -> &mut [u8] {
        match &mut self.0 {
            Held::InPlace { len1, bytes } => bytes.get_mut(..usize::from(len1.get() - 1)),
            Held::InBlock { len, block } => {
                block.as_mut().and_then(|b| b.get_mut(..usize::from(*len)))
            }
        }
        .unwrap_or(&mut [])
    }
}

impl Clone for Held {
    fn clone(&self) -> Held {
        match self {
            Held::InPlace { len1, bytes } => Held::InPlace {
                len1: *len1,
                bytes: *bytes,
            },
            Held::InBlock { len, block } => Held::InBlock {
                len: *len,
                block: block.as_ref().map(|b| {
                    let mut copy = blocks::take();
                    *copy = **b;
                    copy
                }),
            },
        }
    }
}

impl Drop for Held {
    #[inline(always)]
    fn drop(&mut self) {
        if let Held::InBlock { block, .. } = self {
            if let Some(block) = block.take() {
                blocks::give_back(block);
            }
        }
    }
}

// A body in a block costs no room: a `Body` stays the size of a `Bytes`
// (a `Msg`, a queue slot, fills one cache line; a `zmq_msg_t` is 64 bytes).
const _: () = assert!(std::mem::size_of::<Body>() == std::mem::size_of::<Bytes>());

/// `len` + 1, for a length of at most [`SMALL_MAX`].
#[inline]
fn len1(len: usize) -> NonZeroU8 {
    // At most SMALL_MAX + 1 = 24: never zero, never truncated.
    NonZeroU8::new(len as u8 + 1).unwrap_or(NonZeroU8::MIN)
}

/// Copies `src` into `dst` (the same length, at most [`BLOCK_MAX`]) with
/// two fixed-size, possibly overlapping copies from each end, which compile
/// to a few register moves: `copy_from_slice` of a length known only at run
/// time calls `memcpy`, whose dispatch costs more than the bytes here.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    fn ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
        let n = src.len();
        if let (Some(d), Some(s)) = (dst.get_mut(..N), src.get(..N)) {
            d.copy_from_slice(s);
        }
        if let (Some(d), Some(s)) = (dst.get_mut(n - N..n), src.get(n - N..n)) {
            d.copy_from_slice(s);
        }
    }
    match src.len() {
        32.. => ends::<32>(dst, src),
        16.. => ends::<16>(dst, src),
        8.. => ends::<8>(dst, src),
        4.. => ends::<4>(dst, src),
        2.. => ends::<2>(dst, src),
        _ => {
            if let (Some(d), Some(s)) = (dst.first_mut(), src.first()) {
                *d = *s;
            }
        }
    }
}

impl Body {
    /// A copy of `data`: in place when it is small, in a pooled block up
    /// to [`BLOCK_MAX`] bytes (see [`Small::copied`]), else one new buffer.
    #[inline]
    pub fn copy_from_slice(data: &[u8]) -> Body {
        match Small::copied(data) {
            Some(small) => Body::Small(small),
            None => Body::Shared(Bytes::copy_from_slice(data)),
        }
    }

    /// As [`Body::copy_from_slice`], a block (if one is needed) from
    /// `spares`: for a batch of copies on one thread.
    #[inline]
    pub(crate) fn copied_with(data: &[u8], spares: &mut Spares) -> Body {
        match Small::copied_with(data, spares) {
            Some(small) => Body::Small(small),
            None => Body::Shared(Bytes::copy_from_slice(data)),
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Body::Small(s) => s.as_slice(),
            Body::Shared(b) => b,
        }
    }

    /// The same bytes in a form whose clones share them: a body in a block
    /// becomes shared [`Bytes`] (one allocation and a copy), so that many
    /// clones of it (a PUB socket's copies, one per subscriber) are each a
    /// reference-count increment rather than a copy into another block.
    /// Any other body is returned as it is.
    #[inline]
    pub fn into_shareable(self) -> Body {
        match self {
            Body::Small(Small(Held::InBlock { .. })) => Body::Shared(self.into_bytes()),
            other => other,
        }
    }

    /// Whether the bytes are held in the body itself: dropping it then
    /// releases nothing (no reference count, no block).
    #[inline]
    pub fn is_in_place(&self) -> bool {
        matches!(self, Body::Small(Small(Held::InPlace { .. })))
    }

    /// The bytes, writable, when they are held in place (a small body);
    /// `None` for shared bytes.
    #[inline]
    pub fn small_mut(&mut self) -> Option<&mut [u8]> {
        match self {
            Body::Small(s) => Some(s.as_mut_slice()),
            Body::Shared(_) => None,
        }
    }

    /// The bytes as shared [`Bytes`]: free for a shared body, a copy (one
    /// allocation) for a small one.
    #[inline]
    pub fn into_bytes(self) -> Bytes {
        match self {
            Body::Small(s) => Bytes::copy_from_slice(s.as_slice()),
            Body::Shared(b) => b,
        }
    }

    /// The bytes from `start` on, as shared [`Bytes`] (a copy for a small
    /// body); empty when `start` is past the end.
    pub fn bytes_from(&self, start: usize) -> Bytes {
        match self {
            Body::Small(s) => Bytes::copy_from_slice(s.as_slice().get(start..).unwrap_or(&[])),
            Body::Shared(b) => b.slice(start.min(b.len())..),
        }
    }

    /// As [`Body::into_bytes`], keeping this body.
    pub fn to_bytes(&self) -> Bytes {
        self.clone().into_bytes()
    }
}

impl Default for Body {
    /// The empty body, held in place: making and dropping it touches no
    /// reference count nor vtable (an empty message is made and dropped
    /// per send in the C binding).
    #[inline]
    fn default() -> Body {
        Body::Small(Small(Held::InPlace {
            len1: NonZeroU8::MIN,
            bytes: [0; SMALL_MAX],
        }))
    }
}

impl Deref for Body {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl From<Bytes> for Body {
    #[inline]
    fn from(b: Bytes) -> Body {
        Body::Shared(b)
    }
}

impl From<Body> for Bytes {
    fn from(b: Body) -> Bytes {
        b.into_bytes()
    }
}

impl From<&str> for Body {
    fn from(s: &str) -> Body {
        Body::copy_from_slice(s.as_bytes())
    }
}

impl From<&[u8]> for Body {
    fn from(s: &[u8]) -> Body {
        Body::copy_from_slice(s)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Body {}

impl PartialEq<[u8]> for Body {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<str> for Body {
    fn eq(&self, other: &str) -> bool {
        self.as_slice() == other.as_bytes()
    }
}

impl PartialEq<&str> for Body {
    fn eq(&self, other: &&str) -> bool {
        self.as_slice() == other.as_bytes()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.as_slice().escape_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_small_bodies_have_their_length_and_only_zeros() {
        for len in 0..=BLOCK_MAX {
            let mut small = Small::zeroed(len).expect("small");
            assert_eq!(small.as_slice(), &[0; BLOCK_MAX][..len]);
            assert_eq!(Body::Small(small.clone()).is_in_place(), len <= SMALL_MAX);
            // Written, dropped (a block goes back to the pool), made again:
            // zero again, whichever block it got.
            small.as_mut_slice().fill(0xa5);
            drop(small);
            let again = Small::zeroed(len).expect("small");
            assert_eq!(again.as_slice(), &[0; BLOCK_MAX][..len]);
        }
        assert!(Small::zeroed(BLOCK_MAX + 1).is_none());
        assert!(Small::zeroed(usize::MAX).is_none());
    }

    #[test]
    fn bodies_in_blocks_are_owned_alone_and_copied_on_clone() {
        let mut body = Body::Small(Small::zeroed(BLOCK_MAX).expect("block"));
        body.small_mut().expect("writable").fill(3);
        let copy = body.clone();
        body.small_mut().expect("writable").fill(4);
        assert_eq!(copy.as_slice(), &[3; BLOCK_MAX][..]);
        assert_eq!(body.as_slice(), &[4; BLOCK_MAX][..]);
        assert_ne!(copy.as_ptr(), body.as_ptr());
        assert_eq!(copy.into_bytes(), &[3; BLOCK_MAX][..]);
        assert!(!body.is_in_place());
        assert!(Body::default().is_in_place());
        // For fan-out: a body in a block becomes shared bytes, others stay.
        let shareable = body.clone().into_shareable();
        assert!(matches!(shareable, Body::Shared(_)));
        assert_eq!(shareable, body);
        assert!(Body::from("abc").into_shareable().is_in_place());
    }

    #[test]
    fn small_bodies_stay_in_place_and_compare_by_bytes() {
        assert_eq!(std::mem::size_of::<Body>(), std::mem::size_of::<Bytes>());
        let small = Body::copy_from_slice(b"abc");
        assert!(matches!(small, Body::Small(_)));
        assert_eq!(small, Body::from(Bytes::from_static(b"abc")));
        // In place up to SMALL_MAX, in a block up to BLOCK_MAX, every
        // length copied whole (the copy works from both ends).
        for len in 0..=BLOCK_MAX {
            let data: Vec<u8> = (1..=len as u8).collect();
            let small = Body::copy_from_slice(&data);
            assert!(matches!(small, Body::Small(_)));
            assert_eq!(small.is_in_place(), len <= SMALL_MAX);
            assert_eq!(small.as_slice(), &data[..], "length {len}");
        }
        let edge = Body::copy_from_slice(&[7; BLOCK_MAX]);
        assert!(matches!(edge, Body::Small(_)));
        let big = Body::copy_from_slice(&[7; BLOCK_MAX + 1]);
        assert!(matches!(big, Body::Shared(_)));
        assert_eq!(big.len(), BLOCK_MAX + 1);
        // Kept in a batch of spares, a block serves the next copy.
        let mut spares = Spares::new();
        let block = Small::copied_with(&[5; BLOCK_MAX], &mut spares).expect("block");
        let at = block.as_slice().as_ptr();
        block.recycle(&mut spares);
        let again = Small::copied_with(&[6; SMALL_MAX + 1], &mut spares).expect("block");
        assert_eq!(
            (again.as_slice().as_ptr(), again.as_slice()),
            (at, &[6; SMALL_MAX + 1][..])
        );
        assert_eq!(small.into_bytes(), "abc");
        assert_eq!(Body::default().len(), 0);
    }
}
