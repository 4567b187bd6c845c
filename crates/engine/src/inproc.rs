//! inproc: pipes straight between two sockets, with no I/O thread and no copy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use ferrozmq_zmtp::SocketType;

use crate::link::{LinkEvent, SocketLink};
use crate::pipe::{PeerInfo, Pipe};

/// What one side of an inproc connection brings to it.
#[derive(Debug, Clone)]
pub struct InprocPeer {
    /// The socket to hand the pipe to.
    pub link: Arc<SocketLink>,
    /// Its socket type.
    pub socket_type: SocketType,
    /// Its routing id (ZMQ_ROUTING_ID).
    pub routing_id: Bytes,
    /// Its send high-water mark.
    pub sndhwm: usize,
    /// Its receive high-water mark.
    pub rcvhwm: usize,
    /// Whether it keeps only the last message it receives (ZMQ_CONFLATE).
    pub conflate: bool,
    /// Whether it greets a new peer with an empty message (ZMQ_PROBE_ROUTER).
    pub probe_router: bool,
}

/// Why an inproc bind failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InprocError {
    /// The name is already bound (EADDRINUSE).
    AddressInUse,
    /// Unknown name on unbind (ENOENT).
    NotFound,
}

/// The names bound in one context, and connects waiting for their bind.
#[derive(Debug, Default)]
pub struct InprocRegistry {
    inner: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    bound: HashMap<String, InprocPeer>,
    pending: HashMap<String, Vec<(InprocPeer, Pipe)>>,
}

impl InprocRegistry {
    /// An empty registry.
    pub fn new() -> InprocRegistry {
        InprocRegistry::default()
    }

    /// Binds `name` to `peer`; connects already waiting for it are completed.
    pub fn bind(&self, name: &str, peer: InprocPeer) -> Result<(), InprocError> {
        let Ok(mut reg) = self.inner.lock() else {
            return Err(InprocError::AddressInUse);
        };
        if reg.bound.contains_key(name) {
            return Err(InprocError::AddressInUse);
        }
        for (connecter, pipe) in reg.pending.remove(name).unwrap_or_default() {
            finish(&peer, &connecter, &pipe);
            peer.link.post(LinkEvent::Attach(pipe.mirror()));
        }
        reg.bound.insert(name.to_owned(), peer);
        Ok(())
    }

    /// Removes a binding.
    pub fn unbind(&self, name: &str, link: &Arc<SocketLink>) -> Result<(), InprocError> {
        let Ok(mut reg) = self.inner.lock() else {
            return Err(InprocError::NotFound);
        };
        match reg.bound.get(name) {
            Some(p) if p.link.id() == link.id() => {
                reg.bound.remove(name);
                Ok(())
            }
            _ => Err(InprocError::NotFound),
        }
    }

    /// Removes every binding of a closing socket, and its pending connects
    /// that carry nothing: one with queued messages stays, so a later bind
    /// still receives them (libzmq lingers on pending inproc connects too).
    pub fn forget(&self, link: &Arc<SocketLink>) {
        if let Ok(mut reg) = self.inner.lock() {
            reg.bound.retain(|_, p| p.link.id() != link.id());
            for list in reg.pending.values_mut() {
                list.retain(|(p, pipe)| p.link.id() != link.id() || pipe.has_queued_output());
            }
            reg.pending.retain(|_, list| !list.is_empty());
        }
    }

    /// Connects to `name`, returning the connecter's pipe at once; if nothing
    /// is bound yet, the binder receives its end when it binds.
    pub fn connect(&self, name: &str, connecter: InprocPeer, endpoint: Arc<str>) -> Pipe {
        // Each direction holds the sender's SNDHWM plus the receiver's RCVHWM, as in libzmq.
        let pipe = Pipe::new_between_sockets(0, 0, endpoint);
        if connecter.probe_router {
            pipe.send_probe();
        }
        let Ok(mut reg) = self.inner.lock() else {
            return pipe;
        };
        match reg.bound.get(name) {
            Some(binder) => {
                finish(binder, &connecter, &pipe);
                binder.link.post(LinkEvent::Attach(pipe.mirror()));
            }
            None => {
                pipe.wire_near(connecter.link.signaler.clone());
                pipe.set_send_hwm(connecter.sndhwm);
                pipe.inbound.set_conflate(connecter.conflate);
                reg.pending
                    .entry(name.to_owned())
                    .or_default()
                    .push((connecter, pipe.clone()));
            }
        }
        pipe
    }
}

/// The endpoint name ZAP handlers bind (RFC 27).
pub(crate) const ZAP_ENDPOINT: &str = "zeromq.zap.01";

impl InprocRegistry {
    /// Opens a pipe to the socket bound at `name` for a client inside the
    /// engine (a session asking ZAP); `None` if nothing is bound there.
    pub(crate) fn connect_internal(
        &self,
        name: &str,
        wake: Arc<dyn crate::notify::Notify>,
    ) -> Option<Pipe> {
        let reg = self.inner.lock().ok()?;
        let binder = reg.bound.get(name)?;
        let pipe = Pipe::new(0, 0, Arc::from(format!("inproc://{name}").as_str()));
        pipe.wire(wake, binder.link.signaler.clone());
        pipe.announce(PeerInfo {
            routing_id: Bytes::new(),
            properties: vec![("Socket-Type".into(), Bytes::from_static(b"DEALER"))],
            ..Default::default()
        });
        binder.link.post(LinkEvent::Attach(pipe.mirror()));
        Some(pipe)
    }
}

/// Wires a connecter's pipe to a binder: notifiers, high-water marks, peer info.
fn finish(binder: &InprocPeer, connecter: &InprocPeer, pipe: &Pipe) {
    // `pipe` is the connecter's view.
    let far = pipe.mirror();
    pipe.wire(
        connecter.link.signaler.clone(),
        binder.link.signaler.clone(),
    );
    pipe.set_send_hwm(connecter.sndhwm);
    pipe.set_recv_hwm(connecter.rcvhwm);
    far.set_send_hwm(binder.sndhwm);
    far.set_recv_hwm(binder.rcvhwm);
    pipe.inbound.set_conflate(connecter.conflate);
    pipe.outbound.set_conflate(binder.conflate);
    if binder.probe_router {
        far.send_probe();
    }
    pipe.set_peer_info(PeerInfo {
        routing_id: binder.routing_id.clone(),
        properties: vec![(
            "Socket-Type".into(),
            Bytes::from_static(binder.socket_type.name().as_bytes()),
        )],
        ..Default::default()
    });
    pipe.announce(PeerInfo {
        routing_id: connecter.routing_id.clone(),
        properties: vec![(
            "Socket-Type".into(),
            Bytes::from_static(connecter.socket_type.name().as_bytes()),
        )],
        ..Default::default()
    });
}
