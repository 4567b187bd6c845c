//! Opening outgoing connections: a non-blocking connect on a socket made
//! with the transport options, finished later by the session.

use std::io;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};

use super::{Endpoint, NetOptions, Stream};

/// Starts connecting to `endpoint`; the stream becomes writable once connected.
pub(crate) fn open_stream(endpoint: &Endpoint, net: &NetOptions) -> io::Result<Stream> {
    match endpoint {
        Endpoint::Tcp { .. } => {
            let addr = endpoint
                .connect_addrs(net.ipv6)?
                .first()
                .copied()
                .ok_or_else(|| io::Error::from(io::ErrorKind::AddrNotAvailable))?;
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            socket.set_cloexec(true)?;
            net.prepare_tcp(&socket)?;
            start_connect(&socket, &SockAddr::from(addr))?;
            Ok(Stream::Tcp(mio::net::TcpStream::from_std(socket.into())))
        }
        Endpoint::Ipc(path) => {
            let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            socket.set_cloexec(true)?;
            start_connect(&socket, &ipc_sockaddr(path)?)?;
            Ok(Stream::Unix(mio::net::UnixStream::from_std(socket.into())))
        }
        Endpoint::Inproc(_) => Err(io::Error::from(io::ErrorKind::InvalidInput)),
    }
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
