//! Socket monitoring: events delivered on a PAIR socket in libzmq's
//! two-frame format (u16 event + u32 value, then the endpoint).

use std::sync::{Arc, Mutex};

use bytes::{BufMut, BytesMut};
use ferrozmq_engine::{Endpoint, MonitorEvent};
use ferrozmq_zmtp::SocketType;

use super::flags::SendFlags;
use super::{parse_endpoint, Socket};
use crate::error::{ErrorKind, Result};

/// ZMQ_EVENT_ALL: every event.
pub const EVENT_ALL: u16 = 0xFFFF;

impl Socket {
    /// Starts sending this socket's events in `events` (a mask of ZMQ_EVENT_*
    /// values) to a PAIR socket bound at `endpoint` (usually `inproc://...`);
    /// `None` stops monitoring (`zmq_socket_monitor`).
    pub fn monitor(&mut self, endpoint: Option<&str>, events: u16) -> Result<()> {
        self.check_open()?;
        if let Some(endpoint) = endpoint {
            // Events only go out over inproc, as in libzmq.
            if !matches!(
                parse_endpoint(endpoint, Endpoint::parse)?,
                Endpoint::Inproc(_)
            ) {
                return Err(ErrorKind::ProtocolNotSupported.into());
            }
        }
        self.stop_monitor();
        let Some(endpoint) = endpoint else {
            return Ok(());
        };
        let mut pair = self.ctx.socket(SocketType::Pair)?;
        pair.set_option(super::SocketOption::Linger, 0)?;
        pair.bind(endpoint)?;
        // The sink owns the PAIR socket: it lives until the monitor is
        // retired, which for a closed socket is after its listeners closed.
        let pair = Mutex::new(pair);
        self.link
            .set_monitor(Some(Arc::new(move |event: MonitorEvent| {
                if event.kind.code() & events != 0 {
                    send_event(&pair, &event);
                }
            })));
        self.monitoring = true;
        Ok(())
    }

    /// Stops monitoring now, with a last ZMQ_EVENT_MONITOR_STOPPED.
    pub(crate) fn stop_monitor(&mut self) {
        if std::mem::take(&mut self.monitoring) {
            self.link.retire_monitor();
        }
    }
}

fn send_event(pair: &Mutex<Socket>, event: &MonitorEvent) {
    let mut head = BytesMut::with_capacity(6);
    head.put_u16_ne(event.kind.code());
    head.put_u32_ne(event.value);
    if let Ok(mut socket) = pair.lock() {
        if socket
            .send_with(head.freeze(), SendFlags::MORE | SendFlags::DONTWAIT)
            .is_ok()
        {
            let _ = socket.send(event.endpoint.clone());
        }
    }
}
