//! PUB and XPUB: distribute each message to every peer subscribed to a prefix
//! of its first frame; never block, drop at a peer's high-water mark (RFC 29).
//!
//! XPUB also passes subscriptions up to the application as messages
//! (`0x01 topic` / `0x00 topic`), and with XPUB_MANUAL lets it decide them.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use ferrozmq_engine::{Body, Msg, MsgKind, PeerRef, Pipe, PipeId, Signaler, Throttle};

use super::subscription_frames::{change_in, SubscriptionFrames};
use super::{Origin, Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{Drops, Pipes, Slot, Subscriptions};

#[derive(Debug)]
pub(crate) struct Publisher {
    xpub: bool,
    pipes: Pipes,
    peers: Vec<Peer>,
    /// How many peers subscribe to each topic (to tell first and last apart).
    all: Subscriptions,
    /// Messages for an XPUB application: subscriptions and upstream data.
    pending: VecDeque<Pending>,
    /// The peer whose subscription the application read last (XPUB_MANUAL):
    /// its SUBSCRIBE and UNSUBSCRIBE options apply to this peer.
    last_subscriber: Option<Slot>,
    /// Messages a slow subscriber missed at its high-water mark.
    drops: Drops,
    /// The peers a message goes to (kept to reuse its allocation).
    targets: Vec<Slot>,
    /// Its copies, one per target (likewise).
    copies: Vec<Msg>,
    /// The socket's signaler: its news say a peer sent something.
    news: Option<Arc<Signaler>>,
    /// When a send next looks at the peers' input regardless of news
    /// (see `prepare_send`).
    input_check: Throttle,
}

/// A message waiting for the XPUB application's `recv`.
#[derive(Debug)]
struct Pending {
    received: Received,
    /// Under XPUB_MANUAL, a subscription change from this peer (`None`:
    /// one that left): reading it makes the peer the last subscriber.
    manual_from: Option<Option<Slot>>,
}

impl Pending {
    fn data(msg: Msg, info: PeerRef) -> Pending {
        Pending {
            received: (msg, Origin::Peer(info)),
            manual_from: None,
        }
    }
}

/// A subscription change to pass up to the XPUB application.
struct Notice {
    /// `0x01 topic` or `0x00 topic`.
    body: Body,
    /// Under XPUB_MANUAL, the peer it came from.
    manual_from: Option<Option<Slot>>,
}

#[derive(Debug)]
struct Peer {
    slot: Slot,
    subscriptions: Subscriptions,
    /// What the peer asked for (XPUB_MANUAL), whatever the application applied.
    requested: Subscriptions,
}

impl Publisher {
    pub(crate) fn new(xpub: bool) -> Publisher {
        Publisher {
            xpub,
            pipes: Pipes::default(),
            peers: Vec::new(),
            all: Subscriptions::default(),
            pending: VecDeque::new(),
            last_subscriber: None,
            drops: Drops::default(),
            targets: Vec::new(),
            copies: Vec::new(),
            news: None,
            input_check: Throttle::new(Throttle::TICKS_100_US),
        }
    }

    /// Applies every subscription change the peers have sent.
    ///
    /// It looks at every peer: a pipe with nothing
    /// waiting is told by [`Pipe::has_input`] (two plain loads), not by a
    /// receive, which takes the queue's reading role (a locked instruction
    /// per peer per message).
    fn process_input(&mut self, options: &PatternOptions) {
        let mut dead = Vec::new();
        for i in 0..self.peers.len() {
            while let Some(peer) = self.peers.get(i) {
                let Some(pipe) = self.pipes.get(peer.slot) else {
                    dead.push(peer.slot);
                    break;
                };
                if !pipe.has_input() {
                    if pipe.is_gone() {
                        dead.push(peer.slot);
                    }
                    break;
                }
                let Some(msg) = pipe.recv() else {
                    if pipe.is_gone() {
                        dead.push(peer.slot);
                    }
                    break;
                };
                let info = pipe.peer_ref();
                match msg.kind() {
                    MsgKind::Subscribe | MsgKind::Cancel => {
                        let subscribe = msg.kind() == MsgKind::Subscribe;
                        if let Some(notice) = self.change(i, subscribe, msg.first(), options) {
                            self.pending
                                .push_back(notice.into_pending(Vec::new(), info));
                        }
                    }
                    MsgKind::Data => self.take_data(i, msg, info, options),
                }
            }
        }
        for slot in dead {
            self.forget(slot, options);
        }
    }

    /// Applies a peer's subscription change; what to tell an XPUB
    /// application of it, if anything.
    fn change(
        &mut self,
        index: usize,
        subscribe: bool,
        topic: &[u8],
        options: &PatternOptions,
    ) -> Option<Notice> {
        let peer = self.peers.get_mut(index)?;
        if options.xpub_manual && self.xpub {
            if subscribe {
                if !peer.requested.contains(topic) {
                    peer.requested.add(topic);
                }
            } else {
                peer.requested.remove(topic);
            }
            return Some(Notice {
                body: tagged(subscribe, topic),
                manual_from: Some(Some(peer.slot)),
            });
        }
        // Per peer a topic is in or out, as in libzmq's mtrie: a second
        // SUBSCRIBE from the same peer changes nothing, one CANCEL ends it.
        let notify = if subscribe {
            let first_for_peer =
                !peer.subscriptions.contains(topic) && peer.subscriptions.add(topic);
            let unique = first_for_peer && self.all.add(topic);
            unique || options.xpub_verbose || options.xpub_verboser
        } else {
            let last_for_peer = peer.subscriptions.remove(topic);
            let unique = last_for_peer && self.all.remove(topic);
            unique || options.xpub_verboser
        };
        (self.xpub && notify).then(|| Notice {
            body: tagged(subscribe, topic),
            manual_from: None,
        })
    }

    /// A data message from a peer: its frames that read as subscription
    /// changes are applied (libzmq 4.3's rule, see subscription_frames);
    /// XPUB passes the rest up, PUB drops it. As in libzmq, a change's
    /// notice ends the message it interrupts.
    fn take_data(&mut self, index: usize, msg: Msg, info: PeerRef, options: &PatternOptions) {
        if msg.len() == 1 && change_in(msg.first()).is_none() {
            if self.xpub {
                self.pending.push_back(Pending::data(msg, info));
            }
            return;
        }
        let mut frames = SubscriptionFrames::new(options.only_first_subscribe);
        let mut data = Vec::new();
        for frame in msg.into_frames() {
            match frames.next(&frame) {
                Some((subscribe, topic)) => {
                    if let Some(notice) = self.change(index, subscribe, topic, options) {
                        let data = std::mem::take(&mut data);
                        self.pending
                            .push_back(notice.into_pending(data, info.clone()));
                    }
                }
                None if self.xpub => data.push(frame),
                None => {}
            }
        }
        if let Some(msg) = Msg::from_bodies(data) {
            self.pending.push_back(Pending::data(msg, info));
        }
    }

    /// The one way a pipe leaves (disconnect, unbind, or its peer went
    /// away). As libzmq's `xpipe_terminated`, XPUB tells the application of
    /// each topic nobody subscribes to any more (with XPUB_VERBOSER, of
    /// each of the peer's topics; with XPUB_MANUAL, of each it requested).
    fn forget(&mut self, slot: Slot, options: &PatternOptions) {
        if let Some(pipe) = self.pipes.remove(slot) {
            self.drops.forget(pipe.id());
        }
        let Some(pos) = self.peers.iter().position(|p| p.slot == slot) else {
            return;
        };
        let peer = self.peers.remove(pos);
        if self.last_subscriber == Some(slot) {
            self.last_subscriber = None;
        }
        let manual = self.xpub && options.xpub_manual;
        for topic in peer.subscriptions.topics() {
            // A peer holds a topic once; it counts once in `all`.
            let last = self.all.remove(&topic);
            if self.xpub && !manual && (last || options.xpub_verboser) {
                let notice = Notice {
                    body: tagged(false, &topic),
                    manual_from: None,
                };
                self.pending
                    .push_back(notice.into_pending(Vec::new(), PeerRef::default()));
            }
        }
        if manual {
            for topic in peer.requested.topics() {
                let notice = Notice {
                    body: tagged(false, &topic),
                    manual_from: Some(None),
                };
                self.pending
                    .push_back(notice.into_pending(Vec::new(), PeerRef::default()));
            }
        }
    }

    fn targets<'a>(
        &'a self,
        topic: &'a [u8],
        options: &'a PatternOptions,
    ) -> impl Iterator<Item = &'a Pipe> {
        subscribed(&self.peers, &self.pipes, topic, options)
    }
}

/// The pipes of the `peers` subscribed to `topic`.
fn subscribed<'a>(
    peers: &'a [Peer],
    pipes: &'a Pipes,
    topic: &'a [u8],
    options: &'a PatternOptions,
) -> impl Iterator<Item = &'a Pipe> {
    matching(peers, topic, options).filter_map(|p| pipes.get(p.slot))
}

/// The `peers` subscribed to `topic` (or, with ZMQ_INVERT_MATCHING, not).
fn matching<'p>(
    peers: &'p [Peer],
    topic: &'p [u8],
    options: &'p PatternOptions,
) -> impl Iterator<Item = &'p Peer> {
    peers
        .iter()
        .filter(move |p| p.subscriptions.matches(topic) != options.invert_matching)
}

/// `0x01 topic` or `0x00 topic`: the message form of a subscription change.
fn tagged(subscribe: bool, topic: &[u8]) -> Body {
    let mut b = BytesMut::with_capacity(1 + topic.len());
    b.put_u8(u8::from(subscribe));
    b.put_slice(topic);
    Body::from(b.freeze())
}

impl Notice {
    /// The message the application reads: the `data` frames the change
    /// interrupted, then the change.
    fn into_pending(self, data: Vec<Body>, info: PeerRef) -> Pending {
        let mut msg = Msg::single(self.body);
        for frame in data.into_iter().rev() {
            msg.push_front(frame);
        }
        Pending {
            received: (msg, Origin::Peer(info)),
            manual_from: self.manual_from,
        }
    }
}

impl Pattern for Publisher {
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions) {
        if self.xpub {
            if let Some(welcome) = &options.xpub_welcome_msg {
                pipe.send_queued(Msg::single(welcome.clone()));
            }
        }
        let slot = self.pipes.insert(pipe);
        // What it sent before it joined was announced before: look anyway.
        self.input_check.reset();
        self.peers.push(Peer {
            slot,
            subscriptions: Subscriptions::default(),
            requested: Subscriptions::default(),
        });
    }

    fn detach(&mut self, pipe: PipeId, options: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot, options);
        }
    }

    fn prepare_send(&mut self, first: &[u8], options: &PatternOptions) -> Result<()> {
        // A send looks at what the peers sent (subscriptions, departures)
        // when a pipe has notified the socket since the last look (as
        // libzmq's XPUB reads a pipe when it signals read-activation), and
        // at least once per 100 µs: a look costs a few cache lines per
        // peer, which at 100 subscribers was more than the send itself.
        // Receives, polls and a send that must wait look every time.
        let news = self.news.as_ref().is_none_or(|s| s.take_news());
        if self.input_check.due() || news {
            self.process_input(options);
        }
        // PUB honours XPUB_NODROP too (libzmq's PUB is an XPUB).
        if options.xpub_nodrop {
            let full = self.targets(first, options).any(Pipe::is_full);
            if full {
                self.input_check.reset();
                return Err(ErrorKind::Again.into());
            }
        }
        Ok(())
    }

    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        // XPUB_MANUAL_LAST_VALUE: the first message after the application
        // read a subscription goes to that subscriber only (a last value).
        let only = if self.xpub && options.xpub_manual && options.xpub_manual_last_value {
            self.last_subscriber.take()
        } else {
            None
        };
        let targets = &mut self.targets;
        targets.clear();
        let drops = &mut self.drops;
        for peer in matching(&self.peers, msg.first(), options) {
            if only.is_some_and(|slot| slot != peer.slot) {
                continue;
            }
            let Some(pipe) = self.pipes.get(peer.slot) else {
                continue;
            };
            // A slow subscriber loses messages at its high-water mark;
            // others are unaffected.
            if pipe.is_full() {
                drops.at_hwm(pipe.id());
            } else {
                targets.push(peer.slot);
            }
        }
        // No subscriber wants it, or one does: no copies to make.
        match targets.as_slice() {
            [] => return Ok(()),
            [slot] => {
                if let Some(pipe) = self.pipes.get(*slot) {
                    pipe.send(msg, options.sparse);
                }
                return Ok(());
            }
            _ => {}
        }
        // Each send writes lines the pipe's reader touched last; asking
        // for them a few pipes ahead lets them come in parallel, the first
        // ones while the copies are made.
        let prefetch = |i: usize| {
            if let Some(pipe) = targets.get(i).and_then(|s| self.pipes.get(*s)) {
                pipe.prefetch_send();
            }
        };
        (0..PREFETCH_AHEAD).for_each(prefetch);
        // A body in a pooled block would be copied into a block per
        // subscriber, where shared bytes are a reference count each
        // (measured: tcp 64 B to 100 subscriber processes, CPU per delivery
        // +30 % with blocks).
        let msg = msg.into_shareable();
        // Every copy is made before the first is handed out, as libzmq
        // adds all its references at once: while no consumer holds the
        // body yet, its reference count stays in this thread's cache
        // instead of bouncing to the I/O threads that drop their copies.
        // The last target takes the message itself.
        let copies = &mut self.copies;
        copies.clear();
        for _ in 1..targets.len() {
            copies.push(msg.clone());
        }
        copies.push(msg);
        for (i, (slot, copy)) in targets.iter().zip(copies.drain(..)).enumerate() {
            prefetch(i + PREFETCH_AHEAD);
            if let Some(pipe) = self.pipes.get(*slot) {
                pipe.send(copy, options.sparse);
            }
        }
        Ok(())
    }

    fn recv(&mut self, options: &PatternOptions) -> Result<Option<Received>> {
        if !self.xpub {
            return Err(ErrorKind::NotSupported.into());
        }
        self.process_input(options);
        let Some(pending) = self.pending.pop_front() else {
            return Ok(None);
        };
        if let Some(from) = pending.manual_from {
            self.last_subscriber = from;
        }
        Ok(Some(pending.received))
    }

    fn can_send(&self) -> bool {
        true
    }

    fn refresh(&mut self, options: &PatternOptions) {
        self.process_input(options);
    }

    fn watch_news(&mut self, signaler: Arc<Signaler>) {
        self.news = Some(signaler);
    }

    fn can_recv(&self) -> bool {
        self.xpub && !self.pending.is_empty()
    }

    fn set_subscription(
        &mut self,
        subscribe: bool,
        topic: &[u8],
        options: &PatternOptions,
    ) -> Result<()> {
        // Only an XPUB with XPUB_MANUAL takes subscriptions from its
        // application (libzmq: EINVAL otherwise).
        if !self.xpub || !options.xpub_manual {
            return Err(ErrorKind::Invalid.into());
        }
        // The application applies the last peer's (un)subscription.
        let Some(target) = self.last_subscriber else {
            return Ok(());
        };
        if let Some(peer) = self.peers.iter_mut().find(|p| p.slot == target) {
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

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }

    fn drops(&self) -> Option<&Drops> {
        Some(&self.drops)
    }
}

/// How many pipes ahead of its send a fan-out asks for the lines the send
/// writes (`Pipe::prefetch_send`): enough to cover a line's trip from
/// another core while the sends before it run.
const PREFETCH_AHEAD: usize = 4;
