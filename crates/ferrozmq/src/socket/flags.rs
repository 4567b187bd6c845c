//! [`SendFlags`] and [`RecvFlags`]: the few per-call flags, as small
//! bit sets rather than bare integers.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// Defines a flag set: a `Copy` newtype over libzmq's integer flags.
macro_rules! flag_set {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$fmeta:meta])* $flag:ident = $bit:expr, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(i32);

        impl $name {
            $( $(#[$fmeta])* pub const $flag: $name = $name($bit); )+

            /// No flag set.
            pub const fn empty() -> $name {
                $name(0)
            }

            /// The flags from libzmq's integer (`ZMQ_DONTWAIT`, `ZMQ_SNDMORE`),
            /// as the C and Python bindings receive them. Bits this set does
            /// not know are kept but have no effect, as in libzmq.
            pub const fn from_raw(bits: i32) -> $name {
                $name(bits)
            }

            /// libzmq's integer for these flags.
            pub const fn bits(self) -> i32 {
                self.0
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// `self` without the flags of `other`.
            pub const fn without(self, other: $name) -> $name {
                $name(self.0 & !other.0)
            }
        }

        impl BitOr for $name {
            type Output = $name;

            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }

        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, other: $name) {
                self.0 |= other.0;
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut set = f.debug_set();
                $( if self.contains($name::$flag) { set.entry(&format_args!(stringify!($flag))); } )+
                set.finish()
            }
        }
    };
}

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
    SendFlags {
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
    RecvFlags {
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
