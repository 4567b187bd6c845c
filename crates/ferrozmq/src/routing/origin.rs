//! [`Origin`]: who sent a received message, as the patterns report it.

use ferrozmq_engine::{PeerRef, Pipe, PipeId};

/// Who sent a received message.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// The peer behind this pipe, whose information had this version
    /// ([`Pipe::peer_version`]): the socket takes a handle on it only when
    /// it is not the previous message's (no reference count per message).
    Pipe(PipeId, usize),
    /// This peer.
    Peer(PeerRef),
}

impl Origin {
    /// The peer behind `pipe`.
    #[inline]
    pub(crate) fn of(pipe: &Pipe) -> Origin {
        Origin::Pipe(pipe.id(), pipe.peer_version())
    }
}
