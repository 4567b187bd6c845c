//! errno: the calling thread's C `errno`, set by every failing call of the
//! C ABI (through `guard`) and read by `zmq_errno` (in `strerror.rs`).

use std::os::raw::c_int;

/// Sets the calling thread's errno.
pub(crate) fn set(value: i32) {
    // SAFETY: errno_location returns this thread's errno slot, valid for the
    // thread's lifetime; writing an int there is how C sets errno.
    unsafe { *errno_location() = value };
}

/// The calling thread's errno.
pub(crate) fn get() -> i32 {
    // SAFETY: as in `set`; reading the slot is always valid.
    unsafe { *errno_location() }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
unsafe fn errno_location() -> *mut c_int {
    // SAFETY: no preconditions.
    unsafe { libc::__errno_location() }
}

#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
unsafe fn errno_location() -> *mut c_int {
    // SAFETY: no preconditions.
    unsafe { libc::__error() }
}
