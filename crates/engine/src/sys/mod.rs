//! The engine's only unsafe code: thin syscall wrappers, and the pipes'
//! single-writer, single-reader queue (`spsc`).
//!
//! Contract: every function here takes file descriptors the caller owns and
//! keeps open for the duration of the call, and buffers that live as long as
//! the call. None of them retain pointers after returning.
//!
//! The system calls an application thread makes in the library (`read`,
//! `write`, `ppoll`, `sendmsg`, `recvfrom`) go straight to the kernel
//! ([`raw`]), not through libc's wrappers: those are thread cancellation
//! points, and a `pthread_cancel` acted on there would unwind through Rust
//! frames, which aborts the process. Cancellation is taken only where that
//! is safe (see `wait_slice`). It also saves the wrappers' two atomic
//! operations per call.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

mod interfaces;
pub(crate) use interfaces::{interface_address, interface_index};
mod prefetch;
mod raw;
pub(crate) mod spsc;
pub(crate) use prefetch::prefetch_write;
mod thread;
#[cfg(test)]
pub(crate) use thread::current_thread_cpus;
pub(crate) use thread::{
    block_signals_in_current_thread, set_current_thread_affinity, set_current_thread_scheduling,
};

/// The machine's physical memory in bytes, if the system reports it.
pub(crate) fn physical_memory() -> Option<u64> {
    // SAFETY: sysconf has no memory arguments.
    let (pages, page_size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    let pages = u64::try_from(pages).ok()?;
    let page_size = u64::try_from(page_size).ok()?;
    pages.checked_mul(page_size)
}

/// Creates a non-blocking, close-on-exec eventfd.
pub(crate) fn eventfd() -> io::Result<OwnedFd> {
    // SAFETY: eventfd has no memory arguments; we check the result.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by eventfd and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Makes an eventfd readable (adds 1 to its counter).
pub(crate) fn eventfd_signal(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live local; `fd` is open per the contract.
    // A failed write (counter full) still leaves the fd readable, which is all we need.
    let _ = unsafe { raw::write(fd, (&one as *const u64).cast(), 8) };
}

/// Resets an eventfd to not readable.
pub(crate) fn eventfd_drain(fd: RawFd) {
    let mut value: u64 = 0;
    // SAFETY: reads at most 8 bytes into a live local; `fd` is open per the contract.
    let _ = unsafe { raw::read(fd, (&mut value as *mut u64).cast(), 8) };
}

/// Reads from `fd` into the spare capacity of `buf`, at most `limit` bytes,
/// growing it by what was read.
pub(crate) fn read_into(fd: RawFd, buf: &mut bytes::BytesMut, limit: usize) -> io::Result<usize> {
    let spare = buf.spare_capacity_mut();
    let len = spare.len().min(limit);
    // SAFETY: `spare` is writable memory owned by `buf` of at least `len`
    // bytes; read(2) writes at most `len` bytes and `fd` is open per the contract.
    let n = unsafe { raw::read(fd, spare.as_mut_ptr().cast(), len) }?;
    // SAFETY: the kernel initialised exactly `n` bytes after the current length.
    unsafe { buf.set_len(buf.len() + n) };
    Ok(n)
}

/// Reads from `fd` into the spare capacity of `first` (at most
/// `first_limit` bytes) and then of `second` (at most `second_limit`), in
/// one `readv(2)`, growing each by what it received.
pub(crate) fn read_into_two(
    fd: RawFd,
    first: &mut bytes::BytesMut,
    first_limit: usize,
    second: &mut bytes::BytesMut,
    second_limit: usize,
) -> io::Result<usize> {
    let a = first.spare_capacity_mut();
    let a_len = a.len().min(first_limit);
    let b = second.spare_capacity_mut();
    let b_len = b.len().min(second_limit);
    let iov = [
        libc::iovec {
            iov_base: a.as_mut_ptr().cast(),
            iov_len: a_len,
        },
        libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b_len,
        },
    ];
    // SAFETY: each iovec points into the spare capacity of a different
    // buffer, writable for its length; readv writes at most that much into
    // each, and `fd` is open per the contract.
    let n = unsafe { raw::readv(fd, &iov) }?;
    let into_first = n.min(a_len);
    // SAFETY: the kernel initialised the first `into_first` bytes of the
    // first buffer's spare capacity and the next `n - into_first` of the
    // second's (readv fills its buffers in order).
    unsafe {
        first.set_len(first.len() + into_first);
        second.set_len(second.len() + (n - into_first));
    }
    Ok(n)
}

/// Waits for readiness on `fds` (`poll(2)`); `timeout_ms` < 0 waits forever.
/// Returns how many entries have non-zero `revents`.
pub(crate) fn poll_fds(fds: &mut [PollFd], timeout_ms: i32) -> io::Result<usize> {
    let mut pollfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|f| libc::pollfd {
            fd: f.fd,
            events: f.events,
            revents: 0,
        })
        .collect();
    let n = raw::poll(&mut pollfds, timeout_ms)?;
    for (f, r) in fds.iter_mut().zip(&pollfds) {
        f.revents = r.revents;
    }
    Ok(n)
}

/// One entry for [`poll_fds`](crate::wait_slice::poll_fds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollFd {
    /// The file descriptor.
    pub fd: RawFd,
    /// Events of interest (POLLIN = 1, POLLOUT = 4, as in poll.h).
    pub events: i16,
    /// Events that happened.
    pub revents: i16,
}

/// Gathers `slices` onto a stream socket with `sendmsg(2)` and MSG_NOSIGNAL,
/// so a peer that went away is an EPIPE error, never a SIGPIPE that would
/// kill a C host program (Rust's runtime ignores SIGPIPE, C's does not).
pub(crate) fn send_vectored(fd: RawFd, slices: &[std::io::IoSlice<'_>]) -> io::Result<usize> {
    send_vectored_more(fd, slices, false)
}

/// As [`send_vectored`]; with `more`, MSG_MORE tells the kernel that more
/// bytes follow at once (TCP holds these back to go out with them).
pub(crate) fn send_vectored_more(
    fd: RawFd,
    slices: &[std::io::IoSlice<'_>],
    more: bool,
) -> io::Result<usize> {
    let flags = if more { libc::MSG_MORE } else { 0 };
    // SAFETY: msghdr is plain data; all-zero is a valid empty header.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = slices.as_ptr() as *mut libc::iovec;
    header.msg_iovlen = slices.len().min(1024) as _;
    // SAFETY: IoSlice is ABI-compatible with iovec on Unix; the slices and the
    // memory they point to outlive the call; `fd` is open per the contract.
    unsafe { raw::sendmsg(fd, &header, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT | flags) }
}

/// Receives from a stream socket without blocking (`recv(2)` with
/// MSG_DONTWAIT), into `buf`; with `peek` the bytes stay queued
/// (MSG_PEEK), without it the call waits for all of `buf` that is already
/// queued (MSG_WAITALL, which MSG_DONTWAIT keeps from blocking).
pub(crate) fn recv_nowait(fd: RawFd, buf: &mut [u8], peek: bool) -> io::Result<usize> {
    let flags = libc::MSG_DONTWAIT
        | if peek {
            libc::MSG_PEEK
        } else {
            libc::MSG_WAITALL
        };
    // SAFETY: `buf` is writable memory of `buf.len()` bytes for the whole
    // call; recv(2) writes at most that much; `fd` is open per the contract.
    unsafe { raw::recv(fd, buf.as_mut_ptr().cast(), buf.len(), flags) }
}

/// Changes what the epoll instance `epfd` watches on `fd` (registered
/// there by mio with `token`, edge-triggered): readability (with the
/// peer's hang-up) if `readable`, writability if `writable`; errors and
/// hang-ups always. The flags are mio's own for its `Interest`s, so that
/// with both the registration is exactly what mio made. The kernel
/// re-checks the file on EPOLL_CTL_MOD: what is already ready (bytes
/// queued, room to write) is reported at once.
pub(crate) fn epoll_watch(
    epfd: RawFd,
    fd: RawFd,
    token: u64,
    readable: bool,
    writable: bool,
) -> io::Result<()> {
    let mut events = libc::EPOLLET;
    if readable {
        events |= libc::EPOLLIN | libc::EPOLLRDHUP;
    }
    if writable {
        events |= libc::EPOLLOUT;
    }
    let mut event = libc::epoll_event {
        events: events as u32,
        u64: token,
    };
    // SAFETY: `event` is a live local for the call; both descriptors are
    // open per the contract (the caller holds what keeps them open).
    let r = unsafe { libc::epoll_ctl(epfd, libc::EPOLL_CTL_MOD, fd, &mut event) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A close-on-exec duplicate of `fd`.
pub(crate) fn dup_fd(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) has no memory arguments; `fd` is open
    // per the contract; the result is checked.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` was just returned by fcntl and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// A cheap monotonic tick count for "how long since" heuristics: the CPU's
/// time-stamp counter on x86-64 (a few cycles), elsewhere nanoseconds since
/// the first call. Only differences are meaningful, roughly nanoseconds.
pub(crate) fn ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: RDTSC has no preconditions and touches no memory; every
        // x86-64 CPU has it.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        let epoch = EPOCH.get_or_init(std::time::Instant::now);
        u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// Takes over an already bound and listening socket that the application
/// created (ZMQ_USE_FD). The caller must pass an fd it no longer uses: the
/// returned socket owns it and closes it on drop, as libzmq does on unbind.
/// Fails with EBADF for a closed fd, EINVAL for anything that is not a
/// listening stream socket, and EADDRINUSE for an fd an earlier bind took
/// over and still holds (two owners would close it twice), leaving the fd
/// untouched. Keep the returned [`Adopted`] until the socket is closed.
pub(crate) fn adopt_listener(fd: RawFd) -> io::Result<(socket2::Socket, Adopted)> {
    // SAFETY: F_GETFD has no memory arguments; it only tells whether `fd` is open.
    if fd < 0 || unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    // SAFETY: `fd` is open (checked above) and only borrowed for these checks.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let probe = socket2::SockRef::from(&borrowed);
    let listening = probe.r#type()? == socket2::Type::STREAM && probe.is_listener()?;
    if !listening {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut adopted = ADOPTED
        .lock()
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    if !adopted.insert(fd) {
        return Err(io::Error::from_raw_os_error(libc::EADDRINUSE));
    }
    // SAFETY: the application handed `fd` over (ZMQ_USE_FD semantics); it is an
    // open listening socket that no other adopted socket owns (checked
    // above), and from now on only this `Socket` closes it.
    Ok((unsafe { socket2::Socket::from_raw_fd(fd) }, Adopted(fd)))
}

/// Descriptors [`adopt_listener`] handed out and not yet released.
static ADOPTED: std::sync::Mutex<std::collections::BTreeSet<RawFd>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// An fd taken over by [`adopt_listener`]; dropping it (after the socket
/// closed) lets the number be adopted again.
#[derive(Debug)]
pub(crate) struct Adopted(RawFd);

impl Drop for Adopted {
    fn drop(&mut self) {
        if let Ok(mut adopted) = ADOPTED.lock() {
            adopted.remove(&self.0);
        }
    }
}

/// The credentials of the process at the other end of a Unix-domain socket
/// (`SO_PEERCRED`), as they were when it connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PeerCred {
    pub(crate) pid: i32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// Reads the peer's credentials of a connected Unix-domain socket.
pub(crate) fn peer_cred(fd: RawFd) -> io::Result<PeerCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are live locals of the sizes we pass; `fd` is
    // open per the contract.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(PeerCred {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}

/// Every group the user `uid` belongs to (its primary group and the groups
/// that list it as a member), looked up through the system's user database.
/// Empty when the user is unknown.
pub(crate) fn user_groups(uid: u32) -> Vec<u32> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: passwd is plain data; all-zero is a valid value to be filled in.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to a live local of the size passed; the
    // strings written into `buf` are only read while `buf` lives.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return Vec::new();
    }
    let mut groups: Vec<libc::gid_t> = vec![0; 64];
    loop {
        let mut count = groups.len() as libc::c_int;
        // SAFETY: `pwd.pw_name` points into `buf` (NUL-terminated, alive);
        // `groups` holds `count` entries and getgrouplist writes at most that many.
        let rc =
            unsafe { libc::getgrouplist(pwd.pw_name, pwd.pw_gid, groups.as_mut_ptr(), &mut count) };
        let count = usize::try_from(count).unwrap_or(0);
        if rc >= 0 {
            groups.truncate(count);
            return groups;
        }
        if count <= groups.len() || groups.len() >= 65_536 {
            return Vec::new();
        }
        groups.resize(count, 0);
    }
}
