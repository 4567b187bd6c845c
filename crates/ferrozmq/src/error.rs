//! [`Error`]: every failure, named after the errno libzmq reports for it.

use std::fmt;

/// A ferrozmq error. Each variant matches one libzmq errno, so the C ABI maps
/// them with a single `match` ([`Error::errno`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
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

/// libzmq's base for errors the platform does not define.
const HAUSNUMERO: i32 = 156_384_712;

impl Error {
    /// The errno libzmq reports for this error on Linux.
    pub fn errno(self) -> i32 {
        match self {
            Error::Again => 11,
            Error::Fsm => HAUSNUMERO + 51,
            Error::Invalid => 22,
            Error::Terminated => HAUSNUMERO + 53,
            Error::NotSupported => 95,
            Error::ProtocolNotSupported => 93,
            Error::NoCompatibleProtocol => HAUSNUMERO + 52,
            Error::AddrInUse => 98,
            Error::AddrNotAvailable => 99,
            Error::NoDevice => 19,
            Error::HostUnreachable => 113,
            Error::NotSocket => 88,
            Error::NoThread => HAUSNUMERO + 54,
            Error::MessageSize => 90,
            Error::NotFound => 2,
            Error::Interrupted => 4,
            Error::Fault => 14,
            Error::NoMemory => 12,
            Error::ConnectionRefused => 111,
            Error::Os(e) => e,
        }
    }

    /// The error for an errno value.
    pub fn from_errno(errno: i32) -> Error {
        [
            Error::Again,
            Error::Fsm,
            Error::Invalid,
            Error::Terminated,
            Error::NotSupported,
            Error::ProtocolNotSupported,
            Error::NoCompatibleProtocol,
            Error::AddrInUse,
            Error::AddrNotAvailable,
            Error::NoDevice,
            Error::HostUnreachable,
            Error::NotSocket,
            Error::NoThread,
            Error::MessageSize,
            Error::NotFound,
            Error::Interrupted,
            Error::Fault,
            Error::NoMemory,
            Error::ConnectionRefused,
        ]
        .into_iter()
        .find(|e| e.errno() == errno)
        .unwrap_or(Error::Os(errno))
    }

    /// libzmq's `zmq_strerror` text.
    pub fn message(self) -> &'static str {
        match self {
            Error::Again => "Resource temporarily unavailable",
            Error::Fsm => "Operation cannot be accomplished in current state",
            Error::Invalid => "Invalid argument",
            Error::Terminated => "Context was terminated",
            Error::NotSupported => "Operation not supported",
            Error::ProtocolNotSupported => "Protocol not supported",
            Error::NoCompatibleProtocol => "The protocol is not compatible with the socket type",
            Error::AddrInUse => "Address already in use",
            Error::AddrNotAvailable => "Cannot assign requested address",
            Error::NoDevice => "No such device",
            Error::HostUnreachable => "Host unreachable",
            Error::NotSocket => "Socket operation on non-socket",
            Error::NoThread => "No thread available",
            Error::MessageSize => "Message too long",
            Error::NotFound => "No such file or directory",
            Error::Interrupted => "Interrupted system call",
            Error::Fault => "Bad address",
            Error::NoMemory => "Cannot allocate memory",
            Error::ConnectionRefused => "Connection refused",
            Error::Os(_) => "Unknown error",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::AddrInUse => Error::AddrInUse,
            K::AddrNotAvailable => Error::AddrNotAvailable,
            K::WouldBlock => Error::Again,
            K::InvalidInput => Error::Invalid,
            K::NotFound => Error::NotFound,
            K::ConnectionRefused => Error::ConnectionRefused,
            K::Interrupted => Error::Interrupted,
            _ => e.raw_os_error().map_or(Error::Invalid, Error::from_errno),
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_libzmq() {
        assert_eq!(Error::Fsm.errno(), 156_384_763);
        assert_eq!(Error::Terminated.errno(), 156_384_765);
        assert_eq!(Error::from_errno(11), Error::Again);
        assert_eq!(Error::from_errno(156_384_764), Error::NoCompatibleProtocol);
        assert_eq!(Error::from_errno(7777), Error::Os(7777));
    }
}
