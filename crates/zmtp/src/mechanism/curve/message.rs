//! MESSAGE boxes: every frame after a CURVE handshake, data or command.
//!
//! ```text
//! MESSAGE = %x07 "MESSAGE" short-nonce(8) Box[flags(1) payload](C'->S' or S'->C')
//! flags   = bit 0 MORE, bit 1 COMMAND (libzmq's extension of RFC 26)
//! ```
//!
//! On the wire the frame itself is a plain, final data frame: the real flags
//! travel inside the box, as libzmq sends them.

use bytes::{BufMut, BytesMut};

use super::sealing::MAC_LEN;
use super::session::{DirectionCipher, SessionBox, SessionCipher};
use crate::error::{Error, ProtocolError, Result};
use crate::frame::Frame;
use crate::mechanism::Opened;

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
/// Generic over the cipher so that tests run it on every backend.
pub(super) struct MessageCodec<C: SessionCipher = SessionBox> {
    /// Seals what we send (our direction's nonce prefix).
    send: C::Direction,
    /// Opens what the peer sends (its direction's nonce prefix).
    recv: C::Direction,
    /// The next nonce we send.
    next_nonce: u64,
    /// The last nonce the peer used; the next must be larger.
    peer_nonce: u64,
}

impl<C: SessionCipher> std::fmt::Debug for MessageCodec<C> {
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

impl<C: SessionCipher> MessageCodec<C> {
    /// A codec that continues the handshake's nonce sequences.
    pub(super) fn new(cipher: C, as_server: bool, next_nonce: u64, peer_nonce: u64) -> Self {
        let (send_prefix, recv_prefix) = if as_server {
            (SERVER_PREFIX, CLIENT_PREFIX)
        } else {
            (CLIENT_PREFIX, SERVER_PREFIX)
        };
        let (send, recv) = cipher.directions(send_prefix, recv_prefix);
        MessageCodec {
            send,
            recv,
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
        self.send.seal(nonce, &[flags], &frame.body, &mut out)?;
        Ok(Frame::data(out.freeze(), false))
    }

    /// Opens one MESSAGE into the frame it carries.
    pub(super) fn decode(&mut self, frame: Frame) -> Result<Frame> {
        // Opened in place when this frame owns its buffer (no copy), else
        // copied once (the read buffer is usually still shared with the
        // decoder).
        let mut body = frame
            .body
            .try_into_mut()
            .unwrap_or_else(|shared| BytesMut::from(&shared[..]));
        let opened = self.open_in_place(&mut body)?;
        Ok(Frame {
            more: opened.more,
            command: opened.command,
            body: body.freeze().slice(opened.range),
        })
    }

    /// Opens one MESSAGE where it lies: on success, `opened.range` of
    /// `body` is the plaintext of the frame it carries.
    pub(super) fn open_in_place(&mut self, body: &mut [u8]) -> Result<Opened> {
        if !body.starts_with(NAME) {
            return Err(Error::Protocol(
                ProtocolError::UnexpectedCommand,
                "expected a CURVE MESSAGE",
            ));
        }
        let too_short = Error::Protocol(ProtocolError::MalformedMessage, "CURVE MESSAGE too short");
        if body.len() < MIN_LEN {
            return Err(too_short);
        }
        let nonce_octets = body
            .get(NAME.len()..NAME.len() + 8)
            .and_then(|n| <[u8; 8]>::try_from(n).ok())
            .ok_or(too_short.clone())?;
        let nonce = u64::from_be_bytes(nonce_octets);
        if nonce <= self.peer_nonce {
            return Err(Error::Protocol(
                ProtocolError::InvalidSequence,
                "CURVE MESSAGE nonce not increasing",
            ));
        }
        let boxed = body.get_mut(NAME.len() + 8..).ok_or(too_short)?;
        let len = self.recv.open_in_place(nonce, boxed)?.len();
        self.peer_nonce = nonce;
        // The plaintext (flags, then payload) ends the box.
        let start = body.len() - len;
        let flags = *body.get(start).ok_or(Error::Protocol(
            ProtocolError::MalformedMessage,
            "CURVE MESSAGE empty",
        ))?;
        Ok(Opened {
            more: flags & FLAG_MORE != 0,
            command: flags & FLAG_COMMAND != 0,
            range: start + 1..body.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanism::curve::keys::CurveSecretKey;
    use crate::mechanism::curve::sealing::tests::{alice_to_bob, rust_crypto, unhex, MakeBox};

    /// A client codec on `make_c`'s backend and a server codec on
    /// `make_s`'s, after a handshake that used nonces up to 2 and 1.
    fn pair<C: SessionCipher, S: SessionCipher>(
        make_c: MakeBox<C>,
        make_s: MakeBox<S>,
    ) -> (MessageCodec<C>, MessageCodec<S>) {
        let c = CurveSecretKey::from_bytes([3; 32]);
        let s = CurveSecretKey::from_bytes([4; 32]);
        (
            MessageCodec::new(make_c(s.public_key(), &c), false, 3, 1),
            MessageCodec::new(make_s(c.public_key(), &s), true, 2, 2),
        )
    }

    fn message_known_answer<C: SessionCipher>(make: MakeBox<C>) {
        // A MESSAGE with short nonce 3 carrying "hello" with MORE set, from
        // the RFC 7748 key pair of `sealing`'s known-answer test; the box
        // octets are libsodium's crypto_box_afternm output for
        // 0x01 "hello" under nonce "CurveZMQMESSAGEC" + 3.
        let mut client = MessageCodec::new(alice_to_bob(make), false, 3, 2);
        let boxed = client.encode(Frame::data("hello", true)).unwrap();
        let mut expected = b"\x07MESSAGE\0\0\0\0\0\0\0\x03".to_vec();
        expected.extend(unhex("2b7b3ac30d0d1b85a851dc8eb92c159e99fb82f7753a"));
        assert_eq!(boxed.body.to_vec(), expected);
    }

    fn frames_and_commands_round_trip<C: SessionCipher, S: SessionCipher>(
        (mut client, mut server): (MessageCodec<C>, MessageCodec<S>),
    ) {
        let boxed = client.encode(Frame::data("abc", true)).unwrap();
        assert!(!boxed.more && !boxed.command);
        assert_eq!(boxed.body.len(), MIN_LEN + 3);
        assert_eq!(&boxed.body[8..16], &3u64.to_be_bytes());
        assert_eq!(server.decode(boxed).unwrap(), Frame::data("abc", true));
        let ping = client.encode(Frame::command("\x04PING\0\0")).unwrap();
        assert_eq!(server.decode(ping).unwrap(), Frame::command("\x04PING\0\0"));
        let back = server.encode(Frame::data("", false)).unwrap();
        assert_eq!(client.decode(back).unwrap(), Frame::data("", false));
        // A large frame, in a buffer of its own (opened in place) and in a
        // shared one (copied first).
        let big: Vec<u8> = (0..70_000u32).map(|i| i as u8).collect();
        let boxed = client.encode(Frame::data(big.clone(), false)).unwrap();
        assert_eq!(
            server.decode(boxed).unwrap(),
            Frame::data(big.clone(), false)
        );
        let boxed = client.encode(Frame::data(big.clone(), true)).unwrap();
        let keep = boxed.body.clone();
        assert_eq!(server.decode(boxed).unwrap(), Frame::data(big, true));
        drop(keep);
    }

    fn replayed_or_tampered_messages_fail<C: SessionCipher, S: SessionCipher>(
        (mut client, mut server): (MessageCodec<C>, MessageCodec<S>),
    ) {
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

    #[test]
    fn rust_crypto_backend() {
        message_known_answer(rust_crypto);
        frames_and_commands_round_trip(pair(rust_crypto, rust_crypto));
        replayed_or_tampered_messages_fail(pair(rust_crypto, rust_crypto));
    }

    #[cfg(feature = "sodium")]
    #[test]
    fn sodium_backend_and_across_backends() {
        use crate::mechanism::curve::sealing::tests::sodium;
        message_known_answer(sodium);
        frames_and_commands_round_trip(pair(sodium, sodium));
        frames_and_commands_round_trip(pair(rust_crypto, sodium));
        frames_and_commands_round_trip(pair(sodium, rust_crypto));
        replayed_or_tampered_messages_fail(pair(sodium, sodium));
    }
}
