//! Subscriptions: SUBSCRIBE/CANCEL commands (ZMTP 3.1) and the message form
//! (`0x01 topic` / `0x00 topic`) used with ZMTP 3.0 and 2.0 peers.

use bytes::{BufMut, Bytes, BytesMut};

use super::Command;

/// A subscription change, however it travelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    /// Subscribe to a topic prefix.
    Subscribe(Bytes),
    /// Cancel one subscription to a topic prefix.
    Cancel(Bytes),
}

impl Subscription {
    /// The message form: one frame, first octet 1 (subscribe) or 0 (cancel).
    pub fn to_message(&self) -> Bytes {
        let (flag, topic) = match self {
            Subscription::Subscribe(t) => (1u8, t),
            Subscription::Cancel(t) => (0u8, t),
        };
        let mut out = BytesMut::with_capacity(1 + topic.len());
        out.put_u8(flag);
        out.put_slice(topic);
        out.freeze()
    }

    /// Reads the message form; `None` if the first octet is neither 0 nor 1.
    pub fn from_message(body: &Bytes) -> Option<Subscription> {
        match body.first() {
            Some(1) => Some(Subscription::Subscribe(body.slice(1..))),
            Some(0) => Some(Subscription::Cancel(body.slice(1..))),
            _ => None,
        }
    }

    /// The ZMTP 3.1 command form.
    pub fn to_command(&self) -> Command {
        match self {
            Subscription::Subscribe(t) => Command::Subscribe(t.clone()),
            Subscription::Cancel(t) => Command::Cancel(t.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_form_round_trip() {
        let s = Subscription::Subscribe(Bytes::from_static(b"weather"));
        assert_eq!(&s.to_message()[..], b"\x01weather");
        assert_eq!(Subscription::from_message(&s.to_message()), Some(s));
        let c = Subscription::Cancel(Bytes::new());
        assert_eq!(Subscription::from_message(&c.to_message()), Some(c));
        assert_eq!(
            Subscription::from_message(&Bytes::from_static(b"\x02x")),
            None
        );
        assert_eq!(Subscription::from_message(&Bytes::new()), None);
    }
}
