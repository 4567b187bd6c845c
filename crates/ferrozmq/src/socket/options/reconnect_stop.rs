//! [`ReconnectStop`]: when a connecting socket gives up on its peer for
//! good (ZMQ_RECONNECT_STOP).

use crate::flag_set::flag_set;

flag_set! {
    /// The failures after which a connecting socket stops reconnecting
    /// (ZMQ_RECONNECT_STOP; none by default: it retries for ever). The
    /// connection then ends as if the application had disconnected it,
    /// and the monitor reports CLOSED without CONNECT_RETRIED.
    ///
    /// ```
    /// use ferrozmq::{Context, ReconnectStop, SocketType};
    ///
    /// let ctx = Context::new();
    /// let mut socket = ctx.socket(SocketType::Dealer)?;
    /// socket.set_reconnect_stop(ReconnectStop::CONNECTION_REFUSED)?;
    /// assert_eq!(socket.reconnect_stop(), ReconnectStop::CONNECTION_REFUSED);
    /// # Ok::<(), ferrozmq::Error>(())
    /// ```
    ReconnectStop: i32 {
        /// Nothing listens at the address: the connect was refused
        /// (ECONNREFUSED; ZMQ_RECONNECT_STOP_CONN_REFUSED).
        CONNECTION_REFUSED = 1,
        /// The connection closed or timed out before the ZMTP handshake
        /// was done (ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED).
        HANDSHAKE_FAILED = 2,
    }
}
