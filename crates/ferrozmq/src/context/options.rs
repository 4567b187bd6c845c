//! Context options declared once: libzmq's numbers and names, which of
//! `zmq_ctx_set` / `zmq_ctx_get` take them, and the typed accessors on
//! [`Context`].

use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};

/// Declares [`ContextOption`] once: each variant with libzmq's number and
/// name, whether `zmq_ctx_set` / `zmq_ctx_get` accept it, and its typed
/// accessors on [`Context`] (`typed[setter(Type), getter -> Type]`, either
/// side empty for none).
macro_rules! context_options {
    ($( $(#[doc = $doc:literal])* $v:ident = $n:literal, $name:literal, set: $set:literal, get: $get:literal,
        typed[$($setter:ident($arg:ty))?, $($getter:ident -> $out:ty)?]; )*) => {
        /// Context options, named as libzmq's `ZMQ_*` context options.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum ContextOption {
            $( $(#[doc = $doc])* $v, )*
        }

        impl ContextOption {
            /// Every context option.
            pub const ALL: &'static [ContextOption] = &[ $( ContextOption::$v, )* ];

            /// libzmq's number for this option.
            pub fn raw(self) -> i32 {
                match self {
                    $( ContextOption::$v => $n, )*
                }
            }

            /// libzmq's name without the `ZMQ_` prefix (`"IO_THREADS"`, ...).
            pub fn name(self) -> &'static str {
                match self {
                    $( ContextOption::$v => $name, )*
                }
            }

            /// Whether `zmq_ctx_set` accepts this option.
            pub fn is_settable(self) -> bool {
                match self {
                    $( ContextOption::$v => $set, )*
                }
            }

            /// Whether `zmq_ctx_get` answers this option.
            pub fn is_readable(self) -> bool {
                match self {
                    $( ContextOption::$v => $get, )*
                }
            }
        }

        impl Context {
            $(
                context_options!(@setter $v, $name, [$(#[doc = $doc])*], [$($setter($arg))?]);
                context_options!(@getter $v, $name, [$(#[doc = $doc])*], [$($getter -> $out)?]);
            )*
        }
    };

    (@setter $v:ident, $name:literal, [$($docs:tt)*], []) => {};
    (@setter $v:ident, $name:literal, [$($docs:tt)*], [$setter:ident($arg:ty)]) => {
        $($docs)*
        ///
        #[doc = concat!("Sets `ZMQ_", $name, "` (`zmq_ctx_set`).")]
        pub fn $setter(&self, value: $arg) -> Result<()> {
            self.set(ContextOption::$v, CtxValue::to_raw(value)?)
        }
    };
    (@getter $v:ident, $name:literal, [$($docs:tt)*], []) => {};
    (@getter $v:ident, $name:literal, [$($docs:tt)*], [$getter:ident -> $out:ty]) => {
        $($docs)*
        ///
        #[doc = concat!("Reads `ZMQ_", $name, "` (`zmq_ctx_get`).")]
        pub fn $getter(&self) -> Result<$out> {
            CtxValue::from_raw(self.get(ContextOption::$v)?)
        }
    };
}

context_options! {
    /// ZMQ_IO_THREADS: I/O threads (set before the first socket).
    IoThreads = 1, "IO_THREADS", set: true, get: true,
        typed[set_io_threads(usize), io_threads -> usize];
    /// ZMQ_MAX_SOCKETS: largest number of open sockets.
    MaxSockets = 2, "MAX_SOCKETS", set: true, get: true,
        typed[set_max_sockets(usize), max_sockets -> usize];
    /// ZMQ_SOCKET_LIMIT: the hard limit on ZMQ_MAX_SOCKETS (read-only).
    SocketLimit = 3, "SOCKET_LIMIT", set: false, get: true,
        typed[, socket_limit -> usize];
    /// ZMQ_THREAD_PRIORITY (the same number as ZMQ_SOCKET_LIMIT, which is
    /// only read): priority of I/O threads started later.
    ThreadPriority = 3, "THREAD_PRIORITY", set: true, get: false,
        typed[set_thread_priority(i32), ];
    /// ZMQ_THREAD_SCHED_POLICY: scheduling policy of I/O threads started later
    /// (unset, with no priority asked either: Linux's SCHED_BATCH, so a woken
    /// I/O thread does not preempt the sender that woke it; SCHED_OTHER
    /// gives libzmq's behaviour).
    ThreadSchedPolicy = 4, "THREAD_SCHED_POLICY", set: true, get: true,
        typed[set_thread_sched_policy(i32), thread_sched_policy -> i32];
    /// ZMQ_MAX_MSGSZ: a largest message size kept for the application to
    /// read back (libzmq stores it too and limits nothing with it; the
    /// per-socket limit is ZMQ_MAXMSGSIZE).
    MaxMsgSize = 5, "MAX_MSGSZ", set: true, get: true,
        typed[set_max_msgsz(usize), max_msgsz -> usize];
    /// ZMQ_MSG_T_SIZE: size of zmq_msg_t (read-only).
    MsgTSize = 6, "MSG_T_SIZE", set: false, get: true,
        typed[, msg_t_size -> usize];
    /// ZMQ_THREAD_AFFINITY_CPU_ADD: let I/O threads started later run on this CPU.
    ThreadAffinityCpuAdd = 7, "THREAD_AFFINITY_CPU_ADD", set: true, get: false,
        typed[add_thread_affinity_cpu(usize), ];
    /// ZMQ_THREAD_AFFINITY_CPU_REMOVE: take a CPU added before off the list.
    ThreadAffinityCpuRemove = 8, "THREAD_AFFINITY_CPU_REMOVE", set: true, get: false,
        typed[remove_thread_affinity_cpu(usize), ];
    /// ZMQ_THREAD_NAME_PREFIX: a number put before I/O thread names.
    ThreadNamePrefix = 9, "THREAD_NAME_PREFIX", set: true, get: true,
        typed[set_thread_name_prefix(i32), thread_name_prefix -> i32];
    /// ZMQ_ZERO_COPY_RECV: whether received bodies may share the read
    /// buffer (kept and read back; ferrozmq decides per message itself).
    ZeroCopyRecv = 10, "ZERO_COPY_RECV", set: true, get: true,
        typed[set_zero_copy_recv(bool), zero_copy_recv -> bool];
    /// ZMQ_IPV6: default IPv6 for new sockets.
    Ipv6 = 42, "IPV6", set: true, get: true,
        typed[set_ipv6(bool), ipv6 -> bool];
    /// ZMQ_BLOCKY: whether term waits for lingering sockets.
    Blocky = 70, "BLOCKY", set: true, get: true,
        typed[set_blocky(bool), blocky -> bool];
}

impl ContextOption {
    /// The option with libzmq's number `n` for `zmq_ctx_set` (`for_set`)
    /// or `zmq_ctx_get`: 3 is ZMQ_THREAD_PRIORITY when set and
    /// ZMQ_SOCKET_LIMIT when read. Options the call does not take are `None`.
    pub fn from_raw(n: i32, for_set: bool) -> Option<ContextOption> {
        ContextOption::ALL.iter().copied().find(|o| {
            o.raw() == n
                && if for_set {
                    o.is_settable()
                } else {
                    o.is_readable()
                }
        })
    }
}

/// How a typed context option value maps to libzmq's C `int`.
trait CtxValue: Sized {
    fn to_raw(self) -> Result<i32>;
    fn from_raw(raw: i32) -> Result<Self>;
}

impl CtxValue for i32 {
    fn to_raw(self) -> Result<i32> {
        Ok(self)
    }
    fn from_raw(raw: i32) -> Result<i32> {
        Ok(raw)
    }
}

impl CtxValue for usize {
    fn to_raw(self) -> Result<i32> {
        i32::try_from(self).map_err(|_| Error::new(ErrorKind::Invalid))
    }
    fn from_raw(raw: i32) -> Result<usize> {
        usize::try_from(raw).map_err(|_| Error::new(ErrorKind::Invalid))
    }
}

impl CtxValue for bool {
    fn to_raw(self) -> Result<i32> {
        Ok(i32::from(self))
    }
    fn from_raw(raw: i32) -> Result<bool> {
        Ok(raw != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_3_means_two_options() {
        for &option in ContextOption::ALL {
            if option.is_settable() {
                assert_eq!(ContextOption::from_raw(option.raw(), true), Some(option));
            }
            if option.is_readable() {
                assert_eq!(ContextOption::from_raw(option.raw(), false), Some(option));
            }
        }
        assert_eq!(
            ContextOption::from_raw(3, true),
            Some(ContextOption::ThreadPriority)
        );
        assert_eq!(
            ContextOption::from_raw(3, false),
            Some(ContextOption::SocketLimit)
        );
        assert_eq!(ContextOption::from_raw(6, true), None);
        assert_eq!(ContextOption::from_raw(7, false), None);
        assert_eq!(ContextOption::IoThreads.name(), "IO_THREADS");
    }

    #[test]
    fn typed_accessors() {
        let ctx = Context::new();
        assert_eq!(ctx.io_threads(), Ok(1));
        assert_eq!(ctx.max_sockets(), Ok(1023));
        assert_eq!(ctx.socket_limit(), Ok(65535));
        assert_eq!(ctx.msg_t_size(), Ok(64));
        assert_eq!(ctx.blocky(), Ok(true));
        ctx.set_io_threads(2).unwrap();
        ctx.set_max_sockets(10).unwrap();
        ctx.set_blocky(false).unwrap();
        ctx.set_ipv6(true).unwrap();
        ctx.set_thread_name_prefix(7).unwrap();
        assert_eq!(ctx.io_threads(), Ok(2));
        assert_eq!(ctx.max_sockets(), Ok(10));
        assert_eq!(ctx.blocky(), Ok(false));
        assert_eq!(ctx.ipv6(), Ok(true));
        assert_eq!(ctx.thread_name_prefix(), Ok(7));
        ctx.set_thread_name_prefix(-1).unwrap();
        assert_eq!(ctx.thread_name_prefix(), Ok(-1));
        // Kept and read back, as libzmq does (CZMQ's zsys relies on it).
        assert_eq!(ctx.max_msgsz(), Ok(i32::MAX as usize));
        ctx.set_max_msgsz(2000).unwrap();
        assert_eq!(ctx.max_msgsz(), Ok(2000));
        assert_eq!(ctx.zero_copy_recv(), Ok(true));
        ctx.set_zero_copy_recv(false).unwrap();
        assert_eq!(ctx.zero_copy_recv(), Ok(false));
        assert_eq!(
            ctx.set(ContextOption::Blocky, -1).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            ctx.set_max_sockets(0).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            ctx.set_io_threads(usize::MAX).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            ctx.remove_thread_affinity_cpu(3).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        ctx.add_thread_affinity_cpu(0).unwrap();
        ctx.remove_thread_affinity_cpu(0).unwrap();
    }
}
