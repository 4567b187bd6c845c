//! System calls made with `syscall(2)`, not through libc's wrappers of the
//! same name, which are thread cancellation points (see the parent
//! module). Each returns the kernel's result, or the error it reported.

use std::io;
use std::os::fd::RawFd;

/// The result of `syscall(2)`: a count, or -1 with errno set.
fn count(r: libc::c_long) -> io::Result<usize> {
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r as usize)
}

/// `read(2)`.
///
/// # Safety
/// `buf` is writable for `len` bytes for the whole call.
pub(super) unsafe fn read(fd: RawFd, buf: *mut libc::c_void, len: usize) -> io::Result<usize> {
    // SAFETY: per this function's contract; read writes at most `len` bytes.
    count(unsafe { libc::syscall(libc::SYS_read, fd, buf, len) })
}

/// `readv(2)`.
///
/// # Safety
/// Each of the `iov` buffers is writable for its length for the whole call.
pub(super) unsafe fn readv(fd: RawFd, iov: &[libc::iovec]) -> io::Result<usize> {
    // SAFETY: per this function's contract; readv writes at most each
    // buffer's length into it.
    count(unsafe { libc::syscall(libc::SYS_readv, fd, iov.as_ptr(), iov.len()) })
}

/// `write(2)`.
///
/// # Safety
/// `buf` is readable for `len` bytes for the whole call.
pub(super) unsafe fn write(fd: RawFd, buf: *const libc::c_void, len: usize) -> io::Result<usize> {
    // SAFETY: per this function's contract; write reads at most `len` bytes.
    count(unsafe { libc::syscall(libc::SYS_write, fd, buf, len) })
}

/// `sendmsg(2)`.
///
/// # Safety
/// `header` and the iovecs and buffers it points to are readable for the
/// whole call.
pub(super) unsafe fn sendmsg(
    fd: RawFd,
    header: &libc::msghdr,
    flags: libc::c_int,
) -> io::Result<usize> {
    // SAFETY: per this function's contract.
    count(unsafe { libc::syscall(libc::SYS_sendmsg, fd, header as *const libc::msghdr, flags) })
}

/// `recv(2)`, which Linux implements as `recvfrom` with no address.
///
/// # Safety
/// `buf` is writable for `len` bytes for the whole call.
pub(super) unsafe fn recv(
    fd: RawFd,
    buf: *mut libc::c_void,
    len: usize,
    flags: libc::c_int,
) -> io::Result<usize> {
    let no_address = std::ptr::null_mut::<libc::sockaddr>();
    let no_length = std::ptr::null_mut::<libc::socklen_t>();
    // SAFETY: per this function's contract; recvfrom writes at most `len`
    // bytes and, with a null address, no address.
    count(unsafe {
        libc::syscall(
            libc::SYS_recvfrom,
            fd,
            buf,
            len,
            flags,
            no_address,
            no_length,
        )
    })
}

/// `poll(2)` on `fds`, as `ppoll` with no signal mask (`timeout_ms` < 0
/// waits forever).
pub(super) fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    let timeout = (timeout_ms >= 0).then(|| libc::timespec {
        tv_sec: libc::time_t::from(timeout_ms / 1000),
        tv_nsec: libc::c_long::from(timeout_ms % 1000) * 1_000_000,
    });
    let timeout_ptr = timeout
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    let no_mask = std::ptr::null::<libc::sigset_t>();
    let mask_size = std::mem::size_of::<libc::c_ulong>();
    // SAFETY: `fds` is a live array of `fds.len()` pollfds the kernel may
    // write `revents` into, and `timeout` lives across the call; with no
    // mask the kernel reads no signal set.
    count(unsafe {
        libc::syscall(
            libc::SYS_ppoll,
            fds.as_mut_ptr(),
            fds.len() as libc::nfds_t,
            timeout_ptr,
            no_mask,
            mask_size,
        )
    })
}
