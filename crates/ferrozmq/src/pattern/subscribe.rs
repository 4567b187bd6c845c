//! SUB and XSUB: fair-queue messages from publishers, keep those whose first
//! frame starts with a subscribed prefix, and tell publishers what we want
//! (RFC 29).
//!
//! SUB subscribes through the SUBSCRIBE/UNSUBSCRIBE options; XSUB through
//! messages `0x01 topic` / `0x00 topic`, and passes other messages upstream.

use bytes::Bytes;
use ferrozmq_engine::{Msg, MsgKind, Pipe, PipeId};

use super::subscription_frames::{change_in, SubscriptionFrames};
use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{FairQueue, Origin, Pipes, Slot, Subscriptions};

#[derive(Debug)]
pub(crate) struct Subscriber {
    xsub: bool,
    pipes: Pipes,
    input: FairQueue,
    subscriptions: Subscriptions,
    /// A non-subscription message XSUB is about to pass upstream.
    upstream: bool,
    /// A matching message taken in by [`Pattern::refresh`] so that POLLIN
    /// counts only messages the filter keeps (libzmq's `xsub::xhas_in`).
    prefetched: Option<Received>,
}

impl Subscriber {
    pub(crate) fn new(xsub: bool) -> Subscriber {
        Subscriber {
            xsub,
            pipes: Pipes::default(),
            input: FairQueue::default(),
            subscriptions: Subscriptions::default(),
            upstream: false,
            prefetched: None,
        }
    }

    /// The next message the filter keeps, straight from the pipes.
    #[inline]
    fn next_kept(&mut self, options: &PatternOptions) -> Option<Received> {
        loop {
            // The pipe whose turn it is first (no list of pipes gone).
            let (msg, _, peer) = match self.input.recv_turn(&self.pipes) {
                Some(got) => got,
                None => self.recv_others()?,
            };
            if msg.kind() != MsgKind::Data {
                continue;
            }
            // XSUB passes everything up: the publisher filters (as libzmq's
            // XSUB, whose `filter` option is off).
            if self.xsub || self.subscriptions.matches(msg.first()) != options.invert_matching {
                return Some((msg, peer));
            }
        }
    }

    /// A message from a pipe other than the one whose turn it was (out of
    /// line: the usual path stays short); pipes found gone leave.
    #[inline(never)]
    fn recv_others(&mut self) -> Option<(Msg, Slot, Origin)> {
        let mut gone = Vec::new();
        let got = self.input.recv_further(&self.pipes, |s| gone.push(s));
        for slot in gone {
            self.forget(slot);
        }
        got
    }

    fn send_all(&self, msg: &Msg) {
        for pipe in self.pipes.iter() {
            pipe.send_queued(msg.clone());
        }
    }

    fn resend_subscriptions(&self, pipe: &Pipe) {
        for topic in self.subscriptions.topics() {
            pipe.send_queued(Msg::subscription(true, Bytes::from(topic)));
        }
    }

    fn change(&mut self, subscribe: bool, topic: &[u8]) {
        if subscribe {
            // Always forwarded: the publisher counts, as libzmq does.
            self.subscriptions.add(topic);
            self.send_all(&Msg::subscription(true, Bytes::copy_from_slice(topic)));
        } else if self.subscriptions.remove(topic) {
            self.send_all(&Msg::subscription(false, Bytes::copy_from_slice(topic)));
        }
    }

    /// A multipart message from an XSUB application: the frames that read
    /// as subscription changes (libzmq 4.3's rule, see subscription_frames)
    /// change ours, and the message goes upstream without the cancels of
    /// topics still subscribed, as libzmq's XSUB sends it frame by frame.
    fn send_parts(&mut self, msg: Msg, only_first_subscribe: bool) {
        let mut frames = SubscriptionFrames::new(only_first_subscribe);
        let mut upstream = Vec::with_capacity(msg.len());
        for frame in msg.into_frames() {
            let forward = match frames.next(&frame) {
                Some((true, topic)) => {
                    self.subscriptions.add(topic);
                    true
                }
                Some((false, topic)) => self.subscriptions.remove(topic),
                None => true,
            };
            if forward {
                upstream.push(frame);
            }
        }
        if let Some(msg) = Msg::from_bodies(upstream) {
            self.send_all(&msg);
        }
    }

    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        self.input.remove(slot);
        self.pipes.remove(slot);
    }
}

impl Pattern for Subscriber {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        self.resend_subscriptions(&pipe);
        let slot = self.pipes.insert(pipe);
        self.input.attach(slot);
    }

    fn hiccup(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(pipe) = self.pipes.slot_of(pipe).and_then(|s| self.pipes.get(s)) {
            self.resend_subscriptions(pipe);
        }
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    fn prepare_send(&mut self, first: &[u8], _: &PatternOptions) -> Result<()> {
        if !self.xsub {
            return Err(ErrorKind::NotSupported.into());
        }
        self.upstream = !matches!(first.first(), Some(0) | Some(1));
        Ok(())
    }

    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        if msg.len() > 1 {
            self.send_parts(msg, options.only_first_subscribe);
            return Ok(());
        }
        if self.upstream {
            self.send_all(&msg);
            return Ok(());
        }
        match change_in(msg.first()) {
            Some((subscribe, topic)) => self.change(subscribe, topic),
            None => self.send_all(&msg),
        }
        Ok(())
    }

    fn recv(&mut self, options: &PatternOptions) -> Result<Option<Received>> {
        if let Some(kept) = self.prefetched.take() {
            return Ok(Some(kept));
        }
        Ok(self.next_kept(options))
    }

    #[inline]
    fn recv_into(&mut self, into: &mut Option<Received>, options: &PatternOptions) -> Result<bool> {
        if self.prefetched.is_some() {
            *into = self.prefetched.take();
            return Ok(true);
        }
        let Some(kept) = self.next_kept(options) else {
            return Ok(false);
        };
        *into = Some(kept);
        Ok(true)
    }

    fn refresh(&mut self, options: &PatternOptions) {
        if !self.xsub && self.prefetched.is_none() {
            self.prefetched = self.next_kept(options);
        }
    }

    fn can_send(&self) -> bool {
        self.xsub
    }

    fn can_recv(&self) -> bool {
        self.prefetched.is_some() || (self.xsub && self.input.has_input(&self.pipes))
    }

    fn set_subscription(
        &mut self,
        subscribe: bool,
        topic: &[u8],
        _: &PatternOptions,
    ) -> Result<()> {
        if self.xsub {
            return Err(ErrorKind::Invalid.into());
        }
        self.change(subscribe, topic);
        Ok(())
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
