//! The cipher of a connection's two transient keys: it seals INITIATE,
//! READY and every MESSAGE box, so it carries all the bulk traffic.
//!
//! With the `sodium` feature it is libsodium's (`ferrozmq_sodium`, SSE2/AVX2
//! XSalsa20 and Poly1305 picked at run time); without it, RustCrypto's
//! `crypto_box::SalsaBox` (portable code; no system library or C compiler
//! needed). Both produce the same octets: the known-answer and cross-backend
//! tests run on each. The other handshake boxes (HELLO, WELCOME, the cookie,
//! the vouch) are few and small and stay RustCrypto's.

use std::sync::Arc;

use bytes::BytesMut;

use super::keys::{CurvePublicKey, CurveSecretKey};
use super::sealing::{open_in_place, seal, short_nonce, NaclCipher};
use crate::error::Result;
#[cfg(feature = "sodium")]
use crate::error::{Error, ProtocolError};

/// The session cipher this build uses.
#[cfg(feature = "sodium")]
pub(super) type SessionBox = ferrozmq_sodium::SodiumBox;
/// The session cipher this build uses.
#[cfg(not(feature = "sodium"))]
pub(super) type SessionBox = crypto_box::SalsaBox;

/// The box between our transient secret key and the peer's transient
/// public key (the same key on both sides).
#[cfg(feature = "sodium")]
pub(super) fn session_box(peer: CurvePublicKey, ours: &CurveSecretKey) -> Result<SessionBox> {
    ferrozmq_sodium::SodiumBox::new(peer.as_bytes(), ours.as_bytes()).map_err(|e| match e {
        ferrozmq_sodium::SodiumError::WeakKey => Error::Protocol(
            ProtocolError::KeyExchange,
            "CURVE transient key of small order",
        ),
        _ => Error::Protocol(
            ProtocolError::Cryptographic,
            "libsodium failed to initialise",
        ),
    })
}

/// The box between our transient secret key and the peer's transient
/// public key (the same key on both sides).
#[cfg(not(feature = "sodium"))]
pub(super) fn session_box(peer: CurvePublicKey, ours: &CurveSecretKey) -> Result<SessionBox> {
    Ok(crypto_box::SalsaBox::new(
        &peer.to_box_key(),
        &ours.to_box_key(),
    ))
}

/// A session cipher as MESSAGE boxes use it: one [`DirectionCipher`] per
/// direction, each for its fixed 16-octet nonce prefix.
pub(super) trait SessionCipher: NaclCipher {
    /// The cipher of one direction.
    type Direction: DirectionCipher;
    /// The boxes of this key under nonces `send ‖ counter` and under
    /// nonces `recv ‖ counter`.
    fn directions(
        self,
        send: &'static [u8; 16],
        recv: &'static [u8; 16],
    ) -> (Self::Direction, Self::Direction);
}

/// Boxes under nonces `prefix ‖ counter` (big-endian) for one fixed prefix.
pub(super) trait DirectionCipher {
    /// Appends the box of `head ‖ body` (tag, then ciphertext) to `out`.
    fn seal(&self, counter: u64, head: &[u8], body: &[u8], out: &mut BytesMut) -> Result<()>;
    /// Opens a box in place: on success `boxed` minus its 16-octet tag
    /// holds the plaintext. Fails when the tag does not verify.
    fn open_in_place<'a>(&self, counter: u64, boxed: &'a mut [u8]) -> Result<&'a mut [u8]>;
}

/// Any NaCl cipher with a fixed prefix: the plaintext copied into the box,
/// then sealed in place (RustCrypto's way; its whole nonce per call).
pub(super) struct Prefixed<C> {
    cipher: Arc<C>,
    prefix: &'static [u8; 16],
}

impl<C: NaclCipher> DirectionCipher for Prefixed<C> {
    fn seal(&self, counter: u64, head: &[u8], body: &[u8], out: &mut BytesMut) -> Result<()> {
        seal(
            &*self.cipher,
            &short_nonce(self.prefix, counter),
            &[head, body],
            out,
        )
    }

    fn open_in_place<'a>(&self, counter: u64, boxed: &'a mut [u8]) -> Result<&'a mut [u8]> {
        open_in_place(&*self.cipher, &short_nonce(self.prefix, counter), boxed)
    }
}

impl SessionCipher for crypto_box::SalsaBox {
    type Direction = Prefixed<crypto_box::SalsaBox>;

    fn directions(
        self,
        send: &'static [u8; 16],
        recv: &'static [u8; 16],
    ) -> (Self::Direction, Self::Direction) {
        let cipher = Arc::new(self);
        (
            Prefixed {
                cipher: Arc::clone(&cipher),
                prefix: send,
            },
            Prefixed {
                cipher,
                prefix: recv,
            },
        )
    }
}

/// libsodium's boxes with the subkey of the prefix derived once, sealed
/// straight from the body into the box.
#[cfg(feature = "sodium")]
impl SessionCipher for ferrozmq_sodium::SodiumBox {
    type Direction = ferrozmq_sodium::PrefixedBox;

    fn directions(
        self,
        send: &'static [u8; 16],
        recv: &'static [u8; 16],
    ) -> (Self::Direction, Self::Direction) {
        (self.with_prefix(send), self.with_prefix(recv))
    }
}

#[cfg(feature = "sodium")]
impl DirectionCipher for ferrozmq_sodium::PrefixedBox {
    fn seal(&self, counter: u64, head: &[u8], body: &[u8], out: &mut BytesMut) -> Result<()> {
        self.seal_append(&counter.to_be_bytes(), head, body, out)
            .map_err(|_| Error::Misuse("CURVE plaintext too large"))
    }

    fn open_in_place<'a>(&self, counter: u64, boxed: &'a mut [u8]) -> Result<&'a mut [u8]> {
        let opened = self.open_in_place(&counter.to_be_bytes(), boxed);
        match (opened, boxed.get_mut(ferrozmq_sodium::MAC_LEN..)) {
            (Ok(()), Some(plain)) => Ok(plain),
            (Err(ferrozmq_sodium::SodiumError::Forged), _) => Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE box does not open",
            )),
            _ => Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE box shorter than its MAC",
            )),
        }
    }
}
