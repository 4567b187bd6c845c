//! [`OpenFailure`]: a connect or a bind that could not be made, and the
//! socket made for it and closed again (libzmq reports that closing as
//! ZMQ_EVENT_CLOSED before CONNECT_RETRIED or BIND_FAILED).

use std::io;
use std::os::fd::{AsRawFd, RawFd};

use socket2::{Domain, Socket, Type};

/// A connect or bind that failed.
#[derive(Debug)]
pub(crate) struct OpenFailure {
    /// Why.
    pub(crate) error: io::Error,
    /// The descriptor of the socket made for it and closed again, if one
    /// was made.
    pub(crate) closed_fd: Option<RawFd>,
}

impl From<io::Error> for OpenFailure {
    fn from(error: io::Error) -> Self {
        OpenFailure {
            error,
            closed_fd: None,
        }
    }
}

/// Runs `prepare` on a new stream socket of `domain`; a failure closes the
/// socket and names its descriptor.
pub(crate) fn opened_socket(
    domain: Domain,
    prepare: impl FnOnce(&Socket) -> io::Result<()>,
) -> Result<Socket, OpenFailure> {
    let socket = Socket::new(domain, Type::STREAM, None)?;
    match prepare(&socket) {
        Ok(()) => Ok(socket),
        Err(error) => Err(OpenFailure {
            error,
            closed_fd: Some(socket.as_raw_fd()),
        }),
    }
}
