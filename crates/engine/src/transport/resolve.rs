//! Name resolution off the I/O thread.
//!
//! `getaddrinfo` blocks, sometimes for seconds: run on an I/O thread it
//! would stall every connection that thread serves. Each I/O thread owns a
//! [`Resolver`] whose lookups run on a few helper threads (started on first
//! use, at most [`MAX_WORKERS`], each exiting once the resolver is gone). A
//! lookup's answer wakes the session that asked, which then tries the
//! addresses in turn. IP literals need no lookup and are answered at once.

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam::channel::{self, Receiver, Sender};

use super::Endpoint;
use crate::notify::Notify;

/// Most lookup threads per resolver: one slow name does not hold up others.
const MAX_WORKERS: usize = 4;

/// Resolves tcp host names for one I/O thread's sessions.
#[derive(Debug)]
pub(crate) struct Resolver {
    jobs: Sender<Job>,
    queue: Receiver<Job>,
    /// Lookup threads started, and those waiting for a job.
    workers: AtomicUsize,
    idle: Arc<AtomicUsize>,
}

/// A lookup's answer: the addresses to try, in order.
pub(crate) type Addresses = io::Result<VecDeque<SocketAddr>>;

/// What [`Resolver::resolve`] gives back.
#[derive(Debug)]
pub(crate) enum Resolution {
    /// Known at once (an IP literal, or a refused endpoint).
    Ready(Addresses),
    /// Being looked up; the caller is notified when it is done.
    Pending(Lookup),
}

/// A lookup in progress.
#[derive(Debug)]
pub(crate) struct Lookup {
    answer: Arc<Mutex<Option<Addresses>>>,
}

impl Lookup {
    /// The answer, once it has come (taken: `None` afterwards).
    pub(crate) fn poll(&self) -> Option<Addresses> {
        self.answer.lock().ok()?.take()
    }
}

struct Job {
    host: String,
    port: u16,
    ipv6: bool,
    answer: Arc<Mutex<Option<Addresses>>>,
    notify: Arc<dyn Notify>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("host", &self.host).finish()
    }
}

impl Resolver {
    /// A resolver with no threads yet.
    pub(crate) fn new() -> Resolver {
        let (jobs, queue) = channel::unbounded();
        Resolver {
            jobs,
            queue,
            workers: AtomicUsize::new(0),
            idle: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The addresses of a tcp `endpoint` (IPv4 only unless `ipv6`, which
    /// puts IPv6 first); `notify` is told when a pending lookup is done.
    pub(crate) fn resolve(
        &self,
        endpoint: &Endpoint,
        ipv6: bool,
        notify: Arc<dyn Notify>,
    ) -> Resolution {
        let Endpoint::Tcp { host, port } = endpoint else {
            return Resolution::Ready(Err(io::ErrorKind::InvalidInput.into()));
        };
        if bare_host(host).parse::<IpAddr>().is_ok() {
            return Resolution::Ready(lookup(host, *port, ipv6));
        }
        let answer = Arc::new(Mutex::new(None));
        let job = Job {
            host: host.clone(),
            port: *port,
            ipv6,
            answer: answer.clone(),
            notify,
        };
        if self.idle.load(Ordering::SeqCst) == 0 {
            self.add_worker();
        }
        match self.jobs.send(job) {
            Ok(()) => Resolution::Pending(Lookup { answer }),
            Err(_) => Resolution::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    /// Starts another lookup thread, unless there are enough.
    fn add_worker(&self) {
        if self.workers.load(Ordering::Relaxed) >= MAX_WORKERS {
            return;
        }
        let queue = self.queue.clone();
        let idle = self.idle.clone();
        let started = std::thread::Builder::new()
            .name("ferrozmq-resolve".into())
            .spawn(move || {
                // As on the I/O threads, signals are for application threads.
                crate::sys::block_signals_in_current_thread();
                work(&queue, &idle)
            });
        match started {
            Ok(_) => {
                self.workers.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => log::warn!("cannot start a resolver thread: {e}"),
        }
    }
}

/// A lookup thread: answers jobs until the resolver is dropped.
fn work(queue: &Receiver<Job>, idle: &AtomicUsize) {
    loop {
        idle.fetch_add(1, Ordering::SeqCst);
        let job = queue.recv();
        idle.fetch_sub(1, Ordering::SeqCst);
        let Ok(job) = job else {
            return;
        };
        let answer = lookup(&job.host, job.port, job.ipv6);
        if let Err(e) = &answer {
            log::debug!("cannot resolve {}: {e}", job.host);
        }
        if let Ok(mut slot) = job.answer.lock() {
            *slot = Some(answer);
        }
        job.notify.notify();
    }
}

/// Resolves `host` (blocking), in the order the session tries them.
fn lookup(host: &str, port: u16, ipv6: bool) -> Addresses {
    let endpoint = Endpoint::Tcp {
        host: host.to_owned(),
        port,
    };
    let addrs: VecDeque<SocketAddr> = endpoint.connect_addrs(ipv6)?.into();
    if addrs.is_empty() {
        return Err(io::ErrorKind::AddrNotAvailable.into());
    }
    Ok(addrs)
}

/// `host` without the brackets of an IPv6 literal.
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{Signaler, WaitOutcome};
    use std::time::{Duration, Instant};

    fn tcp(host: &str) -> Endpoint {
        Endpoint::Tcp {
            host: host.into(),
            port: 5555,
        }
    }

    #[test]
    fn literals_are_answered_at_once() {
        let resolver = Resolver::new();
        let Resolution::Ready(Ok(addrs)) =
            resolver.resolve(&tcp("127.0.0.1"), false, Signaler::new())
        else {
            panic!("a literal needs no lookup");
        };
        assert_eq!(addrs, [SocketAddr::from(([127, 0, 0, 1], 5555))]);
        assert!(matches!(
            resolver.resolve(&tcp("[::1]"), true, Signaler::new()),
            Resolution::Ready(Ok(_))
        ));
        assert_eq!(resolver.workers.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn names_are_looked_up_on_another_thread_and_wake_the_asker() {
        let resolver = Resolver::new();
        let signaler = Signaler::new();
        let Resolution::Pending(lookup) =
            resolver.resolve(&tcp("localhost"), false, signaler.clone())
        else {
            panic!("a name is looked up");
        };
        let mut answer = None;
        let deadline = Instant::now() + Duration::from_secs(10);
        let outcome = signaler.wait_until(Some(deadline), || {
            answer = lookup.poll();
            answer.is_some()
        });
        assert_eq!(outcome, WaitOutcome::Ready, "the asker is woken");
        let addrs = answer.expect("localhost resolves").unwrap();
        assert!(addrs
            .iter()
            .all(|a| a.port() == 5555 && a.ip().is_loopback()));
    }

    #[test]
    fn unknown_names_fail() {
        let resolver = Resolver::new();
        let signaler = Signaler::new();
        let Resolution::Pending(lookup) =
            resolver.resolve(&tcp("no-such-host.invalid"), false, signaler.clone())
        else {
            panic!("a name is looked up");
        };
        let mut answer = None;
        let deadline = Instant::now() + Duration::from_secs(30);
        signaler.wait_until(Some(deadline), || {
            answer = lookup.poll();
            answer.is_some()
        });
        assert!(answer.expect("the lookup ends").is_err());
    }
}
