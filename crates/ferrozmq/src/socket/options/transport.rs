//! Options about the OS sockets under tcp and ipc endpoints: the ones libzmq
//! keeps outside its plain integers (ZMQ_USE_FD, ZMQ_BINDTODEVICE, the
//! accept filters), and the snapshot of all of them handed to the engine.

use std::collections::BTreeSet;

use ferrozmq_engine::{AddressMask, IpcFilters, Keepalive, NetOptions};

use super::codec::{Interval, OsDefault, Typed};
use super::Options;
use crate::error::{ErrorKind, Result};

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

/// Handlers for the table's transport rows (values already validated by
/// their codecs).
impl Options {
    pub(super) fn set_use_fd(&mut self, fd: i32) -> Result<()> {
        self.transport.use_fd = fd;
        Ok(())
    }

    pub(super) fn use_fd(&self) -> i32 {
        self.transport.use_fd
    }

    pub(super) fn set_bind_to_device(&mut self, device: Vec<u8>) -> Result<()> {
        self.transport.bind_device = device;
        Ok(())
    }

    pub(super) fn bind_to_device(&self) -> Vec<u8> {
        self.transport.bind_device.clone()
    }

    /// Adds a network, read as IPv6 or IPv4 by ZMQ_IPV6 at the time of
    /// the call; `None` clears the list.
    pub(super) fn add_tcp_accept_filter(&mut self, network: Option<String>) -> Result<()> {
        let Some(text) = network else {
            self.transport.tcp_accept_filters.clear();
            return Ok(());
        };
        let mask = AddressMask::parse(&text, self.ipv6).ok_or(ErrorKind::Invalid)?;
        self.transport.tcp_accept_filters.push(mask);
        Ok(())
    }

    pub(super) fn add_ipc_filter_pid(&mut self, id: Option<[u8; 4]>) -> Result<()> {
        insert_or_clear(
            &mut self.transport.ipc_filters.pids,
            id.map(i32::from_ne_bytes),
        );
        Ok(())
    }

    pub(super) fn add_ipc_filter_uid(&mut self, id: Option<[u8; 4]>) -> Result<()> {
        insert_or_clear(
            &mut self.transport.ipc_filters.uids,
            id.map(u32::from_ne_bytes),
        );
        Ok(())
    }

    pub(super) fn add_ipc_filter_gid(&mut self, id: Option<[u8; 4]>) -> Result<()> {
        insert_or_clear(
            &mut self.transport.ipc_filters.gids,
            id.map(u32::from_ne_bytes),
        );
        Ok(())
    }

    /// The OS socket settings a bind or connect starts with.
    pub(crate) fn net_options(&self) -> NetOptions {
        let t = &self.transport;
        NetOptions {
            backlog: self.backlog,
            sndbuf: OsDefault::out(&self.sndbuf),
            rcvbuf: OsDefault::out(&self.rcvbuf),
            tos: u32::try_from(self.tos).unwrap_or(0),
            keepalive: Keepalive {
                enable: self.tcp_keepalive,
                count: self.tcp_keepalive_cnt,
                idle: self.tcp_keepalive_idle,
                interval: self.tcp_keepalive_intvl,
            },
            ipv6: self.ipv6,
            connect_timeout: Interval::out(&self.connect_timeout),
            tcp_maxrt: Interval::out(&self.tcp_maxrt),
            bind_device: (!t.bind_device.is_empty()).then(|| t.bind_device.clone()),
            use_fd: (t.use_fd >= 0).then_some(t.use_fd),
            tcp_accept_filters: t.tcp_accept_filters.clone(),
            ipc_filters: t.ipc_filters.clone(),
        }
    }
}

/// libzmq's set-valued options: an id adds to the set, none clears it.
fn insert_or_clear<T: Ord>(set: &mut BTreeSet<T>, id: Option<T>) {
    match id {
        Some(id) => {
            set.insert(id);
        }
        None => set.clear(),
    }
}
