//! [`SocketLink`]: what a socket shares with the connections that serve it.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam::queue::SegQueue;

use crate::monitor::{MonitorSink, SocketEvent};
use crate::notify::{Notify, Signaler};
use crate::pipe::{Pipe, PipeId};

/// News from the engine for a socket.
#[derive(Debug)]
pub enum LinkEvent {
    /// A new pipe to adopt (a connection completed its handshake, or an
    /// inproc peer connected).
    Attach(Pipe),
    /// A pipe's connection was re-established; subscriptions must be re-sent.
    Hiccup(PipeId),
}

/// Identifies a socket within the process (its [`SocketLink`]'s id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u64);

impl SocketId {
    fn next() -> SocketId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        SocketId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Shared between a socket (application side) and its sessions (I/O side).
pub struct SocketLink {
    id: SocketId,
    /// Wakes the socket.
    pub signaler: Arc<Signaler>,
    events: SegQueue<LinkEvent>,
    closed: std::sync::atomic::AtomicBool,
    /// LINGER in ms as of the last close or disconnect (-1 = forever,
    /// `LINGER_UNSET` before any).
    linger_ms: AtomicI64,
    monitor: Mutex<Option<MonitorSink>>,
}

impl std::fmt::Debug for SocketLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketLink")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SocketLink {
    /// A link with a fresh signaler.
    pub fn new() -> Arc<SocketLink> {
        Arc::new(SocketLink {
            id: SocketId::next(),
            signaler: Signaler::new(),
            events: SegQueue::new(),
            closed: std::sync::atomic::AtomicBool::new(false),
            linger_ms: AtomicI64::new(LINGER_UNSET),
            monitor: Mutex::new(None),
        })
    }

    /// The socket's id.
    pub fn id(&self) -> SocketId {
        self.id
    }

    /// Posts news for the socket and wakes it.
    pub fn post(&self, event: LinkEvent) {
        self.events.push(event);
        self.signaler.notify();
    }

    /// Takes the next piece of news. Sockets ask on every send and receive,
    /// so an empty queue is told by two loads: `SegQueue::pop` alone would
    /// issue a SeqCst fence (`mfence`) each time. A post that races with
    /// this is seen at the next call; its `notify` comes after the push.
    pub fn take_event(&self) -> Option<LinkEvent> {
        if self.events.is_empty() {
            return None;
        }
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

    /// Records the socket's LINGER (`None` = forever) before it closes or
    /// disconnects: sessions linger for the value set when that happens,
    /// as in libzmq, not the one their connect started with.
    pub fn set_linger(&self, linger: Option<Duration>) {
        let ms = linger.map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        self.linger_ms.store(ms, Ordering::SeqCst);
    }

    /// The LINGER recorded by [`SocketLink::set_linger`], if any.
    pub(crate) fn linger(&self) -> Option<Option<Duration>> {
        match self.linger_ms.load(Ordering::SeqCst) {
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

    /// Removes the monitor after telling it ZMQ_EVENT_MONITOR_STOPPED (if
    /// its mask asks for that event).
    pub fn retire_monitor(&self) {
        let sink = match self.monitor.lock() {
            Ok(mut m) => m.take(),
            Err(_) => None,
        };
        if let Some(sink) = sink {
            sink(SocketEvent::MonitorStopped.to_monitor(""));
        }
    }

    /// Reports an event on `endpoint` to the monitor, if one is installed.
    pub(crate) fn emit(&self, event: SocketEvent, endpoint: &str) {
        let sink = match self.monitor.lock() {
            Ok(m) => m.clone(),
            Err(_) => None,
        };
        if let Some(sink) = sink {
            sink(event.to_monitor(endpoint));
        }
    }
}

/// `linger_ms` before the socket recorded any LINGER.
const LINGER_UNSET: i64 = i64::MIN;

/// Retires a closed socket's monitor when dropped: each I/O thread holds a
/// share while it closes the socket's listeners, so MONITOR_STOPPED follows
/// their CLOSED events, as in libzmq.
pub(crate) struct CloseNotice {
    link: Arc<SocketLink>,
}

impl CloseNotice {
    pub(crate) fn new(link: Arc<SocketLink>) -> CloseNotice {
        CloseNotice { link }
    }
}

impl Drop for CloseNotice {
    fn drop(&mut self) {
        self.link.retire_monitor();
    }
}
