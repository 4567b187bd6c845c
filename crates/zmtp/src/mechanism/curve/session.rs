//! The cipher of a connection's two transient keys: it seals INITIATE,
//! READY and every MESSAGE box, so it carries all the bulk traffic.
//!
//! With the `sodium` feature it is libsodium's (`ferrozmq_sodium`, SSE2/AVX2
//! XSalsa20 and Poly1305 picked at run time); without it, RustCrypto's
//! `crypto_box::SalsaBox` (portable code; no system library or C compiler
//! needed). Both produce the same octets: the known-answer and cross-backend
//! tests run on each. The other handshake boxes (HELLO, WELCOME, the cookie,
//! the vouch) are few and small and stay RustCrypto's.

use super::keys::{CurvePublicKey, CurveSecretKey};
use crate::error::Result;

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
    use crate::error::{Error, ProtocolError};
    ferrozmq_sodium::SodiumBox::new(peer.as_bytes(), ours.as_bytes()).map_err(|e| match e {
        ferrozmq_sodium::SodiumError::WeakKey => Error::Protocol(
            ProtocolError::KeyExchange,
            "CURVE transient key of small order",
        ),
        ferrozmq_sodium::SodiumError::Init => Error::Protocol(
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
