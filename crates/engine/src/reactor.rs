//! One I/O thread: a `mio::Poll` loop owning listeners, sessions and timers.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token, Waker};

use crate::body_pool::BodyPool;
use crate::inproc::InprocRegistry;
use crate::link::{SocketId, SocketLink};
use crate::mailbox::{Command, EndpointId, SessionWake, Shared};
use crate::monitor::SocketEvent;
use crate::options::SessionOptions;
use crate::session::{Ctx, Role, Session};
use crate::thread_options::ThreadOptions;
use crate::transport::{Listener, Resolver};

mod drain;

const WAKER: Token = Token(usize::MAX - 1);
/// Rounds of handed-over work taken between two polls of the OS.
const ROUNDS_PER_POLL: usize = 64;
/// How long a listener waits before accepting again after a failure such
/// as EMFILE (out of descriptors), as libzmq backs off.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// A running I/O thread.
pub(crate) struct IoThread {
    shared: Arc<Shared>,
    thread: std::sync::Mutex<Option<JoinHandle<()>>>,
    /// The process that started the thread: a child made by `fork` has
    /// none of its parent's threads, so it must not wait for them.
    pid: u32,
}

impl std::fmt::Debug for IoThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IoThread").finish_non_exhaustive()
    }
}

impl IoThread {
    /// Starts an I/O thread named `name`.
    pub(crate) fn spawn(
        name: String,
        thread_options: ThreadOptions,
        inproc: Arc<InprocRegistry>,
    ) -> io::Result<IoThread> {
        let poll = Poll::new()?;
        let waker = Waker::new(poll.registry(), WAKER)?;
        let shared = Arc::new(Shared::new(waker));
        let mut reactor = Reactor {
            poll,
            shared: shared.clone(),
            slots: Vec::new(),
            free: Vec::new(),
            timers: BinaryHeap::new(),
            due: Vec::new(),
            stopping: false,
            inproc,
            resolver: Resolver::new(),
            bodies: BodyPool::new(),
        };
        let thread = std::thread::Builder::new().name(name).spawn(move || {
            // Signals go to application threads, where they interrupt
            // blocking calls (EINTR), never to an I/O thread (as in libzmq).
            crate::sys::block_signals_in_current_thread();
            thread_options.apply_to_current_thread();
            reactor.run()
        })?;
        Ok(IoThread {
            shared,
            thread: std::sync::Mutex::new(Some(thread)),
            pid: std::process::id(),
        })
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// How many connections this thread serves (to pick the least loaded).
    pub(crate) fn load(&self) -> usize {
        self.shared.load.load(Ordering::Relaxed)
    }

    /// Asks the thread to finish its lingering sessions and exit, then waits.
    pub(crate) fn stop(&self) {
        let handle = match self.thread.lock() {
            Ok(mut t) => t.take(),
            Err(_) => None,
        };
        let Some(t) = handle else {
            return;
        };
        if std::process::id() != self.pid {
            // Forked: the thread exists only in the parent, which still
            // uses it. Joining or detaching it here would touch a thread
            // this process does not have, so the handle is let go as is.
            std::mem::forget(t);
            return;
        }
        self.shared.send(Command::Stop);
        // The context's last handle may go on this very thread (a retired
        // monitor's PAIR socket is dropped here): it cannot wait for itself,
        // and stops once its loop takes the command.
        if t.thread().id() != std::thread::current().id() {
            let _ = t.join();
        }
    }
}

impl Drop for IoThread {
    fn drop(&mut self) {
        self.stop();
    }
}

enum Slot {
    Listener(ListenerSlot),
    Session(Box<Session>),
}

struct ListenerSlot {
    id: EndpointId,
    listener: Listener,
    endpoint: String,
    ipc_path: Option<std::path::PathBuf>,
    options: Arc<SessionOptions>,
    link: Arc<SocketLink>,
}

struct Reactor {
    poll: Poll,
    shared: Arc<Shared>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    /// The timers due in one `fire_timers` (kept for its allocation).
    due: Vec<usize>,
    stopping: bool,
    inproc: Arc<InprocRegistry>,
    resolver: Resolver,
    /// Buffers for large received bodies, shared by this thread's sessions.
    bodies: Arc<BodyPool>,
}

impl Reactor {
    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            let mut timeout = self.next_timeout();
            if timeout != Some(Duration::ZERO) && !self.shared.doorbell.may_sleep() {
                timeout = Some(Duration::ZERO);
            }
            let polled = self.poll.poll(&mut events, timeout);
            self.shared.doorbell.awake();
            if let Err(e) = polled {
                if e.kind() != io::ErrorKind::Interrupted {
                    return;
                }
            }
            for event in events.iter() {
                let token = event.token();
                if token == WAKER {
                    continue;
                }
                if let Some(Some(Slot::Session(s))) = self.slots.get_mut(token.0) {
                    s.note_readiness(
                        event.is_readable() || event.is_read_closed() || event.is_error(),
                        event.is_writable() || event.is_write_closed() || event.is_error(),
                        event.is_read_closed() || event.is_error(),
                    );
                }
                self.dispatch(token);
            }
            // Work handed over by other threads keeps coming while we run:
            // take it in rounds before paying for another `epoll_wait`.
            for _ in 0..ROUNDS_PER_POLL {
                let mut worked = false;
                while let Some(command) = self.shared.commands.pop() {
                    self.shared.doorbell.took();
                    self.execute(command);
                    worked = true;
                }
                while let Some(token) = self.shared.ready.pop() {
                    self.shared.doorbell.took();
                    self.dispatch(token);
                    worked = true;
                }
                if !worked {
                    break;
                }
            }
            self.fire_timers();
            if self.stopping
                && !self
                    .slots
                    .iter()
                    .any(|s| matches!(s, Some(Slot::Session(_))))
            {
                return;
            }
        }
    }

    fn next_timeout(&mut self) -> Option<Duration> {
        if self.shared.doorbell.has_work() {
            return Some(Duration::ZERO);
        }
        let Reverse((at, _)) = self.timers.peek()?;
        Some(at.saturating_duration_since(Instant::now()))
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        // Take the due entries first: a session may re-arm a deadline that is
        // already past, and that must wait for the next turn, not spin here.
        let mut due = std::mem::take(&mut self.due);
        while let Some(Reverse((at, index))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            due.push(index);
        }
        for index in due.drain(..) {
            // Entries may be stale; a spurious turn of a session, or an
            // accept that finds nobody waiting, is harmless.
            if matches!(
                self.slots.get(index),
                Some(Some(Slot::Session(_) | Slot::Listener(_)))
            ) {
                self.dispatch(Token(index));
            }
        }
        self.due = due;
    }

    fn allocate(&mut self, slot: Slot) -> Token {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        if let Some(s) = self.slots.get_mut(index) {
            *s = Some(slot);
        }
        Token(index)
    }

    fn release(&mut self, token: Token) -> Option<Slot> {
        let slot = self.slots.get_mut(token.0)?.take();
        if slot.is_some() {
            self.free.push(token.0);
        }
        slot
    }

    fn execute(&mut self, command: Command) {
        match command {
            Command::Listen {
                id,
                listener,
                endpoint,
                ipc_path,
                options,
                link,
            } => {
                let token = self.allocate(Slot::Listener(ListenerSlot {
                    id,
                    listener,
                    endpoint,
                    ipc_path,
                    options,
                    link,
                }));
                if let Some(Some(Slot::Listener(l))) = self.slots.get_mut(token.0) {
                    let _ =
                        self.poll
                            .registry()
                            .register(&mut l.listener, token, Interest::READABLE);
                }
            }
            Command::Connect {
                id,
                endpoint,
                endpoint_str,
                options,
                link,
                pipe,
                wake,
            } => {
                let session = Session::new(
                    id,
                    Role::Connecter(endpoint),
                    endpoint_str,
                    options,
                    link,
                    pipe,
                    wake,
                );
                self.start_session(session);
            }
            Command::Remove(id) => self.remove_endpoint(id),
            Command::CloseSocket(socket, _notice) => self.close_socket(socket),
            Command::Drain(socket, _ack) => self.drain_socket(socket),
            Command::Stop => {
                self.stopping = true;
                let listeners: Vec<Token> = self
                    .slots
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| matches!(s, Some(Slot::Listener(_))))
                    .map(|(i, _)| Token(i))
                    .collect();
                for t in listeners {
                    self.close_listener(t);
                }
            }
        }
    }

    fn start_session(&mut self, session: Session) {
        self.shared.load.fetch_add(1, Ordering::Relaxed);
        let token = self.allocate(Slot::Session(Box::new(session)));
        self.dispatch(token);
    }

    fn remove_endpoint(&mut self, id: EndpointId) {
        let mut tokens = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            match slot {
                Some(Slot::Listener(l)) if l.id == id => tokens.push((Token(i), true)),
                Some(Slot::Session(s)) if s.endpoint_id() == id => tokens.push((Token(i), false)),
                _ => {}
            }
        }
        for (token, is_listener) in tokens {
            if is_listener {
                self.close_listener(token);
            } else if let Some(Some(Slot::Session(s))) = self.slots.get_mut(token.0) {
                s.terminate();
                self.dispatch(token);
            }
        }
    }

    fn close_socket(&mut self, socket: SocketId) {
        let mut tokens = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            match slot {
                Some(Slot::Listener(l)) if l.link.id() == socket => tokens.push((Token(i), true)),
                Some(Slot::Session(s)) if s.socket_id() == socket => tokens.push((Token(i), false)),
                _ => {}
            }
        }
        for (token, is_listener) in tokens {
            if is_listener {
                self.close_listener(token);
            } else {
                self.dispatch(token);
            }
        }
    }

    fn close_listener(&mut self, token: Token) {
        if let Some(Slot::Listener(mut l)) = self.release(token) {
            let _ = self.poll.registry().deregister(&mut l.listener);
            if let Some(path) = &l.ipc_path {
                let _ = std::fs::remove_file(path);
            }
            l.link
                .emit(SocketEvent::Closed(l.listener.raw_fd()), &l.endpoint);
        }
    }

    fn dispatch(&mut self, token: Token) {
        match self.slots.get(token.0) {
            Some(Some(Slot::Listener(_))) => self.accept(token),
            Some(Some(Slot::Session(_))) => self.drive_session(token),
            _ => {}
        }
    }

    fn accept(&mut self, token: Token) {
        let mut accepted = Vec::new();
        let mut retry_at = None;
        if let Some(Some(Slot::Listener(l))) = self.slots.get(token.0) {
            loop {
                match l.listener.accept() {
                    // Refused by an accept filter: dropping the stream closes
                    // it, and the monitor hears ACCEPT_FAILED, as from libzmq
                    // (whose value is a stale errno; ours says why).
                    Ok(stream) if !l.options.net.admits(&stream) => {
                        log::debug!("{}: refused {}", l.endpoint, stream.peer_address());
                        l.link
                            .emit(SocketEvent::AcceptFailed(libc::ECONNREFUSED), &l.endpoint);
                    }
                    Ok(stream) => accepted.push((
                        stream,
                        l.id,
                        l.endpoint.clone(),
                        l.options.clone(),
                        l.link.clone(),
                    )),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        log::warn!("accept on {} failed: {e}", l.endpoint);
                        l.link.emit(
                            SocketEvent::AcceptFailed(e.raw_os_error().unwrap_or(0)),
                            &l.endpoint,
                        );
                        // Out of descriptors (or another passing failure):
                        // the waiting connections raise no new event, so
                        // look again a little later, without spinning.
                        retry_at = Some(Instant::now() + ACCEPT_RETRY);
                        break;
                    }
                }
            }
        }
        if let Some(at) = retry_at {
            self.timers.push(Reverse((at, token.0)));
        }
        for (stream, id, endpoint, options, link) in accepted {
            if link.is_closed() {
                // The socket closed while this connection waited in the backlog.
                continue;
            }
            log::debug!("{endpoint}: accepted {}", stream.peer_address());
            link.emit(SocketEvent::Accepted(stream.raw_fd()), &endpoint);
            let wake = SessionWake::new(self.shared.clone());
            let session = Session::new(
                id,
                Role::Accepted(Some(stream)),
                Arc::from(endpoint.as_str()),
                options,
                link,
                None,
                wake,
            );
            self.start_session(session);
        }
    }

    fn drive_session(&mut self, token: Token) {
        let now = Instant::now();
        let Some(Some(Slot::Session(session))) = self.slots.get_mut(token.0) else {
            return;
        };
        let mut ctx = Ctx {
            registry: self.poll.registry(),
            token,
            now,
            inproc: &self.inproc,
            resolver: &self.resolver,
            bodies: &self.bodies,
        };
        // A bug in one session must not take the whole I/O thread down with it:
        // contain the panic, report it, and end that session only (its pipe
        // closes, so the socket sees the peer go).
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let alive = session.drive(&mut ctx);
            (alive, session.deadline())
        }));
        let (alive, deadline) = match outcome {
            Ok(outcome) => outcome,
            Err(payload) => {
                log::error!(
                    "session for {} panicked: {}; dropping it",
                    session.endpoint(),
                    panic_message(payload.as_ref())
                );
                let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    session.abandon(&mut ctx)
                }));
                if cleaned.is_err() {
                    log::error!("cleaning up the panicked session panicked too");
                }
                (false, None)
            }
        };
        if !alive {
            self.release(token);
            self.shared.load.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        if let Some(at) = deadline {
            self.timers.push(Reverse((at, token.0)));
        }
    }
}

/// The text a panic was raised with, if it has one.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_either_payload() {
        let text = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        assert_eq!(panic_message(text.as_ref()), "boom");
        let formatted = std::panic::catch_unwind(|| panic!("{} {}", "bad", 7)).unwrap_err();
        assert_eq!(panic_message(formatted.as_ref()), "bad 7");
        let other = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(panic_message(other.as_ref()), "(no message)");
    }
}
