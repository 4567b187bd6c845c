//! Every constant of libzmq 4.3's stable `zmq.h`, with libzmq's values.
//! cbindgen turns each into a `#define`; `tests/check_constants.py` compares
//! them with Debian's header.

use std::os::raw::c_int;

/// Major version of the libzmq API we implement.
pub const ZMQ_VERSION_MAJOR: c_int = 4;
/// Minor version of the libzmq API we implement.
pub const ZMQ_VERSION_MINOR: c_int = 3;
/// Patch version of the libzmq API we implement.
pub const ZMQ_VERSION_PATCH: c_int = 4;

/// Base for error numbers the platform does not define.
pub const ZMQ_HAUSNUMERO: c_int = 156384712;
/// The state machine does not allow this operation now.
pub const EFSM: c_int = ZMQ_HAUSNUMERO + 51;
/// The transport is not compatible with the socket type.
pub const ENOCOMPATPROTO: c_int = ZMQ_HAUSNUMERO + 52;
/// The context was terminated.
pub const ETERM: c_int = ZMQ_HAUSNUMERO + 53;
/// No I/O thread is available.
pub const EMTHREAD: c_int = ZMQ_HAUSNUMERO + 54;

/// Context option: number of I/O threads.
pub const ZMQ_IO_THREADS: c_int = 1;
/// Context option: largest number of sockets.
pub const ZMQ_MAX_SOCKETS: c_int = 2;
/// Context option: the hard limit on ZMQ_MAX_SOCKETS (read-only).
pub const ZMQ_SOCKET_LIMIT: c_int = 3;
/// Context option: I/O thread priority (set only; accepted and ignored).
pub const ZMQ_THREAD_PRIORITY: c_int = 3;
/// Context option: I/O thread scheduling policy (accepted and ignored).
pub const ZMQ_THREAD_SCHED_POLICY: c_int = 4;
/// Context option: largest message size.
pub const ZMQ_MAX_MSGSZ: c_int = 5;
/// Context option: size of zmq_msg_t (read-only).
pub const ZMQ_MSG_T_SIZE: c_int = 6;
/// Context option: add a CPU to the I/O threads' affinity (accepted and ignored).
pub const ZMQ_THREAD_AFFINITY_CPU_ADD: c_int = 7;
/// Context option: remove a CPU from the affinity (accepted and ignored).
pub const ZMQ_THREAD_AFFINITY_CPU_REMOVE: c_int = 8;
/// Context option: I/O thread name prefix (accepted and ignored).
pub const ZMQ_THREAD_NAME_PREFIX: c_int = 9;
/// Context option: whether received bodies may share the read buffer (kept and read back).
pub const ZMQ_ZERO_COPY_RECV: c_int = 10;
/// Default number of I/O threads.
pub const ZMQ_IO_THREADS_DFLT: c_int = 1;
/// Default ZMQ_MAX_SOCKETS.
pub const ZMQ_MAX_SOCKETS_DFLT: c_int = 1023;
/// Default thread priority (the OS's).
pub const ZMQ_THREAD_PRIORITY_DFLT: c_int = -1;
/// Default scheduling policy (the OS's).
pub const ZMQ_THREAD_SCHED_POLICY_DFLT: c_int = -1;

/// Socket type PAIR.
pub const ZMQ_PAIR: c_int = 0;
/// Socket type PUB.
pub const ZMQ_PUB: c_int = 1;
/// Socket type SUB.
pub const ZMQ_SUB: c_int = 2;
/// Socket type REQ.
pub const ZMQ_REQ: c_int = 3;
/// Socket type REP.
pub const ZMQ_REP: c_int = 4;
/// Socket type DEALER.
pub const ZMQ_DEALER: c_int = 5;
/// Socket type ROUTER.
pub const ZMQ_ROUTER: c_int = 6;
/// Socket type PULL.
pub const ZMQ_PULL: c_int = 7;
/// Socket type PUSH.
pub const ZMQ_PUSH: c_int = 8;
/// Socket type XPUB.
pub const ZMQ_XPUB: c_int = 9;
/// Socket type XSUB.
pub const ZMQ_XSUB: c_int = 10;
/// Socket type STREAM: raw TCP to peers that speak no ZeroMQ.
pub const ZMQ_STREAM: c_int = 11;
/// Deprecated alias of ZMQ_DEALER.
pub const ZMQ_XREQ: c_int = ZMQ_DEALER;
/// Deprecated alias of ZMQ_ROUTER.
pub const ZMQ_XREP: c_int = ZMQ_ROUTER;

/// Socket option: I/O thread affinity (uint64_t).
pub const ZMQ_AFFINITY: c_int = 4;
/// Socket option: routing id (binary, 1-255 bytes).
pub const ZMQ_ROUTING_ID: c_int = 5;
/// Socket option: add a subscription prefix.
pub const ZMQ_SUBSCRIBE: c_int = 6;
/// Socket option: remove a subscription prefix.
pub const ZMQ_UNSUBSCRIBE: c_int = 7;
/// Socket option: multicast rate.
pub const ZMQ_RATE: c_int = 8;
/// Socket option: multicast recovery interval.
pub const ZMQ_RECOVERY_IVL: c_int = 9;
/// Socket option: kernel send buffer size.
pub const ZMQ_SNDBUF: c_int = 11;
/// Socket option: kernel receive buffer size.
pub const ZMQ_RCVBUF: c_int = 12;
/// Socket option: more frames follow (read-only).
pub const ZMQ_RCVMORE: c_int = 13;
/// Socket option: readiness file descriptor (read-only).
pub const ZMQ_FD: c_int = 14;
/// Socket option: ZMQ_POLLIN/ZMQ_POLLOUT state (read-only).
pub const ZMQ_EVENTS: c_int = 15;
/// Socket option: socket type (read-only).
pub const ZMQ_TYPE: c_int = 16;
/// Socket option: linger period in ms.
pub const ZMQ_LINGER: c_int = 17;
/// Socket option: reconnect interval in ms.
pub const ZMQ_RECONNECT_IVL: c_int = 18;
/// Socket option: listen backlog.
pub const ZMQ_BACKLOG: c_int = 19;
/// Socket option: largest reconnect interval in ms.
pub const ZMQ_RECONNECT_IVL_MAX: c_int = 21;
/// Socket option: largest inbound message (int64_t).
pub const ZMQ_MAXMSGSIZE: c_int = 22;
/// Socket option: send high-water mark.
pub const ZMQ_SNDHWM: c_int = 23;
/// Socket option: receive high-water mark.
pub const ZMQ_RCVHWM: c_int = 24;
/// Socket option: multicast hops.
pub const ZMQ_MULTICAST_HOPS: c_int = 25;
/// Socket option: receive timeout in ms.
pub const ZMQ_RCVTIMEO: c_int = 27;
/// Socket option: send timeout in ms.
pub const ZMQ_SNDTIMEO: c_int = 28;
/// Socket option: last endpoint bound (read-only).
pub const ZMQ_LAST_ENDPOINT: c_int = 32;
/// Socket option: unroutable messages fail (ROUTER).
pub const ZMQ_ROUTER_MANDATORY: c_int = 33;
/// Socket option: TCP keepalive.
pub const ZMQ_TCP_KEEPALIVE: c_int = 34;
/// Socket option: TCP keepalive count.
pub const ZMQ_TCP_KEEPALIVE_CNT: c_int = 35;
/// Socket option: TCP keepalive idle time.
pub const ZMQ_TCP_KEEPALIVE_IDLE: c_int = 36;
/// Socket option: TCP keepalive interval.
pub const ZMQ_TCP_KEEPALIVE_INTVL: c_int = 37;
/// Socket option: queue only on completed connections.
pub const ZMQ_IMMEDIATE: c_int = 39;
/// Socket option: pass duplicate subscriptions (XPUB).
pub const ZMQ_XPUB_VERBOSE: c_int = 40;
/// Socket option: raw ROUTER (not supported).
pub const ZMQ_ROUTER_RAW: c_int = 41;
/// Socket option: IPv6.
pub const ZMQ_IPV6: c_int = 42;
/// Socket option: security mechanism (read-only).
pub const ZMQ_MECHANISM: c_int = 43;
/// Socket option: PLAIN server.
pub const ZMQ_PLAIN_SERVER: c_int = 44;
/// Socket option: PLAIN user name.
pub const ZMQ_PLAIN_USERNAME: c_int = 45;
/// Socket option: PLAIN password.
pub const ZMQ_PLAIN_PASSWORD: c_int = 46;
/// Socket option: act as CURVE server.
pub const ZMQ_CURVE_SERVER: c_int = 47;
/// Socket option: CURVE long-term public key (32 octets or 40 Z85 characters).
pub const ZMQ_CURVE_PUBLICKEY: c_int = 48;
/// Socket option: CURVE long-term secret key (32 octets or 40 Z85 characters).
pub const ZMQ_CURVE_SECRETKEY: c_int = 49;
/// Socket option: the CURVE server's public key (makes the socket a CURVE client).
pub const ZMQ_CURVE_SERVERKEY: c_int = 50;
/// Socket option: send an empty message on connect (ROUTER/DEALER).
pub const ZMQ_PROBE_ROUTER: c_int = 51;
/// Socket option: REQ matches replies by request id.
pub const ZMQ_REQ_CORRELATE: c_int = 52;
/// Socket option: REQ may send again without a reply.
pub const ZMQ_REQ_RELAXED: c_int = 53;
/// Socket option: keep only the last message.
pub const ZMQ_CONFLATE: c_int = 54;
/// Socket option: ZAP domain.
pub const ZMQ_ZAP_DOMAIN: c_int = 55;
/// Socket option: ROUTER hands a routing id over to a new peer.
pub const ZMQ_ROUTER_HANDOVER: c_int = 56;
/// Socket option: IP type of service.
pub const ZMQ_TOS: c_int = 57;
/// Socket option: routing id of the next connected peer (ROUTER).
pub const ZMQ_CONNECT_ROUTING_ID: c_int = 61;
/// Socket option: GSSAPI server (not supported).
pub const ZMQ_GSSAPI_SERVER: c_int = 62;
/// Socket option: GSSAPI principal (not supported).
pub const ZMQ_GSSAPI_PRINCIPAL: c_int = 63;
/// Socket option: GSSAPI service principal (not supported).
pub const ZMQ_GSSAPI_SERVICE_PRINCIPAL: c_int = 64;
/// Socket option: GSSAPI plaintext (not supported).
pub const ZMQ_GSSAPI_PLAINTEXT: c_int = 65;
/// Socket option: handshake time limit in ms.
pub const ZMQ_HANDSHAKE_IVL: c_int = 66;
/// Socket option: connect over tcp through this SOCKS5 proxy (`host:port`).
pub const ZMQ_SOCKS_PROXY: c_int = 68;
/// Socket option: XPUB blocks at HWM instead of dropping.
pub const ZMQ_XPUB_NODROP: c_int = 69;
/// Context option: whether term waits for lingering messages.
pub const ZMQ_BLOCKY: c_int = 70;
/// Socket option: XPUB subscriptions managed by the application.
pub const ZMQ_XPUB_MANUAL: c_int = 71;
/// Socket option: XPUB welcome message.
pub const ZMQ_XPUB_WELCOME_MSG: c_int = 72;
/// Socket option: STREAM connect/disconnect notifications (default on).
pub const ZMQ_STREAM_NOTIFY: c_int = 73;
/// Socket option: SUB receives what does not match.
pub const ZMQ_INVERT_MATCHING: c_int = 74;
/// Socket option: heartbeat interval in ms.
pub const ZMQ_HEARTBEAT_IVL: c_int = 75;
/// Socket option: heartbeat TTL in ms.
pub const ZMQ_HEARTBEAT_TTL: c_int = 76;
/// Socket option: heartbeat timeout in ms.
pub const ZMQ_HEARTBEAT_TIMEOUT: c_int = 77;
/// Socket option: pass duplicate (un)subscriptions (XPUB).
pub const ZMQ_XPUB_VERBOSER: c_int = 78;
/// Socket option: TCP connect timeout in ms.
pub const ZMQ_CONNECT_TIMEOUT: c_int = 79;
/// Socket option: TCP maximum retransmit timeout.
pub const ZMQ_TCP_MAXRT: c_int = 80;
/// Socket option: whether the socket is thread-safe (read-only).
pub const ZMQ_THREAD_SAFE: c_int = 81;
/// Socket option: multicast TPDU size (not supported).
pub const ZMQ_MULTICAST_MAXTPDU: c_int = 84;
/// Socket option: VMCI buffer size (not supported).
pub const ZMQ_VMCI_BUFFER_SIZE: c_int = 85;
/// Socket option: VMCI minimum buffer size (not supported).
pub const ZMQ_VMCI_BUFFER_MIN_SIZE: c_int = 86;
/// Socket option: VMCI maximum buffer size (not supported).
pub const ZMQ_VMCI_BUFFER_MAX_SIZE: c_int = 87;
/// Socket option: VMCI connect timeout (not supported).
pub const ZMQ_VMCI_CONNECT_TIMEOUT: c_int = 88;
/// Socket option: use a pre-made file descriptor (not supported).
pub const ZMQ_USE_FD: c_int = 89;
/// Socket option: GSSAPI principal name type (not supported).
pub const ZMQ_GSSAPI_PRINCIPAL_NAMETYPE: c_int = 90;
/// Socket option: GSSAPI service principal name type (not supported).
pub const ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE: c_int = 91;
/// Socket option: bind every connection to a network device (SO_BINDTODEVICE).
pub const ZMQ_BINDTODEVICE: c_int = 92;
/// Socket option (DRAFT in libzmq): strict ZAP domain handling (kept and reported).
pub const ZMQ_ZAP_ENFORCE_DOMAIN: c_int = 93;
/// Socket option (DRAFT in libzmq): Windows' loopback fast path (ignored elsewhere).
pub const ZMQ_LOOPBACK_FASTPATH: c_int = 94;
/// Socket option (DRAFT in libzmq): add an application metadata property.
pub const ZMQ_METADATA: c_int = 95;
/// Socket option (DRAFT in libzmq): UDP multicast loopback (no UDP transport: kept only).
pub const ZMQ_MULTICAST_LOOP: c_int = 96;
/// Socket option (DRAFT in libzmq's header, taken by its library):
/// XPUB_MANUAL, and the first send after a subscription is read goes to
/// that subscriber only.
pub const ZMQ_XPUB_MANUAL_LAST_VALUE: c_int = 98;
/// Socket option (DRAFT in libzmq): SOCKS5 proxy user name.
pub const ZMQ_SOCKS_USERNAME: c_int = 99;
/// Socket option (DRAFT in libzmq): SOCKS5 proxy password.
pub const ZMQ_SOCKS_PASSWORD: c_int = 100;
/// Socket option (DRAFT in libzmq's header, taken by its library): in a
/// multipart message whose first frame is data, later frames are data too.
pub const ZMQ_ONLY_FIRST_SUBSCRIBE: c_int = 108;
/// Socket option (DRAFT in libzmq's header, taken by its library): the
/// failures after which a connecting socket stops reconnecting.
pub const ZMQ_RECONNECT_STOP: c_int = 109;
/// ZMQ_RECONNECT_STOP: stop when the connect is refused (ECONNREFUSED).
pub const ZMQ_RECONNECT_STOP_CONN_REFUSED: c_int = 0x1;
/// ZMQ_RECONNECT_STOP: stop when the connection is lost during the handshake.
pub const ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: c_int = 0x2;
/// ferrozmq extension socket option (not in libzmq; number outside its
/// range): the durable spool's directory, a string (empty = none). Messages
/// `zmq_send` accepts are kept there until written to a peer's connection
/// and sent first by the next socket that opens it. PUSH, DEALER, PAIR, PUB.
pub const ZMQ_FERROZMQ_SPOOL: c_int = 0x4652_0001;
/// ferrozmq extension socket option: when spooled messages reach the disk,
/// an int: 0 = before each send returns (default), N > 0 = every N ms,
/// -1 = never (a killed process loses nothing in any case).
pub const ZMQ_FERROZMQ_SPOOL_FSYNC: c_int = 0x4652_0002;
/// ferrozmq extension socket option: the spool's size limit in bytes, an
/// int64_t (default 1 GiB; -1 = none). When full, `zmq_send` blocks as at
/// the high-water mark (ZMQ_SNDTIMEO; EAGAIN with ZMQ_DONTWAIT).
pub const ZMQ_FERROZMQ_SPOOL_SIZE: c_int = 0x4652_0003;
/// ferrozmq extension socket option (read-only, int64_t): messages in the
/// spool not yet written to a peer's connection (-1 without a spool); a
/// graceful shutdown waits for 0 before closing.
pub const ZMQ_FERROZMQ_SPOOL_PENDING: c_int = 0x4652_0004;

/// Message property: more frames follow.
pub const ZMQ_MORE: c_int = 1;
/// Message property: the buffer is shared with another message.
pub const ZMQ_SHARED: c_int = 3;

/// Send/recv flag: don't block.
pub const ZMQ_DONTWAIT: c_int = 1;
/// Send flag: more frames follow.
pub const ZMQ_SNDMORE: c_int = 2;

/// Security mechanism NULL.
pub const ZMQ_NULL: c_int = 0;
/// Security mechanism PLAIN.
pub const ZMQ_PLAIN: c_int = 1;
/// Security mechanism CURVE.
pub const ZMQ_CURVE: c_int = 2;
/// Security mechanism GSSAPI.
pub const ZMQ_GSSAPI: c_int = 3;

/// Largest RADIO/DISH group name.
pub const ZMQ_GROUP_MAX_LENGTH: c_int = 255;

/// Deprecated alias of ZMQ_ROUTING_ID.
pub const ZMQ_IDENTITY: c_int = ZMQ_ROUTING_ID;
/// Deprecated alias of ZMQ_CONNECT_ROUTING_ID.
pub const ZMQ_CONNECT_RID: c_int = ZMQ_CONNECT_ROUTING_ID;
/// Deprecated socket option: TCP accept filter (not supported).
pub const ZMQ_TCP_ACCEPT_FILTER: c_int = 38;
/// Deprecated socket option: IPC filter by pid (not supported).
pub const ZMQ_IPC_FILTER_PID: c_int = 58;
/// Deprecated socket option: IPC filter by uid (not supported).
pub const ZMQ_IPC_FILTER_UID: c_int = 59;
/// Deprecated socket option: IPC filter by gid (not supported).
pub const ZMQ_IPC_FILTER_GID: c_int = 60;
/// Deprecated socket option: IPv4 only (the opposite of ZMQ_IPV6).
pub const ZMQ_IPV4ONLY: c_int = 31;
/// Deprecated alias of ZMQ_IMMEDIATE.
pub const ZMQ_DELAY_ATTACH_ON_CONNECT: c_int = ZMQ_IMMEDIATE;
/// Deprecated alias of ZMQ_DONTWAIT.
pub const ZMQ_NOBLOCK: c_int = ZMQ_DONTWAIT;
/// Deprecated alias of ZMQ_ROUTER_MANDATORY.
pub const ZMQ_FAIL_UNROUTABLE: c_int = ZMQ_ROUTER_MANDATORY;
/// Deprecated alias of ZMQ_ROUTER_MANDATORY.
pub const ZMQ_ROUTER_BEHAVIOR: c_int = ZMQ_ROUTER_MANDATORY;
/// Deprecated message property: the source file descriptor.
pub const ZMQ_SRCFD: c_int = 2;

/// GSSAPI name type: host-based.
pub const ZMQ_GSSAPI_NT_HOSTBASED: c_int = 0;
/// GSSAPI name type: user name.
pub const ZMQ_GSSAPI_NT_USER_NAME: c_int = 1;
/// GSSAPI name type: Kerberos principal.
pub const ZMQ_GSSAPI_NT_KRB5_PRINCIPAL: c_int = 2;

/// Monitor event: connection established.
pub const ZMQ_EVENT_CONNECTED: c_int = 0x0001;
/// Monitor event: connect is in progress.
pub const ZMQ_EVENT_CONNECT_DELAYED: c_int = 0x0002;
/// Monitor event: reconnect scheduled.
pub const ZMQ_EVENT_CONNECT_RETRIED: c_int = 0x0004;
/// Monitor event: bound and listening.
pub const ZMQ_EVENT_LISTENING: c_int = 0x0008;
/// Monitor event: bind failed.
pub const ZMQ_EVENT_BIND_FAILED: c_int = 0x0010;
/// Monitor event: connection accepted.
pub const ZMQ_EVENT_ACCEPTED: c_int = 0x0020;
/// Monitor event: accept failed.
pub const ZMQ_EVENT_ACCEPT_FAILED: c_int = 0x0040;
/// Monitor event: connection or listener closed.
pub const ZMQ_EVENT_CLOSED: c_int = 0x0080;
/// Monitor event: close failed.
pub const ZMQ_EVENT_CLOSE_FAILED: c_int = 0x0100;
/// Monitor event: connection broken.
pub const ZMQ_EVENT_DISCONNECTED: c_int = 0x0200;
/// Monitor event: monitoring stopped.
pub const ZMQ_EVENT_MONITOR_STOPPED: c_int = 0x0400;
/// Monitor events: all of them.
pub const ZMQ_EVENT_ALL: c_int = 0xFFFF;
/// Monitor event: handshake failed, no detail.
pub const ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: c_int = 0x0800;
/// Monitor event: handshake succeeded.
pub const ZMQ_EVENT_HANDSHAKE_SUCCEEDED: c_int = 0x1000;
/// Monitor event: handshake failed, protocol error.
pub const ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: c_int = 0x2000;
/// Monitor event: handshake failed, authentication.
pub const ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: c_int = 0x4000;

/// Protocol error: unspecified ZMTP error.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED: c_int = 0x10000000;
/// Protocol error: unexpected command.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: c_int = 0x10000001;
/// Protocol error: invalid sequence.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: c_int = 0x10000002;
/// Protocol error: key exchange.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: c_int = 0x10000003;
/// Protocol error: malformed command.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED: c_int = 0x10000011;
/// Protocol error: malformed MESSAGE.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE: c_int = 0x10000012;
/// Protocol error: malformed HELLO.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO: c_int = 0x10000013;
/// Protocol error: malformed INITIATE.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE: c_int = 0x10000014;
/// Protocol error: malformed ERROR.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR: c_int = 0x10000015;
/// Protocol error: malformed READY.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY: c_int = 0x10000016;
/// Protocol error: malformed WELCOME.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME: c_int = 0x10000017;
/// Protocol error: invalid metadata.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA: c_int = 0x10000018;
/// Protocol error: cryptographic failure.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: c_int = 0x11000001;
/// Protocol error: mechanism mismatch.
pub const ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: c_int = 0x11000002;
/// Protocol error: unspecified ZAP error.
pub const ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED: c_int = 0x20000000;
/// Protocol error: malformed ZAP reply.
pub const ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY: c_int = 0x20000001;
/// Protocol error: ZAP reply with a bad request id.
pub const ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID: c_int = 0x20000002;
/// Protocol error: ZAP reply with a bad version.
pub const ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION: c_int = 0x20000003;
/// Protocol error: ZAP reply with an invalid status code.
pub const ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE: c_int = 0x20000004;
/// Protocol error: ZAP reply with invalid metadata.
pub const ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA: c_int = 0x20000005;
/// Protocol error: unspecified WebSocket error.
pub const ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED: c_int = 0x30000000;

/// Poll event: readable.
pub const ZMQ_POLLIN: c_int = 1;
/// Poll event: writable.
pub const ZMQ_POLLOUT: c_int = 2;
/// Poll event: error (file descriptors only).
pub const ZMQ_POLLERR: c_int = 4;
/// Poll event: urgent data (file descriptors only).
pub const ZMQ_POLLPRI: c_int = 8;
/// Default number of poll items.
pub const ZMQ_POLLITEMS_DFLT: c_int = 16;

/// zmq_has is available.
pub const ZMQ_HAS_CAPABILITIES: c_int = 1;

/// zmq_device type: streamer.
pub const ZMQ_STREAMER: c_int = 1;
/// zmq_device type: forwarder.
pub const ZMQ_FORWARDER: c_int = 2;
/// zmq_device type: queue.
pub const ZMQ_QUEUE: c_int = 3;
