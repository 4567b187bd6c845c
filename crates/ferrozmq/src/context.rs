//! [`Context`]: the I/O threads and inproc namespace that sockets share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};

use ferrozmq_engine::{Engine, SocketLink};
use ferrozmq_zmtp::SocketType;

use crate::error::{Error, Result};
use crate::socket::Socket;

/// Context options, with libzmq's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextOption {
    /// ZMQ_IO_THREADS: I/O threads (set before the first socket).
    IoThreads = 1,
    /// ZMQ_MAX_SOCKETS: largest number of open sockets.
    MaxSockets = 2,
    /// ZMQ_SOCKET_LIMIT: the hard limit on ZMQ_MAX_SOCKETS (read-only).
    SocketLimit = 3,
    /// ZMQ_MAX_MSGSZ: largest message size (read-only here).
    MaxMsgSize = 5,
    /// ZMQ_MSG_T_SIZE: size of zmq_msg_t (read-only).
    MsgTSize = 6,
    /// ZMQ_BLOCKY: whether term waits for lingering sockets.
    Blocky = 70,
    /// ZMQ_IPV6: default IPv6 for new sockets.
    Ipv6 = 42,
}

/// A ZeroMQ context. Cheap to clone; all clones are the same context.
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
    terminated: AtomicBool,
    open: AtomicUsize,
    open_lock: Mutex<()>,
    all_closed: Condvar,
    /// The open sockets' links, by address, to wake them on shutdown.
    links: Mutex<HashMap<usize, Weak<SocketLink>>>,
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
                terminated: AtomicBool::new(false),
                open: AtomicUsize::new(0),
                open_lock: Mutex::new(()),
                all_closed: Condvar::new(),
                links: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Creates a socket of `socket_type`.
    pub fn socket(&self, socket_type: SocketType) -> Result<Socket> {
        if self.is_terminated() {
            return Err(Error::Terminated);
        }
        let limit = self.inner.max_sockets.load(Ordering::Relaxed);
        if self.inner.open.load(Ordering::SeqCst) >= limit.max(0) as usize {
            return Err(Error::Os(24));
        }
        self.engine()?;
        let socket = Socket::new(self.clone(), socket_type)?;
        self.inner.open.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut links) = self.inner.links.lock() {
            links.insert(link_key(socket.link()), Arc::downgrade(socket.link()));
        }
        Ok(socket)
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
            ContextOption::Blocky => self.inner.blocky.store(value != 0, Ordering::Relaxed),
            ContextOption::Ipv6 => self.inner.ipv6.store(value != 0, Ordering::Relaxed),
            _ => return Err(Error::Invalid),
        }
        Ok(())
    }

    /// Reads a context option (`zmq_ctx_get`).
    pub fn get(&self, option: ContextOption) -> Result<i32> {
        Ok(match option {
            ContextOption::IoThreads => self.inner.io_threads.load(Ordering::Relaxed),
            ContextOption::MaxSockets => self.inner.max_sockets.load(Ordering::Relaxed),
            ContextOption::SocketLimit => 65535,
            ContextOption::MaxMsgSize => i32::MAX,
            ContextOption::MsgTSize => 64,
            ContextOption::Blocky => i32::from(self.inner.blocky.load(Ordering::Relaxed)),
            ContextOption::Ipv6 => i32::from(self.inner.ipv6.load(Ordering::Relaxed)),
        })
    }

    /// Makes every blocking call on this context's sockets fail with
    /// [`Error::Terminated`] (`zmq_ctx_shutdown`); sockets must still be closed.
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
    pub fn term(&self) {
        self.shutdown();
        if let Ok(mut guard) = self.inner.open_lock.lock() {
            while self.inner.open.load(Ordering::SeqCst) > 0 {
                guard = match self.inner.all_closed.wait(guard) {
                    Ok(g) => g,
                    Err(_) => return,
                };
            }
        }
        if let Some(Ok(engine)) = self.inner.engine.get() {
            engine.shutdown();
        }
    }

    /// Whether [`Context::shutdown`] or [`Context::term`] was called.
    pub fn is_terminated(&self) -> bool {
        self.inner.terminated.load(Ordering::SeqCst)
    }

    pub(crate) fn engine(&self) -> Result<&Engine> {
        let engine = self.inner.engine.get_or_init(|| {
            let n = self.inner.io_threads.load(Ordering::Relaxed).max(1) as usize;
            Engine::new(n).map_err(|_| Error::NoThread)
        });
        engine.as_ref().map_err(|e| *e)
    }

    pub(crate) fn socket_closed(&self, link: &Arc<SocketLink>) {
        if let Ok(mut links) = self.inner.links.lock() {
            links.remove(&link_key(link));
        }
        let _guard = self.inner.open_lock.lock();
        self.inner.open.fetch_sub(1, Ordering::SeqCst);
        self.inner.all_closed.notify_all();
    }
}

fn link_key(link: &Arc<SocketLink>) -> usize {
    Arc::as_ptr(link) as usize
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(Ok(engine)) = self.engine.get() {
            engine.shutdown();
        }
    }
}
