//! The handshake: its timer, what a ZAP answer means, and how the end of a
//! connection is reported.

use std::os::fd::RawFd;
use std::time::Instant;

use ferrozmq_zmtp::ZapReply;

use super::{Driver, Failure, Phase};
use crate::monitor::{HandshakeFailure, SocketEvent};
use crate::zap::ZapAnswer;

/// What to do with the handshake after a ZAP answer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZapVerdict {
    /// No answer yet: ask again later.
    Wait,
    /// The handler left without answering: stop asking and wait (for the
    /// peer to give up, or the handshake timer), as libzmq does.
    Abandon,
    /// Accepted: hand the reply to the handshake.
    Accept(ZapReply),
    /// Refused: hand the reply to the handshake (it queues the ERROR for
    /// the peer, but not for 300) and wait, silent, for the peer to go.
    Refuse(ZapReply),
    /// The handshake fails (already reported to the monitor).
    Fail,
}

impl Driver {
    /// ZMTP (not raw) started on a connected stream.
    pub(crate) fn handshake_started(&mut self, now: Instant) {
        self.phase = Phase::Handshaking;
        self.handshake_deadline = self.handshake_ivl.map(|d| now + d);
    }

    /// Raw mode (no handshake) started on a connected stream.
    pub(crate) fn raw_started(&mut self) {
        self.phase = Phase::Ready;
        self.backoff.reset();
    }

    /// Whether ZMQ_HANDSHAKE_IVL ran out.
    pub(crate) fn handshake_expired(&self, now: Instant) -> bool {
        self.handshake_deadline.is_some_and(|d| now >= d)
    }

    /// The handshake completed; returns whether this is a *re*connection
    /// (the socket must restore state such as subscriptions).
    pub(crate) fn handshake_succeeded(&mut self) -> bool {
        self.phase = Phase::Ready;
        self.handshake_deadline = None;
        self.backoff.reset();
        self.emit(SocketEvent::HandshakeSucceeded);
        self.handshakes += 1;
        self.handshakes > 1
    }

    /// Judges the ZAP handler's answer.
    pub(crate) fn zap_answer(&mut self, answer: ZapAnswer) -> ZapVerdict {
        match answer {
            ZapAnswer::Pending => ZapVerdict::Wait,
            ZapAnswer::Gone => ZapVerdict::Abandon,
            ZapAnswer::Malformed(fault) => {
                self.emit(SocketEvent::HandshakeFailed(HandshakeFailure::Protocol(
                    fault.protocol_code(),
                )));
                ZapVerdict::Fail
            }
            ZapAnswer::Reply(reply) if reply.is_accepted() => ZapVerdict::Accept(reply),
            ZapAnswer::Reply(reply) => {
                self.phase = Phase::Refused;
                self.emit(SocketEvent::HandshakeFailed(HandshakeFailure::Auth(
                    reply.status(),
                )));
                ZapVerdict::Refuse(reply)
            }
        }
    }

    /// No ZAP handler is bound: libzmq 4.3 lets NULL peers in, and CURVE
    /// peers too (encryption without authentication, "Stonehouse", while
    /// ZMQ_ZAP_ENFORCE_DOMAIN is off), but drops PLAIN peers, which need
    /// someone to check their password (EFAULT to the monitor).
    pub(crate) fn zap_unavailable(&mut self, mechanism: &str) -> ZapVerdict {
        if mechanism == "NULL" || mechanism == "CURVE" {
            return ZapVerdict::Accept(ZapReply::accepted());
        }
        self.emit(SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(
            libc::EFAULT,
        )));
        ZapVerdict::Fail
    }

    /// The ZMTP connection on `fd` ended with `failure`. Reports it and
    /// returns whether a connecter may try again (a protocol fault ends the
    /// session). As libzmq's stream engine, only a loss while the handshake
    /// runs is a failed handshake: after it (a heartbeat timeout, a reset),
    /// and for a refused peer leaving, only the disconnection is reported.
    pub(crate) fn lost(&mut self, failure: &Failure, fd: RawFd) -> bool {
        if self.phase == Phase::Handshaking {
            if let Some(why) = failure.handshake_failure() {
                self.emit(SocketEvent::HandshakeFailed(why));
            }
        }
        self.emit(SocketEvent::Disconnected(fd));
        self.phase = Phase::Idle;
        self.handshake_deadline = None;
        !failure.is_final()
    }

    /// Whether the handshake is still running (not done, not refused).
    pub(crate) fn is_handshaking(&self) -> bool {
        self.phase == Phase::Handshaking
    }

    /// A raw (STREAM) connection on `fd` ended. libzmq's raw engine has no
    /// security mechanism, so it reports every loss as a failed handshake
    /// too; a peer's close reads as EPIPE.
    pub(crate) fn raw_lost(&mut self, failure: &Failure, fd: RawFd) {
        let errno = match failure {
            Failure::Closed => libc::EPIPE,
            _ => 0,
        };
        self.emit(SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(
            errno,
        )));
        self.emit(SocketEvent::Disconnected(fd));
        self.phase = Phase::Idle;
    }
}
