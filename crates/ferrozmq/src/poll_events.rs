//! [`PollEvents`]: what a socket or descriptor is ready for, as a typed
//! bit set (libzmq's ZMQ_POLLIN, ZMQ_POLLOUT, ZMQ_POLLERR and ZMQ_POLLPRI).

use crate::flag_set::flag_set;

flag_set! {
    /// Readiness of a socket or file descriptor: what
    /// [`Socket::events`](crate::Socket::events) reports, what
    /// [`Socket::poll`](crate::Socket::poll) and [`PollItem`](crate::PollItem)
    /// wait for.
    ///
    /// ```
    /// use ferrozmq::PollEvents;
    ///
    /// let wanted = PollEvents::READABLE | PollEvents::WRITABLE;
    /// assert!(wanted.contains(PollEvents::READABLE));
    /// assert!(!wanted.contains(PollEvents::ERROR));
    /// assert_eq!(wanted & PollEvents::WRITABLE, PollEvents::WRITABLE);
    /// // libzmq's integers, for the C ABI and the Python bindings only:
    /// assert_eq!(wanted.bits(), 3); // ZMQ_POLLIN | ZMQ_POLLOUT
    /// assert_eq!(PollEvents::from_raw(3), wanted);
    /// ```
    PollEvents: i16 {
        /// A message can be received, or the descriptor read (ZMQ_POLLIN).
        READABLE = 1,
        /// A message can be sent, or the descriptor written (ZMQ_POLLOUT).
        WRITABLE = 2,
        /// An error condition on a plain file descriptor (ZMQ_POLLERR),
        /// reported whether asked for or not: `poll(2)`'s POLLERR, POLLHUP
        /// or POLLNVAL. Never reported for a socket.
        ERROR = 4,
        /// Urgent data on a plain file descriptor (ZMQ_POLLPRI).
        PRIORITY = 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_events_match_libzmq_and_show_their_names() {
        assert_eq!(PollEvents::READABLE.bits(), 1);
        assert_eq!(PollEvents::WRITABLE.bits(), 2);
        assert_eq!(PollEvents::ERROR.bits(), 4);
        let both = PollEvents::READABLE | PollEvents::WRITABLE;
        assert!(both.intersects(PollEvents::WRITABLE | PollEvents::ERROR));
        assert!(!both.intersects(PollEvents::ERROR));
        assert_eq!(format!("{both:?}"), "{READABLE, WRITABLE}");
        assert_eq!(format!("{:?}", PollEvents::empty()), "{}");
        let mut e = both;
        e &= PollEvents::READABLE;
        assert_eq!(e, PollEvents::READABLE);
    }
}
