//! `flag_set!`: small `Copy` bit sets over libzmq's integer flags
//! ([`SendFlags`](crate::SendFlags), [`RecvFlags`](crate::RecvFlags),
//! [`PollEvents`](crate::PollEvents)), so the Rust surface never takes a
//! bare integer and the bindings convert in one call.

/// Defines a flag set: a `Copy` newtype over libzmq's integer flags.
macro_rules! flag_set {
    (
        $(#[$meta:meta])*
        $name:ident: $repr:ty { $( $(#[$fmeta:meta])* $flag:ident = $bit:expr, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name($repr);

        impl $name {
            $( $(#[$fmeta])* pub const $flag: $name = $name($bit); )+

            /// No flag set.
            pub const fn empty() -> $name {
                $name(0)
            }

            /// The set from libzmq's integer, as the C and Python bindings
            /// receive it. Bits this set does not know are kept but have no
            /// effect, as in libzmq.
            pub const fn from_raw(bits: $repr) -> $name {
                $name(bits)
            }

            /// libzmq's integer for these flags.
            pub const fn bits(self) -> $repr {
                self.0
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether `self` and `other` share a flag.
            pub const fn intersects(self, other: $name) -> bool {
                self.0 & other.0 != 0
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

        impl std::ops::BitOr for $name {
            type Output = $name;

            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }

        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, other: $name) {
                self.0 |= other.0;
            }
        }

        impl std::ops::BitAnd for $name {
            type Output = $name;

            fn bitand(self, other: $name) -> $name {
                $name(self.0 & other.0)
            }
        }

        impl std::ops::BitAndAssign for $name {
            fn bitand_assign(&mut self, other: $name) {
                self.0 &= other.0;
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut set = f.debug_set();
                $( if self.contains($name::$flag) { set.entry(&format_args!(stringify!($flag))); } )+
                set.finish()
            }
        }
    };
}

pub(crate) use flag_set;
