//! `socket_options!`: turns the option table (table.rs) into the
//! [`SocketOption`](super::SocketOption) enum and its metadata, the
//! [`Options`](super::Options) struct with libzmq's defaults, raw set/get
//! with validation, and the typed accessors on [`Socket`](crate::Socket).
//!
//! A `macro_rules!` table rather than a build script: the table stays
//! ordinary Rust next to the code it drives (rust-analyzer, rustdoc and
//! compiler errors point at the row), and nothing is generated into
//! `OUT_DIR` where no one reads it.
//!
//! The table opens with `struct Options(socket_type: SocketType) { ... }`:
//! the fields that are not one row's plain value (security state, filter
//! lists, per-send flags), each with its initial value. Then each row is:
//!
//! ```text
//! /// docs
//! Variant = number, "NAME", Codec, store[...], types[...], Effect, set[...], get[...];
//! ```
//!
//! - `store[field name = default]`: kept in `Options::name`, set and read
//!   through the codec; `store[with set_fn, get_fn]`: custom handlers on
//!   `Options` taking and returning the codec's stored value (`-` for no
//!   getter: the option is write-only); `store[socket]`: the socket itself
//!   answers (not kept in `Options`).
//! - `types[any]` or `types[Router Dealer]`: the socket types that accept
//!   the option on set (others fail with EINVAL, as in libzmq).
//! - `Effect`: a [`TakesEffect`](super::TakesEffect) variant.
//! - `set[set_name(Type)]` and `get[name -> Type]`: the typed accessors
//!   generated on `Socket` (empty brackets: none, e.g. where `Socket` has a
//!   hand-written one).

/// Generates everything from the option table; see the module docs.
macro_rules! socket_options {
    (
        struct Options($param:ident: $pty:ty) {
            $( $(#[doc = $xdoc:literal])* $xf:ident: $xt:ty = $xd:expr, )*
        }
        $(
            $(#[doc = $doc:literal])*
            $v:ident = $n:literal, $name:literal, $codec:ty,
            store[$($store:tt)*],
            types[$($st:ident)*],
            $effect:ident,
            set[$($setter:ident($arg:ty))?],
            get[$($getter:ident -> $out:ty)?];
        )*
    ) => {
        /// Socket option names with libzmq's numeric values (`ZMQ_SNDHWM` = 23, ...).
        ///
        /// From Rust, use the typed accessors on [`Socket`](crate::Socket)
        /// (`set_sndhwm`, `linger`, ...); this enum is the raw libzmq path
        /// the C and Python bindings take.
        ///
        /// ```
        /// use std::time::Duration;
        /// use ferrozmq::{Context, OptionValue, SocketOption, SocketType};
        ///
        /// let ctx = Context::new();
        /// let mut socket = ctx.socket(SocketType::Dealer)?;
        /// socket.set_sndhwm(10)?;
        /// socket.set_linger(Some(Duration::ZERO))?;
        /// socket.set_routing_id(b"client-1")?;
        /// assert_eq!(socket.sndhwm(), 10);
        ///
        /// // The same options by libzmq's numbers and encodings.
        /// assert_eq!(SocketOption::from_raw(17), Some(SocketOption::Linger));
        /// assert_eq!(SocketOption::Linger.name(), "LINGER");
        /// assert_eq!(socket.option(SocketOption::Linger)?, OptionValue::Int(0));
        /// # Ok::<(), ferrozmq::Error>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum SocketOption {
            $( $(#[doc = $doc])* $v = $n, )*
        }

        impl SocketOption {
            /// Every option, in the table's order.
            pub const ALL: &'static [SocketOption] = &[ $( SocketOption::$v, )* ];

            /// The option with libzmq's number `n`.
            pub fn from_raw(n: i32) -> Option<SocketOption> {
                match n {
                    $( $n => Some(SocketOption::$v), )*
                    _ => None,
                }
            }

            /// libzmq's number for this option.
            pub fn raw(self) -> i32 {
                self as i32
            }

            /// libzmq's name without the `ZMQ_` prefix, as pyzmq names it
            /// (`"SNDHWM"`, `"ROUTING_ID"`, ...).
            pub fn name(self) -> &'static str {
                match self {
                    $( SocketOption::$v => $name, )*
                }
            }

            /// How `zmq_getsockopt` encodes the value.
            pub fn kind(self) -> OptionKind {
                match self {
                    $( SocketOption::$v => <$codec as Codec>::KIND, )*
                }
            }

            /// When a change takes effect.
            pub fn takes_effect(self) -> TakesEffect {
                match self {
                    $( SocketOption::$v => TakesEffect::$effect, )*
                }
            }

            /// Whether a socket of type `socket_type` accepts this option.
            pub fn applies_to(self, socket_type: SocketType) -> bool {
                match self {
                    $( SocketOption::$v => socket_options!(@types socket_type, $($st)*), )*
                }
            }

            /// Whether libzmq clears this option with `(NULL, 0)` only, an
            /// empty non-NULL value being EINVAL (the C ABI checks this).
            pub fn cleared_by_null_only(self) -> bool {
                match self {
                    $( SocketOption::$v => <$codec as Codec>::CLEARED_BY_NULL_ONLY, )*
                }
            }
        }

        socket_options!(@struct ($param: $pty)
            [ $( $(#[doc = $xdoc])* $xf: $xt = $xd, )* ] []
            $( $codec, [$($store)*] )*);

        impl Options {
            /// Sets an option from its raw bytes, validating as libzmq does.
            pub(crate) fn set(&mut self, option: SocketOption, value: &[u8]) -> Result<()> {
                if !option.applies_to(self.socket_type) {
                    return Err($crate::ErrorKind::Invalid.into());
                }
                match option {
                    $( SocketOption::$v => socket_options!(@set self, value, $codec, $($store)*), )*
                }
            }

            /// Reads an option this struct keeps (socket-state options are
            /// answered by the socket).
            pub(crate) fn get(&self, option: SocketOption) -> Result<OptionValue> {
                match option {
                    $( SocketOption::$v => socket_options!(@get self, $codec, $($store)*), )*
                }
            }
        }

        impl Socket {
            $(
                socket_options!(@setter $n, $name, $codec, $effect,
                    [$(#[doc = $doc])*], [$($setter($arg))?]);
                socket_options!(@getter $n, $name, $codec,
                    [$(#[doc = $doc])*], [$($store)*], [$($getter -> $out)?]);
            )*
        }
    };

    // Typed accessors.
    (@setter $n:literal, $name:literal, $codec:ty, $effect:ident, [$($docs:tt)*], []) => {};
    (@setter $n:literal, $name:literal, $codec:ty, $effect:ident, [$($docs:tt)*],
        [$setter:ident($arg:ty)]) => {
        $($docs)*
        ///
        #[doc = concat!("Sets `ZMQ_", $name, "` (", stringify!($n), "); it ")]
        #[doc = socket_options!(@effect_doc $effect)]
        pub fn $setter(&mut self, value: $arg) -> Result<()> {
            let raw = <$codec as Typed>::to_raw(value)?;
            self.set_option_raw($n, &raw)
        }
    };
    (@getter $n:literal, $name:literal, $codec:ty, [$($docs:tt)*], [$($store:tt)*], []) => {};
    (@getter $n:literal, $name:literal, $codec:ty, [$($docs:tt)*], [$($store:tt)*],
        [$getter:ident -> $out:ty]) => {
        $($docs)*
        ///
        #[doc = concat!("Reads `ZMQ_", $name, "` (", stringify!($n), ").")]
        pub fn $getter(&self) -> $out {
            <$codec as Typed>::out(&socket_options!(@stored self.options, $($store)*))
        }
    };

    // Which socket types accept an option.
    (@types $t:ident, any) => { true };
    (@types $t:ident, $($st:ident)*) => { matches!($t, $(SocketType::$st)|*) };

    (@effect_doc Now) => { "takes effect at once." };
    (@effect_doc Connect) => { "takes effect for binds and connects made after the call." };

    // Raw set.
    (@set $self:ident, $value:ident, $codec:ty, field $f:ident = $d:expr) => {{
        $self.$f = <$codec as Codec>::decode($value)?;
        Ok(())
    }};
    (@set $self:ident, $value:ident, $codec:ty, with $set:ident, $($get:tt)*) => {
        $self.$set(<$codec as Codec>::decode($value)?)
    };
    (@set $self:ident, $value:ident, $codec:ty, socket) => { Err($crate::ErrorKind::Invalid.into()) };

    // Raw get.
    (@get $self:ident, $codec:ty, field $f:ident = $d:expr) => {
        Ok(<$codec as Codec>::encode(&$self.$f))
    };
    (@get $self:ident, $codec:ty, with $set:ident, -) => { Err($crate::ErrorKind::Invalid.into()) };
    (@get $self:ident, $codec:ty, with $set:ident, $get:ident) => {
        Ok(<$codec as Codec>::encode(&$self.$get()))
    };
    (@get $self:ident, $codec:ty, socket) => { Err($crate::ErrorKind::Invalid.into()) };

    // The stored value, for typed getters.
    (@stored $o:expr, field $f:ident = $d:expr) => { $o.$f };
    (@stored $o:expr, with $set:ident, $get:ident) => { $o.$get() };

    // The Options struct: a muncher keeps the rows stored in fields.
    (@struct ($param:ident: $pty:ty) [$($extra:tt)*] [$($acc:tt)*]) => {
        socket_options!(@emit_struct ($param: $pty) [$($extra)*] [$($acc)*]);
    };
    (@struct ($param:ident: $pty:ty) [$($extra:tt)*] [$($acc:tt)*]
        $codec:ty, [field $f:ident = $d:expr] $($rest:tt)*) => {
        socket_options!(@struct ($param: $pty) [$($extra)*] [$($acc)* $f: <$codec as Codec>::Stored = $d,] $($rest)*);
    };
    (@struct ($param:ident: $pty:ty) [$($extra:tt)*] [$($acc:tt)*]
        $codec:ty, [$($other:tt)*] $($rest:tt)*) => {
        socket_options!(@struct ($param: $pty) [$($extra)*] [$($acc)*] $($rest)*);
    };
    (@emit_struct ($param:ident: $pty:ty)
        [ $( $(#[doc = $xdoc:literal])* $xf:ident: $xt:ty = $xd:expr, )* ]
        [ $( $f:ident: $t:ty = $d:expr, )* ]) => {
        /// Every option a socket keeps, with libzmq's defaults.
        #[derive(Debug, Clone)]
        pub(crate) struct Options {
            $( $(#[doc = $xdoc])* pub(crate) $xf: $xt, )*
            $( pub(crate) $f: $t, )*
        }

        impl Options {
            /// A socket's options as libzmq starts them.
            pub(crate) fn new($param: $pty) -> Options {
                Options {
                    $( $xf: $xd, )*
                    $( $f: $d, )*
                }
            }
        }
    };
}
