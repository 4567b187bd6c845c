//! Socket monitoring: events delivered on a PAIR socket in libzmq's
//! two-frame format (u16 event + u32 value, then the endpoint).

use std::sync::{Arc, Mutex};

use bytes::{BufMut, BytesMut};
use ferrozmq_engine::{EventKind, MonitorEvent};
use ferrozmq_zmtp::SocketType;

use super::{Socket, DONTWAIT, SNDMORE};
use crate::error::Result;

/// ZMQ_EVENT_ALL: every event.
pub const EVENT_ALL: u16 = 0xFFFF;

/// The monitor of a socket: the PAIR socket events are sent from.
pub(crate) type MonitorSocket = Arc<Mutex<Socket>>;

impl Socket {
    /// Starts sending this socket's events in `events` (a mask of ZMQ_EVENT_*
    /// values) to a PAIR socket bound at `endpoint` (usually `inproc://...`);
    /// `None` stops monitoring (`zmq_socket_monitor`).
    pub fn monitor(&mut self, endpoint: Option<&str>, events: u16) -> Result<()> {
        self.check_open()?;
        self.stop_monitor();
        let Some(endpoint) = endpoint else {
            return Ok(());
        };
        let mut pair = self.ctx.socket(SocketType::Pair)?;
        pair.set_option(super::SocketOption::Linger, 0)?;
        pair.bind(endpoint)?;
        let pair: MonitorSocket = Arc::new(Mutex::new(pair));
        let sink_pair = pair.clone();
        self.link
            .set_monitor(Some(Arc::new(move |event: MonitorEvent| {
                if event.kind.code() & events != 0 {
                    send_event(&sink_pair, &event);
                }
            })));
        self.monitor = Some((pair, events));
        Ok(())
    }

    pub(crate) fn stop_monitor(&mut self) {
        self.link.set_monitor(None);
        if let Some((pair, events)) = self.monitor.take() {
            if events & EventKind::MonitorStopped.code() != 0 {
                send_event(
                    &pair,
                    &MonitorEvent {
                        kind: EventKind::MonitorStopped,
                        value: 0,
                        endpoint: String::new(),
                    },
                );
            }
        }
    }
}

fn send_event(pair: &MonitorSocket, event: &MonitorEvent) {
    let mut head = BytesMut::with_capacity(6);
    head.put_u16_ne(event.kind.code());
    head.put_u32_ne(event.value);
    if let Ok(mut socket) = pair.lock() {
        if socket.send(head.freeze(), SNDMORE | DONTWAIT).is_ok() {
            let _ = socket.send(event.endpoint.clone(), 0);
        }
    }
}
