//! The rest of zmq.h and zmq_utils.h: version, capabilities, CURVE keys,
//! atomic counters, stopwatches, sleeping and threads.

use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use ferrozmq::{CurveKeyPair, CurveSecretKey, ErrorKind};

use crate::cancel;
use crate::consts::{ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH};
use crate::guard;

/// The function `zmq_threadstart` runs (`zmq_thread_fn` in zmq.h).
type ThreadFn = unsafe extern "C" fn(arg: *mut c_void);

/// Reports the libzmq API version implemented (4.3.4).
///
/// # Safety
/// Each pointer must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) {
    guard::plain((), || {
        for (out, value) in [
            (major, ZMQ_VERSION_MAJOR),
            (minor, ZMQ_VERSION_MINOR),
            (patch, ZMQ_VERSION_PATCH),
        ] {
            if !out.is_null() {
                // SAFETY: non-NULL and writable per the contract.
                unsafe { out.write(value) };
            }
        }
    })
}

/// ferrozmq extension: the version string "ferrozmq X.Y.Z".
///
/// A symbol libzmq does not have, so a program can tell which library it runs on.
#[no_mangle]
pub extern "C" fn ferrozmq_version() -> *const c_char {
    guard::plain(VERSION.as_ptr().cast(), || VERSION.as_ptr().cast())
}

/// 1 if `capability` is supported, else 0.
///
/// "ipc" and "curve" yes; "pgm", "tipc", "norm", "gssapi", "draft" no.
///
/// # Safety
/// `capability` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn zmq_has(capability: *const c_char) -> c_int {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        match unsafe { crate::socket::text(capability) } {
            Ok("ipc" | "curve") => 1,
            _ => 0,
        }
    })
}

/// Makes a CURVE key pair from the OS random source, each key as Z85 text.
///
/// Each key is written as 40 Z85 characters and a NUL.
///
/// # Safety
/// Both pointers writable for 41 bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_keypair(
    z85_public_key: *mut c_char,
    z85_secret_key: *mut c_char,
) -> c_int {
    guard::int(|| {
        if z85_public_key.is_null() || z85_secret_key.is_null() {
            return Err(ErrorKind::Invalid.into());
        }
        let keys = CurveKeyPair::generate()?;
        // SAFETY: both writable for 41 bytes per the contract.
        unsafe {
            write_z85(z85_public_key, &keys.public.to_z85());
            write_z85(z85_secret_key, &keys.secret.to_z85());
        }
        Ok(0)
    })
}

/// Derives the Z85 public key from a Z85 secret key (40 characters).
///
/// # Safety
/// `z85_public_key` writable for 41 bytes; `z85_secret_key` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_public(
    z85_public_key: *mut c_char,
    z85_secret_key: *const c_char,
) -> c_int {
    guard::int(|| {
        if z85_public_key.is_null() {
            return Err(ErrorKind::Invalid.into());
        }
        // SAFETY: NULL or NUL-terminated per the contract.
        let text = unsafe { crate::socket::text(z85_secret_key) }?;
        let secret = CurveSecretKey::from_z85(text).ok_or(ErrorKind::Invalid)?;
        // SAFETY: writable for 41 bytes per the contract.
        unsafe { write_z85(z85_public_key, &secret.public_key().to_z85()) };
        Ok(0)
    })
}

/// Writes Z85 text and a NUL.
///
/// # Safety
/// `dest` writable for `text.len() + 1` bytes.
unsafe fn write_z85(dest: *mut c_char, text: &str) {
    // SAFETY: per this function's contract.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), dest.cast::<u8>(), text.len());
        dest.add(text.len()).write(0);
    }
}

/// A new atomic counter, starting at 0.
#[no_mangle]
pub extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    guard::ptr(|| Ok(Box::into_raw(Box::new(AtomicI32::new(0))).cast()))
}

/// Sets the counter to `value`.
///
/// # Safety
/// `counter` from `zmq_atomic_counter_new`, not destroyed.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_set(counter: *mut c_void, value: c_int) {
    guard::plain((), || {
        // SAFETY: per this function's contract.
        unsafe { atomic(counter) }.map_or((), |c| c.store(value, Ordering::SeqCst))
    })
}

/// Adds 1; returns the value before.
///
/// # Safety
/// `counter` from `zmq_atomic_counter_new`, not destroyed.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_inc(counter: *mut c_void) -> c_int {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { atomic(counter) }.map_or(0, |c| c.fetch_add(1, Ordering::SeqCst))
    })
}

/// Subtracts 1; returns 0 if the counter dropped to zero, else 1.
///
/// # Safety
/// `counter` from `zmq_atomic_counter_new`, not destroyed.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_dec(counter: *mut c_void) -> c_int {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { atomic(counter) }.map_or(0, |c| {
            c_int::from(c.fetch_sub(1, Ordering::SeqCst) - 1 != 0)
        })
    })
}

/// The counter's value.
///
/// # Safety
/// `counter` from `zmq_atomic_counter_new`, not destroyed.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_value(counter: *mut c_void) -> c_int {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { atomic(counter) }.map_or(0, |c| c.load(Ordering::SeqCst))
    })
}

/// Frees the counter and sets `*counter_p` to NULL.
///
/// # Safety
/// `counter_p` NULL or pointing to NULL or a live counter.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p: *mut *mut c_void) {
    guard::plain((), || {
        // SAFETY: per this function's contract.
        let Some(slot) = (unsafe { counter_p.as_mut() }) else {
            return;
        };
        if !slot.is_null() {
            // SAFETY: created by Box::into_raw in zmq_atomic_counter_new.
            drop(unsafe { Box::from_raw(slot.cast::<AtomicI32>()) });
            *slot = std::ptr::null_mut();
        }
    })
}

/// Starts a stopwatch.
#[no_mangle]
pub extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    guard::ptr(|| Ok(Box::into_raw(Box::new(Instant::now())).cast()))
}

/// Microseconds since the stopwatch started.
///
/// # Safety
/// `watch` from `zmq_stopwatch_start`, not stopped.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch: *mut c_void) -> c_ulong {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { watch.cast::<Instant>().as_ref() }.map_or(0, micros)
    })
}

/// Microseconds since the stopwatch started; frees it.
///
/// # Safety
/// `watch` from `zmq_stopwatch_start`, not stopped.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch: *mut c_void) -> c_ulong {
    guard::plain(0, || {
        if watch.is_null() {
            return 0;
        }
        // SAFETY: created by Box::into_raw in zmq_stopwatch_start.
        let start = unsafe { Box::from_raw(watch.cast::<Instant>()) };
        micros(&start)
    })
}

/// Sleeps for `seconds` seconds (a thread cancellation point, as in libzmq).
#[no_mangle]
pub extern "C-unwind" fn zmq_sleep(seconds: c_int) {
    cancel::sleep_seconds(seconds);
}

/// Runs `func(arg)` on a new thread; returns a handle for `zmq_threadclose`.
///
/// # Safety
/// `func` must be safe to call with `arg` on another thread.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadstart(
    func: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    arg: *mut c_void,
) -> *mut c_void {
    guard::ptr(|| {
        let func = func.ok_or(ErrorKind::Invalid)?;
        let start = ThreadStart { func, arg };
        let handle = std::thread::Builder::new()
            .name("zmq-thread".into())
            .spawn(move || start.run())
            .map_err(|_| ErrorKind::NoThread)?;
        Ok(Box::into_raw(Box::new(handle)).cast())
    })
}

/// Waits for the thread to finish and frees its handle.
///
/// # Safety
/// `thread` from `zmq_threadstart`, not closed.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadclose(thread: *mut c_void) {
    guard::plain((), || {
        if thread.is_null() {
            return;
        }
        // SAFETY: created by Box::into_raw in zmq_threadstart.
        let handle = unsafe { Box::from_raw(thread.cast::<JoinHandle<()>>()) };
        let _ = handle.join();
    })
}

struct ThreadStart {
    func: ThreadFn,
    arg: *mut c_void,
}

// SAFETY: zmq_threadstart's caller vouches that func(arg) may run on another thread.
unsafe impl Send for ThreadStart {}

impl ThreadStart {
    fn run(self) {
        // SAFETY: per zmq_threadstart's contract.
        unsafe { (self.func)(self.arg) }
    }
}

/// # Safety
/// `counter` NULL or a live counter.
unsafe fn atomic<'a>(counter: *mut c_void) -> Option<&'a AtomicI32> {
    // SAFETY: per the contract.
    unsafe { counter.cast::<AtomicI32>().as_ref() }
}

fn micros(start: &Instant) -> c_ulong {
    c_ulong::try_from(start.elapsed().as_micros()).unwrap_or(c_ulong::MAX)
}

const VERSION: &str = concat!("ferrozmq ", env!("CARGO_PKG_VERSION"), "\0");
