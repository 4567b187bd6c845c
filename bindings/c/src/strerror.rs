//! `zmq_errno`, and `zmq_strerror` with libzmq's texts for its own error
//! numbers.

use std::os::raw::{c_char, c_int};

use crate::consts::{EFSM, EMTHREAD, ENOCOMPATPROTO, ETERM};
use crate::errno::get;
use crate::guard;

/// Returns the calling thread's errno (the error of the last failed call).
#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    guard::plain(libc::EFAULT, get)
}

/// Returns the text for an error number.
///
/// libzmq's texts for its own numbers (EFSM, ETERM, ...) and for
/// EHOSTUNREACH, the C library's for the others.
#[no_mangle]
pub extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    guard::plain(UNKNOWN.as_ptr().cast(), || {
        let own: Option<&'static [u8]> = match errnum {
            EFSM => Some(b"Operation cannot be accomplished in current state\0"),
            ENOCOMPATPROTO => Some(b"The protocol is not compatible with the socket type\0"),
            ETERM => Some(b"Context was terminated\0"),
            EMTHREAD => Some(b"No thread available\0"),
            libc::EHOSTUNREACH => Some(b"Host unreachable\0"),
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

const UNKNOWN: &[u8] = b"Unknown error\0";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::set;
    use ferrozmq::ErrorKind;
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
            ErrorKind::Fsm,
            ErrorKind::NoCompatibleProtocol,
            ErrorKind::Terminated,
            ErrorKind::NoThread,
            ErrorKind::HostUnreachable,
        ] {
            assert_eq!(text(e.errno()), e.message());
        }
        assert_eq!(text(libc::EAGAIN), ErrorKind::Again.message());
        set(libc::EINVAL);
        assert_eq!(zmq_errno(), libc::EINVAL);
        assert_eq!(ErrorKind::Fsm.errno(), EFSM);
    }
}
