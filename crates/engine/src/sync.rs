//! Atomics and locks of the cross-thread protocols (pipe counters, wake-up
//! flags), from `std`, or from `loom` when built with `--cfg loom` so that
//! the models in `loom_models` explore every interleaving of the real code.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::Mutex;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
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

/// A full (SeqCst) fence: orders the pushes a writer published with plain
/// stores before its look at whether the reader sleeps
/// (`Queue::notify_reader`). On x86-64 a locked `or` on the writer's own
/// stack: no shared line is touched.
#[inline(always)]
pub(crate) fn publish_fence() {
    #[cfg(loom)]
    loom::sync::atomic::fence(Ordering::SeqCst);
    #[cfg(not(loom))]
    std::sync::atomic::fence(Ordering::SeqCst);
}

/// The messages of one queue direction: a chunked single-writer,
/// single-reader queue that keeps its storage (`sys::spsc`). It is the
/// same code under loom, whose models then check it too.
pub(crate) type Items<T> = crate::sys::spsc::Spsc<T>;
