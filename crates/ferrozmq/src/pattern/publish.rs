//! PUB and XPUB: distribute each message to every peer subscribed to a prefix
//! of its first frame; never block, drop at a peer's high-water mark (RFC 29).
//!
//! XPUB also passes subscriptions up to the application as messages
//! (`0x01 topic` / `0x00 topic`), and with XPUB_MANUAL lets it decide them.

use std::collections::VecDeque;

use bytes::{BufMut, Bytes, BytesMut};
use ferrozmq_engine::{Msg, MsgKind, PeerRef, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::Subscriptions;
use crate::socket::Options;

#[derive(Debug)]
pub(crate) struct Publisher {
    xpub: bool,
    peers: Vec<Peer>,
    /// How many peers subscribe to each topic (to tell first and last apart).
    all: Subscriptions,
    /// Messages for an XPUB application: subscriptions and upstream data.
    pending: VecDeque<Received>,
    /// The peer whose subscription was last passed up (XPUB_MANUAL).
    last_subscriber: Option<PipeId>,
}

#[derive(Debug)]
struct Peer {
    pipe: Pipe,
    subscriptions: Subscriptions,
    /// What the peer asked for (XPUB_MANUAL), whatever the application applied.
    requested: Subscriptions,
}

impl Publisher {
    pub(crate) fn new(xpub: bool) -> Publisher {
        Publisher {
            xpub,
            peers: Vec::new(),
            all: Subscriptions::default(),
            pending: VecDeque::new(),
            last_subscriber: None,
        }
    }

    /// Applies every subscription change the peers have sent.
    fn process_input(&mut self, options: &Options) {
        let mut dead = Vec::new();
        for i in 0..self.peers.len() {
            while let Some(peer) = self.peers.get_mut(i) {
                let Some(msg) = peer.pipe.recv() else {
                    if peer.pipe.is_gone() {
                        dead.push(peer.pipe.id());
                    }
                    break;
                };
                let info = peer.pipe.peer_ref();
                match msg.kind() {
                    MsgKind::Subscribe => self.subscribe(i, msg.first().clone(), info, options),
                    MsgKind::Cancel => self.cancel(i, msg.first().clone(), info, options),
                    MsgKind::Data if self.xpub => self.pending.push_back((msg, info)),
                    MsgKind::Data => {}
                }
            }
        }
        for id in dead {
            self.detach_with(id, options);
        }
    }

    fn subscribe(&mut self, index: usize, topic: Bytes, info: PeerRef, options: &Options) {
        let Some(peer) = self.peers.get_mut(index) else {
            return;
        };
        let pipe_id = peer.pipe.id();
        if options.xpub_manual && self.xpub {
            self.last_subscriber = Some(pipe_id);
            if !peer.requested.contains(&topic) {
                peer.requested.add(&topic);
            }
            self.pending.push_back((tagged(1, &topic), info));
            return;
        }
        // Per peer a topic is in or out, as in libzmq's mtrie: a second
        // SUBSCRIBE from the same peer changes nothing, one CANCEL ends it.
        let first_for_peer = !peer.subscriptions.contains(&topic) && peer.subscriptions.add(&topic);
        let unique = first_for_peer && self.all.add(&topic);
        if self.xpub && (unique || options.xpub_verbose || options.xpub_verboser) {
            self.pending.push_back((tagged(1, &topic), info));
        }
    }

    fn cancel(&mut self, index: usize, topic: Bytes, info: PeerRef, options: &Options) {
        let Some(peer) = self.peers.get_mut(index) else {
            return;
        };
        if options.xpub_manual && self.xpub {
            self.last_subscriber = Some(peer.pipe.id());
            peer.requested.remove(&topic);
            self.pending.push_back((tagged(0, &topic), info));
            return;
        }
        let last_for_peer = peer.subscriptions.remove(&topic);
        let unique = last_for_peer && self.all.remove(&topic);
        if self.xpub && (unique || options.xpub_verboser) {
            self.pending.push_back((tagged(0, &topic), info));
        }
    }

    fn detach_with(&mut self, pipe_id: PipeId, options: &Options) {
        let Some(pos) = self.peers.iter().position(|p| p.pipe.id() == pipe_id) else {
            return;
        };
        let peer = self.peers.remove(pos);
        if self.last_subscriber == Some(pipe_id) {
            self.last_subscriber = None;
        }
        for topic in peer.subscriptions.topics() {
            // A peer may hold a topic several times; it counts once in `all`.
            if self.all.remove(&topic) && self.xpub && !options.xpub_manual {
                self.pending
                    .push_back((tagged(0, &topic), PeerRef::default()));
            }
        }
        // XPUB_MANUAL: the application hears a cancel for each of the
        // departing peer's requests (libzmq's are not only the last ones).
        for topic in peer.requested.topics() {
            if self.xpub && options.xpub_manual {
                self.pending
                    .push_back((tagged(0, &topic), PeerRef::default()));
            }
        }
    }

    fn targets<'a>(
        &'a self,
        topic: &'a [u8],
        options: &'a Options,
    ) -> impl Iterator<Item = &'a Pipe> {
        self.peers
            .iter()
            .filter(move |p| p.subscriptions.matches(topic) != options.invert_matching)
            .map(|p| &p.pipe)
    }
}

/// `flag` followed by `topic`: the message form of a subscription.
fn tagged(flag: u8, topic: &[u8]) -> Msg {
    let mut b = BytesMut::with_capacity(1 + topic.len());
    b.put_u8(flag);
    b.put_slice(topic);
    Msg::single(b.freeze())
}

impl Pattern for Publisher {
    fn attach(&mut self, pipe: Pipe, options: &Options) {
        if self.xpub {
            if let Some(welcome) = &options.xpub_welcome_msg {
                pipe.send_queued(Msg::single(welcome.clone()));
            }
        }
        self.peers.push(Peer {
            pipe,
            subscriptions: Subscriptions::default(),
            requested: Subscriptions::default(),
        });
    }

    fn detach(&mut self, pipe_id: PipeId) {
        if let Some(pos) = self.peers.iter().position(|p| p.pipe.id() == pipe_id) {
            let peer = self.peers.remove(pos);
            for topic in peer.subscriptions.topics() {
                self.all.remove(&topic);
            }
        }
    }

    fn prepare_send(&mut self, first: &Bytes, options: &Options) -> Result<()> {
        self.process_input(options);
        // PUB honours XPUB_NODROP too (libzmq's PUB is an XPUB).
        if options.xpub_nodrop {
            let full = self.targets(first, options).any(|p| p.is_full());
            if full {
                return Err(Error::Again);
            }
        }
        Ok(())
    }

    fn send(&mut self, msg: Msg, options: &Options) -> Result<()> {
        let topic = msg.first().clone();
        for pipe in self.targets(&topic, options) {
            // A slow subscriber loses messages at its high-water mark; others are unaffected.
            if !pipe.is_full() {
                pipe.send(msg.clone(), options.sparse);
            }
        }
        Ok(())
    }

    fn recv(&mut self, options: &Options) -> Result<Option<Received>> {
        if !self.xpub {
            return Err(Error::NotSupported);
        }
        self.process_input(options);
        Ok(self.pending.pop_front())
    }

    fn can_send(&self) -> bool {
        true
    }

    fn refresh(&mut self, options: &Options) {
        self.process_input(options);
    }

    fn can_recv(&self) -> bool {
        self.xpub && !self.pending.is_empty()
    }

    fn set_subscription(&mut self, subscribe: bool, topic: &[u8], _: &Options) -> Result<()> {
        if !self.xpub {
            return Err(Error::Invalid);
        }
        // XPUB_MANUAL: the application applies the last peer's (un)subscription.
        let Some(target) = self.last_subscriber else {
            return Ok(());
        };
        if let Some(peer) = self.peers.iter_mut().find(|p| p.pipe.id() == target) {
            if subscribe {
                if !peer.subscriptions.contains(topic) && peer.subscriptions.add(topic) {
                    self.all.add(topic);
                }
            } else if peer.subscriptions.remove(topic) {
                self.all.remove(topic);
            }
        }
        Ok(())
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.peers.iter().map(|p| p.pipe.clone()).collect()
    }
}
