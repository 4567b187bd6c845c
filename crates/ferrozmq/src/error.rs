//! [`Error`]: what failed ([`ErrorKind`], named after the errno libzmq
//! reports), why (an OS error, when there is one) and where (the endpoint or
//! option concerned).

use std::fmt;
use std::io;
use std::sync::Arc;

/// A ferrozmq error: its [`ErrorKind`], and where known the endpoint or
/// option concerned and the underlying OS error ([`std::error::Error::source`]).
///
/// A plain kind costs no allocation (`Error` is two words), so the
/// [`ErrorKind::Again`] of a non-blocking call is cheap.
///
/// ```
/// use ferrozmq::{Context, ErrorKind, SocketType};
///
/// let ctx = Context::new();
/// let mut s = ctx.socket(SocketType::Pull)?;
/// let err = s.bind("bogus://here").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ProtocolNotSupported);
/// assert_eq!(err.endpoint(), Some("bogus://here"));
/// assert_eq!(err.to_string(), "Protocol not supported (endpoint bogus://here)");
/// # Ok::<(), ferrozmq::Error>(())
/// ```
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    detail: Option<Arc<Detail>>,
}

/// What kind of error: each variant matches one libzmq errno, so the C ABI
/// maps them with a single `match` ([`ErrorKind::errno`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// EAGAIN: non-blocking mode and the operation cannot proceed now, or a timeout expired.
    Again,
    /// EFSM: the operation is not allowed in the socket's current state (e.g. REQ sending twice).
    Fsm,
    /// EINVAL: an invalid argument (endpoint, option value, ...).
    Invalid,
    /// ETERM: the context was terminated.
    Terminated,
    /// ENOTSUP: the socket type does not support this operation.
    NotSupported,
    /// EPROTONOSUPPORT: unknown transport.
    ProtocolNotSupported,
    /// ENOCOMPATPROTO: the transport does not suit the socket type.
    NoCompatibleProtocol,
    /// EADDRINUSE: the address is already bound.
    AddrInUse,
    /// EADDRNOTAVAIL: the address is not local.
    AddrNotAvailable,
    /// ENODEV: unknown network interface.
    NoDevice,
    /// EHOSTUNREACH: ROUTER_MANDATORY and no peer with that routing id.
    HostUnreachable,
    /// ENOTSOCK: the socket was closed.
    NotSocket,
    /// EMTHREAD: no I/O thread available.
    NoThread,
    /// EMSGSIZE: message too large.
    MessageSize,
    /// ENOENT: the endpoint was not bound or connected.
    NotFound,
    /// EINTR: interrupted by a signal.
    Interrupted,
    /// EFAULT: a bad message or pointer.
    Fault,
    /// ENOMEM: out of memory.
    NoMemory,
    /// ECONNREFUSED.
    ConnectionRefused,
    /// Another OS error, by its errno.
    Os(i32),
}

/// What an [`Error`] was about, beyond its kind.
#[derive(Debug)]
struct Detail {
    subject: Option<Subject>,
    source: Option<io::Error>,
}

/// The endpoint or option an error concerns.
#[derive(Debug, PartialEq, Eq)]
enum Subject {
    Endpoint(String),
    Option(&'static str),
}

impl Error {
    /// An error of `kind` with no further detail (no allocation).
    pub const fn new(kind: ErrorKind) -> Error {
        Error { kind, detail: None }
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The errno libzmq reports for this error on Linux.
    pub fn errno(&self) -> i32 {
        self.kind.errno()
    }

    /// The error for an errno value.
    pub fn from_errno(errno: i32) -> Error {
        Error::new(ErrorKind::from_errno(errno))
    }

    /// libzmq's `zmq_strerror` text for the kind.
    pub fn message(&self) -> &'static str {
        self.kind.message()
    }

    /// The endpoint this error concerns (bind, connect, unbind, disconnect).
    pub fn endpoint(&self) -> Option<&str> {
        match self.subject()? {
            Subject::Endpoint(e) => Some(e),
            Subject::Option(_) => None,
        }
    }

    /// The option this error concerns, by libzmq's name without `ZMQ_`
    /// (`"SNDHWM"`), as [`SocketOption::name`](crate::SocketOption::name) gives it.
    pub fn option(&self) -> Option<&'static str> {
        match self.subject()? {
            Subject::Option(o) => Some(o),
            Subject::Endpoint(_) => None,
        }
    }

    fn subject(&self) -> Option<&Subject> {
        self.detail.as_deref()?.subject.as_ref()
    }

    /// The same error, about `endpoint`.
    pub(crate) fn at_endpoint(self, endpoint: &str) -> Error {
        self.about(Subject::Endpoint(endpoint.to_owned()))
    }

    /// The same error, about the option named `option`.
    pub(crate) fn at_option(self, option: &'static str) -> Error {
        self.about(Subject::Option(option))
    }

    fn about(self, subject: Subject) -> Error {
        let source = self
            .detail
            .and_then(|d| Arc::try_unwrap(d).ok())
            .and_then(|d| d.source);
        Error {
            kind: self.kind,
            detail: Some(Arc::new(Detail {
                subject: Some(subject),
                source,
            })),
        }
    }
}

impl ErrorKind {
    /// The errno libzmq reports for this kind on Linux.
    pub fn errno(self) -> i32 {
        match self {
            ErrorKind::Again => 11,
            ErrorKind::Fsm => HAUSNUMERO + 51,
            ErrorKind::Invalid => 22,
            ErrorKind::Terminated => HAUSNUMERO + 53,
            ErrorKind::NotSupported => 95,
            ErrorKind::ProtocolNotSupported => 93,
            ErrorKind::NoCompatibleProtocol => HAUSNUMERO + 52,
            ErrorKind::AddrInUse => 98,
            ErrorKind::AddrNotAvailable => 99,
            ErrorKind::NoDevice => 19,
            ErrorKind::HostUnreachable => 113,
            ErrorKind::NotSocket => 88,
            ErrorKind::NoThread => HAUSNUMERO + 54,
            ErrorKind::MessageSize => 90,
            ErrorKind::NotFound => 2,
            ErrorKind::Interrupted => 4,
            ErrorKind::Fault => 14,
            ErrorKind::NoMemory => 12,
            ErrorKind::ConnectionRefused => 111,
            ErrorKind::Os(e) => e,
        }
    }

    /// The kind for an errno value.
    pub fn from_errno(errno: i32) -> ErrorKind {
        [
            ErrorKind::Again,
            ErrorKind::Fsm,
            ErrorKind::Invalid,
            ErrorKind::Terminated,
            ErrorKind::NotSupported,
            ErrorKind::ProtocolNotSupported,
            ErrorKind::NoCompatibleProtocol,
            ErrorKind::AddrInUse,
            ErrorKind::AddrNotAvailable,
            ErrorKind::NoDevice,
            ErrorKind::HostUnreachable,
            ErrorKind::NotSocket,
            ErrorKind::NoThread,
            ErrorKind::MessageSize,
            ErrorKind::NotFound,
            ErrorKind::Interrupted,
            ErrorKind::Fault,
            ErrorKind::NoMemory,
            ErrorKind::ConnectionRefused,
        ]
        .into_iter()
        .find(|e| e.errno() == errno)
        .unwrap_or(ErrorKind::Os(errno))
    }

    /// libzmq's `zmq_strerror` text.
    pub fn message(self) -> &'static str {
        match self {
            ErrorKind::Again => "Resource temporarily unavailable",
            ErrorKind::Fsm => "Operation cannot be accomplished in current state",
            ErrorKind::Invalid => "Invalid argument",
            ErrorKind::Terminated => "Context was terminated",
            ErrorKind::NotSupported => "Operation not supported",
            ErrorKind::ProtocolNotSupported => "Protocol not supported",
            ErrorKind::NoCompatibleProtocol => {
                "The protocol is not compatible with the socket type"
            }
            ErrorKind::AddrInUse => "Address already in use",
            ErrorKind::AddrNotAvailable => "Cannot assign requested address",
            ErrorKind::NoDevice => "No such device",
            ErrorKind::HostUnreachable => "Host unreachable",
            ErrorKind::NotSocket => "Socket operation on non-socket",
            ErrorKind::NoThread => "No thread available",
            ErrorKind::MessageSize => "Message too long",
            ErrorKind::NotFound => "No such file or directory",
            ErrorKind::Interrupted => "Interrupted system call",
            ErrorKind::Fault => "Bad address",
            ErrorKind::NoMemory => "Cannot allocate memory",
            ErrorKind::ConnectionRefused => "Connection refused",
            ErrorKind::Os(_) => "Unknown error",
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

/// Two errors are equal when their kinds and the endpoint or option they
/// concern are (the OS error behind them is not compared).
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind && self.subject() == other.subject()
    }
}

impl Eq for Error {}

/// Whether the error is of this kind (`assert_eq!(err, ErrorKind::Again)`).
impl PartialEq<ErrorKind> for Error {
    fn eq(&self, kind: &ErrorKind) -> bool {
        self.kind == *kind
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind);
        if let Some(detail) = &self.detail {
            match &detail.subject {
                Some(Subject::Endpoint(e)) => d.field("endpoint", e),
                Some(Subject::Option(o)) => d.field("option", o),
                None => &mut d,
            };
            if let Some(source) = &detail.source {
                d.field("source", source);
            }
        }
        d.finish()
    }
}

/// The kind's libzmq text, then what it concerns: `Address already in use
/// (endpoint tcp://127.0.0.1:5555)`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        if let ErrorKind::Os(errno) = self.kind {
            write!(f, " (errno {errno})")?;
        }
        match self.subject() {
            Some(Subject::Endpoint(e)) => write!(f, " (endpoint {e})"),
            Some(Subject::Option(o)) => write!(f, " (option ZMQ_{o})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let source = self.detail.as_deref()?.source.as_ref()?;
        Some(source)
    }
}

/// Keeps the OS error as the [`source`](std::error::Error::source).
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        use std::io::ErrorKind as K;
        let kind = match e.kind() {
            K::AddrInUse => ErrorKind::AddrInUse,
            K::AddrNotAvailable => ErrorKind::AddrNotAvailable,
            K::WouldBlock => ErrorKind::Again,
            K::InvalidInput => ErrorKind::Invalid,
            K::NotFound => ErrorKind::NotFound,
            K::ConnectionRefused => ErrorKind::ConnectionRefused,
            K::Interrupted => ErrorKind::Interrupted,
            _ => e
                .raw_os_error()
                .map_or(ErrorKind::Invalid, ErrorKind::from_errno),
        };
        Error {
            kind,
            detail: Some(Arc::new(Detail {
                subject: None,
                source: Some(e),
            })),
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// libzmq's base for errors the platform does not define.
const HAUSNUMERO: i32 = 156_384_712;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_libzmq() {
        assert_eq!(ErrorKind::Fsm.errno(), 156_384_763);
        assert_eq!(ErrorKind::Terminated.errno(), 156_384_765);
        assert_eq!(Error::from_errno(11), ErrorKind::Again);
        assert_eq!(
            Error::from_errno(156_384_764),
            ErrorKind::NoCompatibleProtocol
        );
        assert_eq!(Error::from_errno(7777), ErrorKind::Os(7777));
    }

    #[test]
    fn a_plain_kind_is_two_words_and_shows_its_context() {
        assert_eq!(std::mem::size_of::<Error>(), 16);
        let e = Error::from(io::Error::from_raw_os_error(98)).at_endpoint("tcp://x:1");
        assert_eq!(e, ErrorKind::AddrInUse);
        assert_eq!(e.to_string(), "Address already in use (endpoint tcp://x:1)");
        assert!(std::error::Error::source(&e).is_some());
        let e = Error::new(ErrorKind::Invalid).at_option("SNDHWM");
        assert_eq!(e.option(), Some("SNDHWM"));
        assert_eq!(e.to_string(), "Invalid argument (option ZMQ_SNDHWM)");
    }
}
