//! Endpoints: `tcp://host:port`, `ipc://path`, `inproc://name`, parsed once.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
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

    /// The address to bind to (TCP only): `*` means every interface (IPv6
    /// and IPv4 with `ipv6`, else IPv4); a host name resolves to its first
    /// IPv4 address (first IPv6 one preferred with `ipv6`).
    pub fn bind_addr(&self, ipv6: bool) -> std::io::Result<SocketAddr> {
        match self {
            Endpoint::Tcp { host, port } if host == "*" => {
                let any: std::net::IpAddr = if ipv6 {
                    std::net::Ipv6Addr::UNSPECIFIED.into()
                } else {
                    std::net::Ipv4Addr::UNSPECIFIED.into()
                };
                Ok(SocketAddr::new(any, *port))
            }
            Endpoint::Tcp { .. } => self
                .connect_addrs(ipv6)?
                .into_iter()
                .next()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::AddrNotAvailable)),
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
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
}
