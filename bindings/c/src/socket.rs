//! Sockets: create/close, bind/connect, send/recv of buffers, monitors.

use std::ffi::CStr;
use std::mem::ManuallyDrop;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use bytes::Bytes;
use ferrozmq::{Error, ErrorKind, Message, RecvFlags, SendFlags, Socket, SocketType};

use crate::cancel;
use crate::consts::{ZMQ_DONTWAIT, ZMQ_SNDMORE};
use crate::ctx;
use crate::graveyard::Graveyard;
use crate::guard::{self, Result};

/// What a socket handle (`void *`) points to. The tag comes first (repr C),
/// so reading it is in bounds whatever handle a caller passes.
#[repr(C)]
pub struct SocketHandle {
    tag: u32,
    /// Taken out (and closed) by `zmq_close`; the handle itself lives on a
    /// while in [`GRAVEYARD`].
    pub(crate) socket: ManuallyDrop<Socket>,
}

/// `struct iovec` from `<sys/uio.h>`, for `zmq_sendiov`/`zmq_recviov`.
#[repr(C)]
pub struct iovec {
    /// Start of the buffer.
    pub iov_base: *mut c_void,
    /// Length of the buffer.
    pub iov_len: usize,
}

/// Creates a socket of type `type_` (ZMQ_REQ, ZMQ_PUB, ...) in `context`.
///
/// # Safety
/// `context` must be NULL or a live context handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket(context: *mut c_void, type_: c_int) -> *mut c_void {
    guard::ptr(|| {
        // SAFETY: the caller passes a live context handle (checked by tag).
        let ctx = unsafe { ctx::ctx(context)? };
        let kind = u8::try_from(type_)
            .ok()
            .and_then(SocketType::from_number)
            .ok_or(ErrorKind::Invalid)?;
        let socket = ctx.context.socket(kind)?;
        Ok(Box::into_raw(Box::new(SocketHandle {
            tag: SOCKET_TAG,
            socket: ManuallyDrop::new(socket),
        }))
        .cast())
    })
}

/// Closes a socket; its queued messages are still sent within ZMQ_LINGER.
///
/// # Safety
/// `s` must be NULL or a live socket handle, not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn zmq_close(s: *mut c_void) -> c_int {
    guard::int(|| {
        // SAFETY: checks NULL and the tag before anything else.
        unsafe { socket(s)? };
        // SAFETY: the handle came from Box::into_raw in zmq_socket and the
        // tag shows it is still live; the caller gives up the handle.
        let mut handle = unsafe { Box::from_raw(s.cast::<SocketHandle>()) };
        handle.tag = 0;
        // SAFETY: the tag was live, so the socket is still in the handle;
        // the dead tag keeps anyone from reaching it again.
        let socket = unsafe { ManuallyDrop::take(&mut handle.socket) };
        GRAVEYARD.bury(handle);
        socket.close();
        Ok(0)
    })
}

/// Accepts connections on `addr`.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: this function's contract is `on_endpoint`'s.
    unsafe { on_endpoint(s, addr, Socket::bind) }
}

/// Connects to `addr`.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: this function's contract is `on_endpoint`'s.
    unsafe { on_endpoint(s, addr, Socket::connect) }
}

/// Stops accepting connections on `addr`.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: this function's contract is `on_endpoint`'s.
    unsafe { on_endpoint(s, addr, Socket::unbind) }
}

/// Drops the connection to `addr`.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s: *mut c_void, addr: *const c_char) -> c_int {
    // SAFETY: this function's contract is `on_endpoint`'s.
    unsafe { on_endpoint(s, addr, Socket::disconnect) }
}

/// Runs bind, connect, unbind or disconnect on a socket handle.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
unsafe fn on_endpoint(
    s: *mut c_void,
    addr: *const c_char,
    op: fn(&mut Socket, &str) -> ferrozmq::Result<()>,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let (socket, addr) = unsafe { (socket(s)?, text(addr)?) };
        op(socket, addr)?;
        Ok(0)
    })
}

/// Sends a frame copied from `buf`; returns its length.
///
/// # Safety
/// `s` a live socket handle; `buf` readable for `len` bytes (or NULL if 0).
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_send(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    // First without waiting, outside the cancellation slicing, as
    // `zmq_msg_send` does (a send that must wait copies the body again).
    // SAFETY: per this function's contract.
    let now = guard::hot_int_or_again(|| unsafe { send_copy(s, buf, len, flags | ZMQ_DONTWAIT) });
    match now {
        Some(ret) => ret,
        None if flags & ZMQ_DONTWAIT != 0 => -1,
        // SAFETY: per this function's contract.
        None => cancel::blocking(|| guard::hot_int(|| unsafe { send_copy(s, buf, len, flags) })),
    }
}

/// [`zmq_send`]'s one try.
///
/// # Safety
/// As `zmq_send`.
#[inline(always)]
unsafe fn send_copy(s: *mut c_void, buf: *const c_void, len: usize, flags: c_int) -> Result<c_int> {
    // SAFETY: per this function's contract.
    let (socket, data) = unsafe { (socket(s)?, bytes(buf, len)?) };
    // A small body is held by value (no allocation), a larger one copied once.
    socket.send_with(Message::copy_from_slice(data), SendFlags::from_raw(flags))?;
    Ok(clamp(len))
}

/// Sends a frame that refers to the constant buffer `buf` without copying it.
///
/// `buf` must stay valid and unchanged for as long as the library may use it (forever).
///
/// # Safety
/// `s` a live socket handle; `buf` readable for `len` bytes for the rest of
/// the process's life (or NULL if 0).
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_send_const(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    cancel::blocking(|| {
        guard::int(|| {
            // SAFETY: per this function's contract, the buffer is constant and
            // outlives every use, which is what 'static means here.
            let (socket, data): (_, &'static [u8]) = unsafe { (socket(s)?, bytes(buf, len)?) };
            socket.send_with(Bytes::from_static(data), SendFlags::from_raw(flags))?;
            Ok(clamp(len))
        })
    })
}

/// Receives a frame into `buf`, truncated to `len`; returns its full size.
///
/// As `zmq_msg_recv`, a frame already here is taken first without
/// preparing the wait for thread cancellation.
///
/// # Safety
/// `s` a live socket handle; `buf` writable for `len` bytes (or NULL if 0).
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_recv(
    s: *mut c_void,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    if flags & ZMQ_DONTWAIT == 0 {
        // SAFETY: per this function's contract.
        let got = guard::hot_int(|| unsafe { recv_buf(s, buf, len, flags, true) });
        if got != NOT_YET {
            return got;
        }
    }
    cancel::blocking(|| {
        // SAFETY: per this function's contract.
        guard::hot_int(|| unsafe { recv_buf(s, buf, len, flags, false) })
    })
}

/// What a receive's first try (`recv_buf`, `zmq_msg_recv`'s) returns when
/// no frame is here yet: never a size, nor -1.
pub(crate) const NOT_YET: c_int = -2;

/// `zmq_recv`'s body: with `ready_only`, takes only a frame already here
/// (else returns [`NOT_YET`], a kept read lease kept); otherwise receives
/// as `flags` say.
///
/// # Safety
/// As `zmq_recv`.
#[inline(always)]
unsafe fn recv_buf(
    s: *mut c_void,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    ready_only: bool,
) -> Result<c_int> {
    // SAFETY: per this function's contract.
    let socket = unsafe { socket(s)? };
    if buf.is_null() && len > 0 {
        return Err(ErrorKind::Fault.into());
    }
    // Received in place (see zmq_msg_recv): no Result<Message> read
    // back across the stores that wrote it.
    let mut frame = Message::new();
    if ready_only {
        if !socket.recv_into_ready(&mut frame)? {
            return Ok(NOT_YET);
        }
    } else {
        socket.recv_into(&mut frame, RecvFlags::from_raw(flags))?;
    }
    let n = frame.len().min(len);
    if n > 0 {
        // SAFETY: buf is writable for len >= n bytes, frame holds n bytes,
        // and a received frame cannot overlap the caller's buffer.
        unsafe { ptr::copy_nonoverlapping(frame.data().as_ptr(), buf.cast::<u8>(), n) };
    }
    Ok(clamp(frame.len()))
}

/// Deprecated: sends `count` buffers as frames; returns the last one's size.
///
/// As in libzmq, every frame is sent with `flags` (so pass ZMQ_SNDMORE to
/// make them one message) except the last, sent without ZMQ_SNDMORE.
///
/// # Safety
/// `s` a live socket handle; `iov` points to `count` iovecs whose buffers are readable.
#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    s: *mut c_void,
    iov: *mut iovec,
    count: usize,
    flags: c_int,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        if iov.is_null() || count == 0 {
            return Err(ErrorKind::Invalid.into());
        }
        // SAFETY: iov points to count initialised iovecs.
        let parts = unsafe { std::slice::from_raw_parts(iov, count) };
        let mut sent = 0;
        for (i, part) in parts.iter().enumerate() {
            // SAFETY: each iovec's buffer is readable for iov_len bytes.
            let data = unsafe { bytes(part.iov_base, part.iov_len)? };
            let f = if i + 1 == count {
                flags & !ZMQ_SNDMORE
            } else {
                flags
            };
            socket.send_with(Message::copy_from_slice(data), SendFlags::from_raw(f))?;
            sent = part.iov_len;
        }
        Ok(clamp(sent))
    })
}

/// Deprecated: receives up to `*count` frames of one message into new buffers.
///
/// The buffers are `malloc`ed (the caller frees them); sets `*count` to the
/// number received and returns it.
///
/// # Safety
/// `s` a live socket handle; `iov` writable for `*count` iovecs; `count` valid.
#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    s: *mut c_void,
    iov: *mut iovec,
    count: *mut usize,
    flags: c_int,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        if iov.is_null() || count.is_null() {
            return Err(ErrorKind::Invalid.into());
        }
        // SAFETY: count is a valid pointer.
        let room = unsafe { *count };
        if room == 0 {
            return Err(ErrorKind::Invalid.into());
        }
        let mut received = 0;
        let mut outcome = Ok(());
        while received < room {
            let frame = match socket.recv_with(RecvFlags::from_raw(flags)) {
                Ok(f) => f,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            // SAFETY: malloc accepts any size; 1 byte for empty frames keeps
            // the pointer non-NULL so the caller can free it uniformly.
            let buf = unsafe { libc::malloc(frame.len().max(1)) };
            if buf.is_null() {
                outcome = Err(ErrorKind::NoMemory.into());
                break;
            }
            // SAFETY: buf has frame.len() bytes; iov has room for `room`
            // entries and received < room.
            unsafe {
                ptr::copy_nonoverlapping(frame.data().as_ptr(), buf.cast::<u8>(), frame.len());
                iov.add(received).write(iovec {
                    iov_base: buf,
                    iov_len: frame.len(),
                });
            }
            received += 1;
            if !frame.more() {
                break;
            }
        }
        // SAFETY: count is a valid pointer.
        unsafe { *count = received };
        // As libzmq: an error part-way fails the call, *count tells how far it got.
        outcome.map(|()| clamp(received))
    })
}

/// Publishes this socket's events on a PAIR socket bound at `addr` (NULL: stop).
///
/// `events` is a mask of ZMQ_EVENT_* values.
///
/// # Safety
/// `s` a live socket handle, `addr` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    s: *mut c_void,
    addr: *const c_char,
    events: c_int,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        let addr = if addr.is_null() {
            None
        } else {
            // SAFETY: non-NULL and NUL-terminated per the contract.
            Some(unsafe { text(addr)? })
        };
        // Version 1 events are the low 16 bits; libzmq refuses any other.
        let events = u16::try_from(events as u32).map_err(|_| ErrorKind::Invalid)?;
        socket.monitor(addr, events)?;
        Ok(0)
    })
}

/// Recently closed socket handles (see [`Graveyard`]).
static GRAVEYARD: Graveyard<SocketHandle> = Graveyard::new(4096);

/// The socket behind a handle; ENOTSOCK for NULL or anything else.
///
/// # Safety
/// `handle` must be NULL or readable for 4 bytes; if its tag matches, it must
/// be a live `SocketHandle` that no other reference is using (libzmq's rule:
/// one thread at a time per socket).
pub(crate) unsafe fn socket<'a>(handle: *mut c_void) -> Result<&'a mut Socket> {
    if handle.is_null() {
        return Err(ErrorKind::NotSocket.into());
    }
    let handle = handle.cast::<SocketHandle>();
    // SAFETY: non-NULL and readable per the contract; only the tag is read
    // before we know what the memory is.
    let tag = unsafe { ptr::addr_of!((*handle).tag).read() };
    if tag != SOCKET_TAG {
        return Err(ErrorKind::NotSocket.into());
    }
    // SAFETY: the tag says this is a live SocketHandle used by this thread only.
    Ok(unsafe { &mut *(*handle).socket })
}

/// A C string argument as UTF-8; EINVAL for NULL or invalid text.
///
/// # Safety
/// `s` must be NULL or NUL-terminated and valid for the returned lifetime.
pub(crate) unsafe fn text<'a>(s: *const c_char) -> Result<&'a str> {
    if s.is_null() {
        return Err(ErrorKind::Invalid.into());
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    unsafe { CStr::from_ptr(s) }
        .to_str()
        .map_err(|_| Error::new(ErrorKind::Invalid))
}

/// A (pointer, length) argument as a slice; EFAULT for NULL with a length.
///
/// # Safety
/// `buf` must be readable for `len` bytes, or `len` must be 0.
pub(crate) unsafe fn bytes<'a>(buf: *const c_void, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if buf.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    // SAFETY: non-NULL and readable for len bytes per the contract.
    Ok(unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) })
}

/// A size as the `int` libzmq returns (saturating, as sizes above 2 GiB are).
pub(crate) fn clamp(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

const SOCKET_TAG: u32 = 0xba5e_ba11;
