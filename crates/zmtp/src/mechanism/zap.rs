//! ZAP (RFC 27) requests and replies: plain values, and their wire form.
//!
//! A mechanism yields a [`ZapRequest`]; the engine turns it into the
//! request's frames with [`ZapRequest::encode`], carries them to the
//! handler bound at `inproc://zeromq.zap.01`, and reads the handler's answer
//! back with [`ZapReply::decode`], which judges a malformed answer as libzmq
//! does: each fault is a [`ZapFault`] with its own ZMQ_PROTOCOL_ERROR_ZAP_*
//! number.
//!
//! ```text
//! request: [ "", "1.0", id, domain, address, identity, mechanism, credentials... ]
//! reply:   [ "", "1.0", id, status code, status text, user id, metadata ]
//! ```
//!
//! The leading empty frame is the envelope a REP handler strips and puts back.

use bytes::Bytes;

use crate::command::{Command, Metadata};
use crate::error::Error;

/// The only version of ZAP.
const ZAP_VERSION: &[u8] = b"1.0";
/// The request id we put in ZAP requests (one request per connection at a time).
const REQUEST_ID: &[u8] = b"1";

/// Who asks the handler: the request's frames besides the mechanism's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZapOrigin {
    /// ZMQ_ZAP_DOMAIN of the socket.
    pub domain: Bytes,
    /// The peer's IP address (empty for ipc).
    pub address: Bytes,
    /// The socket's own routing id.
    pub routing_id: Bytes,
}

/// Why a ZAP handler's reply was refused, as libzmq's monitor numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZapFault {
    /// ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED: the reply's envelope is not empty.
    Unspecified,
    /// ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY: not exactly seven frames.
    MalformedReply,
    /// ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID.
    BadRequestId,
    /// ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION.
    BadVersion,
    /// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE.
    InvalidStatusCode,
    /// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA.
    InvalidMetadata,
}

impl ZapFault {
    /// The ZMQ_PROTOCOL_ERROR_ZAP_* value libzmq reports for this fault.
    pub fn protocol_code(self) -> u32 {
        match self {
            ZapFault::Unspecified => 0x2000_0000,
            ZapFault::MalformedReply => 0x2000_0001,
            ZapFault::BadRequestId => 0x2000_0002,
            ZapFault::BadVersion => 0x2000_0003,
            ZapFault::InvalidStatusCode => 0x2000_0004,
            ZapFault::InvalidMetadata => 0x2000_0005,
        }
    }
}

/// What a mechanism asks the ZAP handler. The engine adds the version, request
/// id, domain, address and identity frames when it sends this.
#[derive(Clone, PartialEq, Eq)]
pub struct ZapRequest {
    /// Mechanism name: "NULL", "PLAIN" or "CURVE".
    pub mechanism: &'static str,
    /// Credential frames: none (NULL), user and password (PLAIN), public key (CURVE).
    pub credentials: Vec<Bytes>,
}

impl ZapRequest {
    /// The request's frames, in RFC 27's order, as sent to the handler.
    pub fn encode(self, origin: &ZapOrigin) -> Vec<Bytes> {
        let mut frames = vec![
            Bytes::new(),
            Bytes::from_static(ZAP_VERSION),
            Bytes::from_static(REQUEST_ID),
            origin.domain.clone(),
            origin.address.clone(),
            origin.routing_id.clone(),
            Bytes::from_static(self.mechanism.as_bytes()),
        ];
        frames.extend(self.credentials);
        frames
    }
}

impl std::fmt::Debug for ZapRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZapRequest")
            .field("mechanism", &self.mechanism)
            .field("credentials", &self.credentials.len())
            .finish()
    }
}

/// The ZAP handler's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapReply {
    /// "200" success, "300" temporary error, "400" denied, "500" internal error.
    pub status_code: Bytes,
    /// Human-readable status.
    pub status_text: Bytes,
    /// User id to attach to the peer's messages.
    pub user_id: Bytes,
    /// Extra metadata to attach to the peer's messages.
    pub metadata: Metadata,
}

impl ZapReply {
    /// Acceptance with no user id (what the engine answers when no ZAP handler
    /// is bound, as libzmq does).
    pub fn accepted() -> ZapReply {
        ZapReply {
            status_code: Bytes::from_static(b"200"),
            status_text: Bytes::from_static(b"OK"),
            user_id: Bytes::new(),
            metadata: Metadata::new(),
        }
    }

    /// Refusal with `code` (e.g. "400").
    pub fn refused(code: &'static str) -> ZapReply {
        ZapReply {
            status_code: Bytes::from_static(code.as_bytes()),
            status_text: Bytes::new(),
            user_id: Bytes::new(),
            metadata: Metadata::new(),
        }
    }

    /// Reads a handler's reply, checking it in libzmq's order: frame count,
    /// envelope, version, request id, status code, metadata.
    pub fn decode(frames: Vec<Bytes>) -> Result<ZapReply, ZapFault> {
        let [envelope, version, id, status_code, status_text, user_id, metadata] =
            <[Bytes; 7]>::try_from(frames).map_err(|_| ZapFault::MalformedReply)?;
        if !envelope.is_empty() {
            return Err(ZapFault::Unspecified);
        }
        if &version[..] != ZAP_VERSION {
            return Err(ZapFault::BadVersion);
        }
        if &id[..] != REQUEST_ID {
            return Err(ZapFault::BadRequestId);
        }
        if status_number(&status_code, b'2'..=b'5').is_none() {
            return Err(ZapFault::InvalidStatusCode);
        }
        let metadata = Metadata::decode(&metadata).map_err(|_| ZapFault::InvalidMetadata)?;
        Ok(ZapReply {
            status_code,
            status_text,
            user_id,
            metadata,
        })
    }

    /// The status as a number: 200, 300, 400 or 500 (0 for any other code,
    /// which [`ZapReply::decode`] never lets through).
    pub fn status(&self) -> u16 {
        status_number(&self.status_code, b'2'..=b'5').unwrap_or(0)
    }

    /// Whether the status is "200".
    pub fn is_accepted(&self) -> bool {
        &self.status_code[..] == b"200"
    }

    /// The ERROR command telling a refused peer why, carrying the status
    /// code; none for "300", a temporary failure the peer is not told about
    /// (it is dropped silently, as RFC 27 and libzmq have it).
    pub(crate) fn error_command(&self) -> Option<bytes::Bytes> {
        if &self.status_code[..] == b"300" {
            return None;
        }
        let code = String::from_utf8_lossy(&self.status_code).into_owned();
        Some(Command::Error(code).encode())
    }

    /// The error a refusal returns.
    pub(crate) fn refusal(&self) -> Error {
        Error::AuthenticationFailed(format!(
            "ZAP status {}",
            String::from_utf8_lossy(&self.status_code)
        ))
    }
}

/// The ZAP status an ERROR command's reason carries ("300", "400", "500"),
/// for the HANDSHAKE_FAILED_AUTH event a refused peer reports; other
/// reasons are not ZAP's (`None`), as in libzmq.
pub fn status_in_error_reason(reason: &str) -> Option<u16> {
    status_number(reason.as_bytes(), b'3'..=b'5')
}

/// `d00` with `d` in `digits`, as a number.
fn status_number(code: &[u8], digits: std::ops::RangeInclusive<u8>) -> Option<u16> {
    match code {
        [d, b'0', b'0'] if digits.contains(d) => Some(u16::from(d - b'0') * 100),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(frames: &[&'static [u8]]) -> Vec<Bytes> {
        frames.iter().map(|f| Bytes::from_static(f)).collect()
    }

    const GOOD: [&[u8]; 7] = [b"", b"1.0", b"1", b"200", b"OK", b"anonymous", b""];

    #[test]
    fn encodes_a_request_in_rfc_27_order() {
        let origin = ZapOrigin {
            domain: Bytes::from_static(b"global"),
            address: Bytes::from_static(b"127.0.0.1"),
            routing_id: Bytes::from_static(b"IDENT"),
        };
        let request = ZapRequest {
            mechanism: "PLAIN",
            credentials: frames(&[b"user", b"pw"]),
        };
        assert_eq!(
            request.encode(&origin),
            frames(&[
                b"",
                b"1.0",
                b"1",
                b"global",
                b"127.0.0.1",
                b"IDENT",
                b"PLAIN",
                b"user",
                b"pw"
            ])
        );
    }

    #[test]
    fn decodes_a_good_reply() {
        let reply = ZapReply::decode(frames(&GOOD)).unwrap();
        assert_eq!(reply.status(), 200);
        assert!(reply.is_accepted());
        assert_eq!(&reply.user_id[..], b"anonymous");
        for (code, n) in [(&b"300"[..], 300), (b"400", 400), (b"500", 500)] {
            let mut f = frames(&GOOD);
            f[3] = Bytes::copy_from_slice(code);
            assert_eq!(ZapReply::decode(f).unwrap().status(), n);
        }
    }

    #[test]
    fn each_fault_has_libzmqs_code() {
        let with = |i: usize, v: &'static [u8]| {
            let mut f = frames(&GOOD);
            f[i] = Bytes::from_static(v);
            ZapReply::decode(f).unwrap_err()
        };
        assert_eq!(with(0, b"x"), ZapFault::Unspecified);
        assert_eq!(with(1, b"invalid_version"), ZapFault::BadVersion);
        assert_eq!(with(2, b"invalid_request_id"), ZapFault::BadRequestId);
        assert_eq!(with(3, b"invalid_status"), ZapFault::InvalidStatusCode);
        assert_eq!(with(3, b"600"), ZapFault::InvalidStatusCode);
        assert_eq!(with(3, b"210"), ZapFault::InvalidStatusCode);
        assert_eq!(with(6, b"\x05Bad"), ZapFault::InvalidMetadata);
        let mut long = frames(&GOOD);
        long.push(Bytes::new());
        assert_eq!(ZapReply::decode(long), Err(ZapFault::MalformedReply));
        assert_eq!(
            ZapReply::decode(frames(&GOOD[..6])),
            Err(ZapFault::MalformedReply)
        );
        let codes: Vec<u32> = [
            ZapFault::Unspecified,
            ZapFault::MalformedReply,
            ZapFault::BadRequestId,
            ZapFault::BadVersion,
            ZapFault::InvalidStatusCode,
            ZapFault::InvalidMetadata,
        ]
        .iter()
        .map(|f| f.protocol_code())
        .collect();
        assert_eq!(
            codes,
            [
                0x2000_0000,
                0x2000_0001,
                0x2000_0002,
                0x2000_0003,
                0x2000_0004,
                0x2000_0005
            ]
        );
    }

    #[test]
    fn error_reasons_that_are_zap_statuses() {
        assert_eq!(status_in_error_reason("300"), Some(300));
        assert_eq!(status_in_error_reason("400"), Some(400));
        assert_eq!(status_in_error_reason("500"), Some(500));
        assert_eq!(status_in_error_reason("200"), None);
        assert_eq!(status_in_error_reason("Invalid"), None);
    }

    #[test]
    fn refusals_tell_the_peer_unless_temporary() {
        assert!(ZapReply::refused("400").error_command().is_some());
        assert!(ZapReply::refused("300").error_command().is_none());
    }
}
