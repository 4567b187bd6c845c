//! [`Context`]: the I/O threads and inproc namespace that sockets share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use ferrozmq_engine::{Engine, Notify, Signaler, SocketId, SocketLink, ThreadOptions, WaitOutcome};

use crate::error::{Error, ErrorKind, Result};

mod options;

pub use options::ContextOption;

/// A ZeroMQ context: the I/O threads and `inproc://` namespace its sockets
/// share. Cheap to clone; all clones are the same context. It is
/// `Send + Sync`: share it between threads, and create each thread's
/// sockets from it.
///
/// ```
/// use ferrozmq::{Context, SocketType};
///
/// let ctx = Context::new();
/// let mut pull = ctx.socket(SocketType::Pull)?;
/// pull.bind("inproc://ctx-doc")?;
/// let sender = {
///     let ctx = ctx.clone();
///     std::thread::spawn(move || -> ferrozmq::Result<()> {
///         let mut push = ctx.socket(SocketType::Push)?;
///         push.connect("inproc://ctx-doc")?;
///         push.send("from another thread")
///     })
/// };
/// assert_eq!(pull.recv_string()?, "from another thread");
/// sender.join().expect("sender panicked")?;
/// # Ok::<(), ferrozmq::Error>(())
/// ```
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

struct Inner {
    engine: OnceLock<std::result::Result<Engine, Error>>,
    io_threads: AtomicI32,
    max_sockets: AtomicI32,
    blocky: AtomicBool,
    ipv6: AtomicBool,
    max_msgsz: AtomicI32,
    zero_copy_recv: AtomicBool,
    thread_options: Mutex<ThreadOptions>,
    terminated: AtomicBool,
    open: AtomicUsize,
    /// Woken each time a socket closes ([`Context::term`] waits on it).
    all_closed: Arc<Signaler>,
    /// The open sockets' links, by id, to wake them on shutdown.
    links: Mutex<HashMap<SocketId, Weak<SocketLink>>>,
    /// The process that made the context: a child made by `fork` has none
    /// of its I/O threads and must not wait on them.
    pid: u32,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("open_sockets", &self.inner.open.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Default for Context {
    fn default() -> Context {
        Context::new()
    }
}

impl Context {
    /// A new context with one I/O thread (started with the first socket).
    pub fn new() -> Context {
        Context {
            inner: Arc::new(Inner {
                engine: OnceLock::new(),
                io_threads: AtomicI32::new(1),
                max_sockets: AtomicI32::new(1023),
                blocky: AtomicBool::new(true),
                ipv6: AtomicBool::new(false),
                max_msgsz: AtomicI32::new(i32::MAX),
                zero_copy_recv: AtomicBool::new(true),
                thread_options: Mutex::new(ThreadOptions::default()),
                terminated: AtomicBool::new(false),
                open: AtomicUsize::new(0),
                pid: std::process::id(),
                all_closed: Signaler::new(),
                links: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Checks that one more socket may open (the context is live and under
    /// MAX_SOCKETS) and starts the I/O threads if they are not yet running;
    /// `Context::socket` (in `socket`) calls it first.
    pub(crate) fn admit_socket(&self) -> Result<()> {
        if self.is_terminated() {
            return Err(ErrorKind::Terminated.into());
        }
        let limit = self.inner.max_sockets.load(Ordering::Relaxed);
        if self.inner.open.load(Ordering::SeqCst) >= limit.max(0) as usize {
            return Err(ErrorKind::Os(24).into());
        }
        self.engine()?;
        Ok(())
    }

    /// Counts a socket that has opened, so that `term` waits for it.
    pub(crate) fn socket_opened(&self, link: &Arc<SocketLink>) {
        self.inner.open.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut links) = self.inner.links.lock() {
            links.insert(link.id(), Arc::downgrade(link));
        }
    }

    /// Sets a context option (`zmq_ctx_set`).
    pub fn set(&self, option: ContextOption, value: i32) -> Result<()> {
        match option {
            ContextOption::IoThreads if value >= 0 => {
                self.inner.io_threads.store(value, Ordering::Relaxed)
            }
            ContextOption::MaxSockets if value >= 1 => {
                self.inner.max_sockets.store(value, Ordering::Relaxed)
            }
            // libzmq takes no negative value for these either.
            ContextOption::Blocky if value >= 0 => {
                self.inner.blocky.store(value != 0, Ordering::Relaxed)
            }
            ContextOption::Ipv6 if value >= 0 => {
                self.inner.ipv6.store(value != 0, Ordering::Relaxed)
            }
            ContextOption::MaxMsgSize if value >= 0 => {
                self.inner.max_msgsz.store(value, Ordering::Relaxed)
            }
            ContextOption::ZeroCopyRecv if value >= 0 => self
                .inner
                .zero_copy_recv
                .store(value != 0, Ordering::Relaxed),
            // Any number, negative too, as libzmq (which prints it).
            ContextOption::ThreadNamePrefix => {
                self.inner
                    .thread_options
                    .lock()
                    .map_err(|_| ErrorKind::Invalid)?
                    .name_prefix = value.to_string();
            }
            ContextOption::ThreadSchedPolicy
            | ContextOption::ThreadPriority
            | ContextOption::ThreadAffinityCpuAdd
            | ContextOption::ThreadAffinityCpuRemove
                if value >= 0 =>
            {
                let mut threads = self
                    .inner
                    .thread_options
                    .lock()
                    .map_err(|_| ErrorKind::Invalid)?;
                let value_usize = value as usize;
                match option {
                    ContextOption::ThreadSchedPolicy => threads.sched_policy = Some(value),
                    ContextOption::ThreadPriority => threads.priority = Some(value),
                    ContextOption::ThreadAffinityCpuAdd => {
                        threads.affinity.insert(value_usize);
                    }
                    // ZMQ_THREAD_AFFINITY_CPU_REMOVE: EINVAL for a CPU not added.
                    _ => {
                        if !threads.affinity.remove(&value_usize) {
                            return Err(ErrorKind::Invalid.into());
                        }
                    }
                }
            }
            _ => return Err(ErrorKind::Invalid.into()),
        }
        Ok(())
    }

    /// Reads a context option (`zmq_ctx_get`).
    pub fn get(&self, option: ContextOption) -> Result<i32> {
        Ok(match option {
            ContextOption::IoThreads => self.inner.io_threads.load(Ordering::Relaxed),
            ContextOption::MaxSockets => self.inner.max_sockets.load(Ordering::Relaxed),
            ContextOption::SocketLimit => 65535,
            ContextOption::MaxMsgSize => self.inner.max_msgsz.load(Ordering::Relaxed),
            ContextOption::ZeroCopyRecv => {
                i32::from(self.inner.zero_copy_recv.load(Ordering::Relaxed))
            }
            ContextOption::MsgTSize => 64,
            ContextOption::Blocky => i32::from(self.inner.blocky.load(Ordering::Relaxed)),
            ContextOption::Ipv6 => i32::from(self.inner.ipv6.load(Ordering::Relaxed)),
            ContextOption::ThreadSchedPolicy => {
                let threads = self
                    .inner
                    .thread_options
                    .lock()
                    .map_err(|_| ErrorKind::Invalid)?;
                threads.sched_policy.unwrap_or(-1)
            }
            ContextOption::ThreadNamePrefix => {
                let threads = self
                    .inner
                    .thread_options
                    .lock()
                    .map_err(|_| ErrorKind::Invalid)?;
                threads.name_prefix.parse().unwrap_or(0)
            }
            // libzmq reads back neither of these.
            ContextOption::ThreadPriority
            | ContextOption::ThreadAffinityCpuAdd
            | ContextOption::ThreadAffinityCpuRemove => return Err(ErrorKind::Invalid.into()),
        })
    }

    /// Makes every blocking call on this context's sockets fail with
    /// [`ErrorKind::Terminated`] (`zmq_ctx_shutdown`); sockets must still be closed.
    pub fn shutdown(&self) {
        self.inner.terminated.store(true, Ordering::SeqCst);
        if let Ok(links) = self.inner.links.lock() {
            for link in links.values().filter_map(Weak::upgrade) {
                link.signaler.wake();
            }
        }
    }

    /// Shuts down, waits until every socket is closed and its queued
    /// messages delivered within LINGER, then stops the I/O threads (`zmq_ctx_term`).
    ///
    /// A signal that interrupts the wait makes it return
    /// [`ErrorKind::Interrupted`] (EINTR) with the context shut down but not
    /// yet terminated: call `term` again to finish, as with libzmq.
    ///
    /// In a child process made by `fork`, it waits for nothing (the I/O
    /// threads are the parent's) and returns [`ErrorKind::Interrupted`] at
    /// once, as libzmq 4.3 does there.
    pub fn term(&self) -> Result<()> {
        self.shutdown();
        if self.is_forked_copy() {
            return Err(ErrorKind::Interrupted.into());
        }
        let closed = self
            .inner
            .all_closed
            .wait_patiently(None, || self.inner.open.load(Ordering::SeqCst) == 0);
        if closed == WaitOutcome::Interrupted {
            return Err(ErrorKind::Interrupted.into());
        }
        if let Some(Ok(engine)) = self.inner.engine.get() {
            engine.shutdown();
        }
        Ok(())
    }

    /// Whether this is a `fork`ed child's copy of its parent's context.
    pub fn is_forked_copy(&self) -> bool {
        std::process::id() != self.inner.pid
    }

    /// Whether [`Context::shutdown`] or [`Context::term`] was called.
    pub fn is_terminated(&self) -> bool {
        self.inner.terminated.load(Ordering::SeqCst)
    }

    pub(crate) fn engine(&self) -> Result<&Engine> {
        let engine = self.inner.engine.get_or_init(|| {
            let n = self.inner.io_threads.load(Ordering::Relaxed).max(1) as usize;
            let threads = self
                .inner
                .thread_options
                .lock()
                .map(|t| t.clone())
                .unwrap_or_default();
            Engine::new(n, &threads).map_err(|_| Error::new(ErrorKind::NoThread))
        });
        engine.as_ref().map_err(Error::clone)
    }

    /// Defaults a new socket takes from the context: IPv6, and LINGER 0
    /// when ZMQ_BLOCKY is off.
    pub(crate) fn socket_defaults(&self) -> (bool, Option<i32>) {
        let ipv6 = self.inner.ipv6.load(Ordering::Relaxed);
        let linger = (!self.inner.blocky.load(Ordering::Relaxed)).then_some(0);
        (ipv6, linger)
    }

    pub(crate) fn socket_closed(&self, link: &Arc<SocketLink>) {
        if let Ok(mut links) = self.inner.links.lock() {
            links.remove(&link.id());
        }
        self.inner.open.fetch_sub(1, Ordering::SeqCst);
        self.inner.all_closed.notify();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(Ok(engine)) = self.engine.get() {
            engine.shutdown();
        }
    }
}
