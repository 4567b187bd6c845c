//! Binding listeners on the caller's thread, so errors and the chosen address
//! are known at once (EADDRINUSE, LAST_ENDPOINT).

use std::io;
use std::path::{Path, PathBuf};

use socket2::{Domain, SockAddr, Socket};

use super::open_failure::opened_socket;
use super::{ipc_sockaddr, tcp_endpoint_string, Endpoint, Listener, NetOptions, OpenFailure};
use crate::sys;

/// A bound listener and the endpoint string it ended up with.
#[derive(Debug)]
pub(crate) struct Bound {
    pub(crate) listener: Listener,
    pub(crate) endpoint: String,
    /// The socket file to remove when the listener closes: only one made for
    /// `ipc://*`. As in libzmq, a named path stays (another socket may have
    /// bound it again by the time this listener closes on the I/O thread),
    /// and so do abstract names and sockets the application handed over.
    pub(crate) ipc_path: Option<PathBuf>,
}

/// Binds `endpoint`; a failure names the socket it made and closed, if any.
pub(crate) fn bind(endpoint: &Endpoint, net: &NetOptions) -> Result<Bound, OpenFailure> {
    if let Some(fd) = net.use_fd {
        let (socket, guard) = sys::adopt_listener(fd)?;
        let mut bound = adopt(endpoint, socket)?;
        bound.listener = bound.listener.adopted(guard);
        return Ok(bound);
    }
    match endpoint {
        Endpoint::Tcp { .. } => {
            let addr = endpoint.bind_addr(net.ipv6)?;
            let socket = opened_socket(Domain::for_address(addr), |socket| {
                if addr.is_ipv6() {
                    // One IPv6 socket serves IPv4 peers too, as in libzmq.
                    let _ = socket.set_only_v6(false);
                }
                socket.set_reuse_address(true)?;
                net.prepare_tcp(socket)?;
                socket.bind(&SockAddr::from(addr))?;
                socket.listen(net.backlog)
            })?;
            Ok(tcp_bound(socket)?)
        }
        Endpoint::Ipc(path) => {
            let wildcard = path.as_os_str() == "*";
            let path = if wildcard {
                fresh_ipc_path()
            } else {
                path.clone()
            };
            let abstract_name = is_abstract(&path);
            // libzmq replaces a stale socket file left by an earlier process.
            if !abstract_name && std::fs::symlink_metadata(&path).is_ok() {
                std::fs::remove_file(&path)?;
            }
            let addr = ipc_sockaddr(&path)?;
            let socket = opened_socket(Domain::UNIX, |socket| {
                socket.bind(&addr)?;
                socket.listen(net.backlog)
            })?;
            Ok(Bound {
                listener: unix_listener(socket)?,
                endpoint: format!("ipc://{}", path.display()),
                ipc_path: wildcard.then_some(path),
            })
        }
        Endpoint::Inproc(_) => Err(io::Error::from(io::ErrorKind::InvalidInput).into()),
    }
}

/// A listener the application made (ZMQ_USE_FD): tcp endpoints report the
/// socket's real address, ipc ones the path given; the file is the
/// application's to remove.
fn adopt(endpoint: &Endpoint, socket: Socket) -> io::Result<Bound> {
    let domain = socket.domain()?;
    match endpoint {
        Endpoint::Tcp { .. } if domain == Domain::IPV4 || domain == Domain::IPV6 => {
            tcp_bound(socket)
        }
        Endpoint::Ipc(path) if domain == Domain::UNIX => Ok(Bound {
            listener: unix_listener(socket)?,
            endpoint: format!("ipc://{}", path.display()),
            ipc_path: None,
        }),
        _ => {
            // Not ours to close: hand the descriptor back untouched.
            let _ = std::os::fd::IntoRawFd::into_raw_fd(socket);
            Err(io::Error::from(io::ErrorKind::InvalidInput))
        }
    }
}

fn tcp_bound(socket: Socket) -> io::Result<Bound> {
    socket.set_nonblocking(true)?;
    let listener = std::net::TcpListener::from(socket);
    let local = listener.local_addr()?;
    Ok(Bound {
        listener: Listener::tcp(mio::net::TcpListener::from_std(listener)),
        endpoint: tcp_endpoint_string(local),
        ipc_path: None,
    })
}

fn unix_listener(socket: Socket) -> io::Result<Listener> {
    socket.set_nonblocking(true)?;
    let listener = std::os::unix::net::UnixListener::from(socket);
    Ok(Listener::unix(mio::net::UnixListener::from_std(listener)))
}

fn is_abstract(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().first() == Some(&b'@')
}

fn fresh_ipc_path() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ferrozmq-{}-{n}", std::process::id()))
}
