//! [`Body`]: one frame's bytes, small ones carried by value.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// Bodies up to this many bytes travel inside the [`Body`] itself (like
/// libzmq's "very small messages"): no allocation when the frame is made
/// and no free on the thread that consumes it. 23 is what fits beside
/// `Bytes`' non-null pointer, so a `Body` is no larger than a `Bytes`.
pub const SMALL_MAX: usize = 23;

/// One frame's bytes: up to [`SMALL_MAX`] in place, otherwise shared,
/// reference-counted [`Bytes`].
///
/// It reads as a byte slice; equality compares the bytes, whichever way
/// they are held.
#[derive(Clone)]
pub enum Body {
    /// A small body, in place.
    Small(Small),
    /// Shared bytes (any size; received frames, zero-copy bodies).
    Shared(Bytes),
}

/// At most [`SMALL_MAX`] bytes, in place.
#[derive(Clone, Copy)]
pub struct Small {
    len: u8,
    bytes: [u8; SMALL_MAX],
}

impl Small {
    /// A copy of `data`; `None` when it is longer than [`SMALL_MAX`].
    #[inline]
    pub fn new(data: &[u8]) -> Option<Small> {
        let mut bytes = [0; SMALL_MAX];
        copy_short(bytes.get_mut(..data.len())?, data);
        Some(Small {
            len: data.len() as u8, // at most SMALL_MAX
            bytes,
        })
    }

    /// `len` zero bytes (`None` above [`SMALL_MAX`]), built whole: no
    /// copy from a slice, so the value is written once, as a whole, where
    /// it goes (a copy built byte by byte and then moved costs a
    /// store-forwarding stall; `zmq_msg_init_size` makes one per message).
    #[inline]
    pub fn zeroed(len: usize) -> Option<Small> {
        (len <= SMALL_MAX).then_some(Small {
            len: len as u8, // at most SMALL_MAX
            bytes: [0; SMALL_MAX],
        })
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// Copies `src` into `dst` (the same length, at most [`SMALL_MAX`]) with
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
    /// A copy of `data`: in place when it is small, else one new buffer.
    #[inline]
    pub fn copy_from_slice(data: &[u8]) -> Body {
        match Small::new(data) {
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

    /// The bytes, writable, when they are held in place (a small body);
    /// `None` for shared bytes.
    #[inline]
    pub fn small_mut(&mut self) -> Option<&mut [u8]> {
        match self {
            Body::Small(s) => s.bytes.get_mut(..usize::from(s.len)),
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
        Body::Small(Small {
            len: 0,
            bytes: [0; SMALL_MAX],
        })
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
        for len in 0..=SMALL_MAX {
            let small = Small::zeroed(len).expect("small");
            assert_eq!(small.as_slice(), &[0; SMALL_MAX][..len]);
        }
        assert!(Small::zeroed(SMALL_MAX + 1).is_none());
    }

    #[test]
    fn small_bodies_stay_in_place_and_compare_by_bytes() {
        assert_eq!(std::mem::size_of::<Body>(), std::mem::size_of::<Bytes>());
        let small = Body::copy_from_slice(b"abc");
        assert!(matches!(small, Body::Small(_)));
        assert_eq!(small, Body::from(Bytes::from_static(b"abc")));
        for len in 0..=SMALL_MAX {
            let data: Vec<u8> = (1..=len as u8).collect();
            let small = Body::copy_from_slice(&data);
            assert!(matches!(small, Body::Small(_)));
            assert_eq!(small.as_slice(), &data[..], "length {len}");
        }
        let edge = Body::copy_from_slice(&[7; SMALL_MAX]);
        assert!(matches!(edge, Body::Small(_)));
        let big = Body::copy_from_slice(&[7; SMALL_MAX + 1]);
        assert!(matches!(big, Body::Shared(_)));
        assert_eq!(big.len(), SMALL_MAX + 1);
        assert_eq!(small.into_bytes(), "abc");
        assert_eq!(Body::default().len(), 0);
    }
}
