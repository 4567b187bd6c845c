//! [`SendError`]: a failed send, with the message handed back.

use std::fmt;

use crate::error::Error;
use crate::message::Message;

/// A send that did not happen: the [`Error`] and the message, handed back
/// so that nothing is lost (retry it, queue it, or drop it knowingly).
///
/// `M` is [`Message`] for single frames and [`Multipart`](crate::Multipart)
/// for whole messages. `?` turns it into an [`Error`] (dropping the message).
///
/// ```
/// use ferrozmq::{Context, ErrorKind, SocketType};
///
/// let ctx = Context::new();
/// let mut push = ctx.socket(SocketType::Push)?;
/// // Not connected yet: nowhere to queue the message.
/// let failed = push.try_send("hello").unwrap_err();
/// assert_eq!(*failed.error(), ErrorKind::Again);
/// assert_eq!(failed.into_message().data(), b"hello");
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub struct SendError<M = Message> {
    error: Error,
    message: M,
}

impl<M> SendError<M> {
    pub(crate) fn new(error: Error, message: M) -> SendError<M> {
        SendError { error, message }
    }

    /// Why the send failed.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The message that was not sent.
    pub fn into_message(self) -> M {
        self.message
    }

    /// The error and the message.
    pub fn into_parts(self) -> (Error, M) {
        (self.error, self.message)
    }

    /// The same error with the message changed by `f`.
    pub(crate) fn map<N>(self, f: impl FnOnce(M) -> N) -> SendError<N> {
        SendError {
            error: self.error,
            message: f(self.message),
        }
    }
}

impl<M> fmt::Debug for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<M> fmt::Display for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "message not sent: {}", self.error)
    }
}

impl<M> std::error::Error for SendError<M> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<M> From<SendError<M>> for Error {
    fn from(e: SendError<M>) -> Error {
        e.error
    }
}
