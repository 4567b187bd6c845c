//! [`Multipart`]: a whole message of several frames, sent and received
//! atomically.

use std::collections::{vec_deque, VecDeque};
use std::ops::{Index, IndexMut};

use bytes::Bytes;

use crate::message::Message;

/// A whole multipart message: its frames in order.
///
/// ZeroMQ delivers a multipart message all or nothing, so
/// [`Socket::send_multipart`](crate::Socket::send_multipart) and
/// [`Socket::recv_multipart`](crate::Socket::recv_multipart) move a
/// `Multipart` as one unit. It is a thin wrapper over a `VecDeque<Message>`:
/// routing envelopes are pushed and popped at the front.
///
/// ```
/// use ferrozmq::Multipart;
///
/// let mut msg = Multipart::from(vec!["body"]);
/// msg.push_front("");           // the empty delimiter
/// msg.push_front("client-7");   // a routing id
/// assert_eq!(msg.len(), 3);
/// assert_eq!(msg.get(0).map(|f| f.data()), Some(&b"client-7"[..]));
/// let frames: Vec<Vec<u8>> = msg.into_iter().map(Vec::from).collect();
/// assert_eq!(frames, [&b"client-7"[..], b"", b"body"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multipart(VecDeque<Message>);

impl Multipart {
    /// A message with no frames yet.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// A message with room for `frames` frames.
    pub fn with_capacity(frames: usize) -> Multipart {
        Multipart(VecDeque::with_capacity(frames))
    }

    /// Appends a frame.
    pub fn push_back(&mut self, frame: impl Into<Message>) {
        self.0.push_back(frame.into());
    }

    /// Prepends a frame (e.g. a routing id).
    pub fn push_front(&mut self, frame: impl Into<Message>) {
        self.0.push_front(frame.into());
    }

    /// Removes and returns the first frame.
    pub fn pop_front(&mut self) -> Option<Message> {
        self.0.pop_front()
    }

    /// Removes and returns the last frame.
    pub fn pop_back(&mut self) -> Option<Message> {
        self.0.pop_back()
    }

    /// The frame at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&Message> {
        self.0.get(index)
    }

    /// The first frame (a routing id, for messages ROUTER received).
    pub fn first(&self) -> Option<&Message> {
        self.0.front()
    }

    /// The last frame (the body, for most request-reply messages).
    pub fn last(&self) -> Option<&Message> {
        self.0.back()
    }

    /// The number of frames.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no frames.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The frames in order.
    pub fn iter(&self) -> vec_deque::Iter<'_, Message> {
        self.0.iter()
    }

    /// The frames in order, mutably.
    pub fn iter_mut(&mut self) -> vec_deque::IterMut<'_, Message> {
        self.0.iter_mut()
    }

    /// The frames' bodies as shared bytes (no copy).
    pub fn into_bytes(self) -> Vec<Bytes> {
        self.0.into_iter().map(Message::into_bytes).collect()
    }

    pub(crate) fn from_deque(frames: VecDeque<Message>) -> Multipart {
        Multipart(frames)
    }

    pub(crate) fn into_deque(self) -> VecDeque<Message> {
        self.0
    }
}

impl<M: Into<Message>> From<Vec<M>> for Multipart {
    fn from(frames: Vec<M>) -> Multipart {
        frames.into_iter().collect()
    }
}

impl<M: Into<Message>, const N: usize> From<[M; N]> for Multipart {
    fn from(frames: [M; N]) -> Multipart {
        frames.into_iter().collect()
    }
}

impl From<VecDeque<Message>> for Multipart {
    fn from(frames: VecDeque<Message>) -> Multipart {
        Multipart(frames)
    }
}

impl From<Message> for Multipart {
    fn from(frame: Message) -> Multipart {
        Multipart(VecDeque::from([frame]))
    }
}

impl From<Multipart> for Vec<Message> {
    fn from(msg: Multipart) -> Vec<Message> {
        msg.0.into()
    }
}

impl<M: Into<Message>> FromIterator<M> for Multipart {
    fn from_iter<I: IntoIterator<Item = M>>(frames: I) -> Multipart {
        Multipart(frames.into_iter().map(Into::into).collect())
    }
}

impl<M: Into<Message>> Extend<M> for Multipart {
    fn extend<I: IntoIterator<Item = M>>(&mut self, frames: I) {
        self.0.extend(frames.into_iter().map(Into::into));
    }
}

impl IntoIterator for Multipart {
    type Item = Message;
    type IntoIter = vec_deque::IntoIter<Message>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Multipart {
    type Item = &'a Message;
    type IntoIter = vec_deque::Iter<'a, Message>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Multipart {
    type Item = &'a mut Message;
    type IntoIter = vec_deque::IterMut<'a, Message>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

/// The frame at `index`; panics if there is none (as a slice does): use
/// [`Multipart::get`] on data from the network.
impl Index<usize> for Multipart {
    type Output = Message;

    // Panicking on a bad index is what `Index` means (as for slices).
    #[allow(clippy::indexing_slicing)]
    fn index(&self, index: usize) -> &Message {
        &self.0[index]
    }
}

impl IndexMut<usize> for Multipart {
    #[allow(clippy::indexing_slicing)]
    fn index_mut(&mut self, index: usize) -> &mut Message {
        &mut self.0[index]
    }
}

/// Frame-by-frame comparison of the bodies (the MORE flags and sender
/// metadata are not compared).
impl<T: AsRef<[u8]>> PartialEq<[T]> for Multipart {
    fn eq(&self, other: &[T]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.data() == b.as_ref())
    }
}

/// Compares the bodies, as for slices.
impl<T: AsRef<[u8]>, const N: usize> PartialEq<[T; N]> for Multipart {
    fn eq(&self, other: &[T; N]) -> bool {
        *self == other[..]
    }
}

/// Compares the bodies, as for slices.
impl<T: AsRef<[u8]>> PartialEq<Vec<T>> for Multipart {
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == other[..]
    }
}
