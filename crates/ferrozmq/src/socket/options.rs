//! Socket options: libzmq's numbers, validation and defaults.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq_engine::{SessionOptions, SocksProxy};
use ferrozmq_zmtp::{
    Config, CurvePublicKey, CurveSecretKey, HeartbeatConfig, MechanismConfig, Metadata, SocketType,
};
use zeroize::Zeroizing;

use super::transport_options::TransportOptions;
use crate::curve::{key_from_option, os_entropy};
use crate::error::{Error, Result};

/// Socket option names with libzmq's numeric values (`ZMQ_SNDHWM` = 23, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SocketOption {
    /// ZMQ_AFFINITY (u64; accepted and ignored).
    Affinity = 4,
    /// ZMQ_ROUTING_ID: the identity this socket announces (1–255 bytes).
    RoutingId = 5,
    /// ZMQ_SUBSCRIBE: add a topic prefix (SUB).
    Subscribe = 6,
    /// ZMQ_UNSUBSCRIBE: remove a topic prefix (SUB).
    Unsubscribe = 7,
    /// ZMQ_RATE (multicast; accepted and ignored).
    Rate = 8,
    /// ZMQ_RECOVERY_IVL (multicast; accepted and ignored).
    RecoveryIvl = 9,
    /// ZMQ_SNDBUF: kernel send buffer size.
    SndBuf = 11,
    /// ZMQ_RCVBUF: kernel receive buffer size.
    RcvBuf = 12,
    /// ZMQ_RCVMORE: more frames of the current message follow (read-only).
    RcvMore = 13,
    /// ZMQ_FD: readiness file descriptor (read-only).
    Fd = 14,
    /// ZMQ_EVENTS: POLLIN/POLLOUT state (read-only).
    Events = 15,
    /// ZMQ_TYPE: the socket type (read-only).
    Type = 16,
    /// ZMQ_LINGER: ms to deliver queued messages after close (-1 = forever).
    Linger = 17,
    /// ZMQ_RECONNECT_IVL: first reconnect delay in ms (-1 = never).
    ReconnectIvl = 18,
    /// ZMQ_BACKLOG: listen backlog.
    Backlog = 19,
    /// ZMQ_RECONNECT_IVL_MAX: largest reconnect delay in ms (0 = no backoff).
    ReconnectIvlMax = 21,
    /// ZMQ_MAXMSGSIZE: largest inbound frame in bytes (i64, -1 = no limit).
    MaxMsgSize = 22,
    /// ZMQ_SNDHWM: messages queued per peer before send blocks or drops.
    SndHwm = 23,
    /// ZMQ_RCVHWM: messages queued per peer before reading stops.
    RcvHwm = 24,
    /// ZMQ_MULTICAST_HOPS (accepted and ignored).
    MulticastHops = 25,
    /// ZMQ_RCVTIMEO: receive timeout in ms (-1 = forever).
    RcvTimeo = 27,
    /// ZMQ_SNDTIMEO: send timeout in ms (-1 = forever).
    SndTimeo = 28,
    /// ZMQ_LAST_ENDPOINT: the last endpoint bound (read-only).
    LastEndpoint = 32,
    /// ZMQ_ROUTER_MANDATORY: unroutable messages fail with EHOSTUNREACH.
    RouterMandatory = 33,
    /// ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE on TCP connections (1 on, 0 off, -1 OS default).
    TcpKeepalive = 34,
    /// ZMQ_TCP_KEEPALIVE_CNT: keepalive probes before giving up (-1 = OS default).
    TcpKeepaliveCnt = 35,
    /// ZMQ_TCP_KEEPALIVE_IDLE: idle seconds before the first probe (-1 = OS default).
    TcpKeepaliveIdle = 36,
    /// ZMQ_TCP_KEEPALIVE_INTVL: seconds between keepalive probes (-1 = OS default).
    TcpKeepaliveIntvl = 37,
    /// ZMQ_TCP_ACCEPT_FILTER: accept TCP peers only from this network (CIDR);
    /// repeat to add networks, empty to clear (write-only).
    TcpAcceptFilter = 38,
    /// ZMQ_IMMEDIATE: queue only for completed connections.
    Immediate = 39,
    /// ZMQ_XPUB_VERBOSE: pass duplicate subscriptions up (XPUB).
    XpubVerbose = 40,
    /// ZMQ_IPV6: enable IPv6.
    Ipv6 = 42,
    /// ZMQ_MECHANISM: the security mechanism in use (read-only).
    Mechanism = 43,
    /// ZMQ_PLAIN_SERVER: act as PLAIN server.
    PlainServer = 44,
    /// ZMQ_PLAIN_USERNAME: PLAIN client user name.
    PlainUsername = 45,
    /// ZMQ_PLAIN_PASSWORD: PLAIN client password.
    PlainPassword = 46,
    /// ZMQ_CURVE_SERVER: act as CURVE server (needs ZMQ_CURVE_SECRETKEY).
    CurveServer = 47,
    /// ZMQ_CURVE_PUBLICKEY: our long-term public key (32 octets or 40 Z85 characters).
    CurvePublickey = 48,
    /// ZMQ_CURVE_SECRETKEY: our long-term secret key (32 octets or 40 Z85 characters).
    CurveSecretkey = 49,
    /// ZMQ_CURVE_SERVERKEY: the server's public key; makes this socket a CURVE client.
    CurveServerkey = 50,
    /// ZMQ_PROBE_ROUTER (accepted and stored).
    ProbeRouter = 51,
    /// ZMQ_REQ_CORRELATE: REQ adds a request id to match replies.
    ReqCorrelate = 52,
    /// ZMQ_REQ_RELAXED: REQ may send again without waiting for a reply.
    ReqRelaxed = 53,
    /// ZMQ_CONFLATE: keep only the last message.
    Conflate = 54,
    /// ZMQ_ZAP_DOMAIN: ZAP domain (NULL mechanism asks ZAP when set).
    ZapDomain = 55,
    /// ZMQ_ROUTER_HANDOVER: a new peer with a known routing id takes it over.
    RouterHandover = 56,
    /// ZMQ_TOS: IP type-of-service byte of TCP connections (0 = OS default).
    Tos = 57,
    /// ZMQ_IPC_FILTER_PID: accept ipc peers of this process id (repeat to
    /// add, empty to clear; write-only).
    IpcFilterPid = 58,
    /// ZMQ_IPC_FILTER_UID: accept ipc peers of this user id (write-only).
    IpcFilterUid = 59,
    /// ZMQ_IPC_FILTER_GID: accept ipc peers in this group (write-only).
    IpcFilterGid = 60,
    /// ZMQ_CONNECT_ROUTING_ID: routing id for the next connected peer (ROUTER, STREAM).
    ConnectRoutingId = 61,
    /// ZMQ_HANDSHAKE_IVL: ms allowed for the handshake (0 = no limit).
    HandshakeIvl = 66,
    /// ZMQ_SOCKS_PROXY: connect over tcp through this SOCKS5 proxy
    /// (`host:port`; empty = none).
    SocksProxy = 68,
    /// ZMQ_XPUB_NODROP: XPUB blocks instead of dropping at HWM.
    XpubNodrop = 69,
    /// ZMQ_BLOCKY: context option semantics (accepted).
    Blocky = 70,
    /// ZMQ_XPUB_MANUAL: subscriptions are managed by the application.
    XpubManual = 71,
    /// ZMQ_XPUB_WELCOME_MSG: message sent to each new subscriber.
    XpubWelcomeMsg = 72,
    /// ZMQ_STREAM_NOTIFY: STREAM announces connects and disconnects (set-only).
    StreamNotify = 73,
    /// ZMQ_INVERT_MATCHING: SUB receives what does not match.
    InvertMatching = 74,
    /// ZMQ_HEARTBEAT_IVL: ms between PINGs (0 = off).
    HeartbeatIvl = 75,
    /// ZMQ_HEARTBEAT_TTL: TTL announced in PINGs, ms.
    HeartbeatTtl = 76,
    /// ZMQ_HEARTBEAT_TIMEOUT: ms to wait for traffic after a PING.
    HeartbeatTimeout = 77,
    /// ZMQ_XPUB_VERBOSER: pass duplicate (un)subscriptions up (XPUB).
    XpubVerboser = 78,
    /// ZMQ_CONNECT_TIMEOUT: ms allowed for a TCP connect (0 = OS default).
    ConnectTimeout = 79,
    /// ZMQ_TCP_MAXRT: ms sent data may stay unacknowledged before the
    /// connection drops (TCP_USER_TIMEOUT; 0 = OS default).
    TcpMaxrt = 80,
    /// ZMQ_THREAD_SAFE: whether the socket is thread-safe (read-only, 0).
    ThreadSafe = 81,
    /// ZMQ_USE_FD: bind takes over this already bound, listening socket
    /// (and closes it on unbind) instead of making one (-1 = none).
    UseFd = 89,
    /// ZMQ_BINDTODEVICE: bind every socket to this network interface (SO_BINDTODEVICE).
    BindToDevice = 92,
    /// ZMQ_METADATA: add an application property ("X-Name:value").
    Metadata = 95,
    /// ZMQ_SOCKS_USERNAME: user name for the SOCKS5 proxy (at most 255
    /// bytes; empty = no authentication).
    SocksUsername = 99,
    /// ZMQ_SOCKS_PASSWORD: password for the SOCKS5 proxy (at most 255 bytes).
    SocksPassword = 100,
}

impl SocketOption {
    /// The option with libzmq's number `n`.
    pub fn from_raw(n: i32) -> Option<SocketOption> {
        use SocketOption::*;
        const ALL: [SocketOption; 70] = [
            Affinity,
            RoutingId,
            Subscribe,
            Unsubscribe,
            Rate,
            RecoveryIvl,
            SndBuf,
            RcvBuf,
            RcvMore,
            Fd,
            Events,
            Type,
            Linger,
            ReconnectIvl,
            Backlog,
            ReconnectIvlMax,
            MaxMsgSize,
            SndHwm,
            RcvHwm,
            MulticastHops,
            RcvTimeo,
            SndTimeo,
            LastEndpoint,
            RouterMandatory,
            TcpKeepalive,
            TcpKeepaliveCnt,
            TcpKeepaliveIdle,
            TcpKeepaliveIntvl,
            Immediate,
            XpubVerbose,
            Ipv6,
            Mechanism,
            PlainServer,
            PlainUsername,
            PlainPassword,
            CurveServer,
            CurvePublickey,
            CurveSecretkey,
            CurveServerkey,
            ProbeRouter,
            ReqCorrelate,
            ReqRelaxed,
            Conflate,
            ZapDomain,
            RouterHandover,
            Tos,
            ConnectRoutingId,
            HandshakeIvl,
            SocksProxy,
            XpubNodrop,
            Blocky,
            XpubManual,
            XpubWelcomeMsg,
            StreamNotify,
            InvertMatching,
            HeartbeatIvl,
            HeartbeatTtl,
            HeartbeatTimeout,
            XpubVerboser,
            ConnectTimeout,
            TcpMaxrt,
            ThreadSafe,
            TcpAcceptFilter,
            IpcFilterPid,
            IpcFilterUid,
            IpcFilterGid,
            UseFd,
            BindToDevice,
            SocksUsername,
            SocksPassword,
        ];
        if n == Metadata as i32 {
            return Some(Metadata);
        }
        ALL.into_iter().find(|o| *o as i32 == n)
    }

    /// libzmq's number for this option.
    pub fn raw(self) -> i32 {
        self as i32
    }
}

/// An option's value as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    /// A C `int`.
    Int(i32),
    /// A 64-bit integer (ZMQ_AFFINITY, ZMQ_MAXMSGSIZE).
    Int64(i64),
    /// Binary data (routing ids, ...).
    Bytes(Vec<u8>),
    /// Text, returned NUL-terminated through the C ABI (ZMQ_LAST_ENDPOINT, ...).
    Str(String),
}

/// Every option a socket keeps, with libzmq's defaults.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) socket_type: SocketType,
    pub(crate) routing_id: Bytes,
    pub(crate) sndhwm: i32,
    pub(crate) rcvhwm: i32,
    pub(crate) linger: i32,
    pub(crate) reconnect_ivl: i32,
    pub(crate) reconnect_ivl_max: i32,
    pub(crate) backlog: i32,
    pub(crate) maxmsgsize: i64,
    pub(crate) sndtimeo: i32,
    pub(crate) rcvtimeo: i32,
    pub(crate) sndbuf: i32,
    pub(crate) rcvbuf: i32,
    pub(crate) immediate: bool,
    pub(crate) ipv6: bool,
    pub(crate) req_relaxed: bool,
    pub(crate) req_correlate: bool,
    pub(crate) router_mandatory: bool,
    pub(crate) router_handover: bool,
    pub(crate) probe_router: bool,
    pub(crate) conflate: bool,
    pub(crate) connect_routing_id: Option<Bytes>,
    pub(crate) handshake_ivl: i32,
    pub(crate) heartbeat_ivl: i32,
    pub(crate) heartbeat_ttl: i32,
    pub(crate) heartbeat_timeout: i32,
    pub(crate) plain_server: bool,
    pub(crate) plain_username: Option<Bytes>,
    pub(crate) plain_password: Option<Bytes>,
    pub(crate) curve: CurveOptions,
    pub(crate) zap_domain: Bytes,
    pub(crate) metadata: Metadata,
    pub(crate) xpub_verbose: bool,
    pub(crate) xpub_verboser: bool,
    pub(crate) xpub_manual: bool,
    pub(crate) xpub_nodrop: bool,
    pub(crate) xpub_welcome_msg: Option<Bytes>,
    pub(crate) invert_matching: bool,
    pub(crate) affinity: i64,
    pub(crate) tcp_keepalive: [i32; 4],
    pub(crate) tos: i32,
    pub(crate) connect_timeout: i32,
    pub(crate) tcp_maxrt: i32,
    pub(crate) socks: SocksProxy,
    pub(crate) misc: [i32; 4],
    pub(crate) transport: TransportOptions,
    pub(crate) stream_notify: bool,
}

impl Options {
    pub(crate) fn new(socket_type: SocketType) -> Options {
        Options {
            socket_type,
            routing_id: Bytes::new(),
            sndhwm: 1000,
            rcvhwm: 1000,
            linger: -1,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            backlog: 100,
            maxmsgsize: -1,
            sndtimeo: -1,
            rcvtimeo: -1,
            sndbuf: -1,
            rcvbuf: -1,
            immediate: false,
            ipv6: false,
            req_relaxed: false,
            req_correlate: false,
            router_mandatory: false,
            router_handover: false,
            probe_router: false,
            conflate: false,
            connect_routing_id: None,
            handshake_ivl: 30_000,
            heartbeat_ivl: 0,
            heartbeat_ttl: 0,
            heartbeat_timeout: -1,
            plain_server: false,
            plain_username: None,
            plain_password: None,
            curve: CurveOptions::default(),
            zap_domain: Bytes::new(),
            metadata: Metadata::new(),
            xpub_verbose: false,
            xpub_verboser: false,
            xpub_manual: false,
            xpub_nodrop: false,
            xpub_welcome_msg: None,
            invert_matching: false,
            affinity: 0,
            tcp_keepalive: [-1; 4],
            tos: 0,
            connect_timeout: 0,
            tcp_maxrt: 0,
            socks: SocksProxy {
                address: String::new(),
                username: Bytes::new(),
                password: Bytes::new(),
            },
            misc: [0; 4],
            transport: TransportOptions::default(),
            stream_notify: true,
        }
    }

    /// Sets an option from its raw bytes, validating as libzmq does.
    /// Returns false for options the socket layer handles itself.
    pub(crate) fn set(&mut self, option: SocketOption, value: &[u8]) -> Result<()> {
        use SocketOption as O;
        match option {
            O::RoutingId => {
                if value.is_empty() || value.len() > 255 {
                    return Err(Error::Invalid);
                }
                self.routing_id = Bytes::copy_from_slice(value);
            }
            O::ConnectRoutingId => {
                if value.is_empty() || value.len() > 255 {
                    return Err(Error::Invalid);
                }
                self.connect_routing_id = Some(Bytes::copy_from_slice(value));
            }
            O::Affinity => self.affinity = int64(value)?,
            O::MaxMsgSize => self.maxmsgsize = int64(value)?,
            O::SndHwm => self.sndhwm = at_least(value, 0)?,
            O::RcvHwm => self.rcvhwm = at_least(value, 0)?,
            O::Linger => self.linger = at_least(value, -1)?,
            O::ReconnectIvl => self.reconnect_ivl = at_least(value, -1)?,
            O::ReconnectIvlMax => self.reconnect_ivl_max = at_least(value, 0)?,
            O::Backlog => self.backlog = at_least(value, 0)?,
            O::SndTimeo => self.sndtimeo = at_least(value, -1)?,
            O::RcvTimeo => self.rcvtimeo = at_least(value, -1)?,
            O::SndBuf => self.sndbuf = at_least(value, -1)?,
            O::RcvBuf => self.rcvbuf = at_least(value, -1)?,
            O::Immediate => self.immediate = strict_bool(value)?,
            O::Ipv6 => self.ipv6 = strict_bool(value)?,
            O::Conflate => self.conflate = strict_bool(value)?,
            O::PlainServer => {
                self.plain_server = strict_bool(value)?;
                self.curve.active = false;
            }
            O::CurveServer => {
                let on = strict_bool(value)?;
                self.curve.server = on;
                self.curve.active = on;
                self.plain_server = false;
            }
            O::CurvePublickey => self.set_curve_key(value, |c| &mut c.public)?,
            O::CurveSecretkey => self.set_curve_key(value, |c| &mut c.secret)?,
            O::CurveServerkey => {
                self.set_curve_key(value, |c| &mut c.server_key)?;
                self.curve.server = false;
            }
            O::PlainUsername => {
                if value.len() > 255 {
                    return Err(Error::Invalid);
                }
                self.plain_server = false;
                self.curve.active = false;
                self.plain_username = Some(Bytes::copy_from_slice(value));
                if value.is_empty() {
                    self.plain_username = None;
                }
            }
            O::PlainPassword => {
                if value.len() > 255 {
                    return Err(Error::Invalid);
                }
                self.plain_server = false;
                self.curve.active = false;
                self.plain_password = Some(Bytes::copy_from_slice(value));
            }
            O::ZapDomain => {
                if value.len() > 255 {
                    return Err(Error::Invalid);
                }
                self.zap_domain = Bytes::copy_from_slice(value);
            }
            O::ReqRelaxed => self.req_relaxed = loose_bool(value)?,
            O::ReqCorrelate => self.req_correlate = loose_bool(value)?,
            O::RouterMandatory => self.router_mandatory = loose_bool(value)?,
            O::RouterHandover => self.router_handover = loose_bool(value)?,
            O::ProbeRouter => self.probe_router = loose_bool(value)?,
            O::XpubVerbose => self.xpub_verbose = loose_bool(value)?,
            O::XpubVerboser => self.xpub_verboser = loose_bool(value)?,
            O::XpubManual => self.xpub_manual = loose_bool(value)?,
            O::XpubNodrop => self.xpub_nodrop = loose_bool(value)?,
            O::XpubWelcomeMsg => self.xpub_welcome_msg = Some(Bytes::copy_from_slice(value)),
            O::InvertMatching => self.invert_matching = loose_bool(value)?,
            O::StreamNotify if self.socket_type == SocketType::Stream => {
                self.stream_notify = strict_bool(value)?
            }
            O::HandshakeIvl => self.handshake_ivl = at_least(value, 0)?,
            O::HeartbeatIvl => self.heartbeat_ivl = at_least(value, 0)?,
            O::HeartbeatTtl => {
                // libzmq keeps the TTL in whole deciseconds (16 bits, as PING
                // carries it), truncating toward zero: -99..=6_553_599 is valid.
                let deciseconds = int(value)? / 100;
                if !(0..=i32::from(u16::MAX)).contains(&deciseconds) {
                    return Err(Error::Invalid);
                }
                self.heartbeat_ttl = deciseconds * 100;
            }
            O::HeartbeatTimeout => self.heartbeat_timeout = at_least(value, -1)?,
            O::TcpKeepalive => {
                let v = int(value)?;
                if !(-1..=1).contains(&v) {
                    return Err(Error::Invalid);
                }
                self.tcp_keepalive[0] = v;
            }
            O::TcpKeepaliveCnt => self.tcp_keepalive[1] = at_least(value, -1)?,
            O::TcpKeepaliveIdle => self.tcp_keepalive[2] = at_least(value, -1)?,
            O::TcpKeepaliveIntvl => self.tcp_keepalive[3] = at_least(value, -1)?,
            O::Tos => self.tos = at_least(value, 0)?,
            O::ConnectTimeout => self.connect_timeout = at_least(value, 0)?,
            O::TcpMaxrt => self.tcp_maxrt = at_least(value, 0)?,
            O::Rate => self.misc[0] = at_least(value, 1)?,
            O::RecoveryIvl => self.misc[1] = at_least(value, 0)?,
            O::MulticastHops => self.misc[2] = at_least(value, 1)?,
            O::Blocky => self.misc[3] = int(value)?,
            O::Metadata => self.add_metadata(value)?,
            O::UseFd
            | O::BindToDevice
            | O::TcpAcceptFilter
            | O::IpcFilterPid
            | O::IpcFilterUid
            | O::IpcFilterGid => self.transport.set(option, value, self.ipv6)?,
            O::SocksProxy => {
                let address = std::str::from_utf8(value).map_err(|_| Error::Invalid)?;
                self.socks.address = address.to_owned();
            }
            O::SocksUsername => self.socks.username = at_most_255(value)?,
            O::SocksPassword => self.socks.password = at_most_255(value)?,
            O::RcvMore
            | O::Fd
            | O::Events
            | O::Type
            | O::LastEndpoint
            | O::Mechanism
            | O::ThreadSafe
            | O::Subscribe
            | O::Unsubscribe
            | O::StreamNotify => return Err(Error::Invalid),
        }
        Ok(())
    }

    /// Reads an option this struct keeps (socket-state options are answered by the socket).
    pub(crate) fn get(&self, option: SocketOption) -> Result<OptionValue> {
        use OptionValue::{Bytes as B, Int, Int64};
        use SocketOption as O;
        Ok(match option {
            O::RoutingId => B(self.routing_id.to_vec()),
            O::Affinity => Int64(self.affinity),
            O::MaxMsgSize => Int64(self.maxmsgsize),
            O::Type => Int(i32::from(self.socket_type.number())),
            O::SndHwm => Int(self.sndhwm),
            O::RcvHwm => Int(self.rcvhwm),
            O::Linger => Int(self.linger),
            O::ReconnectIvl => Int(self.reconnect_ivl),
            O::ReconnectIvlMax => Int(self.reconnect_ivl_max),
            O::Backlog => Int(self.backlog),
            O::SndTimeo => Int(self.sndtimeo),
            O::RcvTimeo => Int(self.rcvtimeo),
            O::SndBuf => Int(self.sndbuf),
            O::RcvBuf => Int(self.rcvbuf),
            O::Immediate => Int(i32::from(self.immediate)),
            O::Ipv6 => Int(i32::from(self.ipv6)),
            O::Conflate => Int(i32::from(self.conflate)),
            O::PlainServer => Int(i32::from(self.plain_server)),
            O::PlainUsername => OptionValue::Str(lossy(self.plain_username.as_ref())),
            O::PlainPassword => OptionValue::Str(lossy(self.plain_password.as_ref())),
            O::ZapDomain => OptionValue::Str(lossy(Some(&self.zap_domain))),
            O::Mechanism => Int(match self.mechanism() {
                MechanismConfig::Null => 0,
                MechanismConfig::CurveClient { .. } | MechanismConfig::CurveServer { .. } => 2,
                _ => 1,
            }),
            O::CurveServer => Int(i32::from(self.curve.active && self.curve.server)),
            O::CurvePublickey => B(self.curve.public.to_vec()),
            O::CurveSecretkey => B(self.curve.secret.to_vec()),
            O::CurveServerkey => B(self.curve.server_key.to_vec()),
            O::HandshakeIvl => Int(self.handshake_ivl),
            O::HeartbeatIvl => Int(self.heartbeat_ivl),
            O::HeartbeatTtl => Int(self.heartbeat_ttl),
            O::HeartbeatTimeout => Int(self.heartbeat_timeout),
            O::TcpKeepalive => Int(self.tcp_keepalive[0]),
            O::TcpKeepaliveCnt => Int(self.tcp_keepalive[1]),
            O::TcpKeepaliveIdle => Int(self.tcp_keepalive[2]),
            O::TcpKeepaliveIntvl => Int(self.tcp_keepalive[3]),
            O::Tos => Int(self.tos),
            O::ConnectTimeout => Int(self.connect_timeout),
            O::TcpMaxrt => Int(self.tcp_maxrt),
            O::Rate => Int(if self.misc[0] == 0 { 100 } else { self.misc[0] }),
            O::RecoveryIvl => Int(if self.misc[1] == 0 {
                10_000
            } else {
                self.misc[1]
            }),
            O::MulticastHops => Int(if self.misc[2] == 0 { 1 } else { self.misc[2] }),
            O::InvertMatching => Int(i32::from(self.invert_matching)),
            O::ThreadSafe => Int(0),
            O::ReqRelaxed => Int(i32::from(self.req_relaxed)),
            O::ReqCorrelate => Int(i32::from(self.req_correlate)),
            O::RouterMandatory => Int(i32::from(self.router_mandatory)),
            O::RouterHandover => Int(i32::from(self.router_handover)),
            O::ProbeRouter => Int(i32::from(self.probe_router)),
            O::XpubVerbose => Int(i32::from(self.xpub_verbose)),
            O::XpubVerboser => Int(i32::from(self.xpub_verboser)),
            O::XpubManual => Int(i32::from(self.xpub_manual)),
            O::XpubNodrop => Int(i32::from(self.xpub_nodrop)),
            O::Blocky => Int(self.misc[3]),
            O::UseFd | O::BindToDevice => self.transport.get(option)?,
            O::SocksProxy => OptionValue::Str(self.socks.address.clone()),
            O::SocksUsername => OptionValue::Str(lossy(Some(&self.socks.username))),
            O::SocksPassword => OptionValue::Str(lossy(Some(&self.socks.password))),
            _ => return Err(Error::Invalid),
        })
    }

    fn add_metadata(&mut self, value: &[u8]) -> Result<()> {
        let text = std::str::from_utf8(value).map_err(|_| Error::Invalid)?;
        let (name, val) = text.split_once(':').ok_or(Error::Invalid)?;
        if !name.starts_with("X-") && !name.starts_with("x-") || name.len() < 3 {
            return Err(Error::Invalid);
        }
        self.metadata
            .insert(name, Bytes::copy_from_slice(val.as_bytes()))
            .map_err(|_| Error::Invalid)
    }

    /// Stores a CURVE key given as 32 octets or Z85 text; selects CURVE.
    fn set_curve_key(
        &mut self,
        value: &[u8],
        slot: impl FnOnce(&mut CurveOptions) -> &mut Zeroizing<[u8; 32]>,
    ) -> Result<()> {
        let key = Zeroizing::new(key_from_option(value)?);
        *slot(&mut self.curve) = key;
        self.curve.active = true;
        self.plain_server = false;
        Ok(())
    }

    pub(crate) fn mechanism(&self) -> MechanismConfig {
        if self.curve.active {
            self.curve.mechanism()
        } else if self.plain_server {
            MechanismConfig::PlainServer
        } else if let Some(user) = &self.plain_username {
            MechanismConfig::PlainClient {
                username: user.clone(),
                password: self.plain_password.clone().unwrap_or_default(),
            }
        } else {
            MechanismConfig::Null
        }
    }

    /// ZMQ_LINGER as a duration (`None` = forever).
    pub(crate) fn linger_duration(&self) -> Option<Duration> {
        u64::try_from(self.linger).ok().map(Duration::from_millis)
    }

    /// The snapshot handed to a new connection.
    pub(crate) fn session_options(&self) -> SessionOptions {
        let mut zmtp = Config::new(self.socket_type);
        zmtp.routing_id = self.routing_id.clone();
        zmtp.metadata = self.metadata.clone();
        zmtp.mechanism = self.mechanism();
        if self.curve.active {
            zmtp.entropy = Some(os_entropy());
        }
        zmtp.zap_for_null = !self.zap_domain.is_empty();
        // Unset (-1): no frame larger than could ever be held.
        zmtp.max_message_size = Some(
            u64::try_from(self.maxmsgsize)
                .unwrap_or_else(|_| ferrozmq_engine::frame_size_ceiling()),
        );
        zmtp.heartbeat = HeartbeatConfig {
            interval: ms(self.heartbeat_ivl),
            ttl: ms(self.heartbeat_ttl),
            timeout: if self.heartbeat_timeout < 0 {
                None
            } else {
                ms(self.heartbeat_timeout)
            },
        };
        let mut s = SessionOptions::new(zmtp);
        s.sndhwm = self.sndhwm.max(0) as usize;
        s.rcvhwm = self.rcvhwm.max(0) as usize;
        s.reconnect_ivl = if self.reconnect_ivl < 0 {
            None
        } else {
            Some(Duration::from_millis(self.reconnect_ivl.max(1) as u64))
        };
        s.reconnect_ivl_max = Duration::from_millis(self.reconnect_ivl_max.max(0) as u64);
        s.linger = self.linger_duration();
        s.immediate = self.immediate;
        s.handshake_ivl = ms(self.handshake_ivl);
        s.connect_routing_id = self.connect_routing_id.clone();
        s.net = self.net_options();
        s.zap_domain = self.zap_domain.clone();
        s.socks_proxy = (!self.socks.address.is_empty()).then(|| self.socks.clone());
        s.raw = self.socket_type == SocketType::Stream;
        s.raw_notify = self.stream_notify;
        s.conflate = self.conflate
            && matches!(
                self.socket_type,
                SocketType::Dealer
                    | SocketType::Pull
                    | SocketType::Push
                    | SocketType::Pub
                    | SocketType::Sub
            );
        s.probe_router = self.probe_router
            && matches!(self.socket_type, SocketType::Router | SocketType::Dealer);
        s
    }
}

fn ms(v: i32) -> Option<Duration> {
    (v > 0).then(|| Duration::from_millis(v as u64))
}

fn lossy(b: Option<&Bytes>) -> String {
    b.map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

fn at_most_255(value: &[u8]) -> Result<Bytes> {
    if value.len() > 255 {
        return Err(Error::Invalid);
    }
    Ok(Bytes::copy_from_slice(value))
}

fn int(value: &[u8]) -> Result<i32> {
    let bytes: [u8; 4] = value.try_into().map_err(|_| Error::Invalid)?;
    Ok(i32::from_ne_bytes(bytes))
}

fn int64(value: &[u8]) -> Result<i64> {
    let bytes: [u8; 8] = value.try_into().map_err(|_| Error::Invalid)?;
    Ok(i64::from_ne_bytes(bytes))
}

fn at_least(value: &[u8], min: i32) -> Result<i32> {
    let v = int(value)?;
    if v < min {
        return Err(Error::Invalid);
    }
    Ok(v)
}

fn strict_bool(value: &[u8]) -> Result<bool> {
    match int(value)? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::Invalid),
    }
}

fn loose_bool(value: &[u8]) -> Result<bool> {
    Ok(at_least(value, 0)? != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_like_libzmq() {
        let mut o = Options::new(SocketType::Req);
        assert_eq!(
            o.set(SocketOption::SndHwm, &(-1i32).to_ne_bytes()),
            Err(Error::Invalid)
        );
        assert_eq!(o.set(SocketOption::SndHwm, &[1, 2]), Err(Error::Invalid));
        o.set(SocketOption::SndHwm, &5i32.to_ne_bytes()).unwrap();
        assert_eq!(o.get(SocketOption::SndHwm), Ok(OptionValue::Int(5)));
        assert_eq!(
            o.set(SocketOption::Immediate, &2i32.to_ne_bytes()),
            Err(Error::Invalid)
        );
        assert_eq!(o.set(SocketOption::RoutingId, b""), Err(Error::Invalid));
        assert_eq!(o.set(SocketOption::Metadata, b"Bad:1"), Err(Error::Invalid));
        o.set(SocketOption::Metadata, b"X-App:demo").unwrap();
        assert_eq!(o.metadata.get_str("X-App"), Some("demo"));
        assert_eq!(SocketOption::from_raw(23), Some(SocketOption::SndHwm));
        assert_eq!(SocketOption::from_raw(95), Some(SocketOption::Metadata));
        assert_eq!(SocketOption::from_raw(1000), None);
    }

    #[test]
    fn socks_options() {
        let mut o = Options::new(SocketType::Pull);
        assert!(o.session_options().socks_proxy.is_none());
        o.set(SocketOption::SocksProxy, b"somehost:1080").unwrap();
        o.set(SocketOption::SocksUsername, b"user").unwrap();
        o.set(SocketOption::SocksPassword, b"pass").unwrap();
        assert_eq!(
            o.get(SocketOption::SocksProxy),
            Ok(OptionValue::Str("somehost:1080".into()))
        );
        assert_eq!(
            o.get(SocketOption::SocksUsername),
            Ok(OptionValue::Str("user".into()))
        );
        let proxy = o.session_options().socks_proxy.unwrap();
        assert_eq!(proxy.address, "somehost:1080");
        assert_eq!(&proxy.password[..], b"pass");
        assert_eq!(
            o.set(SocketOption::SocksUsername, &[b'a'; 256]),
            Err(Error::Invalid)
        );
        o.set(SocketOption::SocksUsername, &[b'a'; 255]).unwrap();
        o.set(SocketOption::SocksProxy, b"").unwrap();
        assert!(o.session_options().socks_proxy.is_none());
        assert_eq!(SocketOption::from_raw(68), Some(SocketOption::SocksProxy));
        assert_eq!(
            SocketOption::from_raw(100),
            Some(SocketOption::SocksPassword)
        );
    }
}

/// The CURVE options: libzmq keeps all three keys (zeros until set) and
/// which mechanism the last security option chose.
#[derive(Clone, Default)]
pub(crate) struct CurveOptions {
    /// A CURVE option was the last security option set.
    pub(crate) active: bool,
    /// ZMQ_CURVE_SERVER.
    pub(crate) server: bool,
    pub(crate) public: Zeroizing<[u8; 32]>,
    pub(crate) secret: Zeroizing<[u8; 32]>,
    pub(crate) server_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for CurveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveOptions")
            .field("active", &self.active)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl CurveOptions {
    fn mechanism(&self) -> MechanismConfig {
        let secret = CurveSecretKey::from_bytes(*self.secret);
        if self.server {
            MechanismConfig::CurveServer { secret }
        } else {
            MechanismConfig::CurveClient {
                public: CurvePublicKey::from_bytes(*self.public),
                secret,
                server: CurvePublicKey::from_bytes(*self.server_key),
            }
        }
    }
}
