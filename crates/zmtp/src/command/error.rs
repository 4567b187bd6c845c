//! ERROR: `reason-size(1) reason`.
//!
//! libzmq up to at least 4.3.5 sends a malformed ERROR from its PLAIN server:
//! its C source spells the prefix `"\x05ERROR"`, and the hex escape swallows
//! the `E`, so the body starts with 0x5E `RROR` (a 94-octet name that is not
//! there). Its own PLAIN client matches the same bytes. We send the RFC form
//! and also accept libzmq's, or a refused login would read as garbage.

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Result};

pub(super) fn decode(data: &Bytes) -> Result<String> {
    let len = usize::from(
        *data
            .first()
            .ok_or(Error::Malformed("ERROR without reason size"))?,
    );
    let reason = data
        .get(1..1 + len)
        .ok_or(Error::Malformed("ERROR reason truncated"))?;
    Ok(String::from_utf8_lossy(reason).into_owned())
}

/// Reads libzmq's PLAIN ERROR (see the module doc): `^RROR`, reason size,
/// reason, and nothing else.
pub(super) fn decode_libzmq_plain_quirk(body: &Bytes) -> Option<String> {
    let rest = body.strip_prefix(LIBZMQ_PLAIN_ERROR)?;
    let (&len, reason) = rest.split_first()?;
    if reason.len() != usize::from(len) {
        return None;
    }
    Some(String::from_utf8_lossy(reason).into_owned())
}

pub(super) fn encode(reason: &str, out: &mut BytesMut) {
    let bytes = reason.as_bytes();
    let bytes = bytes.get(..bytes.len().min(255)).unwrap_or(bytes);
    out.put_u8(bytes.len() as u8);
    out.put_slice(bytes);
}

/// What libzmq's `"\x05ERROR"` becomes in C: 0x5E, then `RROR`.
const LIBZMQ_PLAIN_ERROR: &[u8] = b"\x5eRROR";

#[cfg(test)]
mod tests {
    use super::super::Command;
    use crate::error::Error;
    use bytes::Bytes;

    /// Bytes captured from a libzmq 4.3.5 PLAIN server whose ZAP handler
    /// said 400.
    #[test]
    fn libzmq_plain_error_is_understood() {
        let body = Bytes::from_static(b"^RROR\x03400");
        assert_eq!(Command::decode(&body), Ok(Command::Error("400".into())));
        // Only that exact shape: anything else stays malformed.
        for bad in [&b"^RROR\x04400"[..], b"^RROR\x02400", b"^RROR", b"^RRORx"] {
            assert_eq!(
                Command::decode(&Bytes::copy_from_slice(bad)),
                Err(Error::Malformed("command name truncated")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn round_trip() {
        let body = Bytes::from_static(b"\x05ERROR\x0bbad creds!!");
        assert_eq!(
            Command::decode(&body).unwrap(),
            Command::Error("bad creds!!".into())
        );
        assert_eq!(Command::Error("bad creds!!".into()).encode(), body);
    }
}
