//! The ZAP client (RFC 27) of a session: asks the handler bound at
//! `inproc://zeromq.zap.01` to approve a peer and reads its answer, judging
//! a malformed answer as libzmq does (each fault has its own
//! ZMQ_PROTOCOL_ERROR_ZAP_* code for the monitor).

use std::sync::Arc;

use bytes::Bytes;
use ferrozmq_zmtp::{Metadata, ZapReply, ZapRequest};

use crate::inproc::{InprocRegistry, ZAP_ENDPOINT};
use crate::msg::Msg;
use crate::notify::Notify;
use crate::pipe::Pipe;

/// ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED: the reply's envelope is not empty.
pub(crate) const ZAP_UNSPECIFIED: u32 = 0x2000_0000;
/// ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY: not exactly seven frames.
pub(crate) const ZAP_MALFORMED_REPLY: u32 = 0x2000_0001;
/// ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID.
pub(crate) const ZAP_BAD_REQUEST_ID: u32 = 0x2000_0002;
/// ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION.
pub(crate) const ZAP_BAD_VERSION: u32 = 0x2000_0003;
/// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE.
pub(crate) const ZAP_INVALID_STATUS_CODE: u32 = 0x2000_0004;
/// ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA.
pub(crate) const ZAP_INVALID_METADATA: u32 = 0x2000_0005;

/// The only version of ZAP.
const ZAP_VERSION: &[u8] = b"1.0";
/// The request id we put in ZAP requests (one request per connection at a time).
const REQUEST_ID: &[u8] = b"1";

/// Who is asking, for the request's frames.
#[derive(Debug, Clone)]
pub(crate) struct Asker {
    /// ZMQ_ZAP_DOMAIN of the socket.
    pub(crate) domain: Bytes,
    /// The peer's IP address (empty for ipc).
    pub(crate) address: Bytes,
    /// The socket's own routing id.
    pub(crate) routing_id: Bytes,
}

/// What the handler said, once it said something.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZapAnswer {
    /// No reply yet.
    Pending,
    /// The handler went away without answering: libzmq keeps waiting (for
    /// the peer to give up or the handshake timer).
    Gone,
    /// A well-formed reply, with its status as a number (200, 300, 400, 500).
    Reply(ZapReply, u32),
    /// A malformed reply: its ZMQ_PROTOCOL_ERROR_ZAP_* code.
    Malformed(u32),
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
        asker: &Asker,
        request: ZapRequest,
    ) -> Option<ZapClient> {
        let pipe = registry.connect_internal(ZAP_ENDPOINT, wake)?;
        if let Some(msg) = Msg::from_frames(request_frames(asker, request)) {
            pipe.outbound.force_push(msg);
        }
        Some(ZapClient { pipe })
    }

    /// Takes the handler's answer, if it came.
    pub(crate) fn poll(&self) -> ZapAnswer {
        match self.pipe.inbound.pop() {
            Some(msg) => match parse_reply(msg.into_frames().collect()) {
                Ok((reply, status)) => ZapAnswer::Reply(reply, status),
                Err(code) => ZapAnswer::Malformed(code),
            },
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

/// `[ "", "1.0", id, domain, address, routing id, mechanism, credentials... ]`
/// (the empty envelope is what a REP handler strips and puts back).
fn request_frames(asker: &Asker, request: ZapRequest) -> Vec<Bytes> {
    let mut frames = vec![
        Bytes::new(),
        Bytes::from_static(ZAP_VERSION),
        Bytes::from_static(REQUEST_ID),
        asker.domain.clone(),
        asker.address.clone(),
        asker.routing_id.clone(),
        Bytes::from_static(request.mechanism.as_bytes()),
    ];
    frames.extend(request.credentials);
    frames
}

/// Checks `[ "", "1.0", id, status, text, user id, metadata ]` in libzmq's
/// order: frame count, envelope, version, request id, status, metadata.
fn parse_reply(frames: Vec<Bytes>) -> Result<(ZapReply, u32), u32> {
    let [envelope, version, id, status_code, status_text, user_id, metadata] =
        <[Bytes; 7]>::try_from(frames).map_err(|_| ZAP_MALFORMED_REPLY)?;
    if !envelope.is_empty() {
        return Err(ZAP_UNSPECIFIED);
    }
    if &version[..] != ZAP_VERSION {
        return Err(ZAP_BAD_VERSION);
    }
    if &id[..] != REQUEST_ID {
        return Err(ZAP_BAD_REQUEST_ID);
    }
    let status = match &status_code[..] {
        [digit @ b'2'..=b'5', b'0', b'0'] => u32::from(digit - b'0') * 100,
        _ => return Err(ZAP_INVALID_STATUS_CODE),
    };
    let metadata = Metadata::decode(&metadata).map_err(|_| ZAP_INVALID_METADATA)?;
    let reply = ZapReply {
        status_code,
        status_text,
        user_id,
        metadata,
    };
    Ok((reply, status))
}

/// The ZAP status an ERROR command's reason carries ("300", "400", "500"),
/// for the HANDSHAKE_FAILED_AUTH event a refused peer reports; other
/// reasons are not ZAP's and report nothing, as in libzmq.
pub(crate) fn status_in_error_reason(reason: &str) -> Option<u32> {
    match reason.as_bytes() {
        [digit @ b'3'..=b'5', b'0', b'0'] => Some(u32::from(digit - b'0') * 100),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Signaler;

    fn reply(frames: &[&'static [u8]]) -> Vec<Bytes> {
        frames.iter().map(|f| Bytes::from_static(f)).collect()
    }

    const GOOD: [&[u8]; 7] = [b"", b"1.0", b"1", b"200", b"OK", b"anonymous", b""];

    #[test]
    fn parses_a_good_reply() {
        let (r, status) = parse_reply(reply(&GOOD)).unwrap();
        assert_eq!(status, 200);
        assert_eq!(&r.user_id[..], b"anonymous");
        for (code, n) in [(&b"300"[..], 300), (b"400", 400), (b"500", 500)] {
            let mut frames = reply(&GOOD);
            frames[3] = Bytes::copy_from_slice(code);
            assert_eq!(parse_reply(frames).unwrap().1, n);
        }
    }

    #[test]
    fn each_fault_has_its_code() {
        let with = |i: usize, v: &'static [u8]| {
            let mut f = reply(&GOOD);
            f[i] = Bytes::from_static(v);
            parse_reply(f).unwrap_err()
        };
        assert_eq!(with(0, b"x"), ZAP_UNSPECIFIED);
        assert_eq!(with(1, b"invalid_version"), ZAP_BAD_VERSION);
        assert_eq!(with(2, b"invalid_request_id"), ZAP_BAD_REQUEST_ID);
        assert_eq!(with(3, b"invalid_status"), ZAP_INVALID_STATUS_CODE);
        assert_eq!(with(3, b"600"), ZAP_INVALID_STATUS_CODE);
        assert_eq!(with(3, b"210"), ZAP_INVALID_STATUS_CODE);
        assert_eq!(with(6, b"\x05Bad"), ZAP_INVALID_METADATA);
        let mut long = reply(&GOOD);
        long.push(Bytes::new());
        assert_eq!(parse_reply(long).unwrap_err(), ZAP_MALFORMED_REPLY);
        assert_eq!(
            parse_reply(reply(&GOOD[..6])).unwrap_err(),
            ZAP_MALFORMED_REPLY
        );
    }

    #[test]
    fn error_reasons_that_are_zap_statuses() {
        assert_eq!(status_in_error_reason("300"), Some(300));
        assert_eq!(status_in_error_reason("500"), Some(500));
        assert_eq!(status_in_error_reason("200"), None);
        assert_eq!(status_in_error_reason("Invalid"), None);
    }

    #[test]
    fn asks_the_bound_handler_and_reads_its_answer() {
        let registry = InprocRegistry::new();
        let asker = Asker {
            domain: Bytes::from_static(b"global"),
            address: Bytes::from_static(b"127.0.0.1"),
            routing_id: Bytes::from_static(b"IDENT"),
        };
        let request = || ZapRequest {
            mechanism: "PLAIN",
            credentials: vec![Bytes::from_static(b"user"), Bytes::from_static(b"pw")],
        };
        assert!(ZapClient::ask(&registry, Signaler::new(), &asker, request()).is_none());

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
        let client = ZapClient::ask(&registry, Signaler::new(), &asker, request()).unwrap();
        let Some(crate::link::LinkEvent::Attach(theirs)) = handler.take_event() else {
            panic!("the handler was not given the pipe");
        };
        let asked: Vec<Bytes> = theirs.inbound.pop().unwrap().into_frames().collect();
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
        assert!(matches!(client.poll(), ZapAnswer::Reply(_, 200)));
        theirs.outbound.close();
        assert_eq!(client.poll(), ZapAnswer::Gone);
    }
}
