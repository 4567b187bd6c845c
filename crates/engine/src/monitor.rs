//! Socket events, numbered as libzmq's `zmq_socket_monitor` numbers them.

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
