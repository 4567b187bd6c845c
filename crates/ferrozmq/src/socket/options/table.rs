//! The socket option table: every option once, with libzmq's number and
//! name, its value codec, where it is kept and its default, the socket
//! types that accept it, when it takes effect, and its typed accessors.
//! macros.rs explains the row format; adding an option is adding a row
//! (and, for a `with` row, its two handlers in handlers.rs).

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use ferrozmq_engine::SocksProxy;
use ferrozmq_zmtp::{Metadata, SocketType};

use super::codec::*;
use super::curve_options::CurveOptions;
use super::transport::TransportOptions;
use super::{Mechanism, OptionKind, OptionValue, ReconnectStop, TakesEffect};
use crate::error::Result;
use crate::socket::Socket;
use crate::spool::FsyncPolicy;

/// ZMQ_LINGER's starting value: 0 for SUB and XSUB, whose queued
/// subscriptions libzmq never waits for on close, -1 (forever) for the rest.
fn default_linger(socket_type: SocketType) -> i32 {
    match socket_type {
        SocketType::Sub | SocketType::XSub => 0,
        _ => -1,
    }
}

socket_options! {
    struct Options(socket_type: SocketType) {
        socket_type: SocketType = socket_type,
        /// ZMQ_PLAIN_SERVER.
        plain_server: bool = false,
        /// Whether the last security option set made this a PLAIN client
        /// (libzmq's mechanism; the credentials outlive it).
        plain_client: bool = false,
        /// ZMQ_PLAIN_USERNAME.
        plain_username: Bytes = Bytes::new(),
        /// ZMQ_PLAIN_PASSWORD.
        plain_password: Bytes = Bytes::new(),
        /// The CURVE keys and role.
        curve: CurveOptions = CurveOptions::default(),
        /// ZMQ_METADATA properties.
        metadata: Metadata = Metadata::new(),
        /// ZMQ_CONNECT_ROUTING_ID, for the next connect only.
        connect_routing_id: Option<Bytes> = None,
        /// ZMQ_XPUB_WELCOME_MSG.
        xpub_welcome_msg: Option<Bytes> = None,
        /// ZMQ_XPUB_MANUAL_LAST_VALUE's second effect (its first is
        /// XPUB_MANUAL's): under XPUB_MANUAL, the first send after the
        /// application reads a subscription goes to that subscriber only.
        xpub_manual_last_value: bool = false,
        /// ZMQ_STREAM_NOTIFY.
        stream_notify: bool = true,
        /// ZMQ_ROUTER_RAW.
        router_raw: bool = false,
        /// ZMQ_SOCKS_PROXY's address as set (any bytes).
        socks_proxy: Vec<u8> = Vec::new(),
        /// ZMQ_SOCKS_PROXY (as text), _USERNAME and _PASSWORD.
        socks: SocksProxy = SocksProxy {
            address: String::new(),
            username: Bytes::new(),
            password: Bytes::new(),
        },
        /// ZMQ_USE_FD, ZMQ_BINDTODEVICE and the accept filters.
        transport: TransportOptions = TransportOptions::default(),
    }

    /// ZMQ_AFFINITY: I/O thread affinity bit mask (accepted and ignored).
    Affinity = 4, "AFFINITY", Mask64, store[field affinity = 0], types[any], Connect,
        set[set_affinity(u64)], get[affinity -> u64];
    /// ZMQ_ROUTING_ID: the identity this socket announces (1–255 bytes).
    RoutingId = 5, "ROUTING_ID", RoutingId, store[field routing_id = Bytes::new()], types[any],
        Connect, set[set_routing_id(&[u8])], get[];
    /// ZMQ_SUBSCRIBE: add a topic prefix (SUB).
    Subscribe = 6, "SUBSCRIBE", Blob, store[socket], types[any], Now, set[], get[];
    /// ZMQ_UNSUBSCRIBE: remove a topic prefix (SUB).
    Unsubscribe = 7, "UNSUBSCRIBE", Blob, store[socket], types[any], Now, set[], get[];
    /// ZMQ_RATE: multicast rate in kbit/s (accepted and ignored).
    Rate = 8, "RATE", AtLeast<1>, store[field rate = 100], types[any], Connect,
        set[set_rate(i32)], get[rate -> i32];
    /// ZMQ_RECOVERY_IVL: multicast recovery interval in ms (accepted and ignored).
    RecoveryIvl = 9, "RECOVERY_IVL", AtLeast<0>, store[field recovery_ivl = 10_000], types[any],
        Connect, set[set_recovery_ivl(i32)], get[recovery_ivl -> i32];
    /// ZMQ_SNDBUF: kernel send buffer size in bytes (`None` = the OS default).
    SndBuf = 11, "SNDBUF", OsDefault, store[field sndbuf = -1], types[any], Connect,
        set[set_sndbuf(Option<usize>)], get[sndbuf -> Option<usize>];
    /// ZMQ_RCVBUF: kernel receive buffer size in bytes (`None` = the OS default).
    RcvBuf = 12, "RCVBUF", OsDefault, store[field rcvbuf = -1], types[any], Connect,
        set[set_rcvbuf(Option<usize>)], get[rcvbuf -> Option<usize>];
    /// ZMQ_RCVMORE: more frames of the current message follow (read-only).
    RcvMore = 13, "RCVMORE", Flag, store[socket], types[any], Now, set[], get[];
    /// ZMQ_FD: readiness file descriptor (read-only).
    Fd = 14, "FD", AnyInt, store[socket], types[any], Now, set[], get[];
    /// ZMQ_EVENTS: POLLIN/POLLOUT state (read-only).
    Events = 15, "EVENTS", AnyInt, store[socket], types[any], Now, set[], get[];
    /// ZMQ_TYPE: the socket type (read-only).
    Type = 16, "TYPE", TypeCodec, store[with read_only, type_value], types[any], Now,
        set[], get[];
    /// ZMQ_LINGER: how long queued messages may wait for delivery after
    /// close (`None` = forever).
    /// SUB and XSUB start at 0 (as in libzmq: their queued subscriptions
    /// never hold up the context's termination), the others at -1.
    Linger = 17, "LINGER", Timeout, store[field linger = default_linger(socket_type)], types[any], Now,
        set[set_linger(Option<Duration>)], get[linger -> Option<Duration>];
    /// ZMQ_RECONNECT_IVL: first reconnect delay (`None` = never reconnect).
    ReconnectIvl = 18, "RECONNECT_IVL", Timeout, store[field reconnect_ivl = 100], types[any],
        Connect, set[set_reconnect_ivl(Option<Duration>)],
        get[reconnect_ivl -> Option<Duration>];
    /// ZMQ_BACKLOG: listen backlog.
    Backlog = 19, "BACKLOG", AtLeast<0>, store[field backlog = 100], types[any], Connect,
        set[set_backlog(i32)], get[backlog -> i32];
    /// ZMQ_RECONNECT_IVL_MAX: largest reconnect delay for exponential
    /// backoff (`None` = no backoff).
    ReconnectIvlMax = 21, "RECONNECT_IVL_MAX", Interval, store[field reconnect_ivl_max = 0],
        types[any], Connect, set[set_reconnect_ivl_max(Option<Duration>)],
        get[reconnect_ivl_max -> Option<Duration>];
    /// ZMQ_RECONNECT_STOP: the failures after which a connecting socket
    /// stops reconnecting (libzmq 4.3 takes it, though its header shows it
    /// only among the drafts).
    ReconnectStop = 109, "RECONNECT_STOP", ReconnectStopCodec, store[field reconnect_stop = 0],
        types[any], Connect, set[set_reconnect_stop(ReconnectStop)],
        get[reconnect_stop -> ReconnectStop];
    /// ZMQ_MAXMSGSIZE: largest inbound message in bytes (`None` = no limit).
    MaxMsgSize = 22, "MAXMSGSIZE", SizeLimit, store[field maxmsgsize = -1], types[any], Connect,
        set[set_maxmsgsize(Option<u64>)], get[maxmsgsize -> Option<u64>];
    /// ZMQ_SNDHWM: messages queued per peer before send blocks or drops (0 = no limit).
    SndHwm = 23, "SNDHWM", Hwm, store[field sndhwm = 1000], types[any], Now,
        set[set_sndhwm(usize)], get[sndhwm -> usize];
    /// ZMQ_RCVHWM: messages queued per peer before reading stops (0 = no limit).
    RcvHwm = 24, "RCVHWM", Hwm, store[field rcvhwm = 1000], types[any], Now,
        set[set_rcvhwm(usize)], get[rcvhwm -> usize];
    /// ZMQ_MULTICAST_HOPS: multicast TTL (accepted and ignored).
    MulticastHops = 25, "MULTICAST_HOPS", AtLeast<1>, store[field multicast_hops = 1],
        types[any], Connect, set[set_multicast_hops(i32)], get[multicast_hops -> i32];
    /// ZMQ_RCVTIMEO: how long a blocking receive waits (`None` = forever).
    RcvTimeo = 27, "RCVTIMEO", Timeout, store[field rcvtimeo = -1], types[any], Now,
        set[set_rcvtimeo(Option<Duration>)], get[rcvtimeo -> Option<Duration>];
    /// ZMQ_SNDTIMEO: how long a blocking send waits (`None` = forever).
    SndTimeo = 28, "SNDTIMEO", Timeout, store[field sndtimeo = -1], types[any], Now,
        set[set_sndtimeo(Option<Duration>)], get[sndtimeo -> Option<Duration>];
    /// ZMQ_LAST_ENDPOINT: the last endpoint bound (read-only).
    LastEndpoint = 32, "LAST_ENDPOINT", Text, store[socket], types[any], Now, set[], get[];
    /// ZMQ_ROUTER_MANDATORY: unroutable messages fail with EHOSTUNREACH
    /// (or EAGAIN when the peer is full) instead of being dropped.
    RouterMandatory = 33, "ROUTER_MANDATORY", Flag, store[field router_mandatory = false],
        types[Router Rep], Now, set[set_router_mandatory(bool)], get[router_mandatory -> bool];
    /// ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE on TCP connections (`None` = the OS default).
    TcpKeepalive = 34, "TCP_KEEPALIVE", Keepalive, store[field tcp_keepalive = -1], types[any],
        Connect, set[set_tcp_keepalive(Option<bool>)], get[tcp_keepalive -> Option<bool>];
    /// ZMQ_TCP_KEEPALIVE_CNT: keepalive probes before giving up (`None` = the OS default).
    TcpKeepaliveCnt = 35, "TCP_KEEPALIVE_CNT", OsDefault, store[field tcp_keepalive_cnt = -1],
        types[any], Connect, set[set_tcp_keepalive_cnt(Option<usize>)],
        get[tcp_keepalive_cnt -> Option<usize>];
    /// ZMQ_TCP_KEEPALIVE_IDLE: idle seconds before the first keepalive
    /// probe (`None` = the OS default).
    TcpKeepaliveIdle = 36, "TCP_KEEPALIVE_IDLE", OsDefault,
        store[field tcp_keepalive_idle = -1], types[any], Connect,
        set[set_tcp_keepalive_idle(Option<usize>)], get[tcp_keepalive_idle -> Option<usize>];
    /// ZMQ_TCP_KEEPALIVE_INTVL: seconds between keepalive probes (`None` = the OS default).
    TcpKeepaliveIntvl = 37, "TCP_KEEPALIVE_INTVL", OsDefault,
        store[field tcp_keepalive_intvl = -1], types[any], Connect,
        set[set_tcp_keepalive_intvl(Option<usize>)], get[tcp_keepalive_intvl -> Option<usize>];
    /// ZMQ_TCP_ACCEPT_FILTER: accept TCP peers only from this network
    /// (CIDR, e.g. `10.0.0.0/8`); each call adds one, `None` clears the
    /// list (write-only).
    TcpAcceptFilter = 38, "TCP_ACCEPT_FILTER", AcceptFilter,
        store[with add_tcp_accept_filter, -], types[any], Connect,
        set[set_tcp_accept_filter(Option<&str>)], get[];
    /// ZMQ_IMMEDIATE: queue messages only for completed connections.
    Immediate = 39, "IMMEDIATE", StrictFlag, store[field immediate = false], types[any], Connect,
        set[set_immediate(bool)], get[immediate -> bool];
    /// ZMQ_XPUB_VERBOSE: pass duplicate subscriptions up (PUB, XPUB).
    XpubVerbose = 40, "XPUB_VERBOSE", Flag, store[field xpub_verbose = false], types[Pub XPub],
        Now, set[set_xpub_verbose(bool)], get[xpub_verbose -> bool];
    /// ZMQ_ROUTER_RAW (deprecated in libzmq for ZMQ_STREAM): connections
    /// made after it is set speak raw TCP, with STREAM's framing and
    /// notifications, on a ROUTER (write-only, as in libzmq).
    RouterRaw = 41, "ROUTER_RAW", Flag, store[with set_router_raw, -], types[Router Rep], Connect,
        set[set_router_raw(bool)], get[];
    /// ZMQ_IPV6: resolve and connect over IPv6 as well as IPv4.
    Ipv6 = 42, "IPV6", StrictFlag, store[field ipv6 = false], types[any], Connect,
        set[set_ipv6(bool)], get[ipv6 -> bool];
    /// ZMQ_MECHANISM: the security mechanism the options select (read-only).
    Mechanism = 43, "MECHANISM", MechanismCodec, store[with read_only, mechanism_kind],
        types[any], Now, set[], get[mechanism -> Mechanism];
    /// ZMQ_PLAIN_SERVER: act as a PLAIN server.
    PlainServer = 44, "PLAIN_SERVER", StrictFlag, store[with set_plain_server, plain_server_flag],
        types[any], Connect, set[set_plain_server(bool)], get[plain_server -> bool];
    /// ZMQ_PLAIN_USERNAME: the PLAIN client's user name (at most 255 bytes;
    /// setting it makes the socket a PLAIN client, empty a NULL one).
    PlainUsername = 45, "PLAIN_USERNAME", Credential,
        store[with set_plain_username, plain_username_value], types[any], Connect,
        set[set_plain_username(&str)], get[plain_username -> String];
    /// ZMQ_PLAIN_PASSWORD: the PLAIN client's password (at most 255 bytes;
    /// setting it makes the socket a PLAIN client, empty a NULL one).
    PlainPassword = 46, "PLAIN_PASSWORD", Credential,
        store[with set_plain_password, plain_password_value], types[any], Connect,
        set[set_plain_password(&str)], get[plain_password -> String];
    /// ZMQ_CURVE_SERVER: act as a CURVE server (needs ZMQ_CURVE_SECRETKEY;
    /// from Rust, [`Socket::set_curve_server`] sets both).
    CurveServer = 47, "CURVE_SERVER", StrictFlag,
        store[with set_curve_server_flag, curve_server_flag], types[any], Connect,
        set[], get[curve_server -> bool];
    /// ZMQ_CURVE_PUBLICKEY: our long-term public key (32 octets or 40 Z85 characters).
    CurvePublickey = 48, "CURVE_PUBLICKEY", CurveKey,
        store[with set_curve_public, curve_public], types[any], Connect, set[], get[];
    /// ZMQ_CURVE_SECRETKEY: our long-term secret key (32 octets or 40 Z85 characters).
    CurveSecretkey = 49, "CURVE_SECRETKEY", CurveKey,
        store[with set_curve_secret, curve_secret], types[any], Connect, set[], get[];
    /// ZMQ_CURVE_SERVERKEY: the server's public key; makes this socket a CURVE client.
    CurveServerkey = 50, "CURVE_SERVERKEY", CurveKey,
        store[with set_curve_server_key, curve_server_key], types[any], Connect, set[], get[];
    /// ZMQ_PROBE_ROUTER: greet each new peer with an empty message (ROUTER, DEALER).
    ProbeRouter = 51, "PROBE_ROUTER", Flag, store[field probe_router = false],
        types[Router Dealer Rep Req], Connect, set[set_probe_router(bool)], get[probe_router -> bool];
    /// ZMQ_REQ_CORRELATE: REQ adds a request id to match replies.
    ReqCorrelate = 52, "REQ_CORRELATE", Flag, store[field req_correlate = false], types[Req],
        Now, set[set_req_correlate(bool)], get[req_correlate -> bool];
    /// ZMQ_REQ_RELAXED: REQ may send again without waiting for a reply.
    ReqRelaxed = 53, "REQ_RELAXED", Flag, store[field req_relaxed = false], types[Req], Now,
        set[set_req_relaxed(bool)], get[req_relaxed -> bool];
    /// ZMQ_CONFLATE: keep only the last message (PUSH, PULL, PUB, SUB, DEALER).
    Conflate = 54, "CONFLATE", StrictFlag, store[field conflate = false], types[any], Connect,
        set[set_conflate(bool)], get[conflate -> bool];
    /// ZMQ_ZAP_DOMAIN: the ZAP domain (with NULL security, a domain makes
    /// the socket ask ZAP); 1 to 255 bytes, as in libzmq.
    ZapDomain = 55, "ZAP_DOMAIN", DomainText, store[field zap_domain = Bytes::new()], types[any],
        Connect, set[set_zap_domain(&str)], get[zap_domain -> String];
    /// ZMQ_ROUTER_HANDOVER: a new peer with a routing id in use takes it over.
    RouterHandover = 56, "ROUTER_HANDOVER", Flag, store[field router_handover = false],
        types[Router Rep], Now, set[set_router_handover(bool)], get[router_handover -> bool];
    /// ZMQ_TOS: IP type-of-service byte of TCP connections (0 = the OS default).
    Tos = 57, "TOS", AtLeast<0>, store[field tos = 0], types[any], Connect,
        set[set_tos(i32)], get[tos -> i32];
    /// ZMQ_IPC_FILTER_PID: accept ipc peers of this process id; each call
    /// adds one, `None` clears the set (write-only).
    IpcFilterPid = 58, "IPC_FILTER_PID", IdFilter, store[with add_ipc_filter_pid, -],
        types[any], Connect, set[set_ipc_filter_pid(Option<u32>)], get[];
    /// ZMQ_IPC_FILTER_UID: accept ipc peers of this user id; each call
    /// adds one, `None` clears the set (write-only).
    IpcFilterUid = 59, "IPC_FILTER_UID", IdFilter, store[with add_ipc_filter_uid, -],
        types[any], Connect, set[set_ipc_filter_uid(Option<u32>)], get[];
    /// ZMQ_IPC_FILTER_GID: accept ipc peers in this group; each call adds
    /// one, `None` clears the set (write-only).
    IpcFilterGid = 60, "IPC_FILTER_GID", IdFilter, store[with add_ipc_filter_gid, -],
        types[any], Connect, set[set_ipc_filter_gid(Option<u32>)], get[];
    /// ZMQ_CONNECT_ROUTING_ID: routing id for the peer of the next connect
    /// (ROUTER, STREAM; write-only).
    ConnectRoutingId = 61, "CONNECT_ROUTING_ID", RoutingId,
        store[with set_connect_routing_id, -], types[Router Stream Rep], Connect,
        set[set_connect_routing_id(&[u8])], get[];
    /// ZMQ_HANDSHAKE_IVL: time allowed for the ZMTP handshake (`None` = no limit).
    HandshakeIvl = 66, "HANDSHAKE_IVL", Interval, store[field handshake_ivl = 30_000],
        types[any], Connect, set[set_handshake_ivl(Option<Duration>)],
        get[handshake_ivl -> Option<Duration>];
    /// ZMQ_SOCKS_PROXY: connect over tcp through this SOCKS5 proxy
    /// (`host:port`; empty = none).
    SocksProxy = 68, "SOCKS_PROXY", Text, store[with set_socks_proxy, socks_proxy_value],
        types[any], Connect, set[set_socks_proxy(&str)], get[socks_proxy -> String];
    /// ZMQ_XPUB_NODROP: PUB and XPUB block (or fail with EAGAIN) at the
    /// high-water mark instead of dropping.
    XpubNodrop = 69, "XPUB_NODROP", Flag, store[field xpub_nodrop = false], types[Pub XPub],
        Now, set[set_xpub_nodrop(bool)], get[xpub_nodrop -> bool];
    /// ZMQ_BLOCKY: a context option, listed here under pyzmq's socket
    /// option names; sockets refuse it (EINVAL), as libzmq's do.
    Blocky = 70, "BLOCKY", AnyInt, store[field blocky = 0], types[any], Now, set[], get[];
    /// ZMQ_XPUB_MANUAL: subscriptions are managed by the application (PUB, XPUB).
    XpubManual = 71, "XPUB_MANUAL", Flag, store[field xpub_manual = false], types[Pub XPub],
        Now, set[set_xpub_manual(bool)], get[xpub_manual -> bool];
    /// ZMQ_XPUB_WELCOME_MSG: message sent to each new subscriber (PUB,
    /// XPUB; write-only).
    XpubWelcomeMsg = 72, "XPUB_WELCOME_MSG", Blob, store[with set_xpub_welcome_msg, -],
        types[Pub XPub], Now, set[set_xpub_welcome_msg(&[u8])], get[];
    /// ZMQ_STREAM_NOTIFY: STREAM announces connects and disconnects with
    /// an empty message (on by default; write-only).
    StreamNotify = 73, "STREAM_NOTIFY", StrictFlag, store[with set_stream_notify, -],
        types[Stream], Connect, set[set_stream_notify(bool)], get[];
    /// ZMQ_INVERT_MATCHING: SUB receives what does not match (PUB and
    /// XPUB send what does not match).
    InvertMatching = 74, "INVERT_MATCHING", RelaxedFlag, store[field invert_matching = false],
        types[any], Now, set[set_invert_matching(bool)], get[invert_matching -> bool];
    /// ZMQ_HEARTBEAT_IVL: time between PINGs (`None` = no heartbeats).
    HeartbeatIvl = 75, "HEARTBEAT_IVL", Interval, store[field heartbeat_ivl = 0], types[any],
        Connect, set[set_heartbeat_ivl(Option<Duration>)],
        get[heartbeat_ivl -> Option<Duration>];
    /// ZMQ_HEARTBEAT_TTL: how long the peer may wait for traffic before
    /// dropping us, announced in PINGs (kept in whole deciseconds, at most
    /// 6553.5 s).
    HeartbeatTtl = 76, "HEARTBEAT_TTL", HeartbeatTtl, store[field heartbeat_ttl = 0], types[any],
        Connect, set[set_heartbeat_ttl(Duration)], get[heartbeat_ttl -> Duration];
    /// ZMQ_HEARTBEAT_TIMEOUT: how long to wait for traffic after a PING
    /// (`None`, until set, = the heartbeat interval).
    HeartbeatTimeout = 77, "HEARTBEAT_TIMEOUT", HeartbeatTimeout,
        store[field heartbeat_timeout = -1], types[any], Connect,
        set[set_heartbeat_timeout(Duration)],
        get[heartbeat_timeout -> Option<Duration>];
    /// ZMQ_XPUB_VERBOSER: pass duplicate subscriptions and unsubscriptions up (PUB, XPUB).
    XpubVerboser = 78, "XPUB_VERBOSER", Flag, store[field xpub_verboser = false],
        types[Pub XPub], Now, set[set_xpub_verboser(bool)], get[xpub_verboser -> bool];
    /// ZMQ_CONNECT_TIMEOUT: time allowed for a TCP connect (`None` = the OS's).
    ConnectTimeout = 79, "CONNECT_TIMEOUT", Interval, store[field connect_timeout = 0],
        types[any], Connect, set[set_connect_timeout(Option<Duration>)],
        get[connect_timeout -> Option<Duration>];
    /// ZMQ_TCP_MAXRT: how long sent data may stay unacknowledged before
    /// the connection drops (TCP_USER_TIMEOUT; `None` = the OS's).
    TcpMaxrt = 80, "TCP_MAXRT", Interval, store[field tcp_maxrt = 0], types[any], Connect,
        set[set_tcp_maxrt(Option<Duration>)], get[tcp_maxrt -> Option<Duration>];
    /// ZMQ_THREAD_SAFE: whether the socket is thread-safe (read-only; never).
    ThreadSafe = 81, "THREAD_SAFE", Flag, store[with read_only, thread_safe], types[any], Now,
        set[], get[];
    /// ZMQ_MULTICAST_MAXTPDU: largest multicast packet in bytes (accepted
    /// and ignored: ferrozmq has no multicast transport).
    MulticastMaxtpdu = 84, "MULTICAST_MAXTPDU", AtLeast<1>, store[field multicast_maxtpdu = 1500],
        types[any], Connect, set[set_multicast_maxtpdu(i32)], get[multicast_maxtpdu -> i32];
    /// ZMQ_USE_FD: bind takes over this already bound, listening socket
    /// (and closes it on unbind) instead of making one (`None` = make one).
    UseFd = 89, "USE_FD", OptionalFd, store[with set_use_fd, use_fd], types[any], Connect,
        set[set_use_fd(Option<i32>)], get[use_fd -> Option<i32>];
    /// ZMQ_BINDTODEVICE: bind every connection to this network interface
    /// (SO_BINDTODEVICE; at most 16 bytes; empty = none).
    BindToDevice = 92, "BINDTODEVICE", Device, store[with set_bind_to_device, bind_to_device],
        types[any], Connect, set[set_bind_to_device(&str)], get[bind_to_device -> String];
    /// ZMQ_ZAP_ENFORCE_DOMAIN: libzmq 4.3's switch for RFC 27's strict ZAP
    /// domain rules (kept and reported; ferrozmq applies libzmq 4.3's
    /// default behaviour either way, as libzmq 4.3 itself does).
    ZapEnforceDomain = 93, "ZAP_ENFORCE_DOMAIN", RelaxedFlag, store[field zap_enforce_domain = false],
        types[any], Connect, set[set_zap_enforce_domain(bool)], get[zap_enforce_domain -> bool];
    /// ZMQ_LOOPBACK_FASTPATH: Windows' loopback fast path (accepted and
    /// ignored elsewhere, as in libzmq).
    LoopbackFastpath = 94, "LOOPBACK_FASTPATH", RelaxedFlag, store[field loopback_fastpath = false],
        types[any], Connect, set[set_loopback_fastpath(bool)], get[loopback_fastpath -> bool];
    /// ZMQ_METADATA: add an application property (a name starting `X-`, a
    /// value not empty) sent to peers in the handshake (write-only).
    Metadata = 95, "METADATA", Property, store[with add_metadata, -], types[any], Connect,
        set[add_metadata((&str, &str))], get[];
    /// ZMQ_MULTICAST_LOOP: multicast loopback for UDP (accepted and ignored:
    /// ferrozmq has no UDP transport).
    MulticastLoop = 96, "MULTICAST_LOOP", RelaxedFlag, store[field multicast_loop = true], types[any],
        Connect, set[set_multicast_loop(bool)], get[multicast_loop -> bool];
    /// ZMQ_XPUB_MANUAL_LAST_VALUE: XPUB_MANUAL, and the first message sent
    /// after the application reads a subscription goes only to the peer
    /// that sent it, for last-value caches (PUB, XPUB; write-only). A
    /// draft option in libzmq 4.3 that its stable builds accept.
    XpubManualLastValue = 98, "XPUB_MANUAL_LAST_VALUE", Flag,
        store[with set_xpub_manual_last_value, -], types[Pub XPub], Now,
        set[set_xpub_manual_last_value(bool)], get[];
    /// ZMQ_SOCKS_USERNAME: user name for the SOCKS5 proxy (at most 255
    /// bytes; empty = no authentication).
    SocksUsername = 99, "SOCKS_USERNAME", ShortText,
        store[with set_socks_username, socks_username], types[any], Connect,
        set[set_socks_username(&str)], get[socks_username -> String];
    /// ZMQ_SOCKS_PASSWORD: password for the SOCKS5 proxy (at most 255 bytes).
    SocksPassword = 100, "SOCKS_PASSWORD", ShortText,
        store[with set_socks_password, socks_password], types[any], Connect,
        set[set_socks_password(&str)], get[socks_password -> String];

    /// ZMQ_ONLY_FIRST_SUBSCRIBE: in a multipart message, frames after the
    /// first are subscriptions only when the first is one; otherwise they
    /// are data, whatever their first byte (PUB, XPUB, XSUB; write-only).
    /// A draft option in libzmq 4.3 that its stable builds accept.
    OnlyFirstSubscribe = 108, "ONLY_FIRST_SUBSCRIBE", Flag,
        store[field only_first_subscribe = false], types[Pub XPub XSub], Now,
        set[set_only_first_subscribe(bool)], get[only_first_subscribe -> bool];
    // ferrozmq extensions, numbered outside libzmq's range ("FR" 0x4652 in
    // the high bits): the durable spool (crate::spool explains it).

    /// ferrozmq extension `ZMQ_FERROZMQ_SPOOL`: keep every message `send`
    /// accepts in this directory until it is written to a peer's
    /// connection, and send what an earlier run left there first (`None`
    /// or empty = no spool; setting it opens the directory, creating it).
    /// PUSH, DEALER, PAIR and PUB only; not with ZMQ_CONFLATE.
    Spool = 0x4652_0001, "FERROZMQ_SPOOL", SpoolDir, store[field spool = String::new()],
        types[Push Dealer Pair Pub], Now, set[set_spool(Option<&Path>)],
        get[spool -> Option<PathBuf>];
    /// ferrozmq extension `ZMQ_FERROZMQ_SPOOL_FSYNC`: when spooled
    /// messages reach the disk: 0 = before each `send` returns, N > 0 =
    /// every N ms, -1 = never (see [`FsyncPolicy`]; default 0).
    SpoolFsync = 0x4652_0002, "FERROZMQ_SPOOL_FSYNC", SpoolFsync,
        store[field spool_fsync = 0], types[Push Dealer Pair Pub], Now,
        set[set_spool_fsync(FsyncPolicy)], get[spool_fsync -> FsyncPolicy];
    /// ferrozmq extension `ZMQ_FERROZMQ_SPOOL_SIZE`: the most bytes the
    /// spool's files may take (default 1 GiB; negative = no limit). A full
    /// spool makes `send` wait as at the high-water mark: it blocks up to
    /// ZMQ_SNDTIMEO, or fails with EAGAIN under ZMQ_DONTWAIT.
    SpoolSize = 0x4652_0003, "FERROZMQ_SPOOL_SIZE", SizeLimit,
        store[field spool_size = 1 << 30], types[Push Dealer Pair Pub], Now,
        set[set_spool_size(Option<u64>)], get[spool_size -> Option<u64>];
    /// ferrozmq extension `ZMQ_FERROZMQ_SPOOL_PENDING` (read-only, int64):
    /// messages in the spool not yet written to a peer's connection, as of
    /// now (-1 without a spool); see `Socket::spool_pending`.
    SpoolPending = 0x4652_0004, "FERROZMQ_SPOOL_PENDING", SizeLimit, store[socket],
        types[any], Now, set[], get[];
}
