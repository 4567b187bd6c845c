//! The connection driver: one session's lifecycle as a sans-IO state
//! machine, as `ferrozmq_zmtp::Connection` is for the protocol.
//!
//! It decides *when* and *what*, never does anything itself: when to
//! (re)connect and with which address, when a connect, a handshake or a
//! linger has run out, how long to back off, what a ZAP answer means for
//! the handshake, how a lost connection is reported, and every monitor
//! event that follows. Time comes in as `now`; no clock, socket, thread or
//! pipe is touched here, so all of it is tested on a fake clock
//! (`tests.rs`). The mio session in `super` is the shell that does the I/O
//! and tells the driver what happened.
//!
//! ```text
//!            connect_due ──► [Resolving] ──► Connecting ──► connected ──► Handshaking ──► Ready
//!   Idle ◄── schedule_reconnect ◄─┴── connect_failed/expired     │  zap refused ─► Refused
//!                                                                 └── lost ──► Idle or Ended
//! ```
//!
//! Calling order, each time the session runs: `observe_socket(now, ..)`,
//! then the inputs for what the shell saw (`connect_due`, `connected`,
//! `lost`, `zap_answer`, ...), then `poll_event` until `None` (to the
//! monitor) and `poll_timeout` (to the reactor's timer).

mod backoff;
mod connect;
mod failure;
mod handshake;
mod linger;
#[cfg(test)]
mod tests;
mod wire;
#[cfg(test)]
mod wire_tests;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use backoff::Backoff;
use linger::Linger;

use crate::monitor::SocketEvent;
use crate::options::SessionOptions;

pub(crate) use failure::Failure;
pub(crate) use handshake::ZapVerdict;
pub(crate) use linger::SocketState;
pub(crate) use wire::{Inbound, Wire};

/// Where a session's connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Not connected; a connecter reconnects when due.
    Idle,
    /// Waiting for the endpoint's name to resolve.
    Resolving,
    /// A connect (or the SOCKS5 exchange behind it) is in progress.
    Connecting,
    /// Connected; the ZMTP handshake runs.
    Handshaking,
    /// ZAP refused the peer; waiting for it to go.
    Refused,
    /// Handshake done (or raw mode): messages flow.
    Ready,
    /// Done for good.
    Ended,
}

/// A session's lifecycle, fed what happened and `now`.
#[derive(Debug)]
pub(crate) struct Driver {
    /// Made by `connect` (reconnects), rather than accepted.
    connecter: bool,
    phase: Phase,
    backoff: Backoff,
    reconnect_at: Option<Instant>,
    connect_timeout: Option<Duration>,
    connect_deadline: Option<Instant>,
    handshake_ivl: Option<Duration>,
    handshake_deadline: Option<Instant>,
    /// Resolved addresses not tried yet in this round.
    dial: VecDeque<SocketAddr>,
    linger: Linger,
    handshakes: u32,
    events: VecDeque<SocketEvent>,
}

/// What still waits to go out, for deciding whether a closing session is done.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backlog {
    /// Messages from the socket wait in the pipe.
    pub(crate) queued: bool,
    /// Encoded bytes wait to be written.
    pub(crate) unsent: bool,
    /// The session has a pipe at all (it never had one if it never connected).
    pub(crate) has_pipe: bool,
}

impl Driver {
    /// A driver for a session made by `connect` (`connecter`) or accepted,
    /// timed by `options`.
    pub(crate) fn new(connecter: bool, options: &SessionOptions) -> Driver {
        Driver {
            connecter,
            phase: Phase::Idle,
            backoff: Backoff::new(options.reconnect_ivl, options.reconnect_ivl_max),
            reconnect_at: None,
            connect_timeout: options.net.connect_timeout,
            connect_deadline: None,
            handshake_ivl: options.handshake_ivl,
            handshake_deadline: None,
            dial: VecDeque::new(),
            linger: Linger::default(),
            handshakes: 0,
            events: VecDeque::new(),
        }
    }

    /// Where the connection stands.
    pub(crate) fn phase(&self) -> Phase {
        self.phase
    }

    /// The next monitor event to report.
    pub(crate) fn poll_event(&mut self) -> Option<SocketEvent> {
        self.events.pop_front()
    }

    /// The earliest time the driver wants `handle_timeout`-style attention.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        [
            self.reconnect_at,
            self.connect_deadline,
            self.linger.deadline(),
            self.handshake_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// When a closing session's linger runs out (`None` while it is not
    /// closing).
    pub(crate) fn linger_deadline(&self) -> Option<Instant> {
        self.linger.deadline()
    }

    /// Unbind/disconnect: stop reconnecting, flush within linger, then end.
    pub(crate) fn terminate(&mut self) {
        self.linger.terminate();
    }

    /// Takes the socket's close (or its closing of our pipe) into account.
    pub(crate) fn observe_socket(&mut self, now: Instant, socket: SocketState) {
        self.linger.observe(now, socket);
    }

    /// Whether the session is done: ended, or closing with nothing left to
    /// send (or its linger run out, or never having connected at all).
    pub(crate) fn is_finished(&self, now: Instant, backlog: Backlog) -> bool {
        if self.phase == Phase::Ended {
            return true;
        }
        if !self.linger.is_terminating() {
            return false;
        }
        if self.linger.expired(now) {
            return true;
        }
        !backlog.queued && !backlog.unsent || !backlog.has_pipe
    }

    /// The session ends now (its pipe closes).
    pub(crate) fn end(&mut self) {
        self.phase = Phase::Ended;
        self.handshake_deadline = None;
        self.connect_deadline = None;
        self.reconnect_at = None;
    }

    fn emit(&mut self, event: SocketEvent) {
        self.events.push_back(event);
    }
}
