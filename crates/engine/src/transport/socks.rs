//! SOCKS5 CONNECT (RFC 1928), with username/password authentication
//! (RFC 1929), as a sans-IO state machine.
//!
//! The engine opens a TCP connection to the proxy, then moves bytes between
//! it and a [`Handshake`] until [`Handshake::is_done`]; from then on the
//! stream carries ZMTP to the target, as in libzmq's `socks_connecter`.
//!
//! Calling order: write [`Handshake::transmit`] out and report it with
//! [`Handshake::advance_transmit`]; read at most [`Handshake::read_hint`]
//! bytes and feed them to [`Handshake::handle_bytes`]; repeat. Reading no more
//! than the hint leaves the target's first ZMTP bytes in the socket.
//!
//! ```text
//!  greeting ──▶ method choice ──(0x02)──▶ user/pass ──▶ auth status ─┐
//!                   │(0x00)                                         │
//!                   └────────────▶ CONNECT request ◀────────────────┘
//!                                       │
//!                                    reply (code 0) ──▶ done
//! ```

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::Bytes;

use super::{Endpoint, EndpointError};

/// A SOCKS5 proxy to connect through (ZMQ_SOCKS_PROXY, ZMQ_SOCKS_USERNAME,
/// ZMQ_SOCKS_PASSWORD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocksProxy {
    /// The proxy's `host:port`, as in a `tcp://` endpoint without the scheme.
    pub address: String,
    /// User name for RFC 1929 authentication (at most 255 bytes); empty
    /// means no authentication is offered.
    pub username: Bytes,
    /// Password for RFC 1929 authentication (at most 255 bytes).
    pub password: Bytes,
}

impl SocksProxy {
    /// Where the proxy is, and for an address `source;host:port` the local
    /// address to connect from (libzmq binds it before connecting).
    pub(crate) fn route(&self) -> Result<(Option<SocketAddr>, Endpoint), EndpointError> {
        let (source, target) = match self.address.split_once(';') {
            Some((source, target)) => (Some(source), target),
            None => (None, self.address.as_str()),
        };
        let target = match Endpoint::parse(&format!("tcp://{target}"))? {
            Endpoint::Tcp { port: 0, .. } => return Err(EndpointError::Invalid),
            e => e,
        };
        let source = source
            .map(|s| {
                Endpoint::parse(&format!("tcp://{s}"))?
                    .bind_addr(false)
                    .map_err(|_| EndpointError::Invalid)
            })
            .transpose()?;
        Ok((source, target))
    }
}

/// Why a SOCKS handshake failed; each one counts as a failed connect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum SocksError {
    /// The target cannot be put in a request (empty or over-long host name,
    /// port 0), or the credentials are over 255 bytes.
    BadTarget,
    /// The proxy's bytes do not parse as a SOCKS5 reply.
    Malformed(&'static str),
    /// The proxy accepts none of the methods we offered.
    NoAcceptableMethod,
    /// The proxy refused our user name and password (its status byte).
    AuthRefused(u8),
    /// The proxy could not connect to the target (its reply code).
    Refused(u8),
}

impl fmt::Display for SocksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocksError::BadTarget => write!(f, "target not expressible in a SOCKS5 request"),
            SocksError::Malformed(what) => write!(f, "malformed SOCKS5 reply: {what}"),
            SocksError::NoAcceptableMethod => write!(f, "no acceptable SOCKS5 method"),
            SocksError::AuthRefused(s) => write!(f, "SOCKS5 authentication refused ({s})"),
            SocksError::Refused(c) => write!(f, "SOCKS5 connect refused (code {c})"),
        }
    }
}

impl std::error::Error for SocksError {}

/// Where the handshake stands: which reply we are reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The proxy's method choice (2 bytes).
    Choice,
    /// The RFC 1929 status (2 bytes).
    AuthStatus,
    /// The CONNECT reply (variable length).
    Reply,
    /// Connected to the target.
    Done,
}

/// One SOCKS5 CONNECT handshake.
#[derive(Debug)]
pub(crate) struct Handshake {
    phase: Phase,
    /// Bytes for the proxy not yet written.
    transmit: Vec<u8>,
    /// Bytes of the reply being read.
    received: Vec<u8>,
    /// The CONNECT request, queued once the method (and auth) is settled.
    request: Vec<u8>,
    username: Bytes,
    password: Bytes,
}

impl Handshake {
    /// Starts a handshake asking `proxy` to connect to `host:port`. A host
    /// that reads as an IPv4 or IPv6 address (brackets allowed) is sent as
    /// one; anything else as a domain name for the proxy to resolve.
    pub(crate) fn new(proxy: &SocksProxy, host: &str, port: u16) -> Result<Handshake, SocksError> {
        if proxy.username.len() > 255 || proxy.password.len() > 255 {
            return Err(SocksError::BadTarget);
        }
        let request = encode_request(host, port)?;
        let method = if proxy.username.is_empty() {
            METHOD_NO_AUTH
        } else {
            METHOD_USER_PASS
        };
        Ok(Handshake {
            phase: Phase::Choice,
            transmit: vec![VERSION, 1, method],
            received: Vec::new(),
            request,
            username: proxy.username.clone(),
            password: proxy.password.clone(),
        })
    }

    /// Whether the proxy has connected us to the target.
    pub(crate) fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The bytes to write to the proxy next (empty when there are none).
    pub(crate) fn transmit(&self) -> &[u8] {
        &self.transmit
    }

    /// Records that `n` bytes of [`Handshake::transmit`] were written.
    pub(crate) fn advance_transmit(&mut self, n: usize) {
        self.transmit.drain(..n.min(self.transmit.len()));
    }

    /// How many more bytes the reply being read needs (0 when done).
    pub(crate) fn read_hint(&self) -> usize {
        let have = self.received.len();
        let total = match self.phase {
            Phase::Choice | Phase::AuthStatus => 2,
            Phase::Done => return 0,
            Phase::Reply => match (self.received.get(3), self.received.get(4)) {
                (Some(&ATYP_IPV4), _) => 4 + 4 + 2,
                (Some(&ATYP_IPV6), _) => 4 + 16 + 2,
                (Some(&ATYP_DOMAIN), Some(&len)) => 4 + 1 + usize::from(len) + 2,
                // Enough to learn the address type and a domain's length.
                _ => 5,
            },
        };
        total.saturating_sub(have)
    }

    /// Feeds bytes read from the proxy; returns how many were consumed (at
    /// most [`Handshake::read_hint`]; the rest belongs to the target).
    pub(crate) fn handle_bytes(&mut self, data: &[u8]) -> Result<usize, SocksError> {
        let mut consumed = 0;
        while consumed < data.len() {
            let take = self.read_hint().min(data.len() - consumed);
            if take == 0 {
                break;
            }
            let chunk = data.get(consumed..consumed + take).unwrap_or_default();
            self.received.extend_from_slice(chunk);
            consumed += take;
            self.check_partial()?;
            if self.read_hint() == 0 {
                self.complete_reply()?;
            }
        }
        Ok(consumed)
    }

    /// Fails as early as libzmq does on a reply that cannot be valid.
    fn check_partial(&self) -> Result<(), SocksError> {
        let r = &self.received;
        match self.phase {
            Phase::Choice | Phase::Reply if r.first().is_some_and(|&v| v != VERSION) => {
                Err(SocksError::Malformed("version is not 5"))
            }
            Phase::AuthStatus if r.first().is_some_and(|&v| v != AUTH_VERSION) => {
                Err(SocksError::Malformed("auth version is not 1"))
            }
            Phase::Reply if r.get(1).is_some_and(|&c| c > MAX_REPLY_CODE) => {
                Err(SocksError::Malformed("unknown reply code"))
            }
            Phase::Reply if r.get(2).is_some_and(|&rsv| rsv != 0) => {
                Err(SocksError::Malformed("reserved byte is not 0"))
            }
            Phase::Reply
                if r.get(3)
                    .is_some_and(|a| ![ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6].contains(a)) =>
            {
                Err(SocksError::Malformed("unknown address type"))
            }
            _ => Ok(()),
        }
    }

    /// A whole reply is in: act on it and move to the next phase.
    fn complete_reply(&mut self) -> Result<(), SocksError> {
        let code = self.received.get(1).copied().unwrap_or(0xff);
        self.received.clear();
        self.phase = match self.phase {
            Phase::Choice => match code {
                METHOD_NO_AUTH => self.send_request(),
                // As libzmq: a proxy that asks for credentials gets ours,
                // empty ones if we have none.
                METHOD_USER_PASS => self.send_credentials(),
                _ => return Err(SocksError::NoAcceptableMethod),
            },
            Phase::AuthStatus if code == 0 => self.send_request(),
            Phase::AuthStatus => return Err(SocksError::AuthRefused(code)),
            Phase::Reply if code == 0 => Phase::Done,
            Phase::Reply => return Err(SocksError::Refused(code)),
            Phase::Done => Phase::Done,
        };
        Ok(())
    }

    fn send_credentials(&mut self) -> Phase {
        let t = &mut self.transmit;
        t.push(AUTH_VERSION);
        // Lengths were checked in `new`.
        t.push(self.username.len() as u8);
        t.extend_from_slice(&self.username);
        t.push(self.password.len() as u8);
        t.extend_from_slice(&self.password);
        Phase::AuthStatus
    }

    fn send_request(&mut self) -> Phase {
        self.transmit.append(&mut self.request);
        Phase::Reply
    }
}

/// `[5, CONNECT, 0, atyp, address..., port]`.
fn encode_request(host: &str, port: u16) -> Result<Vec<u8>, SocksError> {
    if port == 0 {
        return Err(SocksError::BadTarget);
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let mut r = vec![VERSION, CMD_CONNECT, 0];
    if let Ok(v4) = bare.parse::<Ipv4Addr>() {
        r.push(ATYP_IPV4);
        r.extend_from_slice(&v4.octets());
    } else if let Ok(v6) = bare.parse::<Ipv6Addr>() {
        r.push(ATYP_IPV6);
        r.extend_from_slice(&v6.octets());
    } else {
        let len = u8::try_from(bare.len()).map_err(|_| SocksError::BadTarget)?;
        if len == 0 {
            return Err(SocksError::BadTarget);
        }
        r.push(ATYP_DOMAIN);
        r.push(len);
        r.extend_from_slice(bare.as_bytes());
    }
    r.extend_from_slice(&port.to_be_bytes());
    Ok(r)
}

const VERSION: u8 = 5;
const AUTH_VERSION: u8 = 1;
const METHOD_NO_AUTH: u8 = 0;
const METHOD_USER_PASS: u8 = 2;
const CMD_CONNECT: u8 = 1;
const ATYP_IPV4: u8 = 1;
const ATYP_DOMAIN: u8 = 3;
const ATYP_IPV6: u8 = 4;
/// RFC 1928 defines reply codes 0 (succeeded) to 8 (address type not supported).
const MAX_REPLY_CODE: u8 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(user: &str, pass: &str) -> SocksProxy {
        SocksProxy {
            address: "127.0.0.1:1080".into(),
            username: Bytes::copy_from_slice(user.as_bytes()),
            password: Bytes::copy_from_slice(pass.as_bytes()),
        }
    }

    /// Takes everything queued for the proxy.
    fn sent(h: &mut Handshake) -> Vec<u8> {
        let out = h.transmit().to_vec();
        h.advance_transmit(out.len());
        out
    }

    const IPV4_OK: [u8; 10] = [5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90];

    #[test]
    fn no_auth_ipv4_connect() {
        let mut h = Handshake::new(&proxy("", ""), "127.0.0.1", 5555).unwrap();
        assert_eq!(sent(&mut h), [5, 1, 0]);
        assert_eq!(h.read_hint(), 2);
        assert_eq!(h.handle_bytes(&[5, 0]).unwrap(), 2);
        assert_eq!(sent(&mut h), [5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xb3]);
        assert_eq!(h.read_hint(), 5);
        assert_eq!(h.handle_bytes(&IPV4_OK).unwrap(), 10);
        assert!(h.is_done());
        assert_eq!(h.read_hint(), 0);
    }

    #[test]
    fn domain_and_ipv6_targets() {
        let mut h = Handshake::new(&proxy("", ""), "somedomainname.org", 80).unwrap();
        sent(&mut h);
        h.handle_bytes(&[5, 0]).unwrap();
        let mut want = vec![5, 1, 0, 3, 18];
        want.extend_from_slice(b"somedomainname.org");
        want.extend_from_slice(&[0, 80]);
        assert_eq!(sent(&mut h), want);

        for host in ["::1", "[::1]"] {
            let mut h = Handshake::new(&proxy("", ""), host, 80).unwrap();
            sent(&mut h);
            h.handle_bytes(&[5, 0]).unwrap();
            let mut want = vec![5, 1, 0, 4];
            want.extend_from_slice(&[0; 15]);
            want.extend_from_slice(&[1, 0, 80]);
            assert_eq!(sent(&mut h), want);
        }
    }

    #[test]
    fn username_password_auth() {
        let mut h = Handshake::new(&proxy("someuser", "somepass"), "10.0.0.1", 1).unwrap();
        assert_eq!(sent(&mut h), [5, 1, 2]);
        h.handle_bytes(&[5, 2]).unwrap();
        let mut want = vec![1, 8];
        want.extend_from_slice(b"someuser");
        want.push(8);
        want.extend_from_slice(b"somepass");
        assert_eq!(sent(&mut h), want);
        assert_eq!(h.read_hint(), 2);
        h.handle_bytes(&[1, 0]).unwrap();
        assert_eq!(sent(&mut h), [5, 1, 0, 1, 10, 0, 0, 1, 0, 1]);
        h.handle_bytes(&IPV4_OK).unwrap();
        assert!(h.is_done());

        let mut refused = Handshake::new(&proxy("u", "p"), "10.0.0.1", 1).unwrap();
        refused.handle_bytes(&[5, 2]).unwrap();
        assert_eq!(
            refused.handle_bytes(&[1, 1]),
            Err(SocksError::AuthRefused(1))
        );
    }

    #[test]
    fn replies_arrive_in_pieces_and_leave_the_rest() {
        let mut h = Handshake::new(&proxy("", ""), "1.2.3.4", 9).unwrap();
        h.handle_bytes(&[5]).unwrap();
        h.handle_bytes(&[0]).unwrap();
        // A domain-name reply, byte by byte.
        let mut reply = vec![5, 0, 0, 3, 9];
        reply.extend_from_slice(b"localhost");
        reply.extend_from_slice(&[0, 1]);
        for b in &reply {
            assert!(!h.is_done());
            assert_eq!(h.handle_bytes(&[*b]).unwrap(), 1);
        }
        assert!(h.is_done());

        // Everything at once: the target's bytes after the reply stay unread.
        let mut h = Handshake::new(&proxy("", ""), "1.2.3.4", 9).unwrap();
        let mut input = vec![5, 0];
        input.extend_from_slice(&[5, 0, 0, 4]);
        input.extend_from_slice(&[0; 18]);
        input.extend_from_slice(b"\xffZMTP");
        assert_eq!(h.handle_bytes(&input).unwrap(), 2 + 22);
        assert!(h.is_done());
    }

    #[test]
    fn proxy_route() {
        let mut p = proxy("", "");
        let (source, target) = p.route().unwrap();
        assert_eq!(source, None);
        assert_eq!(target, Endpoint::parse("tcp://127.0.0.1:1080").unwrap());
        p.address = "127.0.0.1:0;somehost:1080".into();
        let (source, target) = p.route().unwrap();
        assert_eq!(source, Some("127.0.0.1:0".parse().unwrap()));
        assert_eq!(target, Endpoint::parse("tcp://somehost:1080").unwrap());
        for bad in ["somehost", "somehost:0", "", "nonsense;somehost:1080"] {
            p.address = bad.into();
            assert!(p.route().is_err(), "{bad}");
        }
    }

    #[test]
    fn failures() {
        let fresh = || Handshake::new(&proxy("", ""), "1.2.3.4", 9).unwrap();
        assert_eq!(
            fresh().handle_bytes(&[4, 0]),
            Err(SocksError::Malformed("version is not 5"))
        );
        assert_eq!(
            fresh().handle_bytes(&[5, 0xff]),
            Err(SocksError::NoAcceptableMethod)
        );
        let connect = |reply: &[u8]| {
            let mut h = fresh();
            h.handle_bytes(&[5, 0]).unwrap();
            h.handle_bytes(reply)
        };
        assert_eq!(
            connect(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]),
            Err(SocksError::Refused(5))
        );
        assert!(matches!(connect(&[5, 9]), Err(SocksError::Malformed(_))));
        assert!(matches!(connect(&[5, 0, 1]), Err(SocksError::Malformed(_))));
        assert!(matches!(
            connect(&[5, 0, 0, 7]),
            Err(SocksError::Malformed(_))
        ));

        assert_eq!(
            Handshake::new(&proxy("", ""), "h", 0).unwrap_err(),
            SocksError::BadTarget
        );
        let long = "x".repeat(256);
        assert_eq!(
            Handshake::new(&proxy("", ""), &long, 1).unwrap_err(),
            SocksError::BadTarget
        );
        assert_eq!(
            Handshake::new(&proxy(&long, ""), "h", 1).unwrap_err(),
            SocksError::BadTarget
        );
    }
}
