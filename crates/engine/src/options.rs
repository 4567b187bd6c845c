//! The options a connection is started with: a snapshot of the socket's
//! options at bind or connect time, as in libzmq.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq_zmtp::Config;

use crate::transport::{NetOptions, SocksProxy};

/// Everything a session needs to know about its socket.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// ZMTP settings: socket type, routing id, metadata, mechanism, limits, heartbeats.
    pub zmtp: Config,
    /// Messages queued towards the peer before senders block (ZMQ_SNDHWM; 0 = no limit).
    pub sndhwm: usize,
    /// Messages queued from the peer before reading stops (ZMQ_RCVHWM; 0 = no limit).
    pub rcvhwm: usize,
    /// First reconnect delay (ZMQ_RECONNECT_IVL; `None` = never reconnect).
    pub reconnect_ivl: Option<Duration>,
    /// Largest reconnect delay for exponential backoff (ZMQ_RECONNECT_IVL_MAX; zero = no backoff).
    pub reconnect_ivl_max: Duration,
    /// How long to keep delivering after close (ZMQ_LINGER; `None` = forever).
    pub linger: Option<Duration>,
    /// Only queue messages for completed connections (ZMQ_IMMEDIATE).
    pub immediate: bool,
    /// Time allowed for the handshake (ZMQ_HANDSHAKE_IVL; `None` = no limit).
    pub handshake_ivl: Option<Duration>,
    /// Routing id to give the next connected peer (ZMQ_CONNECT_ROUTING_ID).
    pub connect_routing_id: Option<Bytes>,
    /// OS socket settings: buffers, keepalive, backlog, filters, ... .
    pub net: NetOptions,
    /// ZAP domain sent with authentication requests (ZMQ_ZAP_DOMAIN).
    pub zap_domain: Bytes,
    /// Keep only the last message in each direction (ZMQ_CONFLATE).
    pub conflate: bool,
    /// Reach tcp peers through this SOCKS5 proxy (ZMQ_SOCKS_PROXY).
    pub socks_proxy: Option<SocksProxy>,
    /// Raw TCP, no ZMTP (ZMQ_STREAM): bytes pass as they come.
    pub raw: bool,
    /// In raw mode, announce each connect and disconnect to the socket with
    /// an empty message (ZMQ_STREAM_NOTIFY).
    pub raw_notify: bool,
    /// Greet each new peer with an empty message (ZMQ_PROBE_ROUTER).
    pub probe_router: bool,
    /// A refused connect ends the connection for good instead of a
    /// reconnect (ZMQ_RECONNECT_STOP_CONN_REFUSED).
    pub stop_when_refused: bool,
    /// A connection lost during the handshake is not reconnected
    /// (ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED).
    pub stop_when_handshake_fails: bool,
}

impl SessionOptions {
    /// libzmq's defaults for a socket whose ZMTP settings are `zmtp`.
    pub fn new(zmtp: Config) -> SessionOptions {
        SessionOptions {
            zmtp,
            sndhwm: 1000,
            rcvhwm: 1000,
            reconnect_ivl: Some(Duration::from_millis(100)),
            reconnect_ivl_max: Duration::ZERO,
            linger: None,
            immediate: false,
            handshake_ivl: Some(Duration::from_secs(30)),
            connect_routing_id: None,
            net: NetOptions::default(),
            zap_domain: Bytes::new(),
            conflate: false,
            socks_proxy: None,
            raw: false,
            raw_notify: true,
            probe_router: false,
            stop_when_refused: false,
            stop_when_handshake_fails: false,
        }
    }
}
