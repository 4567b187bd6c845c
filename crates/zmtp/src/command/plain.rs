//! PLAIN's HELLO: `username-size(1) username password-size(1) password` (RFC 24).

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Result};

/// A PLAIN client's credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Hello {
    /// User name (0–255 octets).
    pub username: Bytes,
    /// Password (0–255 octets).
    pub password: Bytes,
}

impl std::fmt::Debug for Hello {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hello")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl Hello {
    pub(super) fn decode(data: &Bytes) -> Result<Hello> {
        let user_len = usize::from(*data.first().ok_or(TRUNCATED)?);
        let user_end = 1 + user_len;
        let pass_len = usize::from(*data.get(user_end).ok_or(TRUNCATED)?);
        let pass_end = user_end + 1 + pass_len;
        if data.len() != pass_end {
            return Err(Error::Malformed("PLAIN HELLO has wrong length"));
        }
        Ok(Hello {
            username: data.slice(1..user_end),
            password: data.slice(user_end + 1..pass_end),
        })
    }

    pub(super) fn encode(&self, out: &mut BytesMut) {
        out.put_u8(self.username.len() as u8);
        out.put_slice(&self.username);
        out.put_u8(self.password.len() as u8);
        out.put_slice(&self.password);
    }
}

const TRUNCATED: Error = Error::Malformed("PLAIN HELLO truncated");

#[cfg(test)]
mod tests {
    use super::super::Command;
    use super::*;

    #[test]
    fn hello_round_trip_and_truncation() {
        let body = Bytes::from_static(b"\x05HELLO\x05admin\x06secret");
        let Command::Hello(h) = Command::decode(&body).unwrap() else {
            panic!()
        };
        assert_eq!(&h.username[..], b"admin");
        assert_eq!(&h.password[..], b"secret");
        assert_eq!(Command::Hello(h).encode(), body);
        for cut in 6..body.len() {
            assert!(Command::decode(&body.slice(..cut)).is_err());
        }
    }
}
