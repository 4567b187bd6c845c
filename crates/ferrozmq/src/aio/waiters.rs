//! The tasks waiting on one socket: a receiver and a sender may be two
//! tasks (the halves of a split `Stream` + `Sink`), while an event loop
//! keeps one waker per registration and direction. The registration gets
//! one waker of ours that wakes both, so neither task's wake-up is lost.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

use super::compat::Interest;

/// The waker of the last task that waited to receive and of the last that
/// waited to send.
#[derive(Debug, Default)]
pub(super) struct Waiters {
    recv: Mutex<Option<Waker>>,
    send: Mutex<Option<Waker>>,
}

impl Waiters {
    /// A fresh set, and the waker to register with the event loop.
    pub(super) fn new() -> (Arc<Waiters>, Waker) {
        let waiters = Arc::new(Waiters::default());
        let waker = Waker::from(waiters.clone());
        (waiters, waker)
    }

    /// Remembers `waker` as the one waiting for `interest`.
    pub(super) fn wait(&self, interest: Interest, waker: &Waker) {
        let slot = match interest {
            Interest::Recv => &self.recv,
            Interest::Send => &self.send,
        };
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some(w) if w.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }

    fn take(slot: &Mutex<Option<Waker>>) -> Option<Waker> {
        slot.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl Wake for Waiters {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Both: one readiness event may concern either side.
        for waker in [Self::take(&self.recv), Self::take(&self.send)]
            .into_iter()
            .flatten()
        {
            waker.wake();
        }
    }
}
