//! Contexts: `zmq_ctx_*` and the legacy `zmq_init`/`zmq_term`/`zmq_ctx_destroy`.

use std::mem::ManuallyDrop;
use std::os::raw::{c_int, c_void};

use ferrozmq::{Context, ContextOption, ErrorKind};

use crate::cancel;
use crate::graveyard::Graveyard;
use crate::guard::{self, Result};

/// What a context handle (`void *`) points to. The tag comes first (repr C),
/// so reading it is in bounds whatever handle a caller passes.
#[repr(C)]
pub struct Ctx {
    tag: u32,
    /// Taken out (and dropped) by `zmq_ctx_term`; the handle itself lives
    /// on a while in [`GRAVEYARD`].
    pub(crate) context: ManuallyDrop<Context>,
}

/// Recently terminated context handles (see [`Graveyard`]): a second
/// `zmq_ctx_term` fails with EFAULT rather than reading freed memory.
static GRAVEYARD: Graveyard<Ctx> = Graveyard::new(1024);

/// Creates a new context.
#[no_mangle]
pub extern "C" fn zmq_ctx_new() -> *mut c_void {
    guard::ptr(|| Ok(new_handle()))
}

/// Shuts the context down, waits for its sockets to be closed, frees it.
///
/// # Safety
/// `context` must be NULL or a handle from `zmq_ctx_new` not yet terminated.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_ctx_term(context: *mut c_void) -> c_int {
    cancel::blocking(|| {
        guard::int(|| {
            // SAFETY: the caller passes a live context handle (checked by tag).
            unsafe { ctx(context)? }.context.term()?;
            // SAFETY: the handle came from Box::into_raw in new_handle, and the
            // tag check above shows it has not been freed by an earlier term.
            let mut handle = unsafe { Box::from_raw(context.cast::<Ctx>()) };
            handle.tag = 0;
            // SAFETY: the tag was live, so the context is still in the handle;
            // the dead tag keeps anyone from reaching it again.
            drop(unsafe { ManuallyDrop::take(&mut handle.context) });
            GRAVEYARD.bury(handle);
            Ok(0)
        })
    })
}

/// Makes blocking calls on the context's sockets fail with ETERM.
///
/// # Safety
/// `context` must be NULL or a live context handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_shutdown(context: *mut c_void) -> c_int {
    guard::int(|| {
        // SAFETY: the caller passes a live context handle (checked by tag).
        unsafe { ctx(context)? }.context.shutdown();
        Ok(0)
    })
}

/// Sets a context option.
///
/// # Safety
/// `context` must be NULL or a live context handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set(context: *mut c_void, option: c_int, value: c_int) -> c_int {
    guard::int(|| {
        // SAFETY: the caller passes a live context handle (checked by tag).
        let handle = unsafe { ctx(context)? };
        // ZMQ_THREAD_PRIORITY shares its number with ZMQ_SOCKET_LIMIT, which is only read.
        let option = ContextOption::from_raw(option, true).ok_or(ErrorKind::Invalid)?;
        handle.context.set(option, value)?;
        Ok(0)
    })
}

/// Reads a context option.
///
/// # Safety
/// `context` must be NULL or a live context handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get(context: *mut c_void, option: c_int) -> c_int {
    guard::int(|| {
        // SAFETY: the caller passes a live context handle (checked by tag).
        let handle = unsafe { ctx(context)? };
        handle
            .context
            .get(ContextOption::from_raw(option, false).ok_or(ErrorKind::Invalid)?)
    })
}

/// Legacy: a new context with `io_threads` I/O threads.
#[no_mangle]
pub extern "C" fn zmq_init(io_threads: c_int) -> *mut c_void {
    guard::ptr(|| {
        if io_threads < 0 {
            return Err(ErrorKind::Invalid.into());
        }
        let handle = new_handle();
        // SAFETY: new_handle returns a live Ctx.
        let ctx = unsafe { &*handle.cast::<Ctx>() };
        ctx.context.set(ContextOption::IoThreads, io_threads)?;
        Ok(handle)
    })
}

/// Legacy name of `zmq_ctx_term`.
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_term(context: *mut c_void) -> c_int {
    // SAFETY: same contract as zmq_ctx_term.
    unsafe { zmq_ctx_term(context) }
}

/// Legacy name of `zmq_ctx_term`.
///
/// # Safety
/// As `zmq_ctx_term`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_ctx_destroy(context: *mut c_void) -> c_int {
    // SAFETY: same contract as zmq_ctx_term.
    unsafe { zmq_ctx_term(context) }
}

/// The context behind a handle; EFAULT for NULL or a handle that is not one.
///
/// # Safety
/// `handle` must be NULL or point to readable memory of at least 4 bytes;
/// if its tag matches, it must be a live `Ctx`.
pub(crate) unsafe fn ctx<'a>(handle: *mut c_void) -> Result<&'a Ctx> {
    if handle.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    let handle = handle.cast::<Ctx>();
    // SAFETY: non-null, and per the contract readable; the tag is read by
    // raw pointer before any reference to the whole struct is made.
    let tag = unsafe { std::ptr::addr_of!((*handle).tag).read() };
    if tag != CTX_TAG {
        return Err(ErrorKind::Fault.into());
    }
    // SAFETY: the tag says this is a live Ctx; contexts are only read through
    // shared references (Context is Sync).
    Ok(unsafe { &*handle })
}

fn new_handle() -> *mut c_void {
    Box::into_raw(Box::new(Ctx {
        tag: CTX_TAG,
        context: ManuallyDrop::new(Context::new()),
    }))
    .cast()
}

const CTX_TAG: u32 = 0xabad_cafe;
