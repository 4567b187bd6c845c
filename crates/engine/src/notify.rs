//! Waking the other side of a pipe: a cheap check when it is awake, a real
//! wake-up only when it sleeps.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use crate::sys;

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

    pending: Mutex<bool>,
    wakeup: Condvar,
    fd: OnceFd,
}

#[derive(Debug, Default)]
struct OnceFd {
    fd: std::sync::OnceLock<Option<OwnedFd>>,
    armed: AtomicBool,
}

impl Signaler {
    /// A new signaler, shareable between the socket and its pipes.
    pub fn new() -> Arc<Signaler> {
        Arc::new(Signaler {
            sleeping: AtomicBool::new(false),

            pending: Mutex::new(false),
            wakeup: Condvar::new(),
            fd: OnceFd::default(),
        })
    }

    /// Waits until notified or `deadline` passes; `check` is re-run after
    /// announcing sleep so that no notification is lost. Returns whether
    /// `check` became true.
    pub fn wait_until(&self, deadline: Option<Instant>, mut check: impl FnMut() -> bool) -> bool {
        // Spin briefly first: in request/reply the answer often comes
        // within microseconds, and a futex sleep/wake costs far more.
        for i in 0..spin_rounds() {
            if check() {
                return true;
            }
            if i % 16 == 15 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        self.sleep_until(deadline, check)
    }

    /// Like [`Signaler::wait_until`] without the spin: for waits that are
    /// usually long (a sender at its high-water mark waits for the I/O
    /// thread, which spinning would only slow down on a small machine).
    pub fn wait_patiently(&self, deadline: Option<Instant>, check: impl FnMut() -> bool) -> bool {
        self.sleep_until(deadline, check)
    }

    fn sleep_until(&self, deadline: Option<Instant>, mut check: impl FnMut() -> bool) -> bool {
        loop {
            if check() {
                return true;
            }
            // SeqCst store before re-checking the queues (whose counters are
            // SeqCst too): a notifier either sees us sleeping or we see its work.
            self.sleeping.store(true, Ordering::SeqCst);
            if check() {
                self.sleeping.store(false, Ordering::SeqCst);
                return true;
            }
            let timed_out = self.sleep(deadline);
            self.sleeping.store(false, Ordering::SeqCst);
            if timed_out {
                return check();
            }
        }
    }

    /// Sleeps until notified or the deadline; returns true on timeout.
    fn sleep(&self, deadline: Option<Instant>) -> bool {
        let Ok(mut pending) = self.pending.lock() else {
            return true;
        };
        while !*pending {
            match deadline {
                None => match self.wakeup.wait(pending) {
                    Ok(g) => pending = g,
                    Err(_) => return true,
                },
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return true;
                    }
                    match self.wakeup.wait_timeout(pending, d - now) {
                        Ok((g, _)) => pending = g,
                        Err(_) => return true,
                    }
                }
            }
        }
        *pending = false;
        false
    }

    /// Wakes a waiter even if nothing changed (used on close and termination).
    pub fn wake(&self) {
        if let Ok(mut p) = self.pending.lock() {
            *p = true;
            self.wakeup.notify_all();
        }
        if let Some(Some(fd)) = self.fd.fd.get() {
            sys::eventfd_signal(fd.as_raw_fd());
        }
    }

    /// The readiness file descriptor (ZMQ_FD), created on first use.
    pub fn fd(&self) -> Option<RawFd> {
        self.fd
            .fd
            .get_or_init(|| sys::eventfd().ok())
            .as_ref()
            .map(AsRawFd::as_raw_fd)
            .inspect(|_| self.fd.armed.store(true, Ordering::SeqCst))
    }

    /// Re-arms the readiness fd before the owner looks at its state
    /// (ZMQ_EVENTS): the next notification makes it readable again. One
    /// write per look, not one per message.
    pub fn clear_fd(&self) {
        if let Some(Some(fd)) = self.fd.fd.get() {
            self.fd.armed.store(true, Ordering::SeqCst);
            sys::eventfd_drain(fd.as_raw_fd());
        }
    }

    fn signal_fd(&self) {
        if self.fd.armed.load(Ordering::SeqCst) && self.fd.armed.swap(false, Ordering::SeqCst) {
            if let Some(Some(fd)) = self.fd.fd.get() {
                sys::eventfd_signal(fd.as_raw_fd());
            }
        }
    }
}

impl Notify for Signaler {
    fn notify(&self) {
        if self.sleeping.load(Ordering::SeqCst) {
            if let Ok(mut p) = self.pending.lock() {
                *p = true;
                self.wakeup.notify_all();
            }
        }
        self.signal_fd();
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
            assert!(
                s.wait_until(Some(Instant::now() + Duration::from_secs(5)), || {
                    counter.load(Ordering::SeqCst) > seen
                })
            );
            seen = counter.load(Ordering::SeqCst);
        }
        t.join().unwrap();
    }

    #[test]
    fn times_out() {
        let s = Signaler::new();
        let start = Instant::now();
        assert!(!s.wait_until(Some(start + Duration::from_millis(20)), || false));
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}
