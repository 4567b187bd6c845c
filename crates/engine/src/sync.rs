//! Atomics and locks of the cross-thread protocols (pipe counters, wake-up
//! flags), from `std`, or from `loom` when built with `--cfg loom` so that
//! the models in `loom_models` explore every interleaving of the real code.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::Mutex;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::Mutex;

/// Orders a SeqCst store before a later SeqCst load of another variable
/// (the Dekker step of the wake-up protocols). The SeqCst accesses already
/// do so, so this is nothing in real builds; loom does not model SeqCst
/// accesses (tokio-rs/loom#180), so under loom a SeqCst fence stands in.
#[inline(always)]
pub(crate) fn dekker_fence() {
    #[cfg(loom)]
    loom::sync::atomic::fence(Ordering::SeqCst);
}

/// The messages of one queue direction: crossbeam's lock-free queue, or
/// under loom a locked deque (loom cannot look inside crossbeam, and its
/// scheduler would spin for ever on a half-finished push).
#[cfg(not(loom))]
pub(crate) type Items<T> = crossbeam::queue::SegQueue<T>;

/// The messages of one queue direction (loom's stand-in).
#[cfg(loom)]
#[derive(Debug, Default)]
pub(crate) struct Items<T>(Mutex<std::collections::VecDeque<T>>);

#[cfg(loom)]
impl<T> Items<T> {
    pub(crate) fn new() -> Items<T> {
        Items(Mutex::new(std::collections::VecDeque::new()))
    }

    pub(crate) fn push(&self, item: T) {
        if let Ok(mut q) = self.0.lock() {
            q.push_back(item);
        }
    }

    pub(crate) fn pop(&self) -> Option<T> {
        self.0.lock().ok()?.pop_front()
    }
}
