//! [`PatternOptions`]: what the socket patterns read of a socket's options.
//!
//! The socket copies these out of its option table whenever an option
//! changes (and sets the per-message ones before each send), so the
//! patterns depend on nothing above them.

use bytes::Bytes;

/// The options that change how a socket type routes.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternOptions {
    /// ZMQ_ROUTER_MANDATORY.
    pub(crate) router_mandatory: bool,
    /// ZMQ_ROUTER_RAW: a ROUTER whose peers speak raw TCP.
    pub(crate) router_raw: bool,
    /// ZMQ_ROUTER_HANDOVER.
    pub(crate) router_handover: bool,
    /// ZMQ_XPUB_VERBOSE.
    pub(crate) xpub_verbose: bool,
    /// ZMQ_XPUB_VERBOSER.
    pub(crate) xpub_verboser: bool,
    /// ZMQ_XPUB_MANUAL.
    pub(crate) xpub_manual: bool,
    /// ZMQ_XPUB_MANUAL_LAST_VALUE (with `xpub_manual`).
    pub(crate) xpub_manual_last_value: bool,
    /// ZMQ_ONLY_FIRST_SUBSCRIBE.
    pub(crate) only_first_subscribe: bool,
    /// ZMQ_XPUB_NODROP.
    pub(crate) xpub_nodrop: bool,
    /// ZMQ_XPUB_WELCOME_MSG.
    pub(crate) xpub_welcome_msg: Option<Bytes>,
    /// ZMQ_INVERT_MATCHING.
    pub(crate) invert_matching: bool,
    /// ZMQ_REQ_RELAXED.
    pub(crate) req_relaxed: bool,
    /// ZMQ_REQ_CORRELATE.
    pub(crate) req_correlate: bool,
    /// The message being sent: its first frame came with SNDMORE (STREAM
    /// routes only such a frame).
    pub(crate) sndmore: bool,
    /// The message being sent came long after the previous one, so it may
    /// be written directly.
    pub(crate) sparse: bool,
}
