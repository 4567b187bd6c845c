//! The handler thread: answers ZAP requests on inproc://zeromq.zap.01 from
//! the shared policy until told to stop or the context shuts down.

use std::sync::{Arc, Mutex};

use super::policy::{Decision, Policy};
use super::request::{reply, ZapRequest};
use crate::error::{ErrorKind, Result};
use crate::poll_events::PollEvents;
use crate::poller::{poll, PollItem};
use crate::socket::Socket;

/// Serves `zap` (a bound REP socket) until `control` (a PAIR) receives
/// anything or the context is shut down.
pub(super) fn serve(
    mut zap: Socket,
    mut control: Socket,
    policy: Arc<Mutex<Policy>>,
) -> Result<()> {
    loop {
        let (zap_ready, stop) = {
            let mut items = [
                PollItem::socket(&mut zap, PollEvents::READABLE),
                PollItem::socket(&mut control, PollEvents::READABLE),
            ];
            match poll(&mut items, None) {
                Ok(_) => {
                    let [zap_item, control_item] = &items;
                    (zap_item.is_readable(), control_item.is_readable())
                }
                Err(e) if e.kind() == ErrorKind::Terminated => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if stop {
            return Ok(());
        }
        if zap_ready {
            match answer(&mut zap, &policy) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::Again => {}
                Err(e) if e.kind() == ErrorKind::Terminated => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

/// Reads one request and sends its reply.
fn answer(zap: &mut Socket, policy: &Mutex<Policy>) -> Result<()> {
    let frames = zap.try_recv_multipart()?.into_bytes();
    let (request_id, decision) = match ZapRequest::parse(&frames) {
        Ok(request) => {
            let decision = match policy.lock() {
                Ok(policy) => policy.decide(&request),
                // A setter panicked half-way: refuse rather than guess.
                Err(_) => Decision {
                    status: "500",
                    text: "Internal error",
                    user_id: String::new(),
                },
            };
            (request.request_id, decision)
        }
        Err(bad) => (bad.request_id, Decision::deny(bad.text)),
    };
    zap.send_multipart(reply(
        request_id,
        decision.status,
        decision.text,
        decision.user_id,
    ))
}
