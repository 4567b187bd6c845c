//! A non-blocking TCP connect from a chosen local address (the `source;`
//! part of `source;host:port`), which std and mio cannot express.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{FromRawFd, OwnedFd};

/// Binds a fresh TCP socket to `source`, then starts connecting it to
/// `target` without blocking (completion shows as writability).
pub(crate) fn connect_from(source: SocketAddr, target: SocketAddr) -> io::Result<TcpStream> {
    let family = match target {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    let kind = libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: socket(2) has no memory arguments; the result is checked.
    let fd = unsafe { libc::socket(family, kind, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by socket(2) and is owned by nobody else.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let (addr, len) = raw_address(source);
    // SAFETY: `addr` is a live sockaddr_storage holding `len` valid bytes of
    // a sockaddr_in or sockaddr_in6; `fd` is open (owned by `socket`).
    if unsafe { libc::bind(fd, std::ptr::from_ref(&addr).cast(), len) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let (addr, len) = raw_address(target);
    // SAFETY: as for bind above.
    if unsafe { libc::connect(fd, std::ptr::from_ref(&addr).cast(), len) } < 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
    }
    Ok(TcpStream::from(socket))
}

/// `addr` as the C socket address the kernel takes, and its length.
fn raw_address(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is large and aligned enough for any
            // socket address, sockaddr_in included.
            unsafe { std::ptr::write(std::ptr::from_mut(&mut storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above, for sockaddr_in6.
            unsafe { std::ptr::write(std::ptr::from_mut(&mut storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connects_from_the_given_source() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let source: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let stream = connect_from(source, listener.local_addr().unwrap()).unwrap();
        let (accepted, from) = listener.accept().unwrap();
        assert_eq!(from, stream.local_addr().unwrap());
        assert_eq!(
            accepted.local_addr().unwrap(),
            listener.local_addr().unwrap()
        );

        // A source that is not ours cannot be bound.
        let foreign: SocketAddr = "192.0.2.1:0".parse().unwrap();
        assert!(connect_from(foreign, listener.local_addr().unwrap()).is_err());
    }
}
