//! The ZAP client (RFC 27) of a session: carries a request to the handler
//! bound at `inproc://zeromq.zap.01` and its answer back. The wire form
//! (frames in, frames out, and the judging of a malformed answer) is
//! `ferrozmq_zmtp`'s; this file only moves the frames over an inproc pipe.

use std::sync::Arc;

use ferrozmq_zmtp::{ZapFault, ZapOrigin, ZapReply, ZapRequest};

use crate::inproc::{InprocRegistry, ZAP_ENDPOINT};
use crate::msg::{Body, Msg};
use crate::notify::Notify;
use crate::pipe::Pipe;

/// What the handler said, once it said something.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZapAnswer {
    /// No reply yet.
    Pending,
    /// The handler went away without answering: libzmq keeps waiting (for
    /// the peer to give up or the handshake timer).
    Gone,
    /// A well-formed reply.
    Reply(ZapReply),
    /// A malformed reply.
    Malformed(ZapFault),
}

/// One outstanding ZAP request and the pipe its answer comes back on.
#[derive(Debug)]
pub(crate) struct ZapClient {
    pipe: Pipe,
}

impl ZapClient {
    /// Sends `request` to the handler bound in `registry`; `None` if no
    /// handler is bound.
    pub(crate) fn ask(
        registry: &InprocRegistry,
        wake: Arc<dyn Notify>,
        origin: &ZapOrigin,
        request: ZapRequest,
    ) -> Option<ZapClient> {
        let pipe = registry.connect_internal(ZAP_ENDPOINT, wake)?;
        if let Some(msg) = Msg::from_frames(request.encode(origin)) {
            pipe.outbound.force_push(msg);
        }
        Some(ZapClient { pipe })
    }

    /// Takes the handler's answer, if it came.
    pub(crate) fn poll(&self) -> ZapAnswer {
        match self.pipe.inbound.pop() {
            Some(msg) => {
                match ZapReply::decode(msg.into_frames().map(Body::into_bytes).collect()) {
                    Ok(reply) => ZapAnswer::Reply(reply),
                    Err(fault) => ZapAnswer::Malformed(fault),
                }
            }
            None if self.pipe.inbound.is_finished() => ZapAnswer::Gone,
            None => ZapAnswer::Pending,
        }
    }
}

impl Drop for ZapClient {
    fn drop(&mut self) {
        self.pipe.outbound.close();
        self.pipe.inbound.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Signaler;
    use bytes::Bytes;

    fn reply(frames: &[&'static [u8]]) -> Vec<Bytes> {
        frames.iter().map(|f| Bytes::from_static(f)).collect()
    }

    const GOOD: [&[u8]; 7] = [b"", b"1.0", b"1", b"200", b"OK", b"anonymous", b""];

    #[test]
    fn asks_the_bound_handler_and_reads_its_answer() {
        let registry = InprocRegistry::new();
        let origin = ZapOrigin {
            domain: Bytes::from_static(b"global"),
            address: Bytes::from_static(b"127.0.0.1"),
            routing_id: Bytes::from_static(b"IDENT"),
        };
        let request = || ZapRequest {
            mechanism: "PLAIN",
            credentials: vec![Bytes::from_static(b"user"), Bytes::from_static(b"pw")],
        };
        assert!(ZapClient::ask(&registry, Signaler::new(), &origin, request()).is_none());

        let handler = crate::link::SocketLink::new();
        registry
            .bind(
                "zeromq.zap.01",
                crate::inproc::InprocPeer {
                    link: handler.clone(),
                    socket_type: ferrozmq_zmtp::SocketType::Rep,
                    routing_id: Bytes::new(),
                    sndhwm: 0,
                    rcvhwm: 0,
                    conflate: false,
                    probe_router: false,
                },
            )
            .unwrap();
        let client = ZapClient::ask(&registry, Signaler::new(), &origin, request()).unwrap();
        let Some(crate::link::LinkEvent::Attach(theirs)) = handler.take_event() else {
            panic!("the handler was not given the pipe");
        };
        let asked: Vec<Bytes> = theirs
            .inbound
            .pop()
            .unwrap()
            .into_frames()
            .map(Body::into_bytes)
            .collect();
        assert_eq!(
            asked,
            reply(&[
                b"",
                b"1.0",
                b"1",
                b"global",
                b"127.0.0.1",
                b"IDENT",
                b"PLAIN",
                b"user",
                b"pw"
            ])
        );
        assert_eq!(client.poll(), ZapAnswer::Pending);
        theirs
            .outbound
            .force_push(Msg::from_frames(reply(&GOOD)).unwrap());
        assert!(matches!(client.poll(), ZapAnswer::Reply(r) if r.status() == 200));
        theirs.outbound.close();
        assert_eq!(client.poll(), ZapAnswer::Gone);
    }
}
