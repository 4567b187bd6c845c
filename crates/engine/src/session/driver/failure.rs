//! Why a connection ended, in libzmq's terms, and what the monitor hears.

use std::io;

use ferrozmq_zmtp::mechanism::status_in_error_reason;
use ferrozmq_zmtp::Error as ZmtpError;

use crate::monitor::HandshakeFailure;

/// Why a connection ended.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The stream broke (connection_error), with its errno.
    Io(i32),
    /// The peer closed the stream (connection_error, reported as EPIPE).
    Closed,
    /// The handshake timer or the heartbeat ran out (timeout_error).
    Timeout,
    /// A protocol fault (protocol_error).
    Protocol(ZmtpError),
    /// A protocol fault already reported to the monitor.
    Reported,
}

impl Failure {
    /// A heartbeat timeout is a timeout (the link is retried); the rest of
    /// ZMTP's errors are protocol faults.
    pub(crate) fn from_zmtp(e: ZmtpError) -> Failure {
        match e {
            ZmtpError::HeartbeatTimeout => Failure::Timeout,
            e => Failure::Protocol(e),
        }
    }

    /// A protocol fault ends the session for good: a connecter does not
    /// try again (libzmq's protocol_error), it only retries broken links.
    pub(crate) fn is_final(&self) -> bool {
        matches!(self, Failure::Protocol(_) | Failure::Reported)
    }

    /// What a handshake that failed this way reports, as libzmq's stream
    /// engine does: a broken or timed-out link its errno, a protocol fault
    /// its code, a peer's ERROR the ZAP status it carried (other reasons
    /// report nothing), and a fault already reported nothing more.
    pub(crate) fn handshake_failure(&self) -> Option<HandshakeFailure> {
        match self {
            Failure::Io(errno) => Some(HandshakeFailure::NoDetail(*errno)),
            Failure::Closed => Some(HandshakeFailure::NoDetail(libc::EPIPE)),
            Failure::Timeout => Some(HandshakeFailure::NoDetail(libc::ETIMEDOUT)),
            Failure::Protocol(ZmtpError::PeerError(reason)) => {
                status_in_error_reason(reason).map(HandshakeFailure::Auth)
            }
            Failure::Protocol(e) => Some(HandshakeFailure::Protocol(e.protocol_code())),
            Failure::Reported => None,
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e.raw_os_error().unwrap_or(libc::EPIPE))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(errno) => write!(f, "{}", io::Error::from_raw_os_error(*errno)),
            Failure::Closed => write!(f, "the peer closed the connection"),
            Failure::Timeout => write!(f, "timed out"),
            Failure::Protocol(e) => write!(f, "{e}"),
            Failure::Reported => write!(f, "refused (reported to the monitor)"),
        }
    }
}
