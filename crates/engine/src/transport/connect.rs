//! Opening outgoing connections: a non-blocking connect on a socket made
//! with the transport options, finished later by the session. (socket2
//! makes every socket close-on-exec.)

use std::io;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use socket2::{Domain, SockAddr, Socket};

use super::open_failure::{opened_socket, OpenFailure};
use super::{Endpoint, NetOptions, SocksProxy, Stream};

/// Where a tcp connect dials: the target itself, or the SOCKS5 `proxy`
/// (from its `source;` address, if it has one) that reaches it. The
/// returned endpoint still has to be resolved.
pub(crate) fn dial_route(
    endpoint: &Endpoint,
    proxy: Option<&SocksProxy>,
) -> io::Result<(Option<SocketAddr>, Endpoint)> {
    match proxy {
        Some(proxy) => proxy
            .route()
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput)),
        None => Ok((None, endpoint.clone())),
    }
}

/// Starts a non-blocking connect to the ipc socket at `path`.
pub(crate) fn ipc_connect(path: &Path) -> Result<Stream, OpenFailure> {
    let addr = ipc_sockaddr(path)?;
    let socket = opened_socket(Domain::UNIX, |socket| {
        socket.set_nonblocking(true)?;
        start_connect(socket, &addr)
    })?;
    Ok(Stream::Unix(mio::net::UnixStream::from_std(socket.into())))
}

/// Starts a non-blocking TCP connect to `target`, from `source` if given,
/// on a socket carrying the transport options (buffers, TOS, device).
pub(crate) fn tcp_connect(
    target: SocketAddr,
    source: Option<SocketAddr>,
    net: &NetOptions,
) -> Result<Stream, OpenFailure> {
    let socket = opened_socket(Domain::for_address(target), |socket| {
        socket.set_nonblocking(true)?;
        net.prepare_tcp(socket)?;
        if let Some(source) = source {
            // As libzmq: a fixed source port can be bound again on reconnect.
            socket.set_reuse_address(true)?;
            socket.bind(&SockAddr::from(source))?;
        }
        start_connect(socket, &SockAddr::from(target))
    })?;
    Ok(Stream::Tcp(mio::net::TcpStream::from_std(socket.into())))
}

/// The socket address of an ipc path; `@name` is a name in Linux's abstract
/// namespace (a leading NUL byte, no file), as in libzmq.
pub(crate) fn ipc_sockaddr(path: &Path) -> io::Result<SockAddr> {
    let bytes = path.as_os_str().as_encoded_bytes();
    match bytes.split_first() {
        Some((b'@', name)) => {
            let mut raw = Vec::with_capacity(bytes.len());
            raw.push(0);
            raw.extend_from_slice(name);
            SockAddr::unix(std::ffi::OsString::from_vec(raw))
        }
        _ => SockAddr::unix(path),
    }
}

fn start_connect(socket: &Socket, addr: &SockAddr) -> io::Result<()> {
    match socket.connect(addr) {
        Ok(()) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connects_from_the_given_source() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let target = listener.local_addr().unwrap();
        let source: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let net = NetOptions::default();
        let Stream::Tcp(stream) = tcp_connect(target, Some(source), &net).unwrap() else {
            panic!("a tcp connect makes a tcp stream");
        };
        let (accepted, from) = listener.accept().unwrap();
        assert_eq!(from, stream.local_addr().unwrap());
        assert_eq!(accepted.local_addr().unwrap(), target);

        // A source that is not ours cannot be bound.
        let foreign: SocketAddr = "192.0.2.1:0".parse().unwrap();
        assert!(tcp_connect(target, Some(foreign), &net).is_err());
    }
}
