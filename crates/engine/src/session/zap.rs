//! The shell's side of a ZAP exchange: sends the request over inproc,
//! hands the answer to the driver, and carries out its verdict.

use bytes::Bytes;
use ferrozmq_zmtp::{ZapOrigin, ZapRequest};

use super::zmtp::Active;
use super::{Failure, Session, ZapVerdict};
use crate::zap::ZapClient;

impl Session {
    /// Sends a ZAP request to the handler bound at `inproc://zeromq.zap.01`;
    /// with no handler bound, the driver says what happens to the peer.
    pub(super) fn ask_zap(&mut self, a: &mut Active, request: ZapRequest) -> Result<(), Failure> {
        let origin = ZapOrigin {
            domain: self.options.zap_domain.clone(),
            address: Bytes::from(a.stream.peer_address()),
            routing_id: self.options.zmtp.routing_id.clone(),
        };
        let mechanism = request.mechanism;
        let registry = self.inproc.clone();
        let client = registry
            .as_ref()
            .and_then(|r| ZapClient::ask(r, self.wake.clone(), &origin, request));
        if let Some(client) = client {
            a.zap = Some(client);
            return Ok(());
        }
        let verdict = self.driver.zap_unavailable(mechanism);
        self.apply_zap(a, verdict)
    }

    /// Takes the ZAP handler's reply, if it came, and hands it to the handshake.
    pub(super) fn check_zap_reply(&mut self, a: &mut Active) -> Result<(), Failure> {
        let Some(zap) = &a.zap else {
            return Ok(());
        };
        let verdict = self.driver.zap_answer(zap.poll());
        if verdict != ZapVerdict::Wait {
            a.zap = None;
        }
        self.apply_zap(a, verdict)
    }

    /// Carries out the driver's verdict on the handshake.
    fn apply_zap(&mut self, a: &mut Active, verdict: ZapVerdict) -> Result<(), Failure> {
        let peer = a.stream.peer_address();
        match verdict {
            ZapVerdict::Wait | ZapVerdict::Abandon => Ok(()),
            ZapVerdict::Accept(reply) => a.wire.handle_zap_reply(reply),
            ZapVerdict::Refuse(reply) => {
                log::info!(
                    "{}: ZAP refused {peer}: {} {}",
                    self.endpoint,
                    reply.status(),
                    String::from_utf8_lossy(&reply.status_text)
                );
                // The mechanism queues ERROR (not for 300, a temporary
                // failure the peer is not told about); the peer must go.
                let _ = a.wire.handle_zap_reply(reply);
                Ok(())
            }
            ZapVerdict::Fail => {
                log::info!(
                    "{}: ZAP could not judge {peer} (no handler, or a malformed reply)",
                    self.endpoint
                );
                Err(Failure::Reported)
            }
        }
    }
}
