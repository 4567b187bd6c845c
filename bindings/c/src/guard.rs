//! The one guard every exported function runs inside: it catches panics and
//! turns `Result`s into libzmq's `-1`/`NULL` + `errno` convention.

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use ferrozmq::{Error, ErrorKind};

use crate::cancel;
use crate::errno;

/// The result type of a function body: a value or a libzmq error.
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// Runs `body` for a function returning `int`: `Err` becomes `-1` with
/// errno set; a panic becomes `-1` with errno EFAULT; success leaves errno
/// as the caller had it. Thread cancellation is disabled meanwhile (see
/// `cancel.rs`), here and in [`ptr`] and [`plain`].
pub(crate) fn int(body: impl FnOnce() -> Result<c_int>) -> c_int {
    cancel::disabled(|| {
        let before = errno::get();
        guard(-1, || match body() {
            Ok(v) => succeed(before, v),
            Err(e) => fail(e, -1),
        })
    })
}

/// Runs `body` for a function of the per-message path (`zmq_msg_send`,
/// `zmq_msg_recv`, `zmq_send`, `zmq_recv`, `zmq_msg_init*`, `zmq_msg_close`):
/// as [`int`], except that success does not put errno back. That is
/// libzmq's own contract: errno is set when a call fails and says nothing
/// after one that succeeds (libzmq 4.3.4 itself leaves EAGAIN there after a
/// blocking `zmq_msg_recv` that had to wait, or after `zmq_msg_send`). It
/// saves reading and writing errno (a call into libc each) on every call of
/// the hot path; a panic is still caught. Nor does it disable thread
/// cancellation: the hot path makes no cancellation point (`cancel.rs`).
#[inline]
pub(crate) fn hot_int(body: impl FnOnce() -> Result<c_int>) -> c_int {
    guard(-1, || match body() {
        Ok(v) => v,
        Err(e) => fail(e, -1),
    })
}

/// As [`hot_int`], for the first try of a call that may then wait
/// (`zmq_msg_send`, `zmq_send`, made with ZMQ_DONTWAIT): `None` when it
/// failed with EAGAIN (errno set), for the caller to make the waiting
/// call; otherwise the call's result.
#[inline]
pub(crate) fn hot_int_or_again(body: impl FnOnce() -> Result<c_int>) -> Option<c_int> {
    guard(Some(-1), || match body() {
        Ok(v) => Some(v),
        Err(e) => {
            let again = e.kind() == ErrorKind::Again;
            let ret = fail(e, -1);
            (!again).then_some(ret)
        }
    })
}

/// As [`ptr`], for a per-message accessor (`zmq_msg_data`): it makes no
/// system call, so errno needs no keeping and cancellation no disabling.
#[inline]
pub(crate) fn hot_ptr<T>(body: impl FnOnce() -> Result<*mut T>) -> *mut T {
    guard(ptr::null_mut(), || match body() {
        Ok(p) => p,
        Err(e) => fail(e, ptr::null_mut()),
    })
}

/// As [`plain`], for a per-message accessor (`zmq_msg_size`,
/// `zmq_msg_more`): no system call, so no cancellation to disable.
#[inline]
pub(crate) fn hot_plain<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    guard(on_panic, body)
}

/// Runs `body` for a function returning a pointer: `Err` becomes `NULL`;
/// success leaves errno as the caller had it.
pub(crate) fn ptr<T>(body: impl FnOnce() -> Result<*mut T>) -> *mut T {
    cancel::disabled(|| {
        let before = errno::get();
        guard(ptr::null_mut(), || match body() {
            Ok(p) => succeed(before, p),
            Err(e) => fail(e, ptr::null_mut()),
        })
    })
}

/// Puts errno back to `before` and returns `ret`: a call that succeeds
/// leaves no trace in errno, even when a system call or the allocator
/// inside it set errno on the way (libzmq's tests check `zmq_errno() == 0`
/// after a successful `zmq_z85_encode`, for one).
fn succeed<R>(before: c_int, ret: R) -> R {
    errno::set(before);
    ret
}

/// Runs `body` for a function with no error channel (void, counters):
/// a panic is reported as `on_panic` with errno EFAULT.
pub(crate) fn plain<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    cancel::disabled(|| guard(on_panic, body))
}

/// Sets errno for `error` and returns `ret`.
pub(crate) fn fail<R>(error: Error, ret: R) -> R {
    errno::set(error.errno());
    ret
}

fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    // AssertUnwindSafe: after a panic we never look at the state the body
    // was touching again from this call; the handle stays as it was.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(_) => {
            errno::set(libc::EFAULT);
            on_panic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrozmq::ErrorKind;

    #[test]
    fn panics_become_minus_one_and_efault() {
        let r = int(|| panic!("boom"));
        assert_eq!(r, -1);
        assert_eq!(errno::get(), libc::EFAULT);
        let p: *mut u8 = ptr(|| Err(ErrorKind::Terminated.into()));
        assert!(p.is_null());
        assert_eq!(errno::get(), ErrorKind::Terminated.errno());
    }

    #[test]
    fn hot_calls_catch_panics_and_set_errno_on_failure() {
        assert_eq!(hot_int(|| panic!("boom")), -1);
        assert_eq!(errno::get(), libc::EFAULT);
        assert_eq!(hot_int(|| Err(ErrorKind::Again.into())), -1);
        assert_eq!(errno::get(), ErrorKind::Again.errno());
        assert_eq!(hot_int(|| Ok(3)), 3);
    }

    #[test]
    fn success_leaves_errno_alone() {
        errno::set(0);
        let r = int(|| {
            errno::set(libc::EINVAL);
            Ok(7)
        });
        assert_eq!(r, 7);
        assert_eq!(errno::get(), 0);
    }
}
