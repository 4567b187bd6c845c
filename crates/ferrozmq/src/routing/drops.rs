//! [`Drops`]: how many messages a socket threw away, and why.
//!
//! Counted only where a message is dropped, never on the delivering path,
//! so sending costs nothing more. Plain integers: a socket is used from one
//! thread at a time, and its statistics are read through it.

use ferrozmq_engine::PipeId;

use super::PipeMap;

/// Messages a socket dropped, in total and per peer.
#[derive(Debug, Default, Clone)]
pub(crate) struct Drops {
    /// Messages not queued for a peer because its pipe was at the
    /// high-water mark (PUB/XPUB per subscriber, ROUTER per peer).
    hwm: u64,
    /// [`Drops::hwm`] by peer, for the peers still attached.
    hwm_by_pipe: PipeMap<u64>,
    /// Messages no peer was found for (ROUTER without ROUTER_MANDATORY).
    unroutable: u64,
}

impl Drops {
    /// One message not queued for `pipe` at its high-water mark.
    pub(crate) fn at_hwm(&mut self, pipe: PipeId) {
        self.hwm += 1;
        *self.hwm_by_pipe.entry(pipe).or_default() += 1;
    }

    /// One message for a routing id no peer has.
    pub(crate) fn unroutable(&mut self) {
        self.unroutable += 1;
    }

    /// A peer left: its own count goes, the totals keep it.
    pub(crate) fn forget(&mut self, pipe: PipeId) {
        self.hwm_by_pipe.remove(&pipe);
    }

    /// Forgets the peers `attached` no longer names (those that left
    /// without a [`Drops::forget`]). Cold: call it when a peer arrives.
    pub(crate) fn keep_only(&mut self, attached: impl Fn(PipeId) -> bool) {
        self.hwm_by_pipe.retain(|id, _| attached(*id));
    }

    /// Every message dropped at a high-water mark so far.
    pub(crate) fn hwm_total(&self) -> u64 {
        self.hwm
    }

    /// Messages dropped at `pipe`'s high-water mark.
    pub(crate) fn hwm_for(&self, pipe: PipeId) -> u64 {
        self.hwm_by_pipe.get(&pipe).copied().unwrap_or(0)
    }

    /// Every unroutable message dropped so far.
    pub(crate) fn unroutable_total(&self) -> u64 {
        self.unroutable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::pipes::tests::pipe_pair;

    #[test]
    fn totals_outlive_peers() {
        let (a, _) = pipe_pair(1);
        let mut d = Drops::default();
        d.at_hwm(a.id());
        d.at_hwm(a.id());
        d.unroutable();
        assert_eq!(
            (d.hwm_total(), d.hwm_for(a.id()), d.unroutable_total()),
            (2, 2, 1)
        );
        d.forget(a.id());
        assert_eq!((d.hwm_total(), d.hwm_for(a.id())), (2, 0));
    }
}
