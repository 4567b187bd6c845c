//! [`SocketLink`]: what a socket shares with the connections that serve it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam::queue::SegQueue;

use crate::monitor::{MonitorEvent, MonitorSink};
use crate::notify::{Notify, Signaler};
use crate::pipe::Pipe;

/// News from the engine for a socket.
#[derive(Debug)]
pub enum LinkEvent {
    /// A new pipe to adopt (a connection completed its handshake, or an
    /// inproc peer connected).
    Attach(Pipe),
    /// A pipe's connection was re-established; subscriptions must be re-sent.
    Hiccup(u64),
}

/// Shared between a socket (application side) and its sessions (I/O side).
pub struct SocketLink {
    /// Wakes the socket.
    pub signaler: Arc<Signaler>,
    events: SegQueue<LinkEvent>,
    closed: std::sync::atomic::AtomicBool,
    /// ZMQ_LINGER in ms as the socket had it when it closed (-1 = forever,
    /// [`LINGER_UNSET`] before): libzmq honours the value at close time,
    /// not the one a connection started with.
    close_linger: AtomicI64,
    monitor: Mutex<Option<MonitorSink>>,
}

const LINGER_UNSET: i64 = i64::MIN;

impl std::fmt::Debug for SocketLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketLink").finish_non_exhaustive()
    }
}

impl SocketLink {
    /// A link with a fresh signaler.
    pub fn new() -> Arc<SocketLink> {
        Arc::new(SocketLink {
            signaler: Signaler::new(),
            events: SegQueue::new(),
            closed: std::sync::atomic::AtomicBool::new(false),
            close_linger: AtomicI64::new(LINGER_UNSET),
            monitor: Mutex::new(None),
        })
    }

    /// Posts news for the socket and wakes it.
    pub fn post(&self, event: LinkEvent) {
        self.events.push(event);
        self.signaler.notify();
    }

    /// Takes the next piece of news.
    pub fn take_event(&self) -> Option<LinkEvent> {
        self.events.pop()
    }

    /// Whether news is waiting (cheap).
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Marks the socket closed: its sessions linger, then end.
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Records the socket's LINGER at close (`None` = forever); call before [`SocketLink::close`].
    pub fn set_close_linger(&self, linger: Option<Duration>) {
        let ms = linger.map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        self.close_linger.store(ms, Ordering::SeqCst);
    }

    /// The LINGER recorded at close: `None` if none was, `Some(None)` for forever.
    pub fn close_linger(&self) -> Option<Option<Duration>> {
        match self.close_linger.load(Ordering::SeqCst) {
            LINGER_UNSET => None,
            ms => Some(u64::try_from(ms).ok().map(Duration::from_millis)),
        }
    }

    /// Whether the socket has closed.
    pub fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Installs (or removes) the monitor sink.
    pub fn set_monitor(&self, sink: Option<MonitorSink>) {
        if let Ok(mut m) = self.monitor.lock() {
            *m = sink;
        }
    }

    /// Reports an event to the monitor, if one is installed.
    pub fn emit(&self, event: MonitorEvent) {
        let sink = match self.monitor.lock() {
            Ok(m) => m.clone(),
            Err(_) => None,
        };
        if let Some(sink) = sink {
            sink(event);
        }
    }
}
