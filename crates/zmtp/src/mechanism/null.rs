//! NULL (RFC 23): both sides send READY with metadata; optional ZAP check.

use bytes::Bytes;

use super::{HandshakeStatus, Mechanism, ZapReply, ZapRequest};
use crate::command::{Command, Metadata};
use crate::error::{Error, Result};
use crate::greeting::MechanismName;

/// The NULL mechanism; the same on both sides.
#[derive(Debug)]
pub struct Null {
    local: Metadata,
    state: State,
    ready_sent: bool,
    peer: Option<Metadata>,
    zap_reply: Option<ZapReply>,
    pending_error: Option<Bytes>,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    /// ZAP must answer before we send READY.
    ZapToSend,
    ZapWaiting,
    Sending,
    Failed,
}

impl Null {
    /// A NULL mechanism announcing `local`; with `zap`, READY waits for ZAP's approval.
    pub fn new(local: Metadata, zap: bool) -> Null {
        Null {
            local,
            state: if zap {
                State::ZapToSend
            } else {
                State::Sending
            },
            ready_sent: false,
            peer: None,
            zap_reply: None,
            pending_error: None,
        }
    }
}

impl Mechanism for Null {
    fn name(&self) -> MechanismName {
        MechanismName::NULL
    }

    fn as_server(&self) -> bool {
        false
    }

    fn poll_command(&mut self) -> Option<Bytes> {
        if let Some(error) = self.pending_error.take() {
            return Some(error);
        }
        if self.state == State::Sending && !self.ready_sent {
            self.ready_sent = true;
            return Some(Command::Ready(self.local.clone()).encode());
        }
        None
    }

    fn handle_command(&mut self, body: &Bytes) -> Result<()> {
        match Command::decode(body)? {
            Command::Ready(m) if self.peer.is_none() => {
                self.peer = Some(m);
                Ok(())
            }
            Command::Error(reason) => Err(Error::PeerError(reason)),
            _ => Err(Error::PeerMisbehaved(
                "unexpected command in NULL handshake",
            )),
        }
    }

    fn poll_zap_request(&mut self) -> Option<ZapRequest> {
        if self.state != State::ZapToSend {
            return None;
        }
        self.state = State::ZapWaiting;
        Some(ZapRequest {
            mechanism: "NULL",
            credentials: Vec::new(),
        })
    }

    fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<()> {
        if self.state != State::ZapWaiting {
            return Err(Error::Misuse("ZAP reply without a request"));
        }
        if !reply.is_accepted() {
            self.state = State::Failed;
            self.pending_error = reply.error_command();
            return Err(reply.refusal());
        }
        self.zap_reply = Some(reply);
        self.state = State::Sending;
        Ok(())
    }

    fn status(&self) -> HandshakeStatus {
        if self.ready_sent && self.peer.is_some() {
            HandshakeStatus::Ready
        } else {
            HandshakeStatus::InProgress
        }
    }

    fn peer_metadata(&self) -> Option<&Metadata> {
        self.peer.as_ref()
    }

    fn zap_result(&self) -> Option<&ZapReply> {
        self.zap_reply.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_ready_and_accepts_peer_ready() {
        let mut m = Null::new(Metadata::new(), false);
        assert_eq!(&m.poll_command().unwrap()[..], b"\x05READY");
        assert_eq!(m.poll_command(), None);
        assert_eq!(m.status(), HandshakeStatus::InProgress);
        m.handle_command(&Bytes::from_static(b"\x05READY")).unwrap();
        assert_eq!(m.status(), HandshakeStatus::Ready);
        assert!(m.handle_command(&Bytes::from_static(b"\x05READY")).is_err());
    }

    #[test]
    fn zap_gates_ready() {
        let mut m = Null::new(Metadata::new(), true);
        assert_eq!(m.poll_command(), None);
        assert_eq!(m.poll_zap_request().unwrap().mechanism, "NULL");
        assert_eq!(m.poll_command(), None);
        m.handle_zap_reply(ZapReply::accepted()).unwrap();
        assert!(m.poll_command().is_some());

        let mut refused = Null::new(Metadata::new(), true);
        refused.poll_zap_request();
        assert!(refused.handle_zap_reply(ZapReply::refused("400")).is_err());
        assert_eq!(&refused.poll_command().unwrap()[..], b"\x05ERROR\x03400");

        // 300 is a temporary failure: the peer is not told (RFC 27, libzmq).
        let mut later = Null::new(Metadata::new(), true);
        later.poll_zap_request();
        assert!(later.handle_zap_reply(ZapReply::refused("300")).is_err());
        assert_eq!(later.poll_command(), None);
    }

    #[test]
    fn peer_error_is_reported() {
        let mut m = Null::new(Metadata::new(), false);
        let err = m.handle_command(&Bytes::from_static(b"\x05ERROR\x02no"));
        assert_eq!(err, Err(Error::PeerError("no".into())));
    }
}
