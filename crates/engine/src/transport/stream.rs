//! One type over TCP and Unix-domain streams and listeners.

use std::io;

use mio::event::Source;
use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use mio::{Interest, Registry, Token};

/// A connected byte stream.
#[derive(Debug)]
pub(crate) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    /// The peer's address as libzmq gives it (the Peer-Address property,
    /// ZAP's Address): the IP over tcp; over ipc "localhost:UID:GID:PID",
    /// the peer process's credentials when it connected.
    pub(crate) fn peer_address(&self) -> String {
        match self {
            Stream::Tcp(s) => s
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
            Stream::Unix(_) => crate::sys::peer_cred(self.raw_fd())
                .map(|c| format!("localhost:{}:{}:{}", c.uid, c.gid, c.pid))
                .unwrap_or_default(),
        }
    }

    pub(crate) fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Unix(s) => s.take_error(),
        }
    }

    /// Whether a non-blocking connect has completed.
    pub(crate) fn is_connected(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.peer_addr().is_ok(),
            Stream::Unix(s) => s.peer_addr().is_ok(),
        }
    }

    pub(crate) fn raw_fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsRawFd;
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }

    /// One non-blocking read.
    pub(crate) fn read_some(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        match self {
            Stream::Tcp(s) => (&*s).read(buf),
            Stream::Unix(s) => (&*s).read(buf),
        }
    }

    /// One non-blocking write.
    pub(crate) fn write_some(&self, buf: &[u8]) -> io::Result<usize> {
        use std::io::Write;
        match self {
            Stream::Tcp(s) => (&*s).write(buf),
            Stream::Unix(s) => (&*s).write(buf),
        }
    }

    /// Applies the connection-level options (TCP_NODELAY, keepalive, ...)
    /// to a freshly connected or accepted stream; best effort, as a failure
    /// here must not lose the connection.
    pub(crate) fn tune(&self, net: &super::NetOptions) {
        if let Stream::Tcp(s) = self {
            let _ = net.tune_connected_tcp(&socket2::SockRef::from(s));
        }
    }

    /// Sends our FIN: no more writes, reads go on.
    pub(crate) fn shutdown_write(&self) -> std::io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Write),
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Write),
        }
    }

    pub(crate) fn shutdown(&self) {
        let _ = match self {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Both),
        };
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            Stream::Unix(s) => s.register(r, t, i),
        }
    }

    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            Stream::Unix(s) => s.reregister(r, t, i),
        }
    }

    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            Stream::Unix(s) => s.deregister(r),
        }
    }
}

/// A listening socket.
#[derive(Debug)]
pub(crate) struct Listener {
    /// Set for a socket the application handed over (ZMQ_USE_FD). Fields
    /// drop in order: the number is released just before `socket` closes
    /// it, so a correct program that gets the number back from the kernel
    /// can always hand it over again.
    _adopted: Option<crate::sys::Adopted>,
    socket: ListenerSocket,
}

#[derive(Debug)]
enum ListenerSocket {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    pub(crate) fn tcp(listener: TcpListener) -> Listener {
        Listener {
            socket: ListenerSocket::Tcp(listener),
            _adopted: None,
        }
    }

    pub(crate) fn unix(listener: UnixListener) -> Listener {
        Listener {
            socket: ListenerSocket::Unix(listener),
            _adopted: None,
        }
    }

    /// Marks the socket as one the application handed over.
    pub(crate) fn adopted(self, guard: crate::sys::Adopted) -> Listener {
        Listener {
            _adopted: Some(guard),
            ..self
        }
    }

    pub(crate) fn raw_fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsRawFd;
        match &self.socket {
            ListenerSocket::Tcp(l) => l.as_raw_fd(),
            ListenerSocket::Unix(l) => l.as_raw_fd(),
        }
    }

    pub(crate) fn accept(&self) -> io::Result<Stream> {
        match &self.socket {
            ListenerSocket::Tcp(l) => l.accept().map(|(s, _)| Stream::Tcp(s)),
            ListenerSocket::Unix(l) => l.accept().map(|(s, _)| Stream::Unix(s)),
        }
    }
}

impl Source for Listener {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match &mut self.socket {
            ListenerSocket::Tcp(s) => s.register(r, t, i),
            ListenerSocket::Unix(s) => s.register(r, t, i),
        }
    }

    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match &mut self.socket {
            ListenerSocket::Tcp(s) => s.reregister(r, t, i),
            ListenerSocket::Unix(s) => s.reregister(r, t, i),
        }
    }

    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match &mut self.socket {
            ListenerSocket::Tcp(s) => s.deregister(r),
            ListenerSocket::Unix(s) => s.deregister(r),
        }
    }
}
