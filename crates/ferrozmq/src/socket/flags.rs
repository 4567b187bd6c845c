//! [`SendFlags`] and [`RecvFlags`]: the few per-call flags, as small
//! bit sets rather than bare integers.

use crate::flag_set::flag_set;

flag_set! {
    /// Flags for [`Socket::send_with`](crate::Socket::send_with).
    ///
    /// ```
    /// use ferrozmq::SendFlags;
    ///
    /// let flags = SendFlags::DONTWAIT | SendFlags::MORE;
    /// assert!(flags.contains(SendFlags::MORE));
    /// assert_eq!(flags.bits(), 3); // ZMQ_DONTWAIT | ZMQ_SNDMORE
    /// assert_eq!(SendFlags::from_raw(3), flags);
    /// ```
    SendFlags: i32 {
        /// Don't block: fail with [`ErrorKind::Again`](crate::ErrorKind::Again)
        /// and hand the message back instead (ZMQ_DONTWAIT).
        DONTWAIT = 1,
        /// More frames of this message follow (ZMQ_SNDMORE).
        MORE = 2,
    }
}

flag_set! {
    /// Flags for [`Socket::recv_with`](crate::Socket::recv_with).
    ///
    /// ```
    /// use ferrozmq::RecvFlags;
    ///
    /// assert!(RecvFlags::empty().is_empty());
    /// assert_eq!(RecvFlags::from_raw(1), RecvFlags::DONTWAIT);
    /// ```
    RecvFlags: i32 {
        /// Don't block: fail with [`ErrorKind::Again`](crate::ErrorKind::Again)
        /// when no message is waiting (ZMQ_DONTWAIT).
        DONTWAIT = 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_and_show_their_names() {
        let mut f = SendFlags::empty();
        assert!(f.is_empty());
        f |= SendFlags::MORE;
        assert!(f.contains(SendFlags::MORE) && !f.contains(SendFlags::DONTWAIT));
        assert_eq!(format!("{:?}", f | SendFlags::DONTWAIT), "{DONTWAIT, MORE}");
        assert_eq!(
            (f | SendFlags::DONTWAIT).without(SendFlags::MORE),
            SendFlags::DONTWAIT
        );
        assert_eq!(RecvFlags::from_raw(5).bits(), 5);
    }
}
