//! CURVE keys (RFC 26) as types, their Z85 text (RFC 32), and the operating
//! system's randomness that key generation and every CURVE handshake use.
//!
//! ```
//! use ferrozmq::{Context, CurveKeyPair, SocketType};
//!
//! let server_keys = CurveKeyPair::generate()?;
//! let client_keys = CurveKeyPair::generate()?;
//! let ctx = Context::new();
//! let mut server = ctx.socket(SocketType::Rep)?;
//! server.set_curve_server(&server_keys)?;
//! server.bind("tcp://127.0.0.1:*")?;
//! let mut client = ctx.socket(SocketType::Req)?;
//! client.set_curve_client(&client_keys, &server_keys.public)?;
//! client.connect(server.last_endpoint())?;
//! client.send("secret")?;
//! assert_eq!(server.recv_string()?, "secret");
//! # Ok::<(), ferrozmq::Error>(())
//! ```

pub use ferrozmq_zmtp::{CurvePublicKey, CurveSecretKey, Entropy};

use crate::error::{Error, ErrorKind, Result};

/// A long-term CURVE key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurveKeyPair {
    /// The public half, given to peers.
    pub public: CurvePublicKey,
    /// The secret half, wiped from memory when dropped.
    pub secret: CurveSecretKey,
}

impl CurveKeyPair {
    /// A fresh key pair from the operating system's random source.
    pub fn generate() -> Result<CurveKeyPair> {
        let secret =
            CurveSecretKey::generate(&os_entropy()).map_err(|_| ErrorKind::NotSupported)?;
        Ok(CurveKeyPair::from_secret(secret))
    }

    /// The pair a secret key belongs to.
    pub fn from_secret(secret: CurveSecretKey) -> CurveKeyPair {
        CurveKeyPair {
            public: secret.public_key(),
            secret,
        }
    }
}

/// The operating system's random source, as zmtp takes it.
pub fn os_entropy() -> Entropy {
    Entropy::new(|buf| getrandom::fill(buf).is_ok())
}

/// Parses a key option's value as libzmq does: 32 raw octets, or 40 Z85
/// characters (41 with a final NUL).
pub(crate) fn key_from_option(value: &[u8]) -> Result<[u8; 32]> {
    if let Ok(raw) = <[u8; 32]>::try_from(value) {
        return Ok(raw);
    }
    let text = match value {
        [text @ .., 0] if text.len() == 40 => text,
        text if text.len() == 40 => text,
        _ => return Err(ErrorKind::Invalid.into()),
    };
    let decoded = ferrozmq_zmtp::z85::decode(text).ok_or(ErrorKind::Invalid)?;
    <[u8; 32]>::try_from(decoded.as_slice()).map_err(|_| Error::new(ErrorKind::Invalid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_in_three_forms() {
        let keys = CurveKeyPair::generate().unwrap();
        let raw = *keys.public.as_bytes();
        let text = keys.public.to_z85();
        assert_eq!(key_from_option(&raw).unwrap(), raw);
        assert_eq!(key_from_option(text.as_bytes()).unwrap(), raw);
        let mut with_nul = text.clone().into_bytes();
        with_nul.push(0);
        assert_eq!(key_from_option(&with_nul).unwrap(), raw);
        assert!(key_from_option(&raw[..31]).is_err());
        assert!(key_from_option(&[b'"'; 40]).is_err());
        assert_ne!(CurveKeyPair::generate().unwrap(), keys);
    }
}
