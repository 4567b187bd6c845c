//! ZAP requests and replies (RFC 27) as the handler reads and writes them.
//!
//! ```text
//! request = "1.0" request-id domain address identity mechanism *credential
//! reply   = "1.0" request-id status-code status-text user-id metadata
//! ```

use bytes::Bytes;
use zeroize::Zeroizing;

use crate::curve::CurvePublicKey;

/// The only ZAP version.
const VERSION: &[u8] = b"1.0";

/// What a client showed, by mechanism.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Credentials {
    Null,
    Plain {
        username: String,
        password: Zeroizing<String>,
    },
    /// The client's long-term public key.
    Curve(CurvePublicKey),
    /// A mechanism this authenticator does not handle (GSSAPI).
    Other,
}

/// One parsed request.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ZapRequest {
    pub(super) request_id: Bytes,
    pub(super) domain: String,
    /// The peer's IP address as text (empty for ipc and inproc).
    pub(super) address: String,
    pub(super) credentials: Credentials,
}

/// Why a request could not be read; the reply still goes back (a REP
/// socket must answer) with this request id, if there was one.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct BadRequest {
    pub(super) request_id: Bytes,
    pub(super) text: &'static str,
}

impl ZapRequest {
    /// Parses the frames of one request.
    pub(super) fn parse(frames: &[Bytes]) -> Result<ZapRequest, BadRequest> {
        let request_id = frames.get(1).cloned().unwrap_or_default();
        let bad = |text| BadRequest {
            request_id: request_id.clone(),
            text,
        };
        let [version, _, domain, address, _identity, mechanism, credentials @ ..] = frames else {
            return Err(bad("Malformed request"));
        };
        if &version[..] != VERSION {
            return Err(bad("Invalid version"));
        }
        let text = |b: &Bytes| String::from_utf8_lossy(b).into_owned();
        let credentials = match (&mechanism[..], credentials) {
            (b"NULL", []) => Credentials::Null,
            (b"PLAIN", [username, password]) => Credentials::Plain {
                username: text(username),
                password: Zeroizing::new(text(password)),
            },
            (b"CURVE", [key]) => Credentials::Curve(CurvePublicKey::from_bytes(
                key[..].try_into().map_err(|_| bad("Malformed CURVE key"))?,
            )),
            (b"NULL" | b"PLAIN" | b"CURVE", _) => return Err(bad("Malformed credentials")),
            _ => Credentials::Other,
        };
        Ok(ZapRequest {
            request_id: request_id.clone(),
            domain: text(domain),
            address: text(address),
            credentials,
        })
    }
}

/// The six frames of a reply (metadata is always empty).
pub(super) fn reply(
    request_id: Bytes,
    status: &'static str,
    text: &'static str,
    user_id: String,
) -> [Bytes; 6] {
    [
        Bytes::from_static(VERSION),
        request_id,
        Bytes::from_static(status.as_bytes()),
        Bytes::from_static(text.as_bytes()),
        Bytes::from(user_id),
        Bytes::new(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Vec<Bytes> {
        parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
    }

    #[test]
    fn parses_each_mechanism() {
        let base: [&[u8]; 5] = [b"1.0", b"7", b"dom", b"192.168.1.2", b""];
        let with = |tail: &[&[u8]]| {
            let mut f = base.to_vec();
            f.extend_from_slice(tail);
            ZapRequest::parse(&frames(&f))
        };
        let null = with(&[b"NULL"]).unwrap();
        assert_eq!(null.credentials, Credentials::Null);
        assert_eq!(
            (null.domain.as_str(), null.address.as_str()),
            ("dom", "192.168.1.2")
        );
        assert_eq!(&null.request_id[..], b"7");
        assert_eq!(
            with(&[b"PLAIN", b"u", b"p"]).unwrap().credentials,
            Credentials::Plain {
                username: "u".into(),
                password: Zeroizing::new("p".into())
            }
        );
        assert_eq!(
            with(&[b"CURVE", &[9; 32]]).unwrap().credentials,
            Credentials::Curve(CurvePublicKey::from_bytes([9; 32]))
        );
        assert_eq!(
            with(&[b"GSSAPI", b"x"]).unwrap().credentials,
            Credentials::Other
        );
    }

    #[test]
    fn refuses_malformed_requests_with_their_id() {
        let bad = |parts: &[&[u8]]| ZapRequest::parse(&frames(parts)).unwrap_err();
        assert_eq!(bad(&[b"1.0", b"5"]).text, "Malformed request");
        assert_eq!(&bad(&[b"1.0", b"5"]).request_id[..], b"5");
        assert_eq!(
            bad(&[b"2.0", b"5", b"", b"", b"", b"NULL"]).text,
            "Invalid version"
        );
        assert_eq!(
            bad(&[b"1.0", b"5", b"", b"", b"", b"CURVE", &[1; 31]]).text,
            "Malformed CURVE key"
        );
        assert_eq!(
            bad(&[b"1.0", b"5", b"", b"", b"", b"PLAIN", b"only-user"]).text,
            "Malformed credentials"
        );
        assert_eq!(bad(&[]).request_id, Bytes::new());
    }
}
