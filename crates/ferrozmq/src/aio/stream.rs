//! [`AsyncSocket`] as a `Stream` of received messages and a `Sink` of
//! messages to send.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_sink::Sink;

use super::compat;
use super::reactor::Reactor;
use super::socket::AsyncSocket;
use crate::error::{Error, Result};
use crate::multipart::Multipart;

/// Each item is one whole received message. The stream ends when the
/// context is terminated; other errors are items and the stream goes on.
impl<R: Reactor + Unpin> Stream for AsyncSocket<R> {
    type Item = Result<Multipart>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut().poll_recv_multipart(cx) {
            Poll::Ready(Err(e)) if compat::is_terminated(&e) => Poll::Ready(None),
            Poll::Ready(item) => Poll::Ready(Some(item)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Holds one message: `poll_ready` is ready once the previous one was
/// taken by the socket; `poll_flush` waits until the held one is.
impl<R: Reactor + Unpin, M: Into<Multipart>> Sink<M> for AsyncSocket<R> {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_flush_outbox(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: M) -> Result<()> {
        let this = self.get_mut();
        if this.outbox.is_some() {
            // The Sink contract was broken (no poll_ready first): refuse
            // rather than drop the held message.
            return Err(compat::misuse());
        }
        this.outbox = Some(item.into());
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_flush_outbox(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.get_mut().poll_flush_outbox(cx)
    }
}
