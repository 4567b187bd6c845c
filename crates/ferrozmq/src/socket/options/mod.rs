//! Socket options: one table (table.rs) declares every option once, with
//! libzmq's number and name, its value codec (codec.rs), default, socket
//! types and typed accessors; macros.rs generates from it the
//! [`SocketOption`] enum, the `Options` struct, raw set/get with libzmq's
//! validation, and the typed accessors on [`Socket`](crate::Socket).
//! handlers.rs holds the few options with side effects; this file turns the
//! options into the snapshot a new connection starts with.

#[macro_use]
mod macros;
mod accessors;
mod codec;
mod curve_options;
mod handlers;
mod reconnect_stop;
mod table;
#[cfg(test)]
mod tests;
mod transport;

use std::time::Duration;

use ferrozmq_engine::SessionOptions;
use ferrozmq_zmtp::{Config, HeartbeatConfig, MechanismConfig, SocketType};

use codec::{Hwm, Interval, SizeLimit, Timeout, Typed};

use crate::curve::os_entropy;

pub(crate) use codec::fsync_policy;
pub use reconnect_stop::ReconnectStop;
pub(crate) use table::Options;
pub use table::SocketOption;

/// An option's value as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    /// A C `int`.
    Int(i32),
    /// A 64-bit integer (ZMQ_AFFINITY, ZMQ_MAXMSGSIZE).
    Int64(i64),
    /// Binary data (routing ids, ...).
    Bytes(Vec<u8>),
    /// Text, returned NUL-terminated through the C ABI (ZMQ_LAST_ENDPOINT, ...):
    /// the bytes as set, which need not be UTF-8 (libzmq keeps C strings
    /// and returns them unchanged).
    Str(Vec<u8>),
}

/// How an option's value is passed through `zmq_setsockopt` and
/// `zmq_getsockopt` (pyzmq's `_opt_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionKind {
    /// A C `int`.
    Int,
    /// An `int64_t` (or `uint64_t`).
    Int64,
    /// Binary data.
    Bytes,
    /// Text; read back NUL-terminated. Any bytes, as in libzmq: the typed
    /// getters (`Socket::plain_username`, ...) return a `String` with bytes
    /// that are not UTF-8 as U+FFFD, while `Socket::option` returns
    /// [`OptionValue::Str`] with the bytes unchanged.
    Str,
    /// A CURVE key: set as 32 octets or 40 Z85 characters; read back as 32
    /// octets into a 32-byte buffer or as Z85 text into a 41-byte one.
    CurveKey,
}

/// When a change to an option takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TakesEffect {
    /// At once, for everything the socket does next (timeouts, HWMs,
    /// routing behaviour, subscriptions).
    Now,
    /// For binds and connects made after the change: each connection keeps
    /// the options it started with, as in libzmq.
    Connect,
}

/// The security mechanism a socket's options select (ZMQ_MECHANISM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// No security (ZMQ_NULL).
    Null,
    /// User name and password in clear text (ZMQ_PLAIN).
    Plain,
    /// CurveZMQ (ZMQ_CURVE).
    Curve,
}

impl Mechanism {
    /// libzmq's number (`ZMQ_NULL` = 0, `ZMQ_PLAIN` = 1, `ZMQ_CURVE` = 2).
    pub fn raw(self) -> i32 {
        match self {
            Mechanism::Null => 0,
            Mechanism::Plain => 1,
            Mechanism::Curve => 2,
        }
    }
}

impl SocketOption {
    /// Options libzmq 4.3 sets but never reads back: its `zmq_getsockopt`
    /// fails with EINVAL for them, and so does the raw path here (the
    /// typed getters on [`Socket`](crate::Socket) still read them).
    pub(crate) fn is_write_only(self) -> bool {
        matches!(
            self,
            SocketOption::RouterMandatory
                | SocketOption::XpubVerbose
                | SocketOption::ProbeRouter
                | SocketOption::ReqCorrelate
                | SocketOption::ReqRelaxed
                | SocketOption::RouterHandover
                | SocketOption::XpubNodrop
                | SocketOption::XpubManual
                | SocketOption::XpubVerboser
                | SocketOption::XpubManualLastValue
                | SocketOption::OnlyFirstSubscribe
        )
    }
}

impl Options {
    pub(crate) fn mechanism(&self) -> MechanismConfig {
        if self.curve.active {
            self.curve.mechanism()
        } else if self.plain_server {
            MechanismConfig::PlainServer
        } else if self.plain_client {
            MechanismConfig::PlainClient {
                username: self.plain_username.clone(),
                password: self.plain_password.clone(),
            }
        } else {
            MechanismConfig::Null
        }
    }

    /// ZMQ_LINGER as a duration (`None` = forever).
    pub(crate) fn linger_duration(&self) -> Option<Duration> {
        Timeout::out(&self.linger)
    }

    /// Whether new connections speak raw TCP (STREAM, or ROUTER_RAW).
    pub(crate) fn is_raw(&self) -> bool {
        match self.socket_type {
            SocketType::Stream => true,
            SocketType::Router => self.router_raw,
            _ => false,
        }
    }

    /// The snapshot handed to a new connection, in the engine's types
    /// (the codecs' typed readings of libzmq's values).
    pub(crate) fn session_options(&self) -> SessionOptions {
        let mut zmtp = Config::new(self.socket_type);
        zmtp.routing_id = self.routing_id.clone();
        zmtp.metadata = self.metadata.clone();
        zmtp.mechanism = self.mechanism();
        if self.curve.active {
            zmtp.entropy = Some(os_entropy());
        }
        zmtp.zap_for_null = !self.zap_domain.is_empty();
        // Unset: no frame larger than could ever be held.
        zmtp.max_message_size = Some(
            SizeLimit::out(&self.maxmsgsize).unwrap_or_else(ferrozmq_engine::frame_size_ceiling),
        );
        zmtp.heartbeat = HeartbeatConfig {
            interval: Interval::out(&self.heartbeat_ivl),
            ttl: Interval::out(&self.heartbeat_ttl),
            // -1 (the interval) and 0 both mean no timeout of its own.
            timeout: Interval::out(&self.heartbeat_timeout),
        };
        let conflates = matches!(
            self.socket_type,
            SocketType::Dealer
                | SocketType::Pull
                | SocketType::Push
                | SocketType::Pub
                | SocketType::Sub
        );
        // REQ is a DEALER inside libzmq and probes too; REP takes the option
        // but sends no probe (checked against libzmq 4.3).
        let probes = matches!(
            self.socket_type,
            SocketType::Router | SocketType::Dealer | SocketType::Req
        );
        SessionOptions {
            sndhwm: Hwm::out(&self.sndhwm),
            rcvhwm: Hwm::out(&self.rcvhwm),
            // libzmq waits at least a millisecond between attempts.
            reconnect_ivl: Timeout::out(&self.reconnect_ivl)
                .map(|d| d.max(Duration::from_millis(1))),
            reconnect_ivl_max: Interval::out(&self.reconnect_ivl_max).unwrap_or_default(),
            linger: self.linger_duration(),
            immediate: self.immediate,
            handshake_ivl: Interval::out(&self.handshake_ivl),
            connect_routing_id: self.connect_routing_id.clone(),
            net: self.net_options(),
            zap_domain: self.zap_domain.clone(),
            socks_proxy: (!self.socks.address.is_empty()).then(|| self.socks.clone()),
            raw: self.is_raw(),
            raw_notify: self.stream_notify,
            conflate: self.conflate && conflates,
            probe_router: self.probe_router && probes,
            stop_when_refused: self.reconnect_stop & ReconnectStop::CONNECTION_REFUSED.bits() != 0,
            stop_when_handshake_fails: self.reconnect_stop & ReconnectStop::HANDSHAKE_FAILED.bits()
                != 0,
            ..SessionOptions::new(zmtp)
        }
    }
}
