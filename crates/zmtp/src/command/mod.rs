//! Commands: the control messages carried in COMMAND frames.
//!
//! ```text
//! command = name-size(1) name(1..255) data
//! ```
//!
//! Each command's data lives in its own file; [`Command`] is the typed union
//! the connection logic works with.

mod error;
mod metadata;
mod ping;
mod plain;
mod ready;
mod subscribe;

use bytes::{BufMut, Bytes, BytesMut};

pub use metadata::{Metadata, IDENTITY, MAX_VALUE_LEN, SOCKET_TYPE};
pub use ping::{Ping, Pong, MAX_PING_CONTEXT};
pub use plain::Hello;
pub use ready::local_metadata;
pub use subscribe::Subscription;

use crate::error::{Error, Result};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// READY: end of the handshake, with the sender's metadata.
    Ready(Metadata),
    /// ERROR: fatal, with a reason.
    Error(String),
    /// SUBSCRIBE (ZMTP 3.1): subscribe to a topic prefix.
    Subscribe(Bytes),
    /// CANCEL (ZMTP 3.1): cancel one subscription to a topic prefix.
    Cancel(Bytes),
    /// PING: heartbeat request.
    Ping(Ping),
    /// PONG: heartbeat reply.
    Pong(Pong),
    /// HELLO (PLAIN client): user name and password.
    Hello(Hello),
    /// WELCOME (PLAIN server): credentials accepted.
    Welcome,
    /// INITIATE (PLAIN client): the client's metadata.
    Initiate(Metadata),
    /// Any other command, kept raw.
    Unknown {
        /// Command name.
        name: Bytes,
        /// Command data.
        data: Bytes,
    },
}

impl Command {
    /// Parses a COMMAND frame's body.
    pub fn decode(body: &Bytes) -> Result<Command> {
        let name_len = usize::from(*body.first().ok_or(Error::Malformed("empty command"))?);
        if name_len == 0 {
            return Err(Error::Malformed("empty command name"));
        }
        let Some(name) = body.get(1..1 + name_len) else {
            return error::decode_libzmq_plain_quirk(body)
                .map(Command::Error)
                .ok_or(Error::Malformed("command name truncated"));
        };
        let data = body.slice(1 + name_len..);
        Ok(match name {
            b"READY" => Command::Ready(Metadata::decode(&data)?),
            b"ERROR" => Command::Error(error::decode(&data)?),
            b"SUBSCRIBE" => Command::Subscribe(data),
            b"CANCEL" => Command::Cancel(data),
            b"PING" => Command::Ping(Ping::decode(&data)?),
            b"PONG" => Command::Pong(Pong { context: data }),
            b"HELLO" => Command::Hello(Hello::decode(&data)?),
            b"WELCOME" if data.is_empty() => Command::Welcome,
            b"WELCOME" => return Err(Error::Malformed("PLAIN WELCOME with data")),
            b"INITIATE" => Command::Initiate(Metadata::decode(&data)?),
            _ => Command::Unknown {
                name: Bytes::copy_from_slice(name),
                data,
            },
        })
    }

    /// The command's name as sent on the wire.
    pub fn name(&self) -> &[u8] {
        match self {
            Command::Ready(_) => b"READY",
            Command::Error(_) => b"ERROR",
            Command::Subscribe(_) => b"SUBSCRIBE",
            Command::Cancel(_) => b"CANCEL",
            Command::Ping(_) => b"PING",
            Command::Pong(_) => b"PONG",
            Command::Hello(_) => b"HELLO",
            Command::Welcome => b"WELCOME",
            Command::Initiate(_) => b"INITIATE",
            Command::Unknown { name, .. } => name,
        }
    }

    /// Encodes the command into a COMMAND frame body.
    pub fn encode(&self) -> Bytes {
        let name = self.name();
        let mut out = BytesMut::with_capacity(1 + name.len() + 32);
        out.put_u8(name.len() as u8);
        out.put_slice(name);
        match self {
            Command::Ready(m) | Command::Initiate(m) => m.encode(&mut out),
            Command::Error(reason) => error::encode(reason, &mut out),
            Command::Subscribe(topic) | Command::Cancel(topic) => out.put_slice(topic),
            Command::Ping(p) => p.encode(&mut out),
            Command::Pong(p) => out.put_slice(&p.context),
            Command::Hello(h) => h.encode(&mut out),
            Command::Welcome => {}
            Command::Unknown { data, .. } => out.put_slice(data),
        }
        out.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_from_rfc_bytes() {
        let body = Bytes::from_static(
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ\x08Identity\x00\x00\x00\x00",
        );
        let Command::Ready(m) = Command::decode(&body).unwrap() else {
            panic!("not READY")
        };
        assert_eq!(m.get_str(SOCKET_TYPE), Some("REQ"));
        assert_eq!(m.get(IDENTITY).map(|v| v.len()), Some(0));
        assert_eq!(Command::Ready(m).encode(), body);
    }

    #[test]
    fn unknown_commands_are_kept() {
        let body = Bytes::from_static(b"\x04JOIN\x03abc");
        let cmd = Command::decode(&body).unwrap();
        assert_eq!(cmd.name(), b"JOIN");
        assert_eq!(cmd.encode(), body);
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            &b""[..],
            b"\x00",
            b"\x05REA",
            b"\x07WELCOMEx",
            b"\x04PING\x00",
        ] {
            assert!(
                Command::decode(&Bytes::copy_from_slice(bad)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn subscribe_and_cancel() {
        let s = Command::decode(&Bytes::from_static(b"\x09SUBSCRIBEtopic")).unwrap();
        assert_eq!(s, Command::Subscribe(Bytes::from_static(b"topic")));
        let c = Command::Cancel(Bytes::new());
        assert_eq!(&c.encode()[..], b"\x06CANCEL");
    }
}
