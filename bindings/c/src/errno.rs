//! errno: set through libc's thread-local `errno`, read by `zmq_errno`;
//! `zmq_strerror` with libzmq's texts for its own error numbers.

use std::os::raw::{c_char, c_int};

use crate::consts::{EFSM, EMTHREAD, ENOCOMPATPROTO, ETERM};
use crate::guard;

/// Returns the calling thread's errno (the error of the last failed call).
#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    guard::plain(libc::EFAULT, get)
}

/// Returns the text for an error number.
///
/// libzmq's texts for its own numbers (EFSM, ETERM, ...), the C library's
/// for the others.
#[no_mangle]
pub extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    guard::plain(UNKNOWN.as_ptr().cast(), || {
        let own: Option<&'static [u8]> = match errnum {
            EFSM => Some(b"Operation cannot be accomplished in current state\0"),
            ENOCOMPATPROTO => Some(b"The protocol is not compatible with the socket type\0"),
            ETERM => Some(b"Context was terminated\0"),
            EMTHREAD => Some(b"No thread available\0"),
            _ => None,
        };
        match own {
            Some(text) => text.as_ptr().cast(),
            // SAFETY: strerror accepts any int and returns a pointer to a
            // NUL-terminated string owned by the C library.
            None => unsafe { libc::strerror(errnum) },
        }
    })
}

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

const UNKNOWN: &[u8] = b"Unknown error\0";

#[cfg(test)]
mod tests {
    use super::*;
    use ferrozmq::Error;
    use std::ffi::CStr;

    fn text(n: c_int) -> String {
        // SAFETY: zmq_strerror returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(zmq_strerror(n)) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn own_texts_match_the_rust_api() {
        for e in [
            Error::Fsm,
            Error::NoCompatibleProtocol,
            Error::Terminated,
            Error::NoThread,
        ] {
            assert_eq!(text(e.errno()), e.message());
        }
        assert_eq!(text(libc::EAGAIN), Error::Again.message());
        set(libc::EINVAL);
        assert_eq!(zmq_errno(), libc::EINVAL);
        assert_eq!(Error::Fsm.errno(), EFSM);
    }
}
