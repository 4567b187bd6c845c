//! Thread cancellation (`pthread_cancel`), taken where libzmq takes it.
//!
//! libzmq's calls that wait (`zmq_recv`, `zmq_send`, `zmq_msg_recv`,
//! `zmq_msg_send`, `zmq_poll`, `zmq_proxy`, `zmq_ctx_term`, `zmq_sleep`)
//! are cancellation points: a thread cancelled while it waits there ends.
//! A cancellation unwinds the thread's stack, which must not happen through
//! the library's Rust frames (the process would abort). So:
//!
//! - those calls wait in slices (`ferrozmq::wait_slice`), and
//!   [`blocking`] takes a cancellation point between two slices, with no
//!   frame of the library below it; the functions that call it are
//!   `extern "C-unwind"`, so the cancellation goes on into the caller's
//!   frames. A thread cancelled while it waits ends within one slice
//!   (100 ms);
//! - the library's own system calls are not cancellation points (the
//!   engine makes them directly), and every other call runs with
//!   cancellation disabled ([`disabled`]): a cancellation pending when it
//!   is called waits for the next cancellation point.

use std::os::raw::{c_int, c_uint};

use ferrozmq::wait_slice;

extern "C-unwind" {
    /// Acts on a pending cancellation: the thread unwinds from here.
    fn pthread_testcancel();
    /// Sleeps; a cancellation point.
    fn sleep(seconds: c_uint) -> c_uint;
}

extern "C" {
    /// Not a cancellation point (the `libc` crate lacks it on Linux).
    fn pthread_setcancelstate(state: c_int, old: *mut c_int) -> c_int;
}

/// `PTHREAD_CANCEL_DISABLE` (glibc and musl).
const CANCEL_DISABLE: c_int = 1;

/// Makes the call `attempt` (a blocking function's body, inside its guard)
/// until it returns other than at a slice's end, taking a cancellation
/// point between slices; a call made again keeps the first one's deadline.
///
/// `attempt` must hold nothing that needs dropping (it borrows the
/// function's arguments): a cancellation unwinds through this frame and
/// runs no destructor here.
pub(crate) fn blocking<F: FnMut() -> c_int>(mut attempt: F) -> c_int {
    const { assert!(!std::mem::needs_drop::<F>()) };
    let mut outer = wait_slice::start();
    loop {
        let result = attempt();
        let Some(resume) = wait_slice::end(outer) else {
            return result;
        };
        // SAFETY: no frame of the library lies between here and the C
        // caller but this one and the `extern "C-unwind"` function that
        // called it, and neither holds anything to drop or catches: a
        // cancellation unwinds from here straight into the caller.
        unsafe { pthread_testcancel() };
        outer = wait_slice::resume(resume);
    }
}

/// Runs `body` with the thread's cancellation disabled, and puts it back
/// as it was. `body` must not unwind (run it inside the guard).
pub(crate) fn disabled<R>(body: impl FnOnce() -> R) -> R {
    let mut old: c_int = 0;
    // SAFETY: writes the old state into a live local.
    unsafe { pthread_setcancelstate(CANCEL_DISABLE, &mut old) };
    let result = body();
    let mut ignored: c_int = 0;
    // SAFETY: as above; `old` is a state pthread_setcancelstate reported.
    unsafe { pthread_setcancelstate(old, &mut ignored) };
    result
}

/// `zmq_sleep`: sleeps `seconds` seconds in `sleep(3)`, a cancellation
/// point as libzmq's `usleep` is (called from an `extern "C-unwind"`
/// function with nothing to drop).
pub(crate) fn sleep_seconds(seconds: c_int) {
    let seconds = c_uint::try_from(seconds).unwrap_or(0);
    // SAFETY: sleep has no memory arguments; a cancellation unwinds from it
    // into the caller through frames with nothing to drop.
    unsafe { sleep(seconds) };
}
