//! [`Message`]: one frame, with the MORE flag and the sender's metadata.

use std::ops::Deref;
use std::sync::Arc;

use bytes::Bytes;
use ferrozmq_engine::{Body, PeerInfo, Small};

use crate::error::{Error, ErrorKind};

/// Bodies up to this many bytes are held by value inside a [`Message`]
/// (and inside the pipes between sockets): no allocation per message.
pub const SMALL_BODY: usize = ferrozmq_engine::SMALL_MAX;

/// [`Message::zeroed`] up to this many bytes makes a body the message owns
/// alone, writable through [`Message::small_data_mut`]: in place up to
/// [`SMALL_BODY`] bytes, above in a block reused through a pool (no
/// allocation per message once the pool is warm, and none freed on the
/// thread that drops the message: the block comes back to the pool).
pub const WRITABLE_BODY: usize = ferrozmq_engine::BLOCK_MAX;

/// One message frame, like libzmq's `zmq_msg_t`.
///
/// A body of up to [`SMALL_BODY`] bytes is held by value (no allocation); a
/// larger one is a `Bytes`, so cloning a message (or fanning it out to many
/// subscribers) shares one buffer. A received frame remembers which peer sent
/// it, readable through [`Message::property`]. It reads as a byte slice
/// (`Deref<Target = [u8]>`) and converts from and into the usual types.
///
/// ```
/// use bytes::Bytes;
/// use ferrozmq::Message;
///
/// let msg = Message::from("hello");
/// assert_eq!(msg.len(), 5);
/// assert!(msg.starts_with(b"he"));
/// assert_eq!(msg, b"hello");
/// let zero_copy = Message::from(Bytes::from_static(b"shared"));
/// assert_eq!(Bytes::from(zero_copy), "shared");
/// assert_eq!(String::try_from(msg)?, "hello");
/// # Ok::<(), ferrozmq::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    data: Body,
    more: bool,
    peer: Option<Arc<PeerInfo>>,
}

impl Message {
    /// An empty frame.
    pub fn new() -> Message {
        Message::default()
    }

    /// A frame holding `data`.
    pub fn from_bytes(data: impl Into<Bytes>) -> Message {
        Message::from_body(Body::Shared(data.into()))
    }

    /// A frame holding a copy of `data`: by value when it is small (up to
    /// [`SMALL_BODY`] bytes, no allocation), else in one new buffer.
    #[inline]
    pub fn copy_from_slice(data: &[u8]) -> Message {
        Message::from_body(Body::copy_from_slice(data))
    }

    /// A frame of `len` zero bytes, for the caller to fill in (through
    /// [`Message::small_data_mut`] up to [`WRITABLE_BODY`] bytes: by value
    /// and built in place up to [`SMALL_BODY`], a pooled block above; else
    /// one zeroed buffer).
    #[inline]
    pub fn zeroed(len: usize) -> Message {
        Message::from_body(match Small::zeroed(len) {
            Some(small) => Body::Small(small),
            None => Body::Shared(Bytes::from(vec![0; len])),
        })
    }

    #[inline]
    fn from_body(data: Body) -> Message {
        Message {
            data,
            more: false,
            peer: None,
        }
    }

    /// The same frame with the MORE flag set to `more` (more frames of its
    /// message follow), e.g. for frames handed back by [`crate::Socket::drain`].
    pub fn with_more(mut self, more: bool) -> Message {
        self.more = more;
        self
    }

    /// A frame holding static bytes, without copying them.
    ///
    /// ```
    /// let msg = ferrozmq::Message::from_static(b"constant");
    /// assert_eq!(msg.data(), b"constant");
    /// ```
    pub fn from_static(data: &'static [u8]) -> Message {
        Message::from_bytes(Bytes::from_static(data))
    }

    /// Makes this a received frame in place (what it held is released):
    /// the peer handle is kept, not cloned, when it is the same peer's
    /// (two reference-count operations per message saved).
    #[inline]
    pub(crate) fn set_received(&mut self, data: Body, more: bool, peer: &Option<Arc<PeerInfo>>) {
        self.data = data;
        self.more = more;
        let same = match (&self.peer, peer) {
            (Some(mine), Some(theirs)) => Arc::ptr_eq(mine, theirs),
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.peer = peer.clone();
        }
    }

    /// The body.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The body, writable, when the message owns it alone (a small body up
    /// to [`SMALL_BODY`] bytes, or one of [`Message::zeroed`] up to
    /// [`WRITABLE_BODY`]); `None` when it is shared bytes.
    pub fn small_data_mut(&mut self) -> Option<&mut [u8]> {
        self.data.small_mut()
    }

    /// The body as shared bytes: zero-copy for a body held in a buffer,
    /// a copy (one allocation) for a small one held by value.
    pub fn bytes(&self) -> Bytes {
        self.data.to_bytes()
    }

    /// The body's shared bytes when the message holds it in a buffer;
    /// `None` for a small body held by value (see [`Message::into_shared`]).
    pub fn shared_bytes(&self) -> Option<&Bytes> {
        match &self.data {
            Body::Shared(b) => Some(b),
            Body::Small(_) => None,
        }
    }

    /// The same message with its body in a shared buffer (a small body
    /// held by value is copied into one), for [`Message::shared_bytes`].
    pub fn into_shared(self) -> Message {
        match self.data {
            Body::Shared(_) => self,
            Body::Small(_) => Message {
                data: Body::Shared(self.data.into_bytes()),
                ..self
            },
        }
    }

    /// Takes the body out as shared bytes (a copy for a small body held by
    /// value, as [`Message::bytes`]).
    pub fn into_bytes(self) -> Bytes {
        self.data.into_bytes()
    }

    /// Takes the body out as it is held.
    #[inline]
    pub(crate) fn into_body(self) -> Body {
        self.data
    }

    /// Whether dropping this frame releases nothing: its body is held in
    /// place (small) and it has no peer handle. A binding can then skip
    /// the drop (`zmq_msg_close` of a message a send emptied).
    #[inline]
    pub fn is_bare(&self) -> bool {
        self.data.is_in_place() && self.peer.is_none()
    }

    /// Body length in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Whether more frames of the same message follow (ZMQ_MORE).
    pub fn more(&self) -> bool {
        self.more
    }

    /// The body as UTF-8 text, if it is.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }

    /// A metadata property of the sending peer (`Socket-Type`, `Identity`,
    /// `Peer-Address`, `User-Id`, or an application property), like
    /// `zmq_msg_gets`, if it is text (see [`Message::property_bytes`]).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.property_bytes(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// A metadata property of the sending peer as its bytes: a peer may send
    /// any (a binary `Identity`, a ZAP handler's `User-Id`).
    pub fn property_bytes(&self, name: &str) -> Option<&[u8]> {
        self.peer.as_ref()?.property(name).map(|v| &v[..])
    }

    /// The sending peer's routing id, if known (`zmq_msg_routing_id` analogue).
    pub fn peer_routing_id(&self) -> Option<&Bytes> {
        self.peer.as_ref().map(|p| &p.routing_id)
    }

    /// The file descriptor of the tcp or ipc connection this message came
    /// in on (ZMQ_SRCFD); `None` for inproc and for messages not received.
    /// It is only meaningful while that connection lasts.
    pub fn source_fd(&self) -> Option<i32> {
        self.peer.as_ref().and_then(|p| p.source_fd)
    }
}

impl From<Bytes> for Message {
    fn from(b: Bytes) -> Message {
        Message::from_bytes(b)
    }
}

impl From<Vec<u8>> for Message {
    fn from(v: Vec<u8>) -> Message {
        Message::from_bytes(v)
    }
}

impl From<&[u8]> for Message {
    fn from(v: &[u8]) -> Message {
        Message::copy_from_slice(v)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::copy_from_slice(s.as_bytes())
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::from_bytes(s.into_bytes())
    }
}

impl<const N: usize> From<&[u8; N]> for Message {
    fn from(v: &[u8; N]) -> Message {
        Message::copy_from_slice(v)
    }
}

/// The body, so a message reads like a byte slice (`&msg[..4]`, `msg.starts_with(b"x")`).
impl Deref for Message {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.data
    }
}

impl AsRef<[u8]> for Message {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

/// Compares the body only.
impl PartialEq<[u8]> for Message {
    fn eq(&self, other: &[u8]) -> bool {
        *self.data == *other
    }
}

/// Compares the body only.
impl<const N: usize> PartialEq<[u8; N]> for Message {
    fn eq(&self, other: &[u8; N]) -> bool {
        *self.data == other[..]
    }
}

/// Compares the body only.
impl<const N: usize> PartialEq<&[u8; N]> for Message {
    fn eq(&self, other: &&[u8; N]) -> bool {
        *self.data == other[..]
    }
}

/// Compares the body only.
impl PartialEq<&[u8]> for Message {
    fn eq(&self, other: &&[u8]) -> bool {
        *self.data == **other
    }
}

/// Compares the body only.
impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        *self.data == *other.as_bytes()
    }
}

impl From<Message> for Bytes {
    fn from(msg: Message) -> Bytes {
        msg.data.into_bytes()
    }
}

impl From<Message> for Vec<u8> {
    fn from(msg: Message) -> Vec<u8> {
        match msg.data {
            Body::Shared(b) => b.into(),
            Body::Small(s) => s.as_slice().to_vec(),
        }
    }
}

/// The body as text; a body that is not UTF-8 is an [`ErrorKind::Invalid`].
///
/// ```
/// use ferrozmq::Message;
///
/// assert_eq!(String::try_from(Message::from("hi"))?, "hi");
/// assert!(String::try_from(Message::from(vec![0xff])).is_err());
/// # Ok::<(), ferrozmq::Error>(())
/// ```
impl TryFrom<Message> for String {
    type Error = Error;

    fn try_from(msg: Message) -> Result<String, Error> {
        String::from_utf8(Vec::from(msg)).map_err(|_| Error::new(ErrorKind::Invalid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_frames_are_zero_and_small_ones_writable_in_place() {
        for len in [
            0,
            1,
            SMALL_BODY,
            SMALL_BODY + 1,
            WRITABLE_BODY,
            WRITABLE_BODY + 1,
        ] {
            let mut msg = Message::zeroed(len);
            assert_eq!(msg.data(), &vec![0; len][..]);
            assert!(!msg.more());
            match msg.small_data_mut() {
                Some(bytes) => {
                    assert!(len <= WRITABLE_BODY);
                    bytes.fill(7);
                    assert_eq!(msg.data(), &vec![7; len][..]);
                    // A copy is a body of its own (pooled bodies are not
                    // shared), equal until one of them is written.
                    let mut copy = msg.clone();
                    assert_eq!(copy, msg);
                    if let Some(b) = copy.small_data_mut().and_then(|b| b.first_mut()) {
                        *b = 9;
                        assert_eq!(msg.data().first(), Some(&7));
                    }
                    assert!(msg.shared_bytes().is_none());
                }
                None => assert!(len > WRITABLE_BODY && msg.shared_bytes().is_some()),
            }
        }
    }
}
