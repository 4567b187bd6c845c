//! The event loops an [`AsyncSocket`](super::AsyncSocket) can wait on: each
//! registers the socket's readiness descriptor and reports it readable.

use std::io;
use std::os::fd::OwnedFd;
use std::task::{Context, Poll};

mod private {
    /// Only the reactors of this module implement [`super::Reactor`].
    pub trait Sealed {}
}

/// An event loop's registration of a socket's readiness descriptor
/// (ZMQ_FD, an edge-triggered eventfd). Implemented by [`Tokio`] and
/// [`AsyncIo`] behind the features of the same names.
pub trait Reactor: private::Sealed + Sized {
    /// Registers `fd` with the event loop of the calling context.
    fn register(fd: OwnedFd) -> io::Result<Self>;

    /// Ready once the descriptor became readable since the last `Ready`
    /// (which it consumes); otherwise arranges for `cx` to be woken.
    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
}

/// Tokio's reactor (`tokio::io::unix::AsyncFd`). Create the socket inside a
/// tokio runtime (outside one, [`AsyncSocket::new`](super::AsyncSocket::new)
/// fails); the runtime needs I/O enabled (`enable_io`/`enable_all`, as
/// `#[tokio::main]` does), or tokio panics as for any of its I/O types.
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub struct Tokio(tokio::io::unix::AsyncFd<OwnedFd>);

#[cfg(feature = "tokio")]
impl private::Sealed for Tokio {}

#[cfg(feature = "tokio")]
impl Reactor for Tokio {
    fn register(fd: OwnedFd) -> io::Result<Self> {
        // AsyncFd::new panics outside a runtime: say so as an error instead.
        tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let interest = tokio::io::Interest::READABLE;
        // Tokio 1.54 deprecated this safe constructor in favour of an
        // `unsafe` one (ferrozmq forbids unsafe code) because an arbitrary
        // `AsRawFd` could hand out a descriptor it does not own. An
        // `OwnedFd` owns its descriptor for as long as the AsyncFd holds
        // it, which is the condition the unsafe one asks for.
        #[allow(deprecated)]
        tokio::io::unix::AsyncFd::with_interest(fd, interest).map(Tokio)
    }

    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.0.poll_read_ready(cx) {
            Poll::Ready(Ok(mut guard)) => {
                // Cleared before the caller looks at ZMQ_EVENTS (which
                // re-arms the eventfd), so a later signal sets it again.
                guard.clear_ready();
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// async-io's reactor (`async_io::Async`), the one smol and async-std run.
#[cfg(feature = "async-io")]
#[derive(Debug)]
pub struct AsyncIo(async_io::Async<OwnedFd>);

#[cfg(feature = "async-io")]
impl private::Sealed for AsyncIo {}

#[cfg(feature = "async-io")]
impl Reactor for AsyncIo {
    fn register(fd: OwnedFd) -> io::Result<Self> {
        async_io::Async::new(fd).map(AsyncIo)
    }

    fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.poll_readable(cx)
    }
}
