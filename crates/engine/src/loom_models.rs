//! loom models of the cross-thread protocols: every interleaving of the
//! real pipe-queue (with its chunked queue, `sys::spsc`) and doorbell code
//! (their atomics come from `sync`).
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
use crate::sys::spsc::Spsc;
use crate::wake_latch::WakeLatch;

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

/// A reader that sleeps: it announces its sleep, then looks at the queue
/// once more (as `Signaler::sleep_until`); a notification counts only if
/// it finds the flag up.
#[derive(Default)]
struct Sleeper {
    sleeping: AtomicBool,
    woken: AtomicUsize,
}

impl Notify for Sleeper {
    fn notify(&self) {
        if self.sleeping.load(Ordering::SeqCst) {
            self.woken.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Quiet pushes (plain stores of the published count, inside the writer's
/// role) then one `notify_reader`, as a session's or a lent read's batch:
/// a reader that announced its sleep either sees a message or is woken.
/// `fenced` false drops the fence at the start of `notify_reader`.
#[allow(clippy::unwrap_used)] // a test's helper (not a `#[test]` itself)
fn quiet_batch_then_notify(fenced: bool) {
    loom::model(move || {
        let q = Queue::new(0);
        let reader = Arc::new(Sleeper::default());
        q.set_reader(reader.clone());
        let writer = {
            let q = q.clone();
            thread::spawn(move || {
                q.force_push_quiet(msg());
                q.force_push_quiet(msg());
                if fenced {
                    q.notify_reader();
                } else {
                    q.notify_reader_unfenced();
                }
            })
        };
        // `sleep_until`: the SeqCst store, then the last look (loom does
        // not order SeqCst accesses: `dekker_fence` stands in).
        reader.sleeping.store(true, Ordering::SeqCst);
        crate::sync::dekker_fence();
        let saw = !q.is_empty();
        writer.join().unwrap();
        assert!(
            saw || reader.woken.load(Ordering::SeqCst) > 0,
            "lost wake-up"
        );
        assert_eq!(q.len(), 2);
    });
}

/// See [`quiet_batch_then_notify`].
#[test]
fn loom_quiet_pushes_then_one_fenced_notify_wake_a_sleeping_reader() {
    quiet_batch_then_notify(true);
}

/// The same without the fence in `notify_reader`: loom finds the lost
/// wake-up, so the model above would catch its removal.
#[test]
#[should_panic(expected = "lost wake-up")]
fn loom_quiet_pushes_without_the_fence_lose_the_wake_up() {
    quiet_batch_then_notify(false);
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

/// The pipes' chunked queue (`sys::spsc`, two slots per chunk under loom):
/// a reader racing a writer across a chunk boundary sees every item once,
/// in order, and the chunk it emptied comes back to the writer as its
/// spare without either side touching a slot the other owns.
#[test]
fn loom_spsc_keeps_order_across_chunks() {
    loom::model(|| {
        let q = Arc::new(Spsc::new());
        q.push(0usize);
        let writer = {
            let q = q.clone();
            thread::spawn(move || (1..5).for_each(|i| q.push(i)))
        };
        let mut next = 0;
        for _ in 0..3 {
            if let Some(i) = q.pop() {
                assert_eq!(i, next);
                next += 1;
            }
        }
        writer.join().unwrap();
        while let Some(i) = q.pop() {
            assert_eq!(i, next);
            next += 1;
        }
        assert_eq!(next, 5);
    });
}

/// A reader taking batches (`Queue::pop_while`, one turn of its role per
/// batch, as a session fills its write buffer) while the writer pushes
/// across a chunk boundary (two slots per chunk under loom) and sleeps at
/// its high-water mark: every message once, in order, counted, and a
/// writer that found the queue full is woken once it has drained.
#[test]
fn loom_batched_reader_takes_each_message_once_and_wakes_the_writer() {
    loom::model(|| {
        let q = Queue::new(2);
        let woken = Arc::new(Woken::default());
        q.set_writer(woken.clone());
        let numbered = |i: u8| Msg::single(Bytes::copy_from_slice(&[i]));
        q.push(numbered(0)).unwrap();
        let writer = {
            let q = q.clone();
            thread::spawn(move || {
                q.push(numbered(1)).unwrap();
                // Full (2 waiting) unless the reader has taken some.
                let room = q.has_room();
                if room {
                    q.push(numbered(2)).unwrap();
                }
                room
            })
        };
        let mut got = Vec::new();
        let mut take = |q: &Queue, at_most: usize| {
            q.pop_while(|m| {
                got.push(m.first().as_slice()[0]);
                got.len() < at_most
            })
        };
        take(&q, 1);
        take(&q, 3);
        let pushed_third = writer.join().unwrap();
        take(&q, 3);
        let expected: Vec<u8> = if pushed_third {
            vec![0, 1, 2]
        } else {
            vec![0, 1]
        };
        assert_eq!(got, expected, "a message lost, repeated or out of order");
        assert_eq!(
            q.popped_count(),
            expected.len() as u64,
            "a take not counted"
        );
        assert!(q.is_empty());
        assert!(
            pushed_third || woken.0.load(Ordering::SeqCst) > 0,
            "the writer found the queue full and nobody woke it"
        );
    });
}

/// The reader's role moves to another thread with a happens-before (a
/// join here; a mailbox in the engine): the new reader carries on where
/// the old one stopped, while the writer keeps writing.
#[test]
fn loom_spsc_reader_moves_between_threads() {
    loom::model(|| {
        let q = Arc::new(Spsc::new());
        let writer = {
            let q = q.clone();
            thread::spawn(move || (0..4).for_each(|i| q.push(i)))
        };
        let first = {
            let q = q.clone();
            thread::spawn(move || {
                let mut got = Vec::new();
                for _ in 0..2 {
                    got.extend(q.pop());
                }
                got
            })
        };
        let mut got = first.join().unwrap();
        writer.join().unwrap();
        while let Some(i) = q.pop() {
            got.push(i);
        }
        assert_eq!(got, vec![0, 1, 2, 3]);
    });
}

/// Two threads pushing at once (not how pipes use it, but safe code could)
/// take turns on the writer's role: nothing is lost or torn.
#[test]
fn loom_spsc_two_writers_take_turns() {
    loom::model(|| {
        let q = Arc::new(Spsc::new());
        q.push(0usize);
        let other = {
            let q = q.clone();
            thread::spawn(move || q.push(10usize))
        };
        q.push(20);
        other.join().unwrap();
        let mut got = Vec::new();
        while let Some(i) = q.pop() {
            got.push(i);
        }
        got.sort_unstable();
        assert_eq!(got, [0, 10, 20]);
    });
}

/// Drain's hand-over of an inproc queue: once the writer has revoked the
/// reader's role, the old reader is out of every read and reads nothing
/// more, so each message is taken exactly once, by one side.
#[test]
fn loom_revoked_reader_never_reads_beside_the_new_one() {
    loom::model(|| {
        let q = Queue::new(0);
        q.push(msg()).unwrap();
        q.push(msg()).unwrap();
        let reader = {
            let q = q.clone();
            thread::spawn(move || (0..2).filter(|_| q.pop_gated().is_some()).count())
        };
        q.revoke_reader();
        let mut taken = 0;
        while q.pop().is_some() {
            taken += 1;
        }
        let read = reader.join().unwrap();
        assert_eq!(read + taken, 2, "a message lost or taken twice");
        assert!(q.pop_gated().is_none(), "a revoked reader read");
        assert_eq!(q.popped_count(), 2, "a pop not counted");
        assert_eq!(q.len(), 0);
    });
}

/// A connection whose reads may be lent, as a session leaves it after its
/// handshake: a real socket pair registered in a real epoll instance (the
/// lease changes that registration), the protocol's state under loom.
fn lent_connection() -> (mio::Poll, mio::net::UnixStream, crate::direct::Direct) {
    use std::os::fd::AsRawFd;
    let poll = mio::Poll::new().unwrap();
    let (mut ours, _theirs) = mio::net::UnixStream::pair().unwrap();
    poll.registry()
        .register(
            &mut ours,
            mio::Token(1),
            mio::Interest::READABLE | mio::Interest::WRITABLE,
        )
        .unwrap();
    let direct = crate::direct::Direct::new();
    let reads = crate::direct::LendReads {
        epfd: poll.as_raw_fd(),
        token: 1,
        max_frame: None,
        bodies: None,
    };
    direct.enable(
        ours.as_raw_fd(),
        ferrozmq_zmtp::frame::Framing::V3,
        Some(reads),
    );
    (poll, ours, direct)
}

/// The read lease: the session (reclaiming before it reads, offering when
/// idle) and the application (lending, reading, giving back) never read
/// the connection at the same time, and once both are done the session
/// may read again (a lease never stays out).
#[test]
fn loom_lease_never_reads_on_both_sides() {
    loom::model(|| {
        let (_poll, _stream, direct) = lent_connection();
        let direct = Arc::new(direct);
        direct.offer_reads();
        let reading = Arc::new(AtomicUsize::new(0));
        let app = {
            let (direct, reading) = (direct.clone(), reading.clone());
            thread::spawn(move || {
                for clean in [true, false] {
                    if let Some(lent) = direct.lend() {
                        assert_eq!(reading.fetch_add(1, Ordering::SeqCst), 0, "both read");
                        reading.fetch_sub(1, Ordering::SeqCst);
                        direct.give_back(lent, clean);
                    }
                }
            })
        };
        // An input event, twice, each after the lease check (which takes
        // back a kept lease not used since the previous check): read only
        // with the reads reclaimed.
        for _ in 0..2 {
            direct.check_lease();
            if direct.reclaim_reads() {
                assert_eq!(reading.fetch_add(1, Ordering::SeqCst), 0, "both read");
                reading.fetch_sub(1, Ordering::SeqCst);
                direct.offer_reads();
            }
        }
        app.join().unwrap();
        // Two checks with the application gone: a kept lease comes back.
        direct.check_lease();
        direct.check_lease();
        assert!(direct.reclaim_reads(), "the lease stayed out");
    });
}

/// Bytes given back with the lease (a partial message, messages past the
/// high-water mark) are the session's to deliver before anything newer:
/// the application never reads the connection again until the session has
/// taken them, even when the session offers its reads after looking for a
/// carry just before it came (as `pump` does: it reclaims only when input
/// or a carry is seen, and offers at its end).
#[test]
fn loom_carried_bytes_come_before_newer_reads() {
    loom::model(|| {
        let (_poll, _stream, direct) = lent_connection();
        let direct = Arc::new(direct);
        direct.offer_reads();
        let carried = Arc::new(AtomicUsize::new(0));
        let taken = Arc::new(AtomicUsize::new(0));
        let app = {
            let (direct, carried, taken) = (direct.clone(), carried.clone(), taken.clone());
            thread::spawn(move || {
                if let Some(lent) = direct.lend() {
                    carried.store(1, Ordering::SeqCst);
                    direct.give_back_carrying(lent, vec![7]);
                }
                if let Some(lent) = direct.lend() {
                    let before = carried.load(Ordering::SeqCst) == 0;
                    assert!(
                        before || taken.load(Ordering::SeqCst) == 1,
                        "read past bytes the session had not taken"
                    );
                    direct.give_back(lent, false);
                }
            })
        };
        for _ in 0..2 {
            if direct.has_carry() {
                if let Some(carry) = direct.reclaim_reads_with_carry() {
                    if !carry.is_empty() {
                        taken.store(1, Ordering::SeqCst);
                    }
                }
            }
            direct.offer_reads();
        }
        app.join().unwrap();
    });
}

/// A connection that goes away while its reads are lent: the lease's
/// return changes nothing (no offer revived for a closed connection), and
/// nothing more is lent.
#[test]
fn loom_lease_returned_after_the_connection_went() {
    loom::model(|| {
        let (_poll, _stream, direct) = lent_connection();
        let direct = Arc::new(direct);
        direct.offer_reads();
        let app = {
            let direct = direct.clone();
            thread::spawn(move || {
                if let Some(lent) = direct.lend() {
                    direct.give_back(lent, true);
                }
            })
        };
        direct.disable();
        app.join().unwrap();
        assert!(!direct.reads_offered(), "an offer outlived its connection");
        assert!(direct.lend().is_none(), "a closed connection was lent");
        assert!(direct.reclaim_reads());
    });
}

/// The sticky lease: the application keeps the lease between receives
/// and resumes it, or hands it back itself (`release_kept`, as ZMQ_EVENTS
/// does), while the session's check takes back one left unused. Never
/// both read, and once both are done the lease is back with the session.
#[test]
fn loom_kept_lease_resumed_released_or_taken_back() {
    loom::model(|| {
        let (_poll, _stream, direct) = lent_connection();
        let direct = Arc::new(direct);
        direct.offer_reads();
        let reading = Arc::new(AtomicUsize::new(0));
        let app = {
            let (direct, reading) = (direct.clone(), reading.clone());
            thread::spawn(move || {
                // Two receives keeping the lease, then a look at ZMQ_EVENTS.
                for _ in 0..2 {
                    if let Some(lent) = direct.lend() {
                        assert_eq!(reading.fetch_add(1, Ordering::SeqCst), 0, "both read");
                        reading.fetch_sub(1, Ordering::SeqCst);
                        direct.give_back(lent, true);
                    }
                }
                direct.release_kept();
            })
        };
        for _ in 0..2 {
            direct.check_lease();
            if direct.reclaim_reads() {
                assert_eq!(reading.fetch_add(1, Ordering::SeqCst), 0, "both read");
                reading.fetch_sub(1, Ordering::SeqCst);
                direct.offer_reads();
            }
        }
        app.join().unwrap();
        assert!(!direct.check_lease(), "the lease stayed out");
        assert!(direct.reclaim_reads(), "the lease stayed out");
    });
}

/// Bytes the application read under the lease and carried back go before
/// anything the session reads: a session that reclaims the reads after
/// the application held them always has the carry with them (it looked
/// at the carry before the reclaim once, and read past bytes given back
/// in between).
#[test]
fn loom_carried_bytes_come_with_the_reclaimed_reads() {
    loom::model(|| {
        let (_poll, _stream, direct) = lent_connection();
        let direct = Arc::new(direct);
        direct.offer_reads();
        let app = {
            let direct = direct.clone();
            thread::spawn(move || match direct.lend() {
                Some(lent) => {
                    direct.give_back_carrying(lent, vec![7]);
                    true
                }
                None => false,
            })
        };
        // The session, with input reported: reclaims before it reads.
        let reclaimed = direct.reclaim_reads_with_carry();
        let lent = app.join().unwrap();
        if let (Some(carry), true) = (reclaimed, lent) {
            assert_eq!(carry, vec![7], "read with the carry left behind");
        }
    });
}

/// A session's first run against two notifications: one (the socket's first
/// send) racing with the run's start, the other (the resolver's answer)
/// sent after its news is recorded. Either the run sees the news or one of
/// them schedules the session again: no lost wake-up around the first run.
#[test]
fn loom_session_wake_is_not_lost_around_the_first_run() {
    loom::model(|| {
        let latch = Arc::new(WakeLatch::new());
        let news = Arc::new(AtomicBool::new(false));
        let early = {
            let latch = latch.clone();
            thread::spawn(move || latch.notify())
        };
        let answer = {
            let (latch, news) = (latch.clone(), news.clone());
            thread::spawn(move || {
                news.store(true, Ordering::SeqCst);
                latch.notify()
            })
        };
        latch.begin_run(3);
        let seen = news.load(Ordering::SeqCst);
        let early = early.join().unwrap();
        let answered = answer.join().unwrap();
        assert!(
            seen || early == Some(3) || answered == Some(3),
            "the news came and the session was never run again"
        );
    });
}
