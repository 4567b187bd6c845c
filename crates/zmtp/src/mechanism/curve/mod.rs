//! CURVE (RFC 26, CurveZMQ): X25519 key agreement and XSalsa20-Poly1305
//! boxes, laid out byte for byte as libzmq does.
//!
//! The cryptography is RustCrypto's `crypto_box` and `crypto_secretbox`,
//! and libsodium's for the session boxes with the `sodium` feature
//! (module `session`);
//! secret and transient keys are wiped on drop (`zeroize`). Randomness comes
//! from the caller through [`Entropy`], so this crate still does no I/O.
//!
//! | command  | size                  | nonce                                   |
//! |----------|-----------------------|-----------------------------------------|
//! | HELLO    | 200                   | `CurveZMQHELLO---` + short              |
//! | WELCOME  | 168                   | `WELCOME-` + 16 random                  |
//! | (cookie) | 96 inside WELCOME     | `COOKIE--` + 16 random                  |
//! | INITIATE | ≥ 257                 | `CurveZMQINITIATE` + short              |
//! | (vouch)  | 96 inside INITIATE    | `VOUCH---` + 16 random                  |
//! | READY    | ≥ 30                  | `CurveZMQREADY---` + short              |
//! | MESSAGE  | ≥ 33                  | `CurveZMQMESSAGEC` / `...S` + short     |
//!
//! Short nonces start at 1 and increase by one per box each way; a received
//! one must be larger than the last (MESSAGE continues after READY/INITIATE).

mod client;
mod keys;
mod message;
mod sealing;
mod server;
mod session;

pub use client::CurveClient;
pub use keys::{CurvePublicKey, CurveSecretKey, Entropy, KEY_LEN};
pub use server::CurveServer;

use crate::command::Command;
use crate::error::{Error, ProtocolError, Result};

/// The reason in an ERROR command body.
fn command_error(body: &[u8]) -> Result<String> {
    let malformed = Error::Protocol(ProtocolError::MalformedError, "malformed ERROR");
    match Command::decode(&bytes::Bytes::copy_from_slice(body)).map_err(|_| malformed)? {
        Command::Error(reason) => Ok(reason),
        _ => Err(Error::Protocol(
            ProtocolError::MalformedError,
            "malformed ERROR",
        )),
    }
}

/// libzmq's basic check of a handshake command: a name length octet and
/// more than that many octets after it.
fn well_formed(body: &[u8]) -> bool {
    body.first()
        .is_some_and(|&len| body.len() > 1 && body.len() > usize::from(len))
}
