//! Waking the other side of a pipe: a cheap check when it is awake, a real
//! wake-up only when it sleeps.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::spin_budget::SpinBudget;
use crate::sys;
use crate::wait_slice;

/// Something that can be told "there is work for you".
pub trait Notify: Send + Sync {
    /// Wakes the owner if it sleeps; cheap if it does not.
    fn notify(&self);
}

/// The application thread's side: a socket waits on this, pipes notify it.
///
/// It also keeps an eventfd (libzmq's ZMQ_FD) that becomes readable whenever
/// the socket may have new work, for external event loops.
#[derive(Debug)]
pub struct Signaler {
    sleeping: AtomicBool,
    /// Set by every notification, taken down by [`Signaler::take_news`]:
    /// whether anything may have changed since the owner last asked.
    news: AtomicBool,
    /// How long [`Signaler::wait_until`] spins before it sleeps.
    spin: SpinBudget,
    /// An eventfd the owner sleeps on in `poll(2)`, so that a signal
    /// interrupts the sleep (EINTR), as it does libzmq's blocking calls.
    /// Its counter keeps a wake-up that came while nobody slept. Made with
    /// the signaler (libzmq's sockets too have one descriptor each for this);
    /// `None` only if the process was out of descriptors then.
    wakeup: Option<OwnedFd>,
    fd: OnceFd,
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The check came true.
    Ready,
    /// The deadline passed first.
    TimedOut,
    /// A signal handler ran while the owner slept (EINTR).
    Interrupted,
}

#[derive(Debug, Default)]
struct OnceFd {
    fd: std::sync::OnceLock<Option<OwnedFd>>,
    armed: AtomicBool,
    /// Set after each write to the eventfd, cleared by the drain: while it
    /// is clear and the fd is armed, the eventfd is empty and a look needs
    /// no drain (one `read` system call saved per ZMQ_EVENTS).
    written: AtomicBool,
}

impl Signaler {
    /// A new signaler, shareable between the socket and its pipes.
    pub fn new() -> Arc<Signaler> {
        Arc::new(Signaler {
            sleeping: AtomicBool::new(false),
            news: AtomicBool::new(true),
            spin: SpinBudget::new(spin_rounds()),
            wakeup: sys::eventfd().ok(),
            fd: OnceFd::default(),
        })
    }

    /// Waits until `check` is true, `deadline` passes or a signal arrives;
    /// `check` is re-run after announcing sleep so that no notification is
    /// lost.
    pub fn wait_until(
        &self,
        deadline: Option<Instant>,
        mut check: impl FnMut() -> bool,
    ) -> WaitOutcome {
        // Spin briefly first: in request/reply the answer often comes
        // within microseconds, and a sleep/wake costs far more. How long
        // is learned from the waits before (`SpinBudget`).
        for i in 0..self.spin.rounds() {
            if check() {
                return WaitOutcome::Ready;
            }
            if i % 16 == 15 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        let slept_from = Instant::now();
        let outcome = self.sleep_until(deadline, check);
        self.spin.spun_in_vain(slept_from.elapsed());
        outcome
    }

    /// Like [`Signaler::wait_until`] without the spin: for waits that are
    /// usually long (a sender at its high-water mark waits for the I/O
    /// thread, which spinning would only slow down on a small machine).
    pub fn wait_patiently(
        &self,
        deadline: Option<Instant>,
        check: impl FnMut() -> bool,
    ) -> WaitOutcome {
        self.sleep_until(deadline, check)
    }

    fn sleep_until(
        &self,
        deadline: Option<Instant>,
        mut check: impl FnMut() -> bool,
    ) -> WaitOutcome {
        loop {
            if check() {
                return WaitOutcome::Ready;
            }
            // SeqCst store before re-checking the queues (whose counters are
            // SeqCst too): a notifier either sees us sleeping or we see its work.
            self.sleeping.store(true, Ordering::SeqCst);
            if check() {
                self.sleeping.store(false, Ordering::SeqCst);
                return WaitOutcome::Ready;
            }
            let slept = self.sleep(deadline);
            self.sleeping.store(false, Ordering::SeqCst);
            match slept {
                Slept::Woken => {}
                Slept::TimedOut if check() => return WaitOutcome::Ready,
                Slept::TimedOut => return WaitOutcome::TimedOut,
                Slept::Interrupted => return WaitOutcome::Interrupted,
            }
        }
    }

    /// Sleeps until woken, the deadline or a signal.
    fn sleep(&self, deadline: Option<Instant>) -> Slept {
        let deadline = wait_slice::deadline(deadline);
        let timeout_ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Slept::TimedOut;
                }
                // Round up, so a sub-millisecond remainder does not spin.
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        };
        let Some(fd) = self.wakeup_fd() else {
            // No descriptor to sleep on (the process is out of them): nap
            // and let the caller look again rather than fail.
            std::thread::sleep(std::time::Duration::from_millis(1));
            return Slept::Woken;
        };
        let mut fds = [sys::PollFd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        }];
        match wait_slice::poll_fds(&mut fds, timeout_ms) {
            Ok(0) => Slept::Woken, // the caller re-checks the deadline
            Ok(_) => {
                sys::eventfd_drain(fd);
                Slept::Woken
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Slept::Interrupted,
            Err(_) => Slept::Woken,
        }
        .timed_out_after(deadline)
    }

    /// One sleep of a waiter that also watches `fd` for input (the read
    /// lease): announces the sleep, re-runs `check`, then sleeps until
    /// woken, `fd` is readable (or hung up), the deadline or a signal.
    pub(crate) fn sleep_beside(
        &self,
        deadline: Option<Instant>,
        fd: RawFd,
        check: &mut impl FnMut() -> bool,
    ) -> Beside {
        let Some(wakeup) = self.wakeup_fd() else {
            return Beside::Woken;
        };
        let deadline = wait_slice::deadline(deadline);
        // As in `sleep_until`: a notifier either sees us sleeping or we
        // see its work.
        self.sleeping.store(true, Ordering::SeqCst);
        if check() {
            self.sleeping.store(false, Ordering::SeqCst);
            return Beside::Ready;
        }
        let timeout_ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    self.sleeping.store(false, Ordering::SeqCst);
                    return Beside::TimedOut;
                }
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        };
        let mut fds = [
            sys::PollFd {
                fd: wakeup,
                events: libc::POLLIN,
                revents: 0,
            },
            sys::PollFd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let polled = wait_slice::poll_fds(&mut fds, timeout_ms);
        self.sleeping.store(false, Ordering::SeqCst);
        let [woken, input] = fds;
        if woken.revents != 0 {
            sys::eventfd_drain(wakeup);
        }
        match polled {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Beside::Interrupted,
            Err(_) => Beside::Woken,
            Ok(_) if input.revents != 0 => Beside::FdReady,
            Ok(_) if deadline.is_some_and(|d| Instant::now() >= d) => Beside::TimedOut,
            Ok(_) => Beside::Woken,
        }
    }

    fn wakeup_fd(&self) -> Option<RawFd> {
        self.wakeup.as_ref().map(AsRawFd::as_raw_fd)
    }

    fn signal_wakeup(&self) {
        if let Some(fd) = self.wakeup_fd() {
            sys::eventfd_signal(fd);
        }
    }

    /// Whether the owner was notified since it last asked (true the first
    /// time): an owner that looks at its pipes only when told something
    /// changed (XPUB, for subscriptions) asks this before each look, and
    /// the look sees whatever the notifications announced (a notifier's
    /// work comes before its notification; Dekker-style, as `sleeping`).
    #[inline]
    pub fn take_news(&self) -> bool {
        self.news.load(Ordering::SeqCst) && self.news.swap(false, Ordering::SeqCst)
    }

    /// Wakes a waiter even if nothing changed (used on close and termination).
    pub fn wake(&self) {
        self.signal_wakeup();
        if let Some(Some(fd)) = self.fd.fd.get() {
            sys::eventfd_signal(fd.as_raw_fd());
            self.fd.written.store(true, Ordering::SeqCst);
        }
    }

    /// The readiness file descriptor (ZMQ_FD), created on first use.
    pub fn fd(&self) -> Option<RawFd> {
        self.borrowed_fd().map(|fd| fd.as_raw_fd())
    }

    /// The readiness file descriptor, borrowed (for `AsFd`), created on first use.
    pub fn borrowed_fd(&self) -> Option<BorrowedFd<'_>> {
        self.fd
            .fd
            .get_or_init(|| sys::eventfd().ok())
            .as_ref()
            .map(AsFd::as_fd)
            .inspect(|_| self.fd.armed.store(true, Ordering::SeqCst))
    }

    /// Re-arms the readiness fd before the owner looks at its state
    /// (ZMQ_EVENTS): the next notification makes it readable again. One
    /// write per look, not one per message, and no system call for a look
    /// when nothing was signalled since the last one.
    pub fn clear_fd(&self) {
        if let Some(Some(fd)) = self.fd.fd.get() {
            // Armed and not written since the last drain: empty. (A write
            // racing with this look sets `written` after it, so the next
            // look drains: a skipped drain never lasts.)
            if self.fd.armed.load(Ordering::SeqCst) && !self.fd.written.load(Ordering::SeqCst) {
                return;
            }
            self.fd.written.store(false, Ordering::SeqCst);
            // Drain before arming: a notification between the two then
            // either found the fd unarmed (and its work is seen by the
            // look that follows) or writes after the drain. Arming first
            // could let the drain swallow a write and leave the fd unarmed.
            sys::eventfd_drain(fd.as_raw_fd());
            self.fd.armed.store(true, Ordering::SeqCst);
        }
    }

    /// Keeps the readiness fd from being signalled until
    /// [`Signaler::restore_fd`] (returns whether it was armed): for an
    /// owner about to push into its own pipe (an async receive reading
    /// under the read lease), which then either takes what it pushed or
    /// looks at ZMQ_EVENTS, so that no signal is lost that matters.
    pub fn hold_fd(&self) -> bool {
        self.fd.armed.swap(false, Ordering::SeqCst)
    }

    /// Ends [`Signaler::hold_fd`]: armed again if it was (the eventfd was
    /// not written meanwhile, so it is still drained).
    pub fn restore_fd(&self, armed: bool) {
        if armed {
            self.fd.armed.store(true, Ordering::SeqCst);
        }
    }

    fn signal_fd(&self) {
        if self.fd.armed.load(Ordering::SeqCst) && self.fd.armed.swap(false, Ordering::SeqCst) {
            if let Some(Some(fd)) = self.fd.fd.get() {
                sys::eventfd_signal(fd.as_raw_fd());
                self.fd.written.store(true, Ordering::SeqCst);
            }
        }
    }
}

impl Notify for Signaler {
    fn notify(&self) {
        // One write per sleep: the first notifier to find the owner asleep
        // takes the flag down and writes; the pushes that follow before
        // the owner runs again find it down and write nothing (they were
        // three writes per sleep on a streaming inproc pipe). The owner
        // re-checks everything once woken, so their work is seen.
        if self.sleeping.load(Ordering::SeqCst) && self.sleeping.swap(false, Ordering::SeqCst) {
            self.signal_wakeup();
        }
        // A load while the flag is up (every notification of an owner that
        // never asks): no store, the line stays shared.
        if !self.news.load(Ordering::SeqCst) {
            self.news.store(true, Ordering::SeqCst);
        }
        self.signal_fd();
    }
}

/// How a [`Signaler::sleep_beside`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Beside {
    /// The check came true before sleeping.
    Ready,
    /// The watched descriptor has input (or hung up).
    FdReady,
    /// Notified (or nothing to sleep on): look again.
    Woken,
    /// The deadline passed.
    TimedOut,
    /// A signal handler ran (EINTR).
    Interrupted,
}

/// How one sleep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slept {
    Woken,
    TimedOut,
    Interrupted,
}

impl Slept {
    /// A wake-up at or after the deadline counts as a time-out.
    fn timed_out_after(self, deadline: Option<Instant>) -> Slept {
        match (self, deadline) {
            (Slept::Woken, Some(d)) if Instant::now() >= d => Slept::TimedOut,
            (other, _) => other,
        }
    }
}

/// How many times a waiter re-checks before sleeping (FERROZMQ_SPIN overrides).
fn spin_rounds() -> u32 {
    static ROUNDS: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ROUNDS.get_or_init(|| {
        std::env::var("FERROZMQ_SPIN")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[test]
    fn news_is_taken_once_per_notification() {
        let s = Signaler::new();
        assert!(s.take_news(), "news at first");
        assert!(!s.take_news());
        s.notify();
        s.notify();
        assert!(s.take_news());
        assert!(!s.take_news(), "two notifications, one look");
    }

    #[test]
    fn no_lost_wakeups() {
        let s = Signaler::new();
        let counter = Arc::new(AtomicUsize::new(0));
        let (s2, c2) = (s.clone(), counter.clone());
        let t = std::thread::spawn(move || {
            for _ in 0..10_000 {
                c2.fetch_add(1, Ordering::SeqCst);
                s2.notify();
            }
        });
        let mut seen = 0;
        while seen < 10_000 {
            assert_eq!(
                s.wait_until(Some(Instant::now() + Duration::from_secs(5)), || {
                    counter.load(Ordering::SeqCst) > seen
                }),
                WaitOutcome::Ready
            );
            seen = counter.load(Ordering::SeqCst);
        }
        t.join().unwrap();
    }

    #[test]
    fn times_out() {
        let s = Signaler::new();
        let start = Instant::now();
        assert_eq!(
            s.wait_until(Some(start + Duration::from_millis(20)), || false),
            WaitOutcome::TimedOut
        );
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}
