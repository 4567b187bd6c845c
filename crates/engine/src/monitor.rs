//! Socket events, numbered as libzmq's `zmq_socket_monitor` numbers them.
//!
//! The engine reports what happened as a typed [`SocketEvent`]; the one
//! place that turns it into libzmq's (event number, value) pair is
//! [`SocketEvent::to_monitor`].

use std::os::fd::RawFd;
use std::time::Duration;

/// One socket event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorEvent {
    /// Which event (libzmq's ZMQ_EVENT_* bit).
    pub kind: EventKind,
    /// The event's value: a file descriptor, an errno, or an interval in ms.
    pub value: u32,
    /// The endpoint concerned.
    pub endpoint: String,
}

/// Event kinds with libzmq's numeric values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
#[non_exhaustive]
pub enum EventKind {
    /// ZMQ_EVENT_CONNECTED: a connect completed (value: fd).
    Connected = 0x0001,
    /// ZMQ_EVENT_CONNECT_DELAYED: a connect is in progress (value: errno).
    ConnectDelayed = 0x0002,
    /// ZMQ_EVENT_CONNECT_RETRIED: a reconnect is scheduled (value: interval in ms).
    ConnectRetried = 0x0004,
    /// ZMQ_EVENT_LISTENING: bound (value: fd).
    Listening = 0x0008,
    /// ZMQ_EVENT_BIND_FAILED (value: errno).
    BindFailed = 0x0010,
    /// ZMQ_EVENT_ACCEPTED: a connection was accepted (value: fd).
    Accepted = 0x0020,
    /// ZMQ_EVENT_ACCEPT_FAILED (value: errno).
    AcceptFailed = 0x0040,
    /// ZMQ_EVENT_CLOSED: a listener or connection was closed (value: fd).
    Closed = 0x0080,
    /// ZMQ_EVENT_CLOSE_FAILED (value: errno).
    CloseFailed = 0x0100,
    /// ZMQ_EVENT_DISCONNECTED: a session's connection broke (value: fd).
    Disconnected = 0x0200,
    /// ZMQ_EVENT_MONITOR_STOPPED: the monitor was turned off.
    MonitorStopped = 0x0400,
    /// ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL (value: errno).
    HandshakeFailedNoDetail = 0x0800,
    /// ZMQ_EVENT_HANDSHAKE_SUCCEEDED.
    HandshakeSucceeded = 0x1000,
    /// ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL (value: ZMQ_PROTOCOL_ERROR_*).
    HandshakeFailedProtocol = 0x2000,
    /// ZMQ_EVENT_HANDSHAKE_FAILED_AUTH (value: ZAP status code).
    HandshakeFailedAuth = 0x4000,
}

impl EventKind {
    /// libzmq's number for this event.
    pub fn code(self) -> u16 {
        self as u16
    }
}

/// Where a socket's events go (installed by `zmq_socket_monitor`).
pub type MonitorSink = std::sync::Arc<dyn Fn(MonitorEvent) + Send + Sync>;

/// What happened to a socket's endpoint or connection, with its detail typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SocketEvent {
    /// A connect completed on `fd`.
    Connected(RawFd),
    /// A non-blocking connect is in progress (libzmq reports EINPROGRESS).
    ConnectDelayed,
    /// A reconnect is scheduled after `interval`.
    ConnectRetried(Duration),
    /// Bound, listening on `fd`.
    Listening(RawFd),
    /// Binding failed with this errno.
    BindFailed(i32),
    /// A connection was accepted on `fd`.
    Accepted(RawFd),
    /// Accepting failed with this errno.
    AcceptFailed(i32),
    /// A listener (or connection) on `fd` was closed.
    Closed(RawFd),
    /// A session's connection on `fd` broke.
    Disconnected(RawFd),
    /// The monitor was turned off.
    MonitorStopped,
    /// The ZMTP handshake completed.
    HandshakeSucceeded,
    /// The handshake failed.
    HandshakeFailed(HandshakeFailure),
}

/// Why a handshake failed, in the three ways libzmq's monitor tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandshakeFailure {
    /// The link failed (or there was no ZAP handler to ask): an errno.
    NoDetail(i32),
    /// A protocol fault: its ZMQ_PROTOCOL_ERROR_* value.
    Protocol(u32),
    /// ZAP refused the peer: its status (300, 400 or 500).
    Auth(u16),
}

impl SocketEvent {
    /// libzmq's event number and value for this event on `endpoint`.
    pub(crate) fn to_monitor(self, endpoint: &str) -> MonitorEvent {
        let fd = |fd: RawFd| fd as u32;
        let (kind, value) = match self {
            SocketEvent::Connected(f) => (EventKind::Connected, fd(f)),
            SocketEvent::ConnectDelayed => (EventKind::ConnectDelayed, libc::EINPROGRESS as u32),
            SocketEvent::ConnectRetried(ivl) => (
                EventKind::ConnectRetried,
                u32::try_from(ivl.as_millis()).unwrap_or(u32::MAX),
            ),
            SocketEvent::Listening(f) => (EventKind::Listening, fd(f)),
            SocketEvent::BindFailed(errno) => (EventKind::BindFailed, errno as u32),
            SocketEvent::Accepted(f) => (EventKind::Accepted, fd(f)),
            SocketEvent::AcceptFailed(errno) => (EventKind::AcceptFailed, errno as u32),
            SocketEvent::Closed(f) => (EventKind::Closed, fd(f)),
            SocketEvent::Disconnected(f) => (EventKind::Disconnected, fd(f)),
            SocketEvent::MonitorStopped => (EventKind::MonitorStopped, 0),
            SocketEvent::HandshakeSucceeded => (EventKind::HandshakeSucceeded, 0),
            SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(errno)) => {
                (EventKind::HandshakeFailedNoDetail, errno as u32)
            }
            SocketEvent::HandshakeFailed(HandshakeFailure::Protocol(code)) => {
                (EventKind::HandshakeFailedProtocol, code)
            }
            SocketEvent::HandshakeFailed(HandshakeFailure::Auth(status)) => {
                (EventKind::HandshakeFailedAuth, u32::from(status))
            }
        };
        MonitorEvent {
            kind,
            value,
            endpoint: endpoint.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_map_to_libzmq_numbers_and_values() {
        let cases = [
            (SocketEvent::Connected(7), 0x0001, 7),
            (SocketEvent::ConnectDelayed, 0x0002, 115),
            (
                SocketEvent::ConnectRetried(Duration::from_millis(200)),
                0x0004,
                200,
            ),
            (SocketEvent::Listening(3), 0x0008, 3),
            (SocketEvent::Accepted(9), 0x0020, 9),
            (SocketEvent::AcceptFailed(24), 0x0040, 24),
            (SocketEvent::Closed(3), 0x0080, 3),
            (SocketEvent::Disconnected(9), 0x0200, 9),
            (SocketEvent::MonitorStopped, 0x0400, 0),
            (
                SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(32)),
                0x0800,
                32,
            ),
            (SocketEvent::HandshakeSucceeded, 0x1000, 0),
            (
                SocketEvent::HandshakeFailed(HandshakeFailure::Protocol(0x1000_0001)),
                0x2000,
                0x1000_0001,
            ),
            (
                SocketEvent::HandshakeFailed(HandshakeFailure::Auth(400)),
                0x4000,
                400,
            ),
        ];
        for (event, code, value) in cases {
            let m = event.to_monitor("tcp://x:1");
            assert_eq!((m.kind.code(), m.value), (code, value), "{event:?}");
            assert_eq!(m.endpoint, "tcp://x:1");
        }
    }
}
