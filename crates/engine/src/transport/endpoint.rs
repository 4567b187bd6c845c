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
}

impl Endpoint {
    /// Parses `transport://address`.
    pub fn parse(s: &str) -> Result<Endpoint, EndpointError> {
        let (transport, address) = s.split_once("://").ok_or(EndpointError::Invalid)?;
        match transport {
            "tcp" => parse_tcp(address),
            "ipc" => {
                if address.is_empty() {
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

    /// Addresses to bind to (TCP only): `*` means every IPv4 interface.
    pub fn bind_addr(&self) -> std::io::Result<SocketAddr> {
        match self {
            Endpoint::Tcp { host, port } => {
                let host = if host == "*" {
                    "0.0.0.0"
                } else {
                    host.as_str()
                };
                resolve(host, *port)
            }
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }

    /// Addresses to connect to (TCP only), resolving host names.
    pub fn connect_addrs(&self) -> std::io::Result<Vec<SocketAddr>> {
        match self {
            Endpoint::Tcp { host, port } => {
                let host = host.trim_start_matches('[').trim_end_matches(']');
                Ok((host, *port).to_socket_addrs()?.collect())
            }
            _ => Err(std::io::Error::from(std::io::ErrorKind::InvalidInput)),
        }
    }
}

fn resolve(host: &str, port: u16) -> std::io::Result<SocketAddr> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::AddrNotAvailable))
}

fn parse_tcp(address: &str) -> Result<Endpoint, EndpointError> {
    // `tcp://source;destination`: we connect from any source.
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
        assert!(!e.connect_addrs().unwrap().is_empty());
    }
}
