//! Connecting: when to dial, which address next, connect timeouts, and the
//! reconnect schedule.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::time::Instant;

use super::{Driver, Phase};
use crate::monitor::SocketEvent;

impl Driver {
    /// Whether to (re)connect: always while the socket is open; once it is
    /// closed (or the endpoint disconnected), only while messages wait
    /// (`queued`), as libzmq keeps connecting for them during LINGER.
    pub(crate) fn wants_connection(&self, queued: bool) -> bool {
        self.connecter && (!self.linger.is_terminating() || queued)
    }

    /// Whether a connect round should start now.
    pub(crate) fn connect_due(&mut self, now: Instant, queued: bool) -> bool {
        if !self.wants_connection(queued) {
            // No reconnect is due any more: a stale time would spin the timer.
            self.reconnect_at = None;
            return false;
        }
        if self.reconnect_at.is_some_and(|at| at > now) {
            return false;
        }
        self.reconnect_at = None;
        true
    }

    /// The endpoint's name is being looked up.
    pub(crate) fn resolving(&mut self) {
        self.phase = Phase::Resolving;
    }

    /// The addresses of this round, tried in turn by [`Driver::next_address`].
    pub(crate) fn resolved(&mut self, addresses: VecDeque<SocketAddr>) {
        self.dial = addresses;
    }

    /// The next address to try in this round; `None` when all were tried.
    pub(crate) fn next_address(&mut self) -> Option<SocketAddr> {
        self.dial.pop_front()
    }

    /// A non-blocking connect started. Over `tcp` it completes later
    /// (CONNECT_DELAYED, and ZMQ_CONNECT_TIMEOUT applies); an ipc connect
    /// is done or refused at once, as libzmq reports it (no CONNECT_DELAYED).
    pub(crate) fn connect_started(&mut self, now: Instant, tcp: bool) {
        self.phase = Phase::Connecting;
        if tcp {
            self.emit(SocketEvent::ConnectDelayed);
            self.connect_deadline = self.connect_timeout.map(|t| now + t);
        }
    }

    /// The socket of a failed connect attempt was closed (libzmq reports
    /// ZMQ_EVENT_CLOSED for it before CONNECT_RETRIED).
    pub(crate) fn connect_closed(&mut self, fd: RawFd) {
        self.emit(SocketEvent::Closed(fd));
    }

    /// Whether the connect in progress ran out of time.
    pub(crate) fn connect_expired(&self, now: Instant) -> bool {
        self.connect_deadline.is_some_and(|d| now >= d)
    }

    /// The connect failed (or ran out of time): the shell tries the next
    /// address, or schedules a reconnect.
    pub(crate) fn connect_failed(&mut self) {
        self.connect_deadline = None;
    }

    /// The stream is connected (a SOCKS5 exchange may follow): the round ends.
    pub(crate) fn connect_done(&mut self) {
        self.connect_deadline = None;
        self.dial.clear();
    }

    /// The stream to the peer (through a proxy, if any) is open on `fd`.
    pub(crate) fn connected(&mut self, fd: RawFd) {
        self.emit(SocketEvent::Connected(fd));
    }

    /// Schedules the next round after the backoff delay; `false` if the
    /// session should end instead (it no longer wants a connection, or
    /// ZMQ_RECONNECT_IVL is -1).
    pub(crate) fn schedule_reconnect(&mut self, now: Instant, queued: bool) -> bool {
        self.dial.clear();
        self.connect_deadline = None;
        if !self.wants_connection(queued) {
            self.end();
            return false;
        }
        let Some(ivl) = self.backoff.take() else {
            self.end();
            return false;
        };
        self.phase = Phase::Idle;
        self.reconnect_at = Some(now + ivl);
        self.emit(SocketEvent::ConnectRetried(ivl));
        true
    }
}
