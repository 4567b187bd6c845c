//! MESSAGE boxes: every frame after a CURVE handshake, data or command.
//!
//! ```text
//! MESSAGE = %x07 "MESSAGE" short-nonce(8) Box[flags(1) payload](C'->S' or S'->C')
//! flags   = bit 0 MORE, bit 1 COMMAND (libzmq's extension of RFC 26)
//! ```
//!
//! On the wire the frame itself is a plain, final data frame: the real flags
//! travel inside the box, as libzmq sends them.

use bytes::{BufMut, Bytes, BytesMut};
use crypto_box::SalsaBox;

use super::sealing::{open_in_place, seal, short_nonce, MAC_LEN};
use crate::error::{Error, ProtocolError, Result};
use crate::frame::Frame;

const NAME: &[u8] = b"\x07MESSAGE";
const FLAG_MORE: u8 = 0x01;
const FLAG_COMMAND: u8 = 0x02;
/// Smallest MESSAGE body: name, nonce, MAC and the flags octet.
pub(super) const MIN_LEN: usize = NAME.len() + 8 + MAC_LEN + 1;

/// Client → server nonce prefix.
pub(super) const CLIENT_PREFIX: &[u8; 16] = b"CurveZMQMESSAGEC";
/// Server → client nonce prefix.
pub(super) const SERVER_PREFIX: &[u8; 16] = b"CurveZMQMESSAGES";

/// Encrypts and decrypts the traffic of one connection with the precomputed
/// transient key, and keeps the short nonces strictly increasing each way.
pub(super) struct MessageCodec {
    cipher: SalsaBox,
    send_prefix: &'static [u8; 16],
    recv_prefix: &'static [u8; 16],
    /// The next nonce we send.
    next_nonce: u64,
    /// The last nonce the peer used; the next must be larger.
    peer_nonce: u64,
}

impl std::fmt::Debug for MessageCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageCodec")
            .field("next_nonce", &self.next_nonce)
            .field("peer_nonce", &self.peer_nonce)
            .finish_non_exhaustive()
    }
}

/// The codec of a finished handshake, or a misuse error before READY: what
/// both sides' `encode_frame`/`decode_frame` need.
pub(super) fn after_ready(codec: &mut Option<MessageCodec>) -> Result<&mut MessageCodec> {
    codec
        .as_mut()
        .ok_or(Error::Misuse("CURVE traffic before READY"))
}

impl MessageCodec {
    /// A codec that continues the handshake's nonce sequences.
    pub(super) fn new(
        cipher: SalsaBox,
        as_server: bool,
        next_nonce: u64,
        peer_nonce: u64,
    ) -> MessageCodec {
        let (send_prefix, recv_prefix) = if as_server {
            (SERVER_PREFIX, CLIENT_PREFIX)
        } else {
            (CLIENT_PREFIX, SERVER_PREFIX)
        };
        MessageCodec {
            cipher,
            send_prefix,
            recv_prefix,
            next_nonce,
            peer_nonce,
        }
    }

    /// Boxes one frame into a MESSAGE.
    pub(super) fn encode(&mut self, frame: Frame) -> Result<Frame> {
        let nonce = self.next_nonce;
        self.next_nonce = nonce
            .checked_add(1)
            .ok_or(Error::Misuse("CURVE nonces exhausted"))?;
        let mut flags = 0;
        if frame.more {
            flags |= FLAG_MORE;
        }
        if frame.command {
            flags |= FLAG_COMMAND;
        }
        let mut out = BytesMut::with_capacity(MIN_LEN + frame.body.len());
        out.put_slice(NAME);
        out.put_u64(nonce);
        seal(
            &self.cipher,
            &short_nonce(self.send_prefix, nonce),
            &[&[flags], &frame.body],
            &mut out,
        )?;
        Ok(Frame::data(out.freeze(), false))
    }

    /// Opens one MESSAGE into the frame it carries.
    pub(super) fn decode(&mut self, frame: Frame) -> Result<Frame> {
        let body = frame.body;
        if !body.starts_with(NAME) {
            return Err(Error::Protocol(
                ProtocolError::UnexpectedCommand,
                "expected a CURVE MESSAGE",
            ));
        }
        if body.len() < MIN_LEN {
            return Err(Error::Protocol(
                ProtocolError::MalformedMessage,
                "CURVE MESSAGE too short",
            ));
        }
        let nonce_octets = body
            .get(NAME.len()..NAME.len() + 8)
            .and_then(|n| <[u8; 8]>::try_from(n).ok())
            .ok_or(Error::Protocol(
                ProtocolError::MalformedMessage,
                "CURVE MESSAGE too short",
            ))?;
        let nonce = u64::from_be_bytes(nonce_octets);
        if nonce <= self.peer_nonce {
            return Err(Error::Protocol(
                ProtocolError::InvalidSequence,
                "CURVE MESSAGE nonce not increasing",
            ));
        }
        // Opened in place when this frame owns its buffer (no copy), else
        // copied once.
        let mut boxed = body
            .slice(NAME.len() + 8..)
            .try_into_mut()
            .unwrap_or_else(|shared| BytesMut::from(&shared[..]));
        let len = open_in_place(
            &self.cipher,
            &short_nonce(self.recv_prefix, nonce),
            &mut boxed,
        )?
        .len();
        self.peer_nonce = nonce;
        let mut plain: Bytes = boxed.freeze().slice(MAC_LEN..MAC_LEN + len);
        let flags = *plain.first().ok_or(Error::Protocol(
            ProtocolError::MalformedMessage,
            "CURVE MESSAGE empty",
        ))?;
        plain = plain.slice(1..);
        Ok(Frame {
            more: flags & FLAG_MORE != 0,
            command: flags & FLAG_COMMAND != 0,
            body: plain,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::curve::keys::CurveSecretKey;

    fn pair() -> (MessageCodec, MessageCodec) {
        let c = CurveSecretKey::from_bytes([3; 32]);
        let s = CurveSecretKey::from_bytes([4; 32]);
        let cs = SalsaBox::new(&s.public_key().to_box_key(), &c.to_box_key());
        let sc = SalsaBox::new(&c.public_key().to_box_key(), &s.to_box_key());
        (
            MessageCodec::new(cs, false, 3, 1),
            MessageCodec::new(sc, true, 2, 2),
        )
    }

    #[test]
    fn message_known_answer() {
        // A MESSAGE with short nonce 3 carrying "hello" with MORE set, from
        // the RFC 7748 key pair of `sealing`'s known-answer test; the box
        // octets are libsodium's crypto_box_afternm output for
        // 0x01 "hello" under nonce "CurveZMQMESSAGEC" + 3.
        let cipher = crate::mechanism::curve::sealing::tests::alice_to_bob();
        let mut client = MessageCodec::new(cipher, false, 3, 2);
        let boxed = client.encode(Frame::data("hello", true)).unwrap();
        let mut expected = b"\x07MESSAGE\0\0\0\0\0\0\0\x03".to_vec();
        expected.extend(crate::mechanism::curve::sealing::tests::unhex(
            "2b7b3ac30d0d1b85a851dc8eb92c159e99fb82f7753a",
        ));
        assert_eq!(boxed.body.to_vec(), expected);
    }

    #[test]
    fn frames_and_commands_round_trip() {
        let (mut client, mut server) = pair();
        let boxed = client.encode(Frame::data("abc", true)).unwrap();
        assert!(!boxed.more && !boxed.command);
        assert_eq!(boxed.body.len(), MIN_LEN + 3);
        assert_eq!(&boxed.body[8..16], &3u64.to_be_bytes());
        assert_eq!(server.decode(boxed).unwrap(), Frame::data("abc", true));
        let ping = client.encode(Frame::command("\x04PING\0\0")).unwrap();
        assert_eq!(server.decode(ping).unwrap(), Frame::command("\x04PING\0\0"));
        let back = server.encode(Frame::data("", false)).unwrap();
        assert_eq!(client.decode(back).unwrap(), Frame::data("", false));
    }

    #[test]
    fn replayed_or_tampered_messages_fail() {
        let (mut client, mut server) = pair();
        let first = client.encode(Frame::data("one", false)).unwrap();
        let second = client.encode(Frame::data("two", false)).unwrap();
        server.decode(second.clone()).unwrap();
        // Older nonce, then the same nonce again.
        assert!(server.decode(first).is_err());
        assert!(server.decode(second).is_err());
        let mut tampered = client
            .encode(Frame::data("three", false))
            .unwrap()
            .body
            .to_vec();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(
            server.decode(Frame::data(tampered, false)),
            Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE box does not open"
            ))
        );
    }
}
