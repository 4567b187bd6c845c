//! Options about the OS sockets under tcp and ipc endpoints: the ones libzmq
//! keeps outside its plain integers (ZMQ_USE_FD, ZMQ_BINDTODEVICE, the
//! accept filters), and the snapshot of all of them handed to the engine.

use std::time::Duration;

use ferrozmq_engine::{AddressMask, IpcFilters, Keepalive, NetOptions};

use super::options::{OptionValue, Options, SocketOption};
use crate::error::{Error, Result};

/// Longest interface name SO_BINDTODEVICE takes, as libzmq's BINDDEVSIZ.
const BIND_DEVICE_MAX: usize = 16;

/// ZMQ_USE_FD, ZMQ_BINDTODEVICE, ZMQ_TCP_ACCEPT_FILTER and ZMQ_IPC_FILTER_*.
#[derive(Debug, Clone)]
pub(crate) struct TransportOptions {
    /// A listening socket for bind to use instead of making one (-1 = none).
    use_fd: i32,
    bind_device: Vec<u8>,
    tcp_accept_filters: Vec<AddressMask>,
    ipc_filters: IpcFilters,
}

impl Default for TransportOptions {
    fn default() -> TransportOptions {
        TransportOptions {
            use_fd: -1,
            bind_device: Vec::new(),
            tcp_accept_filters: Vec::new(),
            ipc_filters: IpcFilters::default(),
        }
    }
}

impl TransportOptions {
    /// Sets one of these options as libzmq does. An empty value clears a
    /// filter list or the device; `ipv6` is ZMQ_IPV6 at the time of the
    /// call, which decides how an accept filter's address is read.
    pub(crate) fn set(&mut self, option: SocketOption, value: &[u8], ipv6: bool) -> Result<()> {
        use SocketOption as O;
        match option {
            O::UseFd => {
                let fd = i32::from_ne_bytes(value.try_into().map_err(|_| Error::Invalid)?);
                if fd < -1 {
                    return Err(Error::Invalid);
                }
                self.use_fd = fd;
            }
            O::BindToDevice => {
                if value.len() > BIND_DEVICE_MAX {
                    return Err(Error::Invalid);
                }
                self.bind_device = value.to_vec();
            }
            O::TcpAcceptFilter => {
                if value.is_empty() {
                    self.tcp_accept_filters.clear();
                    return Ok(());
                }
                if value.len() > 255 {
                    return Err(Error::Invalid);
                }
                // libzmq reads the filter as a C string: a NUL ends it.
                let text = value.split(|&b| b == 0).next().unwrap_or_default();
                let text = std::str::from_utf8(text).map_err(|_| Error::Invalid)?;
                let mask = AddressMask::parse(text, ipv6).ok_or(Error::Invalid)?;
                self.tcp_accept_filters.push(mask);
            }
            O::IpcFilterPid => {
                insert_or_clear(&mut self.ipc_filters.pids, value, i32::from_ne_bytes)?
            }
            O::IpcFilterUid => {
                insert_or_clear(&mut self.ipc_filters.uids, value, u32::from_ne_bytes)?
            }
            O::IpcFilterGid => {
                insert_or_clear(&mut self.ipc_filters.gids, value, u32::from_ne_bytes)?
            }
            _ => return Err(Error::Invalid),
        }
        Ok(())
    }

    /// Reads ZMQ_USE_FD or ZMQ_BINDTODEVICE (the filters are write-only, as in libzmq).
    pub(crate) fn get(&self, option: SocketOption) -> Result<OptionValue> {
        match option {
            SocketOption::UseFd => Ok(OptionValue::Int(self.use_fd)),
            SocketOption::BindToDevice => Ok(OptionValue::Str(
                String::from_utf8_lossy(&self.bind_device).into_owned(),
            )),
            _ => Err(Error::Invalid),
        }
    }
}

impl Options {
    /// The OS socket settings a bind or connect starts with.
    pub(crate) fn net_options(&self) -> NetOptions {
        let t = &self.transport;
        NetOptions {
            backlog: self.backlog,
            sndbuf: usize::try_from(self.sndbuf).ok(),
            rcvbuf: usize::try_from(self.rcvbuf).ok(),
            tos: u32::try_from(self.tos).unwrap_or(0),
            keepalive: Keepalive {
                enable: self.tcp_keepalive[0],
                count: self.tcp_keepalive[1],
                idle: self.tcp_keepalive[2],
                interval: self.tcp_keepalive[3],
            },
            ipv6: self.ipv6,
            connect_timeout: millis(self.connect_timeout),
            tcp_maxrt: millis(self.tcp_maxrt),
            bind_device: (!t.bind_device.is_empty()).then(|| t.bind_device.clone()),
            use_fd: (t.use_fd >= 0).then_some(t.use_fd),
            tcp_accept_filters: t.tcp_accept_filters.clone(),
            ipc_filters: t.ipc_filters.clone(),
        }
    }
}

fn millis(v: i32) -> Option<Duration> {
    u64::try_from(v)
        .ok()
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
}

/// libzmq's set-valued options: a 4-byte id adds to the set, an empty value clears it.
fn insert_or_clear<T: Ord>(
    set: &mut std::collections::BTreeSet<T>,
    value: &[u8],
    decode: fn([u8; 4]) -> T,
) -> Result<()> {
    if value.is_empty() {
        set.clear();
        return Ok(());
    }
    let raw: [u8; 4] = value.try_into().map_err(|_| Error::Invalid)?;
    set.insert(decode(raw));
    Ok(())
}
