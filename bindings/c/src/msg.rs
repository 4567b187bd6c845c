//! `zmq_msg_t`: 64 opaque bytes that hold a `MsgRepr` by value, and the
//! `zmq_msg_*` functions.
//!
//! A message body is either a writable buffer (`zmq_msg_init_size` above
//! [`WRITABLE_BODY`] bytes, filled by the caller through `zmq_msg_data`) or
//! a [`Message`]: a small one it owns alone (`zmq_msg_init_size` up to
//! [`WRITABLE_BODY`] bytes: by value up to [`ferrozmq::SMALL_BODY`], above in a pooled
//! block; written in place through `zmq_msg_data`; and small received
//! frames) or a shared, reference-counted one (received, copied,
//! or wrapping the caller's buffer from `zmq_msg_init_data` zero-copy,
//! whose free function runs when the last reference is dropped, possibly
//! on an I/O thread as in libzmq).

use std::ffi::CString;
use std::mem::{align_of, size_of};
use std::os::raw::{c_char, c_int, c_uchar, c_void};
use std::ptr::{self, addr_of, addr_of_mut};

use bytes::Bytes;
use ferrozmq::{ErrorKind, Message, RecvFlags, SendFlags, WRITABLE_BODY};

use crate::cancel;
use crate::consts::{ZMQ_DONTWAIT, ZMQ_MORE, ZMQ_SHARED, ZMQ_SRCFD};
use crate::guard::{self, Result};
use crate::socket::{clamp, socket, text, NOT_YET};

mod buffer;
mod spare;

use buffer::Buffer;

/// The largest message libzmq holds in place in its `zmq_msg_t` on 64-bit
/// platforms (its "very small message"), copied by value by `zmq_msg_copy`.
const LIBZMQ_VSM_MAX: usize = 33;

/// A message: 64 opaque bytes, aligned like a pointer, as in libzmq.
#[repr(C, align(8))]
pub struct zmq_msg_t {
    _opaque: [c_uchar; 64],
}

/// The function `zmq_msg_init_data` calls to free the caller's buffer
/// (`zmq_free_fn` in zmq.h).
type FreeFn = unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void);

/// Initialises an empty message.
///
/// # Safety
/// `msg` must point to writable memory for a `zmq_msg_t`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init(msg: *mut zmq_msg_t) -> c_int {
    guard::hot_int(|| {
        // SAFETY: msg is writable per the contract.
        unsafe { init(msg, Body::Shared(Message::new()))? };
        Ok(0)
    })
}

/// Initialises a message of `size` bytes for the caller to fill in.
///
/// # Safety
/// `msg` must point to writable memory for a `zmq_msg_t`.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_size(msg: *mut zmq_msg_t, size: usize) -> c_int {
    guard::hot_int(|| {
        if size <= WRITABLE_BODY {
            // A body the engine owns alone (by value up to SMALL_BODY
            // bytes, above in a pooled block): sending moves it out of
            // the message as it is (no copy into another representation),
            // and a failed send moves it back to the same place. Built in
            // place once the pointer is checked (built first, it was
            // written to the stack and copied over, a store-forwarding
            // stall per message).
            // SAFETY: msg is writable per the contract.
            unsafe { init_with(msg, || Body::Shared(Message::zeroed(size)))? };
        } else {
            let body = Body::Writable(Buffer::new(size)?);
            // SAFETY: msg is writable per the contract.
            unsafe { init(msg, body)? };
        }
        Ok(0)
    })
}

/// Initialises a message over the caller's buffer, without copying it.
///
/// `ffn(data, hint)` is called once the library no longer needs the buffer.
///
/// # Safety
/// `msg` writable; `data` readable for `size` bytes until `ffn` is called
/// (or forever if `ffn` is NULL); `ffn` callable from any thread.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg: *mut zmq_msg_t,
    data: *mut c_void,
    size: usize,
    ffn: Option<unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void)>,
    hint: *mut c_void,
) -> c_int {
    guard::int(|| {
        if data.is_null() && size > 0 {
            return Err(ErrorKind::Fault.into());
        }
        let owner = CallerBuffer {
            data,
            size,
            ffn,
            hint,
        };
        let body = Body::Shared(Message::from(Bytes::from_owner(owner)));
        // SAFETY: msg is writable per the contract.
        unsafe { init(msg, body)? };
        // SAFETY: just initialised above.
        let m = unsafe { repr(msg)? };
        // Constant data nobody frees: libzmq reports it as shared.
        m.shared = ffn.is_none();
        m.copy_shares = ffn.is_some();
        Ok(0)
    })
}

/// Sends a message; on success `msg` is left empty. Returns its size.
///
/// # Safety
/// `msg` an initialised message; `s` a live socket handle.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_msg_send(
    msg: *mut zmq_msg_t,
    s: *mut c_void,
    flags: c_int,
) -> c_int {
    // Most sends go at once: a first try that does not wait needs none of
    // the cancellation slicing a wait needs (`cancel::blocking`: two
    // touches of a thread-local per call, each a call into the dynamic
    // loader in a shared library). Only a send that would wait makes the
    // call again, sliced.
    // SAFETY: per this function's contract.
    let now = guard::hot_int_or_again(|| unsafe { msg_send(msg, s, flags | ZMQ_DONTWAIT) });
    match now {
        Some(ret) => ret,
        None if flags & ZMQ_DONTWAIT != 0 => -1,
        // SAFETY: per this function's contract.
        None => cancel::blocking(|| guard::hot_int(|| unsafe { msg_send(msg, s, flags) })),
    }
}

/// [`zmq_msg_send`]'s one try.
///
/// # Safety
/// As `zmq_msg_send`.
#[inline(always)]
unsafe fn msg_send(msg: *mut zmq_msg_t, s: *mut c_void, flags: c_int) -> Result<c_int> {
    // SAFETY: per this function's contract.
    let (m, socket) = unsafe { (repr(msg)?, socket(s)?) };
    let frame = m.outgoing();
    let len = frame.len();
    match socket.send_with(frame, SendFlags::from_raw(flags)) {
        Ok(()) => {
            // `outgoing` left the empty message in its place.
            m.shared = false;
            m.copy_shares = false;
            if m.extra.is_some() {
                m.extra = None;
            }
            Ok(clamp(len))
        }
        Err(failed) => {
            let (error, frame) = failed.into_parts();
            // Back as it was: the same bytes at the same address.
            m.body = Body::Shared(frame);
            Err(error)
        }
    }
}

/// Receives a frame into `msg` (whose old contents are released); returns its size.
///
/// A frame already here is taken first without preparing the wait for
/// thread cancellation (`cancel::blocking`: a thread-local read and
/// written per call): only a receive that must wait needs it.
///
/// # Safety
/// `msg` an initialised message; `s` a live socket handle.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_msg_recv(
    msg: *mut zmq_msg_t,
    s: *mut c_void,
    flags: c_int,
) -> c_int {
    if flags & ZMQ_DONTWAIT == 0 {
        // SAFETY: per this function's contract.
        let got = guard::hot_int(|| unsafe { recv_msg(msg, s, flags, true) });
        if got != NOT_YET {
            return got;
        }
    }
    cancel::blocking(|| {
        // SAFETY: per this function's contract.
        guard::hot_int(|| unsafe { recv_msg(msg, s, flags, false) })
    })
}

/// `zmq_msg_recv`'s body: with `ready_only`, takes only a frame already
/// here (else returns [`NOT_YET`], `msg` untouched, a kept read lease
/// kept); otherwise receives as `flags` say.
///
/// # Safety
/// As `zmq_msg_recv`.
#[inline(always)]
unsafe fn recv_msg(
    msg: *mut zmq_msg_t,
    s: *mut c_void,
    flags: c_int,
    ready_only: bool,
) -> Result<c_int> {
    // SAFETY: per this function's contract.
    let (m, socket) = unsafe { (repr(msg)?, socket(s)?) };
    let flags = RecvFlags::from_raw(flags);
    let Body::Shared(held) = &mut m.body else {
        // A writable body (zmq_msg_init_size): replaced whole.
        let frame = if ready_only {
            let mut frame = Message::new();
            if !socket.recv_into_ready(&mut frame)? {
                return Ok(NOT_YET);
            }
            frame
        } else {
            socket.recv_with(flags)?
        };
        let len = frame.len();
        m.receive(frame);
        return Ok(clamp(len));
    };
    // Received in place: no frame moved out of the socket and into the
    // message (a store-forwarding stall per message), and the sender's
    // metadata handle kept when it is the same peer's.
    if ready_only {
        if !socket.recv_into_ready(held)? {
            return Ok(NOT_YET);
        }
    } else {
        socket.recv_into(held, flags)?;
    }
    let len = held.len();
    m.received_in_place();
    Ok(clamp(len))
}

/// Puts `frame` into an initialised message, as `zmq_msg_recv` does;
/// returns its size (for extensions that hand frames out, e.g. drain).
///
/// # Safety
/// `msg` an initialised message (or NULL: EFAULT).
pub(crate) unsafe fn fill(msg: *mut zmq_msg_t, frame: Message) -> Result<c_int> {
    // SAFETY: per this function's contract.
    let m = unsafe { repr(msg)? };
    let len = frame.len();
    m.receive(frame);
    Ok(clamp(len))
}

/// Deprecated: `zmq_msg_send` with the arguments the other way round.
///
/// # Safety
/// As `zmq_msg_send`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_sendmsg(
    s: *mut c_void,
    msg: *mut zmq_msg_t,
    flags: c_int,
) -> c_int {
    // SAFETY: same contract.
    unsafe { zmq_msg_send(msg, s, flags) }
}

/// Deprecated: `zmq_msg_recv` with the arguments the other way round.
///
/// # Safety
/// As `zmq_msg_recv`.
#[no_mangle]
pub unsafe extern "C-unwind" fn zmq_recvmsg(
    s: *mut c_void,
    msg: *mut zmq_msg_t,
    flags: c_int,
) -> c_int {
    // SAFETY: same contract.
    unsafe { zmq_msg_recv(msg, s, flags) }
}

/// Releases a message; it must be initialised again before reuse.
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg: *mut zmq_msg_t) -> c_int {
    guard::hot_int(|| {
        // SAFETY: checks the magic, then drops the value in place.
        unsafe { close(msg)? };
        Ok(0)
    })
}

/// Moves `src` into `dest` (releasing what `dest` held); `src` becomes empty.
///
/// # Safety
/// Both initialised messages.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_move(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    guard::hot_int(|| {
        // SAFETY: per this function's contract; both checked by magic.
        unsafe {
            repr(src)?;
            repr(dest)?;
        }
        if dest == src {
            return Ok(0);
        }
        // SAFETY: both are live, distinct MsgReprs: dest's old value is
        // dropped, src's value is moved bitwise and src is re-initialised
        // without dropping (its value now lives in dest).
        unsafe {
            ptr::drop_in_place(dest.cast::<MsgRepr>());
            ptr::copy_nonoverlapping(src.cast::<MsgRepr>(), dest.cast::<MsgRepr>(), 1);
            src.cast::<MsgRepr>()
                .write(MsgRepr::new(Body::Shared(Message::new())));
        }
        Ok(0)
    })
}

/// Makes `dest` share `src`'s body (no copy of the bytes).
///
/// # Safety
/// Both initialised messages.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    guard::hot_int(|| {
        // SAFETY: per this function's contract; both checked by magic.
        unsafe {
            repr(src)?;
            repr(dest)?;
        }
        if dest == src {
            return Ok(0);
        }
        // SAFETY: distinct live messages, so the two references don't alias.
        let (from, to) = unsafe { (repr(src)?, repr(dest)?) };
        // libzmq copies the bytes of a small message it holds in place
        // (neither is shared then) and shares any other body.
        let by_value = !from.shared && !from.copy_shares && from.len() <= LIBZMQ_VSM_MAX;
        let shared = from.share_message();
        to.reset(Body::Shared(shared));
        if !by_value {
            from.shared = true;
            to.shared = true;
        }
        Ok(0)
    })
}

/// A pointer to the message's bytes.
///
/// # Safety
/// `msg` an initialised message. Writing through the pointer is allowed for
/// messages from `zmq_msg_init_size`, as in libzmq.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg: *mut zmq_msg_t) -> *mut c_void {
    guard::hot_ptr(|| {
        // SAFETY: per this function's contract.
        let m = unsafe { repr(msg)? };
        Ok(match &mut m.body {
            Body::Writable(b) => b.as_mut_ptr().cast(),
            // The cast to *mut is libzmq's signature; Bytes keeps its data
            // behind a raw pointer, so a caller writing into a received
            // frame (which libzmq allows) does not alias any Rust reference.
            Body::Shared(f) => match f.small_data_mut() {
                // A small body lives in this message: written through a
                // pointer from a unique borrow.
                Some(small) => small.as_mut_ptr().cast(),
                None => f.data().as_ptr().cast_mut().cast(),
            },
        })
    })
}

/// The message's size in bytes (0 for an invalid message).
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg: *const zmq_msg_t) -> usize {
    // SAFETY: per this function's contract; only read.
    guard::hot_plain(0, || unsafe { repr(msg.cast_mut()) }.map_or(0, |m| m.len()))
}

/// 1 if more frames of this message follow, else 0.
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg: *const zmq_msg_t) -> c_int {
    guard::hot_plain(0, || {
        // SAFETY: per this function's contract; only read.
        unsafe { repr(msg.cast_mut()) }.map_or(0, |m| c_int::from(m.more()))
    })
}

/// Reads a message property: ZMQ_MORE, ZMQ_SHARED or ZMQ_SRCFD.
///
/// ZMQ_SRCFD is the descriptor the message came in on, -1 if none.
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg: *const zmq_msg_t, property: c_int) -> c_int {
    guard::hot_int(|| {
        // SAFETY: per this function's contract; only read.
        let m = unsafe { repr(msg.cast_mut())? };
        match property {
            ZMQ_MORE => Ok(c_int::from(m.more())),
            ZMQ_SHARED => Ok(c_int::from(m.shared)),
            ZMQ_SRCFD => Ok(match &m.body {
                Body::Shared(f) => f.source_fd().unwrap_or(-1),
                Body::Writable(_) => -1,
            }),
            _ => Err(ErrorKind::Invalid.into()),
        }
    })
}

/// Sets a message property: none can be set, so always EINVAL (as libzmq).
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set(msg: *mut zmq_msg_t, property: c_int, optval: c_int) -> c_int {
    let _ = (property, optval);
    guard::hot_int(|| {
        // SAFETY: per this function's contract.
        unsafe { repr(msg)? };
        Err(ErrorKind::Invalid.into())
    })
}

/// A metadata property of the peer that sent the message, or NULL.
///
/// "Socket-Type", "Routing-Id"/"Identity", "Peer-Address", "User-Id", or an
/// application "X-" property; the string lives as long as the message. NULL
/// and EINVAL if there is none.
///
/// # Safety
/// `msg` an initialised message; `property` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(
    msg: *const zmq_msg_t,
    property: *const c_char,
) -> *const c_char {
    guard::ptr(|| {
        // SAFETY: per this function's contract. The cache of returned
        // strings lives inside the message, which libzmq's const signature
        // still lets us update (the object itself is never const).
        let (m, name) = unsafe { (repr(msg.cast_mut())?, text(property)?) };
        let value = match &m.body {
            Body::Shared(f) => f.property_bytes(name),
            Body::Writable(_) => None,
        };
        // Any bytes, as libzmq's C string of them: up to a zero octet.
        let value = value.ok_or(ErrorKind::Invalid)?;
        let text = value.split(|&b| b == 0).next().unwrap_or_default();
        let value = CString::new(text).map_err(|_| ErrorKind::Invalid)?;
        let extra = m.extra.get_or_insert_with(Box::default);
        let p = value.as_ptr();
        extra.strings.push(value);
        Ok(p.cast_mut())
    })
    .cast_const()
}

/// DRAFT: the routing id set by `zmq_msg_set_routing_id` (0 if none).
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_routing_id(msg: *mut zmq_msg_t) -> u32 {
    guard::hot_plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { repr(msg) }.map_or(0, |m| m.extra.as_ref().map_or(0, |e| e.routing_id))
    })
}

/// DRAFT: sets the routing id used by SERVER sockets (not zero).
///
/// # Safety
/// `msg` an initialised message.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg: *mut zmq_msg_t, routing_id: u32) -> c_int {
    guard::hot_int(|| {
        // SAFETY: per this function's contract.
        let m = unsafe { repr(msg)? };
        if routing_id == 0 {
            return Err(ErrorKind::Invalid.into());
        }
        m.extra.get_or_insert_with(Box::default).routing_id = routing_id;
        Ok(0)
    })
}

/// What a `zmq_msg_t` holds, in place (no allocation per message; checked
/// at compile time to fit in its 64 bytes).
#[repr(C)]
struct MsgRepr {
    magic: u32,
    /// What `zmq_msg_get(ZMQ_SHARED)` reports.
    shared: bool,
    /// Copies share the body at any size: the caller's buffer from
    /// `zmq_msg_init_data` with a free function (as in libzmq), or a
    /// received frame (libzmq copies a small one by value if it came over a
    /// stream transport, and shares it if its sender made it so over
    /// inproc: which, the frame does not tell).
    copy_shares: bool,
    body: Body,
    extra: Option<Box<Extra>>,
}

enum Body {
    Writable(Buffer),
    Shared(Message),
}

/// Rarely used state, kept out of line so the message fits in 64 bytes.
#[derive(Default)]
struct Extra {
    strings: Vec<CString>,
    routing_id: u32,
}

impl MsgRepr {
    fn new(body: Body) -> MsgRepr {
        MsgRepr {
            magic: MSG_MAGIC,
            shared: false,
            copy_shares: false,
            body,
            extra: None,
        }
    }

    /// Makes this a fresh message holding `body` (what it held is
    /// released), without rebuilding the whole value.
    fn reset(&mut self, body: Body) {
        self.body = body;
        self.shared = false;
        self.copy_shares = false;
        if self.extra.is_some() {
            self.extra = None;
        }
    }

    /// Makes this a fresh message holding a received frame.
    fn receive(&mut self, frame: Message) {
        self.reset(Body::Shared(frame));
        self.copy_shares = true;
    }

    /// The flags of [`MsgRepr::receive`], for a frame received into the
    /// body in place.
    fn received_in_place(&mut self) {
        self.shared = false;
        self.copy_shares = true;
        if self.extra.is_some() {
            self.extra = None;
        }
    }

    fn len(&self) -> usize {
        match &self.body {
            Body::Writable(b) => b.len(),
            Body::Shared(f) => f.len(),
        }
    }

    fn more(&self) -> bool {
        matches!(&self.body, Body::Shared(f) if f.more())
    }

    /// Whether dropping it would release nothing.
    #[inline]
    fn is_bare(&self) -> bool {
        self.extra.is_none() && matches!(&self.body, Body::Shared(f) if f.is_bare())
    }

    /// Turns a writable body into a shared one (zero-copy) and returns a
    /// reference-counted clone of the frame.
    fn share_message(&mut self) -> Message {
        if let Body::Writable(b) = &mut self.body {
            let frozen = std::mem::take(b).into_bytes();
            self.body = Body::Shared(Message::from(frozen));
        }
        match &self.body {
            Body::Shared(f) => f.clone(),
            Body::Writable(_) => Message::new(),
        }
    }

    /// The frame to send, moved out as it is (a writable buffer becomes
    /// shared bytes at the same address, without a copy or an allocation),
    /// leaving an empty message; a failed send puts it back.
    #[inline]
    fn outgoing(&mut self) -> Message {
        match &mut self.body {
            Body::Shared(f) => std::mem::take(f),
            Body::Writable(_) => {
                match std::mem::replace(&mut self.body, Body::Shared(Message::new())) {
                    Body::Writable(b) => Message::from(b.into_bytes()),
                    Body::Shared(f) => f,
                }
            }
        }
    }
}

/// The caller's buffer from `zmq_msg_init_data`, freed by its function.
struct CallerBuffer {
    data: *mut c_void,
    size: usize,
    ffn: Option<FreeFn>,
    hint: *mut c_void,
}

// SAFETY: the buffer is only read, and zmq_msg_init_data's contract (as
// libzmq's) lets the free function run on any thread.
unsafe impl Send for CallerBuffer {}

impl AsRef<[u8]> for CallerBuffer {
    fn as_ref(&self) -> &[u8] {
        if self.size == 0 {
            return &[];
        }
        // SAFETY: the caller keeps `data` readable for `size` bytes until
        // the free function runs, which is after the last use (in Drop).
        unsafe { std::slice::from_raw_parts(self.data.cast::<u8>(), self.size) }
    }
}

impl Drop for CallerBuffer {
    fn drop(&mut self) {
        if let Some(ffn) = self.ffn {
            // SAFETY: called once, with the arguments given to init_data.
            unsafe { ffn(self.data, self.hint) };
        }
    }
}

/// Writes a fresh message into `msg` without reading what was there.
///
/// # Safety
/// `msg` must be writable for a `zmq_msg_t`.
unsafe fn init(msg: *mut zmq_msg_t, body: Body) -> Result<()> {
    // SAFETY: per this function's contract.
    unsafe { init_with(msg, || body) }
}

/// [`init`] with the body made by `body` once `msg` is known to be valid,
/// so that it can be built where it goes.
///
/// # Safety
/// `msg` must be writable for a `zmq_msg_t`.
#[inline]
unsafe fn init_with(msg: *mut zmq_msg_t, body: impl FnOnce() -> Body) -> Result<()> {
    if msg.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    let m = msg.cast::<MsgRepr>();
    // SAFETY: writable and large/aligned enough (checked at compile time
    // below). Each field is written in place, once, without reading or
    // dropping what was there (building the whole value first and copying
    // it costs a store-forwarding stall per message); the magic last.
    unsafe {
        addr_of_mut!((*m).body).write(body());
        addr_of_mut!((*m).extra).write(None);
        addr_of_mut!((*m).shared).write(false);
        addr_of_mut!((*m).copy_shares).write(false);
        addr_of_mut!((*m).magic).write(MSG_MAGIC);
    }
    Ok(())
}

/// The message in `msg`; EFAULT for NULL or uninitialised/closed memory.
///
/// # Safety
/// `msg` must be NULL or point to a `zmq_msg_t`'s 64 readable bytes; if the
/// magic matches it must hold a live `MsgRepr` not otherwise borrowed.
#[inline]
unsafe fn repr<'a>(msg: *mut zmq_msg_t) -> Result<&'a mut MsgRepr> {
    if msg.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    let m = msg.cast::<MsgRepr>();
    // SAFETY: readable per the contract; only the u32 magic is read before
    // we know the bytes are a MsgRepr.
    if unsafe { addr_of!((*m).magic).read() } != MSG_MAGIC {
        return Err(ErrorKind::Fault.into());
    }
    // SAFETY: the magic says a live MsgRepr is here.
    Ok(unsafe { &mut *m })
}

/// Drops the message in place and marks the memory as closed.
///
/// # Safety
/// As [`repr`].
#[inline]
unsafe fn close(msg: *mut zmq_msg_t) -> Result<()> {
    // SAFETY: per the contract.
    let bare = unsafe { repr(msg)? }.is_bare();
    let m = msg.cast::<MsgRepr>();
    if bare {
        // Nothing to release (a message a send emptied, or never filled):
        // no drop glue to walk.
        // SAFETY: a live MsgRepr whose drop would do nothing; only the
        // magic is written, so a second close or use fails with EFAULT.
        unsafe { addr_of_mut!((*m).magic).write(0) };
        return Ok(());
    }
    // SAFETY: a live MsgRepr, dropped once; afterwards only the magic is
    // written, so a second close or use fails with EFAULT.
    unsafe {
        ptr::drop_in_place(m);
        addr_of_mut!((*m).magic).write(0);
    }
    Ok(())
}

const MSG_MAGIC: u32 = 0x6d73_6721;

const _: () = assert!(
    size_of::<MsgRepr>() <= size_of::<zmq_msg_t>()
        && align_of::<MsgRepr>() <= align_of::<zmq_msg_t>(),
    "MsgRepr (with small bodies in place, see ferrozmq::SMALL_BODY) must fit in zmq_msg_t"
);
const _: () = assert!(size_of::<zmq_msg_t>() == 64 && align_of::<zmq_msg_t>() == 8);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consts::{ZMQ_DONTWAIT, ZMQ_PULL, ZMQ_PUSH};
    use crate::ctx::{zmq_ctx_new, zmq_ctx_term};
    use crate::socket::{zmq_bind, zmq_close, zmq_connect, zmq_socket};
    use std::mem::MaybeUninit;

    /// A small body (in place) and a larger one (on the heap): a send that
    /// fails leaves the message as it was, bytes and address; one that
    /// succeeds delivers the bytes and leaves the message empty.
    #[test]
    fn failed_sends_keep_the_message_and_sent_ones_deliver_it() {
        // SAFETY: every pointer passed is a live local or a handle made
        // here; messages are initialised before use and closed once.
        unsafe {
            let ctx = zmq_ctx_new();
            let push = zmq_socket(ctx, ZMQ_PUSH);
            let pull = zmq_socket(ctx, ZMQ_PULL);
            for size in [
                1,
                ferrozmq::SMALL_BODY,
                WRITABLE_BODY,
                WRITABLE_BODY + 1,
                5000,
            ] {
                let mut msg = MaybeUninit::<zmq_msg_t>::uninit();
                let m = msg.as_mut_ptr();
                assert_eq!(zmq_msg_init_size(m, size), 0);
                let data = zmq_msg_data(m).cast::<u8>();
                for i in 0..size {
                    data.add(i).write(i as u8);
                }
                // No peer yet: EAGAIN, and the message is untouched.
                assert_eq!(zmq_msg_send(m, push, ZMQ_DONTWAIT), -1);
                assert_eq!(crate::errno::get(), libc::EAGAIN);
                assert_eq!(zmq_msg_size(m), size);
                assert_eq!(zmq_msg_data(m).cast::<u8>(), data, "same address");
                let bytes = std::slice::from_raw_parts(data, size);
                assert!(bytes.iter().enumerate().all(|(i, &b)| b == i as u8));
                assert_eq!(zmq_msg_close(m), 0);
            }
            assert_eq!(zmq_bind(pull, c"inproc://msg-send-test".as_ptr()), 0);
            assert_eq!(zmq_connect(push, c"inproc://msg-send-test".as_ptr()), 0);
            for size in [
                0,
                1,
                ferrozmq::SMALL_BODY,
                WRITABLE_BODY,
                WRITABLE_BODY + 1,
                5000,
            ] {
                let mut msg = MaybeUninit::<zmq_msg_t>::uninit();
                let m = msg.as_mut_ptr();
                assert_eq!(zmq_msg_init_size(m, size), 0);
                let data = zmq_msg_data(m).cast::<u8>();
                for i in 0..size {
                    data.add(i).write(i as u8 ^ 0x5a);
                }
                assert_eq!(zmq_msg_send(m, push, 0), size as c_int);
                assert_eq!(zmq_msg_size(m), 0, "sent: the message is empty");
                assert_eq!(zmq_msg_close(m), 0);
                // Closed without its drop (nothing to release), yet closed.
                assert_eq!(zmq_msg_close(m), -1);
                assert_eq!(crate::errno::get(), libc::EFAULT);
                let mut got = MaybeUninit::<zmq_msg_t>::uninit();
                let g = got.as_mut_ptr();
                assert_eq!(zmq_msg_init(g), 0);
                assert_eq!(zmq_msg_recv(g, pull, 0), size as c_int);
                let body = std::slice::from_raw_parts(zmq_msg_data(g).cast::<u8>(), size);
                assert!(body.iter().enumerate().all(|(i, &b)| b == i as u8 ^ 0x5a));
                if size > 0 {
                    // A received body may be written in place (libzmq allows it).
                    let data = zmq_msg_data(g).cast::<u8>();
                    data.write(0xee);
                    assert_eq!(zmq_msg_data(g).cast::<u8>().read(), 0xee);
                    assert_eq!(zmq_msg_size(g), size);
                }
                assert_eq!(zmq_msg_close(g), 0);
            }
            assert_eq!(zmq_close(push), 0);
            assert_eq!(zmq_close(pull), 0);
            assert_eq!(zmq_ctx_term(ctx), 0);
        }
    }
}
