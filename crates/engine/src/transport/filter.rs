//! Accept filters: which peers a listener lets in (ZMQ_TCP_ACCEPT_FILTER for
//! tcp, ZMQ_IPC_FILTER_PID/UID/GID for ipc). A refused connection is closed
//! as soon as it is accepted, before any byte of ZMTP.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use super::{NetOptions, Stream};
use crate::sys;

/// A network in CIDR notation: `192.168.1.0/24`, `10.0.0.1` (a single host),
/// `0.0.0.0/0` (every IPv4 peer), `[::1]`, `fe80::/10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressMask {
    network: IpAddr,
    bits: u8,
}

impl AddressMask {
    /// Parses a filter as libzmq does: a numeric address (no host names),
    /// then optionally `/bits`, 0 to 32 for IPv4 or 0 to 128 for IPv6. An
    /// IPv6 address needs `ipv6` (ZMQ_IPV6); with it, an IPv4 address is
    /// matched in its IPv4-mapped IPv6 form, as peers of a dual-stack
    /// listener appear. `None` for anything malformed.
    pub fn parse(text: &str, ipv6: bool) -> Option<AddressMask> {
        let (address, bits) = match text.rsplit_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let address = address
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(address);
        let network = match address.parse::<IpAddr>().ok()? {
            IpAddr::V6(_) if !ipv6 => return None,
            IpAddr::V4(v4) if ipv6 => IpAddr::V6(v4.to_ipv6_mapped()),
            ip => ip,
        };
        let full: u8 = if network.is_ipv6() { 128 } else { 32 };
        let bits = match bits {
            None => full,
            Some("0") => 0,
            Some(b) => {
                // libzmq reads the number with strtol: leading digits count,
                // anything after them is ignored, and it must be 1..=full.
                let digits: String = b.chars().take_while(char::is_ascii_digit).collect();
                let n: u32 = digits.parse().ok()?;
                if n < 1 || n > u32::from(full) {
                    return None;
                }
                u8::try_from(n).ok()?
            }
        };
        Some(AddressMask { network, bits })
    }

    /// Whether `peer` lies in this network (an address of the other family never does).
    pub fn matches(&self, peer: IpAddr) -> bool {
        let (ours, theirs) = match (self.network, peer) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (
                Ipv6Addr::from(u128::from(u32::from(a)) << 96),
                Ipv6Addr::from(u128::from(u32::from(b)) << 96),
            ),
            (IpAddr::V6(a), IpAddr::V6(b)) => (a, b),
            _ => return false,
        };
        if self.bits == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(self.bits));
        u128::from(ours) & mask == u128::from(theirs) & mask
    }
}

/// Credentials an ipc peer must have, one of them being enough: its process
/// id, its user id, or a group (its primary group or one it is a member of).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpcFilters {
    /// Accepted process ids (ZMQ_IPC_FILTER_PID).
    pub pids: BTreeSet<i32>,
    /// Accepted user ids (ZMQ_IPC_FILTER_UID).
    pub uids: BTreeSet<u32>,
    /// Accepted group ids (ZMQ_IPC_FILTER_GID).
    pub gids: BTreeSet<u32>,
}

impl IpcFilters {
    fn is_empty(&self) -> bool {
        self.pids.is_empty() && self.uids.is_empty() && self.gids.is_empty()
    }

    fn admits(&self, cred: sys::PeerCred) -> bool {
        if self.pids.contains(&cred.pid)
            || self.uids.contains(&cred.uid)
            || self.gids.contains(&cred.gid)
        {
            return true;
        }
        !self.gids.is_empty()
            && sys::user_groups(cred.uid)
                .iter()
                .any(|g| self.gids.contains(g))
    }
}

impl NetOptions {
    /// Whether a listener keeps this freshly accepted connection.
    pub(crate) fn admits(&self, stream: &Stream) -> bool {
        match stream {
            Stream::Tcp(s) => {
                if self.tcp_accept_filters.is_empty() {
                    return true;
                }
                let Ok(peer) = s.peer_addr() else {
                    return false;
                };
                self.tcp_accept_filters.iter().any(|m| m.matches(peer.ip()))
            }
            Stream::Unix(_) => {
                if self.ipc_filters.is_empty() {
                    return true;
                }
                sys::peer_cred(stream.raw_fd()).is_ok_and(|c| self.ipc_filters.admits(c))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_like_libzmq() {
        for bad in [
            "foo",
            "0.0.0.0foo",
            "0.0.0.0/foo",
            "0.0.0.0/",
            "0.0.0.0/-1",
            "0.0.0.0/33",
            "",
            "localhost",
        ] {
            assert_eq!(AddressMask::parse(bad, false), None, "{bad}");
        }
        assert_eq!(AddressMask::parse("::1", false), None);
        assert!(AddressMask::parse("::1", true).is_some());
        assert!(AddressMask::parse("[::1]/128", true).is_some());
        assert_eq!(AddressMask::parse("::1/129", true), None);
        assert!(AddressMask::parse("10.0.0.0/8", false).is_some());
    }

    #[test]
    fn matches_networks() {
        let m = AddressMask::parse("127.0.0.1/32", false).unwrap();
        assert!(m.matches(ip("127.0.0.1")));
        assert!(!m.matches(ip("127.0.0.2")));
        assert!(!m.matches(ip("::1")));
        let any = AddressMask::parse("0.0.0.0/0", false).unwrap();
        assert!(any.matches(ip("8.8.8.8")));
        assert!(!any.matches(ip("::1")));
        let net = AddressMask::parse("192.168.0.0/23", false).unwrap();
        assert!(net.matches(ip("192.168.1.200")));
        assert!(!net.matches(ip("192.168.2.1")));
        let mapped = AddressMask::parse("127.0.0.1", true).unwrap();
        assert!(mapped.matches(ip("::ffff:127.0.0.1")));
        let v6 = AddressMask::parse("fe80::/10", true).unwrap();
        assert!(v6.matches(ip("fe80::1")));
        assert!(!v6.matches(ip("fec0::1")));
    }

    #[test]
    fn ipc_filters_check_each_credential() {
        let me = sys::PeerCred {
            pid: 10,
            uid: 1000,
            gid: 1000,
        };
        let mut f = IpcFilters::default();
        f.pids.insert(11);
        assert!(!f.admits(me));
        f.uids.insert(1000);
        assert!(f.admits(me));
        let mut g = IpcFilters::default();
        g.gids.insert(1000);
        assert!(g.admits(me));
    }
}
