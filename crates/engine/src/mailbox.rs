//! What other threads hand to an I/O thread: commands, sessions ready to
//! run, and the wake-up protocol that rouses the thread only when it sleeps.
//!
//! The reactor drains this mailbox; sessions and the [`Engine`](crate::Engine)
//! fill it. It sits between them so that neither imports the other.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam::queue::SegQueue;
use mio::{Token, Waker};

use crate::doorbell::Doorbell;
use crate::drain::AckShare;
use crate::link::{CloseNotice, SocketId, SocketLink};
use crate::notify::Notify;
use crate::options::SessionOptions;
use crate::pipe::Pipe;
use crate::transport::{Endpoint, Listener};
use crate::wake_latch::WakeLatch;

/// Identifies a bind or a connect, for unbind/disconnect.
pub type EndpointId = u64;

/// Work handed to an I/O thread.
pub(crate) enum Command {
    Listen {
        id: EndpointId,
        listener: Listener,
        endpoint: String,
        ipc_path: Option<std::path::PathBuf>,
        options: Arc<SessionOptions>,
        link: Arc<SocketLink>,
    },
    Connect {
        id: EndpointId,
        endpoint: Endpoint,
        endpoint_str: Arc<str>,
        options: Arc<SessionOptions>,
        link: Arc<SocketLink>,
        pipe: Option<Pipe>,
        wake: Arc<SessionWake>,
    },
    /// Unbind or disconnect: close the listener (and what it accepted) or the connection.
    Remove(EndpointId),
    /// The socket closed: linger on its sessions, close its listeners. The
    /// notice is dropped once done (the socket's last word to its monitor
    /// goes out when every I/O thread has dropped its share).
    CloseSocket(SocketId, Arc<CloseNotice>),
    /// Drain: close the socket's listeners and pause its sessions (they
    /// read nothing more, either way); the share is dropped once done.
    Drain(SocketId, AckShare),
    Stop,
}

/// State shared between an I/O thread and the threads that talk to it.
pub(crate) struct Shared {
    waker: Waker,
    pub(crate) commands: SegQueue<Command>,
    pub(crate) ready: SegQueue<Token>,
    /// Commands and ready tokens pushed and not yet taken; whether the
    /// I/O thread is (about to be) blocked in `poll` and needs a wake-up.
    pub(crate) doorbell: Doorbell,
    /// How many sessions the thread serves.
    pub(crate) load: AtomicUsize,
}

impl Shared {
    /// A mailbox whose announcements wake the poll `waker` belongs to.
    pub(crate) fn new(waker: Waker) -> Shared {
        Shared {
            waker,
            commands: SegQueue::new(),
            ready: SegQueue::new(),
            doorbell: Doorbell::default(),
            load: AtomicUsize::new(0),
        }
    }

    pub(crate) fn send(&self, command: Command) {
        self.commands.push(command);
        self.announce();
    }

    fn schedule(&self, token: Token) {
        self.ready.push(token);
        self.announce();
    }

    /// Wakes the I/O thread only if it sleeps: while it runs, it sees the
    /// new work before it polls again (SeqCst counter and flag, Dekker-style).
    fn announce(&self) {
        if self.doorbell.ring() {
            let _ = self.waker.wake();
        }
    }
}

/// Wakes one session when its socket queued messages for it.
pub(crate) struct SessionWake {
    shared: Arc<Shared>,
    latch: WakeLatch,
}

impl std::fmt::Debug for SessionWake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionWake")
            .field("token", &self.latch.token())
            .finish()
    }
}

impl SessionWake {
    pub(crate) fn new(shared: Arc<Shared>) -> Arc<SessionWake> {
        Arc::new(SessionWake {
            shared,
            latch: WakeLatch::new(),
        })
    }

    /// Called by the session (whose token is `token`) at the start of each
    /// run, before it looks at its queues.
    pub(crate) fn begin_run(&self, token: Token) {
        self.latch.begin_run(token.0);
    }
}

impl Notify for SessionWake {
    fn notify(&self) {
        if let Some(token) = self.latch.notify() {
            self.shared.schedule(Token(token));
        }
    }
}

/// A fresh endpoint id.
pub(crate) fn next_endpoint_id() -> EndpointId {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as EndpointId
}
