//! Network interfaces by name (`getifaddrs`), for libzmq's `tcp://eth0:5555`
//! binds and connect sources.

use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address of the interface called `name`, as libzmq picks it: its
/// first IPv4 address, or with `ipv6` its first IPv6 one (with its scope,
/// the interface index, for link-local use). `None` when no interface of
/// that name has an address of that family.
pub(crate) fn interface_address(name: &str, ipv6: bool) -> Option<(IpAddr, u32)> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: `list` is a live local; on success the kernel's list is ours
    // to read until `freeifaddrs` below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut found = None;
    let mut entry = list;
    while !entry.is_null() && found.is_none() {
        // SAFETY: `entry` is a non-null node of the list getifaddrs made,
        // which stays allocated until freeifaddrs.
        let node = unsafe { &*entry };
        entry = node.ifa_next;
        if node.ifa_addr.is_null() || node.ifa_name.is_null() {
            continue;
        }
        // SAFETY: `ifa_name` is a NUL-terminated string owned by the list.
        if unsafe { CStr::from_ptr(node.ifa_name) }.to_bytes() != name.as_bytes() {
            continue;
        }
        // SAFETY: `ifa_addr` is non-null and starts with a sockaddr header.
        let family = i32::from(unsafe { (*node.ifa_addr).sa_family });
        found = match family {
            libc::AF_INET if !ipv6 => {
                // SAFETY: the family says the storage is a sockaddr_in.
                let sin = unsafe { &*node.ifa_addr.cast::<libc::sockaddr_in>() };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Some((IpAddr::V4(ip), 0))
            }
            libc::AF_INET6 if ipv6 => {
                // SAFETY: the family says the storage is a sockaddr_in6.
                let sin6 = unsafe { &*node.ifa_addr.cast::<libc::sockaddr_in6>() };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                Some((IpAddr::V6(ip), sin6.sin6_scope_id))
            }
            _ => None,
        };
    }
    // SAFETY: `list` came from a successful getifaddrs and is freed once;
    // no reference into it outlives this call.
    unsafe { libc::freeifaddrs(list) };
    found
}

/// The index of the interface called `name` (an IPv6 zone such as the
/// `eth0` of `fe80::1%eth0`), if there is one.
pub(crate) fn interface_index(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: `name` is a NUL-terminated string that outlives the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_has_its_address() {
        assert_eq!(
            interface_address("lo", false),
            Some((IpAddr::V4(Ipv4Addr::LOCALHOST), 0))
        );
        // A machine without IPv6 on its loopback has no such address.
        if std::net::TcpListener::bind("[::1]:0").is_ok() {
            assert_eq!(
                interface_address("lo", true).map(|(ip, _)| ip),
                Some(IpAddr::V6(Ipv6Addr::LOCALHOST))
            );
        }
        assert_eq!(interface_address("no-such-interface", true), None);
        assert!(interface_index("lo").is_some());
        assert_eq!(interface_index("no-such-interface"), None);
    }
}
