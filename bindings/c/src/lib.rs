//! ferrozmq-ffi: libzmq 4.3's C API and ABI, implemented on [`ferrozmq`].
//!
//! Built as `libzmq.so.5` (soname `libzmq.so.5`) and `libzmq.a`, with a
//! cbindgen-generated `include/zmq.h`, so that:
//!
//! - C programs compile against our `zmq.h` and link with `-lzmq`;
//! - programs and bindings already linked against libzmq 4.3 (CZMQ, C# via
//!   P/Invoke, ...) run on ferrozmq unchanged, by `LD_LIBRARY_PATH`.
//!
//! Every function of the stable `zmq.h` is here with the same signature,
//! every constant with the same value, `zmq_msg_t` is 64 opaque bytes aligned
//! to 8, and errors are reported through `errno` and `zmq_errno()` with
//! libzmq's numbers (EFSM, ETERM, ...). Every exported function runs inside
//! one `catch_unwind` guard (see `guard.rs`): no Rust panic crosses the ABI.
//!
//! CURVE is there (`zmq_has("curve")` is 1, RustCrypto's `crypto_box`
//! underneath). It does **not** provide GSSAPI, PGM/NORM/TIPC/VMCI
//! transports, or libzmq's DRAFT API apart from
//! `zmq_msg_routing_id`/`zmq_msg_set_routing_id` and `ZMQ_METADATA`.
//!
//! ```c
//! #include <zmq.h>
//! void *ctx = zmq_ctx_new ();
//! void *rep = zmq_socket (ctx, ZMQ_REP);
//! zmq_bind (rep, "tcp://*:5555");
//! char buf[16];
//! int n = zmq_recv (rep, buf, sizeof buf, 0);
//! zmq_send (rep, "World", 5, 0);
//! zmq_close (rep);
//! zmq_ctx_term (ctx);
//! ```
//!
//! Handles: a context is a boxed [`ctx::Ctx`], a socket a boxed
//! [`socket::SocketHandle`]; both start with a tag checked on every call, so
//! NULL or a closed handle fails with EFAULT/ENOTSOCK instead of crashing
//! (as libzmq's `check_tag` does). Like libzmq sockets, a socket must be used
//! by one thread at a time.
#![allow(non_camel_case_types)]

/// The library's Rust allocator: mimalloc (see `alloc.rs`).
#[global_allocator]
static ALLOCATOR: alloc::MiPlain = alloc::MiPlain;

/// mimalloc's `mi_option_arena_eager_commit` (4 in both its v2 and v3
/// option enums; the sys crate names no constant for it).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Runs when the library is loaded, before the host's first call: mimalloc
/// commits each arena's memory on demand instead of at once. With eager
/// commit, 10,000 idle connections cost ~85 KiB each instead of ~12 KiB
/// (libzmq: 23 KiB); throughput is the same either way (benches/RESULTS.md).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    // SAFETY: mi_option_set only stores a value in mimalloc's option table;
    // it is safe to call at any time, before or after mimalloc's own start.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

mod alloc;
mod cancel;
mod consts;
mod ctx;
mod drain;
mod errno;
mod graveyard;
mod guard;
mod msg;
mod poll;
mod socket;
mod sockopt;
mod stats;
mod strerror;
mod timers;
mod util;
mod z85;

pub use consts::*;
pub use ctx::*;
pub use drain::*;
pub use msg::*;
pub use poll::*;
pub use socket::*;
pub use sockopt::{zmq_getsockopt, zmq_setsockopt};
pub use stats::*;
pub use strerror::{zmq_errno, zmq_strerror};
pub use timers::*;
pub use util::*;
pub use z85::{zmq_z85_decode, zmq_z85_encode};
