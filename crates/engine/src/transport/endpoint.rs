//! Endpoints: `tcp://host:port`, `ipc://path`, `inproc://name`, parsed once.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6, ToSocketAddrs};
use std::path::PathBuf;

/// A parsed endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// TCP: host (name, address or `*`) and port (0 for `*`).
    Tcp {
        /// Host name, IP address, or `*` for every interface.
        host: String,
        /// Port; 0 means "any" (`*`).
        port: u16,
    },
    /// Unix domain socket path (`*` asks for a fresh temporary path on bind).
    Ipc(PathBuf),
    /// In-process, by name.
    Inproc(String),
}

/// Why an endpoint string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointError {
    /// Malformed address (EINVAL).
    Invalid,
    /// Unknown transport (EPROTONOSUPPORT).
    UnsupportedTransport,
    /// An ipc path too long for a Unix-domain socket address (ENAMETOOLONG).
    NameTooLong,
}

impl Endpoint {
    /// Parses `transport://address`.
    pub fn parse(s: &str) -> Result<Endpoint, EndpointError> {
        let (transport, address) = s.split_once("://").ok_or(EndpointError::Invalid)?;
        match transport {
            "tcp" => parse_tcp(address),
            "ipc" => {
                // sun_path holds 108 bytes with the terminating NUL; `@name`
                // (Linux's abstract namespace) needs a name.
                if address.len() >= IPC_PATH_MAX {
                    return Err(EndpointError::NameTooLong);
                }
                if address.is_empty() || address == "@" {
                    return Err(EndpointError::Invalid);
                }
                Ok(Endpoint::Ipc(PathBuf::from(address)))
            }
            "inproc" => {
                if address.is_empty() {
                    return Err(EndpointError::Invalid);
                }
                Ok(Endpoint::Inproc(address.to_owned()))
            }
            "pgm" | "epgm" | "tipc" | "vmci" | "udp" | "ws" | "wss" | "norm" => {
                Err(EndpointError::UnsupportedTransport)
            }
            _ => Err(EndpointError::UnsupportedTransport),
        }
    }

    /// Parses an endpoint given to connect. TCP addresses first pass
    /// libzmq's quick syntax check (host of letters, digits and `.-:%;[]_*`,
    /// numeric port), so `tcp://in val id:1234` fails at once with EINVAL
    /// rather than at resolution time.
    pub fn parse_connect(s: &str) -> Result<Endpoint, EndpointError> {
        if let Some(address) = s.strip_prefix("tcp://") {
            if !tcp_connect_syntax_ok(address) {
                return Err(EndpointError::Invalid);
            }
        }
        Endpoint::parse(s)
    }

    /// The address to bind to (TCP only), resolved as libzmq resolves a
    /// local address: `*` is every interface (IPv6 and IPv4 with `ipv6`,
    /// else IPv4); then an interface name such as `eth0` or `lo` (its first
    /// IPv4 address, or IPv6 one with `ipv6`); then `localhost` (127.0.0.1,
    /// as libzmq 4.3.5 takes it) or an IP literal (an IPv6 one only with
    /// `ipv6`, which maps an IPv4 one). Other host names are not looked up:
    /// they are ENODEV, as in libzmq. An IPv6 `%zone` is an interface index
    /// or name; an empty or unknown one is EINVAL.
    pub fn bind_addr(&self, ipv6: bool) -> std::io::Result<SocketAddr> {
        let Endpoint::Tcp { host, port } = self else {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        };
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let (name, scope) = match bare.rsplit_once('%') {
            Some((name, zone)) => (name, Some(zone_index(zone)?)),
            None => (bare, None),
        };
        let ip =
            local_ip(name, ipv6).ok_or_else(|| std::io::Error::from_raw_os_error(libc::ENODEV))?;
        Ok(match ip {
            IpAddr::V6(ip) => SocketAddrV6::new(ip, *port, 0, scope.unwrap_or(0)).into(),
            IpAddr::V4(ip) => SocketAddr::new(ip.into(), *port),
        })
    }

    /// Addresses to connect to (TCP only), resolving host names: IPv4 ones
    /// only unless `ipv6`, which puts IPv6 ones first. IP literals are taken
    /// as written.
    pub fn connect_addrs(&self, ipv6: bool) -> std::io::Result<Vec<SocketAddr>> {
        match self {
            Endpoint::Tcp { host, port } => {
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if let Ok(ip) = host.parse::<std::net::IpAddr>() {
                    return Ok(vec![SocketAddr::new(ip, *port)]);
                }
                let mut addrs: Vec<SocketAddr> = (host, *port).to_socket_addrs()?.collect();
                if ipv6 {
                    addrs.sort_by_key(|a| !a.is_ipv6());
                } else {
                    addrs.retain(SocketAddr::is_ipv4);
                }
                Ok(addrs)
            }
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }
}

/// The address a bind `name` stands for (see [`Endpoint::bind_addr`]);
/// the scope of an interface's IPv6 address is its own.
fn local_ip(name: &str, ipv6: bool) -> Option<IpAddr> {
    if name == "*" {
        return Some(if ipv6 {
            Ipv6Addr::UNSPECIFIED.into()
        } else {
            Ipv4Addr::UNSPECIFIED.into()
        });
    }
    if let Some((ip, _)) = crate::sys::interface_address(name, ipv6) {
        return Some(ip);
    }
    let literal = if name == "localhost" {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        name.parse().ok()?
    };
    match literal {
        // With `ipv6` libzmq binds an IPv6 socket to the mapped address
        // (LAST_ENDPOINT `tcp://[::ffff:127.0.0.1]:P`).
        IpAddr::V4(ip) if ipv6 => Some(ip.to_ipv6_mapped().into()),
        IpAddr::V6(_) if !ipv6 => None,
        ip => Some(ip),
    }
}

/// An IPv6 zone (`%eth0` or `%2`) as an interface index; EINVAL when empty,
/// zero or naming no interface, as in libzmq.
fn zone_index(zone: &str) -> std::io::Result<u32> {
    let index = if zone.starts_with(|c: char| c.is_ascii_alphabetic()) {
        crate::sys::interface_index(zone)
    } else {
        zone.parse::<u32>().ok()
    };
    index
        .filter(|&i| i != 0)
        .ok_or_else(|| std::io::Error::from_raw_os_error(libc::EINVAL))
}

/// Bytes in a Unix-domain socket path, with its terminating NUL.
const IPC_PATH_MAX: usize = 108;

/// libzmq's quick check of a `tcp://` connect address: the host is made of
/// letters, digits and `.-:%;[]_*`, and the text after the last `:` starts
/// with a digit.
fn tcp_connect_syntax_ok(address: &str) -> bool {
    let mut chars = address.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '[' || c == ':');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || ".-:%;[]_*".contains(c));
    let port_ok = address
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.starts_with(|c: char| c.is_ascii_digit()));
    first_ok && rest_ok && port_ok
}

fn parse_tcp(address: &str) -> Result<Endpoint, EndpointError> {
    // `tcp://source;destination`: the source is bound by the connect
    // (Socket::connect puts it in NetOptions::connect_source).
    let address = address.rsplit_once(';').map_or(address, |(_, dst)| dst);
    let (host, port) = address.rsplit_once(':').ok_or(EndpointError::Invalid)?;
    if host.is_empty() {
        return Err(EndpointError::Invalid);
    }
    let port = match port {
        "*" | "0" => 0,
        p => p.parse::<u16>().map_err(|_| EndpointError::Invalid)?,
    };
    Ok(Endpoint::Tcp {
        host: host.to_owned(),
        port,
    })
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Ipc(p) => write!(f, "ipc://{}", p.display()),
            Endpoint::Inproc(n) => write!(f, "inproc://{n}"),
        }
    }
}

/// Formats a bound TCP address the way libzmq reports LAST_ENDPOINT.
pub(crate) fn tcp_endpoint_string(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_syntax_as_libzmq() {
        for bad in [
            "tcp://in val id:1234",
            "tcp://",
            "tcp://localhost:invalid",
            "tcp://192.168.0.200:*",
            "tcp://-host:1",
            "tcp://host:",
        ] {
            assert_eq!(
                Endpoint::parse_connect(bad),
                Err(EndpointError::Invalid),
                "{bad}"
            );
        }
        for good in [
            "tcp://localhost:1234",
            "tcp://[::1]:1234",
            "tcp://127.0.0.1:5555",
            "tcp://eth0:1;10.0.0.1:5555",
            "tcp://fe80::1%eth0:1",
            "ipc://@x",
        ] {
            assert!(Endpoint::parse_connect(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn ipc_names_as_libzmq() {
        let long = format!("ipc://{}", "a".repeat(108));
        assert_eq!(Endpoint::parse(&long), Err(EndpointError::NameTooLong));
        let fits = format!("ipc://{}", "a".repeat(107));
        assert!(Endpoint::parse(&fits).is_ok());
        assert_eq!(Endpoint::parse("ipc://@"), Err(EndpointError::Invalid));
        assert_eq!(
            Endpoint::parse("ipc://@name"),
            Ok(Endpoint::Ipc("@name".into()))
        );
    }

    #[test]
    fn parses_transports() {
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:5555"),
            Ok(Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 5555
            })
        );
        assert_eq!(
            Endpoint::parse("tcp://*:*"),
            Ok(Endpoint::Tcp {
                host: "*".into(),
                port: 0
            })
        );
        assert_eq!(
            Endpoint::parse("ipc:///tmp/x"),
            Ok(Endpoint::Ipc("/tmp/x".into()))
        );
        assert_eq!(
            Endpoint::parse("inproc://a"),
            Ok(Endpoint::Inproc("a".into()))
        );
        assert_eq!(Endpoint::parse("tcp://nohost"), Err(EndpointError::Invalid));
        assert_eq!(
            Endpoint::parse("tcp://h:99999"),
            Err(EndpointError::Invalid)
        );
        assert_eq!(Endpoint::parse("bogus"), Err(EndpointError::Invalid));
        assert_eq!(
            Endpoint::parse("pgm://x"),
            Err(EndpointError::UnsupportedTransport)
        );
        let e = Endpoint::parse("tcp://localhost:1").unwrap();
        assert!(!e.connect_addrs(false).unwrap().is_empty());
    }

    #[test]
    fn bind_addresses_as_libzmq() {
        let bind = |s: &str, ipv6: bool| Endpoint::parse(s).unwrap().bind_addr(ipv6);
        let ok = |s: &str, ipv6: bool| bind(s, ipv6).unwrap().to_string();
        assert_eq!(ok("tcp://*:5", false), "0.0.0.0:5");
        assert_eq!(ok("tcp://*:5", true), "[::]:5");
        assert_eq!(ok("tcp://lo:5", false), "127.0.0.1:5");
        if std::net::TcpListener::bind("[::1]:0").is_ok() {
            assert_eq!(ok("tcp://lo:5", true), "[::1]:5");
        }
        assert_eq!(ok("tcp://127.0.0.1:5", false), "127.0.0.1:5");
        assert_eq!(ok("tcp://127.0.0.1:5", true), "[::ffff:127.0.0.1]:5");
        assert_eq!(ok("tcp://[::1]:5", true), "[::1]:5");
        assert_eq!(ok("tcp://localhost:5", false), "127.0.0.1:5");
        assert_eq!(ok("tcp://localhost:5", true), "[::ffff:127.0.0.1]:5");
        assert!(ok("tcp://[fe80::1%lo]:5", true).starts_with("[fe80::1%"));
        for (endpoint, ipv6, errno) in [
            ("tcp://example.invalid:5", false, libc::ENODEV),
            ("tcp://[::1]:5", false, libc::ENODEV),
            ("tcp://no-such-interface:5", true, libc::ENODEV),
            ("tcp://[fe80::1%no-such-interface]:5", true, libc::EINVAL),
            ("tcp://[::1%0]:5", true, libc::EINVAL),
            ("tcp://[::1%]:5", true, libc::EINVAL),
        ] {
            let err = bind(endpoint, ipv6).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(errno), "{endpoint} {ipv6}");
        }
    }
}
