//! Transport options: how tcp and ipc sockets are created, bound, tuned and
//! filtered (libzmq's ZMQ_BACKLOG, ZMQ_SNDBUF, ZMQ_TOS, ZMQ_TCP_KEEPALIVE*,
//! ZMQ_BINDTODEVICE, ZMQ_USE_FD, accept filters, ...).

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use socket2::{Socket, TcpKeepalive};

use super::filter::{AddressMask, IpcFilters};

/// Socket-level settings applied to the OS sockets of a bind or connect.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Pending connections the kernel queues for a listener (ZMQ_BACKLOG).
    pub backlog: i32,
    /// Kernel send buffer size (ZMQ_SNDBUF; `None` = OS default).
    pub sndbuf: Option<usize>,
    /// Kernel receive buffer size (ZMQ_RCVBUF; `None` = OS default).
    pub rcvbuf: Option<usize>,
    /// IP type-of-service / traffic class byte (ZMQ_TOS; 0 = OS default).
    pub tos: u32,
    /// TCP keepalive settings (ZMQ_TCP_KEEPALIVE*).
    pub keepalive: Keepalive,
    /// Bind `*` to every IPv6 and IPv4 interface and prefer IPv6 when
    /// resolving (ZMQ_IPV6).
    pub ipv6: bool,
    /// Give up a TCP connect attempt after this long and retry (ZMQ_CONNECT_TIMEOUT).
    pub connect_timeout: Option<Duration>,
    /// How long sent data may stay unacknowledged before the connection is
    /// dropped (ZMQ_TCP_MAXRT, Linux `TCP_USER_TIMEOUT`).
    pub tcp_maxrt: Option<Duration>,
    /// Network interface to bind every socket to (ZMQ_BINDTODEVICE, `SO_BINDTODEVICE`).
    pub bind_device: Option<Vec<u8>>,
    /// An already bound, listening socket to use instead of creating one on
    /// bind (ZMQ_USE_FD). Bind takes ownership of it.
    pub use_fd: Option<RawFd>,
    /// Accept TCP peers only from these networks; empty = everyone
    /// (ZMQ_TCP_ACCEPT_FILTER).
    pub tcp_accept_filters: Vec<AddressMask>,
    /// Accept ipc peers only with these credentials (ZMQ_IPC_FILTER_*).
    pub ipc_filters: IpcFilters,
    /// The local address a tcp connect binds before connecting: the
    /// `source` of a `tcp://source;host:port` endpoint (set per connect).
    pub connect_source: Option<std::net::SocketAddr>,
}

/// libzmq's four keepalive options; -1 leaves the OS default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// SO_KEEPALIVE: 1 on, 0 off, -1 OS default (ZMQ_TCP_KEEPALIVE).
    pub enable: i32,
    /// Probes before giving up (ZMQ_TCP_KEEPALIVE_CNT, `TCP_KEEPCNT`).
    pub count: i32,
    /// Idle seconds before the first probe (ZMQ_TCP_KEEPALIVE_IDLE, `TCP_KEEPIDLE`).
    pub idle: i32,
    /// Seconds between probes (ZMQ_TCP_KEEPALIVE_INTVL, `TCP_KEEPINTVL`).
    pub interval: i32,
}

impl Default for Keepalive {
    fn default() -> Keepalive {
        Keepalive {
            enable: -1,
            count: -1,
            idle: -1,
            interval: -1,
        }
    }
}

impl Default for NetOptions {
    fn default() -> NetOptions {
        NetOptions {
            backlog: 100,
            sndbuf: None,
            rcvbuf: None,
            tos: 0,
            keepalive: Keepalive::default(),
            ipv6: false,
            connect_timeout: None,
            tcp_maxrt: None,
            bind_device: None,
            use_fd: None,
            tcp_accept_filters: Vec::new(),
            ipc_filters: IpcFilters::default(),
            connect_source: None,
        }
    }
}

impl NetOptions {
    /// Settings for a TCP socket before it binds or connects: buffers, TOS
    /// and the bound device (accepted sockets inherit them from the listener).
    pub(crate) fn prepare_tcp(&self, socket: &Socket) -> io::Result<()> {
        if let Some(size) = self.sndbuf {
            socket.set_send_buffer_size(size)?;
        }
        if let Some(size) = self.rcvbuf {
            socket.set_recv_buffer_size(size)?;
        }
        self.set_tos(socket)?;
        if let Some(device) = &self.bind_device {
            socket.bind_device(Some(device))?;
        }
        Ok(())
    }

    /// Settings for a connected TCP socket (dialled or accepted): no Nagle
    /// delay, keepalive, retransmission timeout, and TOS for accepted ones.
    pub(crate) fn tune_connected_tcp(&self, socket: &Socket) -> io::Result<()> {
        socket.set_tcp_nodelay(true)?;
        let ka = self.keepalive;
        if ka.enable == 0 {
            socket.set_keepalive(false)?;
        } else if ka.enable == 1 {
            let mut params = TcpKeepalive::new();
            if let Ok(secs) = u64::try_from(ka.idle) {
                params = params.with_time(Duration::from_secs(secs));
            }
            if let Ok(secs) = u64::try_from(ka.interval) {
                params = params.with_interval(Duration::from_secs(secs));
            }
            if let Ok(count) = u32::try_from(ka.count) {
                params = params.with_retries(count);
            }
            socket.set_tcp_keepalive(&params)?;
        }
        if self.tcp_maxrt.is_some() {
            socket.set_tcp_user_timeout(self.tcp_maxrt)?;
        }
        self.set_tos(socket)
    }

    /// IP_TOS, and IPV6_TCLASS where the socket speaks IPv6 (it fails on
    /// IPv4-only sockets, which libzmq tolerates too).
    fn set_tos(&self, socket: &Socket) -> io::Result<()> {
        if self.tos == 0 {
            return Ok(());
        }
        socket.set_tos_v4(self.tos)?;
        let _ = socket.set_tclass_v6(self.tos);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use socket2::{Domain, Type};

    use super::*;

    #[test]
    fn applies_socket_and_connection_settings() {
        let net = NetOptions {
            sndbuf: Some(64 * 1024),
            rcvbuf: Some(64 * 1024),
            tos: 0x28,
            keepalive: Keepalive {
                enable: 1,
                count: 3,
                idle: 30,
                interval: 5,
            },
            tcp_maxrt: Some(Duration::from_millis(7000)),
            ..NetOptions::default()
        };
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        net.prepare_tcp(&socket).unwrap();
        // Linux doubles the requested buffer sizes for its own bookkeeping.
        assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
        assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
        assert_eq!(socket.tos_v4().unwrap(), 0x28);
        net.tune_connected_tcp(&socket).unwrap();
        assert!(socket.tcp_nodelay().unwrap());
        assert!(socket.keepalive().unwrap());
        assert_eq!(
            socket.tcp_keepalive_time().unwrap(),
            Duration::from_secs(30)
        );
        assert_eq!(
            socket.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(5)
        );
        assert_eq!(socket.tcp_keepalive_retries().unwrap(), 3);
        assert_eq!(
            socket.tcp_user_timeout().unwrap(),
            Some(Duration::from_millis(7000))
        );
    }

    #[test]
    fn defaults_leave_the_os_alone() {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let before = socket.send_buffer_size().unwrap();
        let net = NetOptions::default();
        net.prepare_tcp(&socket).unwrap();
        net.tune_connected_tcp(&socket).unwrap();
        assert_eq!(socket.send_buffer_size().unwrap(), before);
        assert!(!socket.keepalive().unwrap());
        let off = NetOptions {
            keepalive: Keepalive {
                enable: 0,
                ..Keepalive::default()
            },
            ..NetOptions::default()
        };
        socket.set_keepalive(true).unwrap();
        off.tune_connected_tcp(&socket).unwrap();
        assert!(!socket.keepalive().unwrap());
    }
}
