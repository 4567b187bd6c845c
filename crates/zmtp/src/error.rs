//! Errors, typed by who is at fault.

use std::fmt;

/// Everything that can go wrong while speaking ZMTP.
///
/// Variants say who is at fault: the bytes ([`Error::Malformed`]), the peer's
/// behaviour ([`Error::PeerMisbehaved`]), a version or mechanism mismatch
/// ([`Error::Incompatible`]) or the caller ([`Error::Misuse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The peer's bytes do not parse as ZMTP.
    Malformed(&'static str),
    /// The bytes parse, but are not allowed at this point of the protocol.
    PeerMisbehaved(&'static str),
    /// The peer speaks a version, mechanism or socket type we cannot pair with.
    Incompatible(Incompatible),
    /// A message larger than the configured maximum (ZMQ_MAXMSGSIZE).
    MessageTooLarge {
        /// Size announced by the peer, in bytes.
        size: u64,
        /// The configured limit, in bytes.
        max: u64,
    },
    /// The peer sent an ERROR command; the reason it gave.
    PeerError(String),
    /// Authentication refused (ZAP status code other than 200, or bad credentials).
    AuthenticationFailed(String),
    /// A protocol fault that libzmq reports with a specific
    /// ZMQ_PROTOCOL_ERROR_* code (CURVE's boxes, nonces and command sizes).
    Protocol(ProtocolError, &'static str),
    /// No traffic from the peer within the heartbeat timeout or its TTL.
    HeartbeatTimeout,
    /// The caller used the API wrongly (e.g. sent a message before the handshake).
    Misuse(&'static str),
}

/// Why two peers cannot talk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incompatible {
    /// The peers announced different security mechanisms.
    MechanismMismatch,
    /// The peer's socket type may not talk to ours (RFC 23's table).
    SocketType {
        /// Our socket type.
        ours: &'static str,
        /// The peer's socket type as it announced it.
        theirs: String,
    },
    /// The peer speaks a protocol revision we refuse in this configuration
    /// (e.g. ZMTP 1.0/2.0 with a security mechanism).
    Version(u8),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(what) => write!(f, "malformed ZMTP input: {what}"),
            Error::PeerMisbehaved(what) => write!(f, "peer violated ZMTP: {what}"),
            Error::Incompatible(why) => write!(f, "incompatible peer: {why}"),
            Error::MessageTooLarge { size, max } => {
                write!(f, "message of {size} bytes exceeds maximum of {max}")
            }
            Error::PeerError(reason) => write!(f, "peer sent ERROR: {reason}"),
            Error::AuthenticationFailed(why) => write!(f, "authentication failed: {why}"),
            Error::Protocol(code, what) => write!(f, "protocol error {code:?}: {what}"),
            Error::HeartbeatTimeout => write!(f, "heartbeat timed out"),
            Error::Misuse(what) => write!(f, "invalid use: {what}"),
        }
    }
}

/// libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_* values, reported in
/// ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL monitor events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolError {
    /// ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED.
    Unspecified = 0x1000_0000,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND.
    UnexpectedCommand = 0x1000_0001,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE (e.g. a CURVE nonce not increasing).
    InvalidSequence = 0x1000_0002,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE.
    KeyExchange = 0x1000_0003,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED.
    MalformedCommand = 0x1000_0011,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE.
    MalformedMessage = 0x1000_0012,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO.
    MalformedHello = 0x1000_0013,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE.
    MalformedInitiate = 0x1000_0014,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR.
    MalformedError = 0x1000_0015,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY.
    MalformedReady = 0x1000_0016,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME.
    MalformedWelcome = 0x1000_0017,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA.
    InvalidMetadata = 0x1000_0018,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: a box did not open or held the wrong keys.
    Cryptographic = 0x1100_0001,
    /// ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH.
    MechanismMismatch = 0x1100_0002,
}

impl ProtocolError {
    /// The numeric value libzmq reports.
    pub fn code(self) -> u32 {
        self as u32
    }
}

impl Error {
    /// The ZMQ_PROTOCOL_ERROR_* value a handshake failure with this error
    /// reports in libzmq's monitor events.
    pub fn protocol_code(&self) -> u32 {
        match self {
            Error::Protocol(code, _) => code.code(),
            Error::Incompatible(Incompatible::MechanismMismatch) => {
                ProtocolError::MechanismMismatch.code()
            }
            Error::Incompatible(_) => ProtocolError::UnexpectedCommand.code(),
            Error::Malformed(_) => ProtocolError::InvalidSequence.code(),
            _ => ProtocolError::Unspecified.code(),
        }
    }
}

impl fmt::Display for Incompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incompatible::MechanismMismatch => write!(f, "security mechanism mismatch"),
            Incompatible::SocketType { ours, theirs } => {
                write!(f, "socket type {theirs} cannot talk to {ours}")
            }
            Incompatible::Version(v) => write!(f, "protocol revision {v} refused"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;
