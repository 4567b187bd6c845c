//! ZAP (RFC 27) requests and replies as plain values; the engine carries them.

use bytes::Bytes;

use crate::command::{Command, Metadata};
use crate::error::Error;

/// What a mechanism asks the ZAP handler. The engine adds the version, request
/// id, domain, address and identity frames when it sends this.
#[derive(Clone, PartialEq, Eq)]
pub struct ZapRequest {
    /// Mechanism name: "NULL", "PLAIN" or "CURVE".
    pub mechanism: &'static str,
    /// Credential frames: none (NULL), user and password (PLAIN), public key (CURVE).
    pub credentials: Vec<Bytes>,
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
