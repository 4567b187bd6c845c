//! PING (`ttl(2) context(0..16)`) and PONG (`context`), RFC 37.

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Result};

/// Longest PING context a peer should send; PONG echoes at most this much.
pub const MAX_PING_CONTEXT: usize = 16;

/// A heartbeat request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ping {
    /// How long the receiver should wait for traffic, in tenths of a second (0 = no limit).
    pub ttl_deciseconds: u16,
    /// Opaque bytes the PONG echoes.
    pub context: Bytes,
}

/// A heartbeat reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pong {
    /// The PING's context, echoed.
    pub context: Bytes,
}

impl Ping {
    pub(super) fn decode(data: &Bytes) -> Result<Ping> {
        let Some(&[hi, lo]) = data.get(0..2) else {
            return Err(Error::Malformed("PING without TTL"));
        };
        let ttl_deciseconds = u16::from_be_bytes([hi, lo]);
        Ok(Ping {
            ttl_deciseconds,
            context: data.slice(2..),
        })
    }

    pub(super) fn encode(&self, out: &mut BytesMut) {
        out.put_u16(self.ttl_deciseconds);
        out.put_slice(&self.context);
    }

    /// The PONG that answers this PING (context truncated to 16 octets, as libzmq does).
    pub fn pong(&self) -> Pong {
        Pong {
            context: self
                .context
                .slice(..self.context.len().min(MAX_PING_CONTEXT)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Command;
    use super::*;

    #[test]
    fn ping_pong_round_trip() {
        let body = Bytes::from_static(b"\x04PING\x00\x64ctx");
        let Command::Ping(p) = Command::decode(&body).unwrap() else {
            panic!()
        };
        assert_eq!(p.ttl_deciseconds, 100);
        assert_eq!(&p.context[..], b"ctx");
        assert_eq!(Command::Ping(p.clone()).encode(), body);
        assert_eq!(&Command::Pong(p.pong()).encode()[..], b"\x04PONGctx");
        let long = Ping {
            ttl_deciseconds: 0,
            context: Bytes::from(vec![1u8; 40]),
        };
        assert_eq!(long.pong().context.len(), MAX_PING_CONTEXT);
    }
}
