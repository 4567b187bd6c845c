//! loom models of the cross-thread protocols: every interleaving of the
//! real pipe-queue and doorbell code (their atomics come from `sync`).
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p ferrozmq-engine --release loom`.

use std::sync::Arc;

use bytes::Bytes;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::thread;

use crate::doorbell::Doorbell;
use crate::msg::Msg;
use crate::notify::Notify;
use crate::queue::Queue;

/// Counts wake-ups.
#[derive(Default)]
struct Woken(AtomicUsize);

impl Notify for Woken {
    fn notify(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn msg() -> Msg {
    Msg::single(Bytes::from_static(b"m"))
}

/// A writer that finds the queue full and may sleep is always woken once
/// the reader has drained it to the low-water mark: no lost wake-up.
#[test]
fn loom_full_writer_is_woken_by_the_reader() {
    loom::model(|| {
        let q = Queue::new(4);
        let writer = Arc::new(Woken::default());
        q.set_writer(writer.clone());
        for _ in 0..4 {
            q.push(msg()).unwrap();
        }
        let reader = {
            let q = q.clone();
            thread::spawn(move || {
                q.pop().unwrap();
                q.pop().unwrap();
            })
        };
        let saw_room = q.has_room();
        reader.join().unwrap();
        assert!(
            saw_room || writer.0.load(Ordering::SeqCst) > 0,
            "the writer went to sleep and nobody woke it"
        );
        assert_eq!(q.len(), 2);
    });
}

/// The reader of an empty queue that may sleep is woken by the next push.
#[test]
fn loom_waiting_reader_is_woken_by_a_push() {
    loom::model(|| {
        let q = Queue::new(0);
        let reader = Arc::new(Woken::default());
        q.set_reader(reader.clone());
        let writer = {
            let q = q.clone();
            thread::spawn(move || q.push(msg()).unwrap())
        };
        let got = q.pop().is_some();
        writer.join().unwrap();
        assert!(got || reader.0.load(Ordering::SeqCst) > 0);
        assert_eq!(q.len(), usize::from(!got));
    });
}

/// Under CONFLATE the writer replaces what waits and the reader takes it;
/// each moves only its own counter, and the length stays exact.
#[test]
fn loom_conflate_counters_stay_exact() {
    loom::model(|| {
        let q = Queue::new(1);
        q.set_conflate(true);
        let writer = {
            let q = q.clone();
            thread::spawn(move || {
                q.push(msg()).unwrap();
                q.push(msg()).unwrap();
            })
        };
        let mut taken = usize::from(q.pop().is_some());
        writer.join().unwrap();
        let waiting = q.len();
        assert!(waiting <= 1);
        taken += usize::from(q.pop().is_some());
        assert!((1..=2).contains(&taken), "the newest message is never lost");
        assert!(q.is_empty());
    });
}

/// Work handed to a thread that is going to sleep either stops the sleep
/// or wakes it (the I/O threads' `asleep`/`pending`).
#[test]
fn loom_doorbell_never_sleeps_through_work() {
    loom::model(|| {
        let bell = Arc::new(Doorbell::default());
        let woken = Arc::new(AtomicBool::new(false));
        let producer = {
            let (bell, woken) = (bell.clone(), woken.clone());
            thread::spawn(move || {
                if bell.ring() {
                    woken.store(true, Ordering::SeqCst);
                }
            })
        };
        let sleeps = bell.may_sleep();
        producer.join().unwrap();
        assert!(!sleeps || woken.load(Ordering::SeqCst), "lost wake-up");
        bell.awake();
        assert!(bell.has_work());
        bell.took();
        assert!(!bell.has_work());
    });
}
