//! [`Engine`]: the I/O threads and inproc names of one context.

use std::io;
use std::sync::Arc;

use crate::drain::DrainAck;
use crate::inproc::InprocRegistry;
use crate::link::{CloseNotice, SocketLink};
use crate::mailbox::{next_endpoint_id, Command, EndpointId, SessionWake};
use crate::monitor::SocketEvent;
use crate::options::SessionOptions;
use crate::pipe::Pipe;
use crate::reactor::IoThread;
use crate::thread_options::ThreadOptions;
use crate::transport::{bind, Endpoint};

/// The I/O threads and inproc registry a context owns.
#[derive(Debug)]
pub struct Engine {
    threads: Vec<IoThread>,
    inproc: Arc<InprocRegistry>,
}

impl Engine {
    /// Starts `io_threads` I/O threads (at least one), named and scheduled
    /// by `thread_options`.
    pub fn new(io_threads: usize, thread_options: &ThreadOptions) -> io::Result<Engine> {
        let inproc = Arc::new(InprocRegistry::new());
        let threads = (0..io_threads.max(1))
            .map(|i| {
                IoThread::spawn(
                    thread_options.thread_name(i),
                    thread_options.clone(),
                    inproc.clone(),
                )
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Engine { threads, inproc })
    }

    /// The context's inproc names.
    pub fn inproc(&self) -> &InprocRegistry {
        &self.inproc
    }

    fn least_loaded(&self) -> Option<&IoThread> {
        self.threads.iter().min_by_key(|t| t.load())
    }

    /// Binds a tcp or ipc endpoint; returns its id and the resolved endpoint
    /// string (LAST_ENDPOINT).
    pub fn bind(
        &self,
        endpoint: &Endpoint,
        options: Arc<SessionOptions>,
        link: &Arc<SocketLink>,
    ) -> io::Result<(EndpointId, String)> {
        let bound = bind(endpoint, &options.net).map_err(|failure| {
            // As libzmq: the socket it made closes (CLOSED, no endpoint),
            // then BIND_FAILED with the errno, naming the address bound.
            if let Some(fd) = failure.closed_fd {
                link.emit(SocketEvent::Closed(fd), "");
            }
            let errno = failure.error.raw_os_error().unwrap_or(libc::EINVAL);
            let named = endpoint.to_string();
            let address = named.split_once("://").map_or(named.as_str(), |(_, a)| a);
            link.emit(SocketEvent::BindFailed(errno), address);
            failure.error
        })?;
        let id = next_endpoint_id();
        let thread = self
            .least_loaded()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
        let resolved = bound.endpoint.clone();
        link.emit(SocketEvent::Listening(bound.listener.raw_fd()), &resolved);
        thread.shared().send(Command::Listen {
            id,
            listener: bound.listener,
            endpoint: bound.endpoint,
            ipc_path: bound.ipc_path,
            options,
            link: link.clone(),
        });
        Ok((id, resolved))
    }

    /// Connects to a tcp or ipc endpoint. Unless `pipe_now` is false, the
    /// socket's pipe is returned at once so messages can queue before the
    /// connection exists (libzmq without ZMQ_IMMEDIATE).
    pub fn connect(
        &self,
        endpoint: Endpoint,
        options: Arc<SessionOptions>,
        link: &Arc<SocketLink>,
        pipe_now: bool,
    ) -> io::Result<(EndpointId, Option<Pipe>)> {
        let thread = self
            .least_loaded()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
        let id = next_endpoint_id();
        let endpoint_str: Arc<str> = Arc::from(endpoint.to_string().as_str());
        let wake = SessionWake::new(thread.shared().clone());
        let pipe = pipe_now.then(|| {
            let pipe = Pipe::new(options.rcvhwm, options.sndhwm, endpoint_str.clone());
            pipe.set_conflate(options.conflate);
            pipe.wire(link.signaler.clone(), wake.clone());
            if options.probe_router {
                pipe.send_probe();
            }
            if let Some(rid) = &options.connect_routing_id {
                pipe.set_peer_info(crate::pipe::PeerInfo {
                    routing_id: rid.clone(),
                    properties: Vec::new(),
                    ..Default::default()
                });
            }
            pipe
        });
        thread.shared().send(Command::Connect {
            id,
            endpoint,
            endpoint_str,
            options,
            link: link.clone(),
            pipe: pipe.clone(),
            wake,
        });
        Ok((id, pipe))
    }

    /// Unbinds or disconnects the endpoint with this id.
    pub fn remove(&self, id: EndpointId) {
        for t in &self.threads {
            t.shared().send(Command::Remove(id));
        }
    }

    /// The socket behind `link` closed: its connections linger, its
    /// listeners close (each reporting ZMQ_EVENT_CLOSED), and then, as in
    /// libzmq, its monitor gets ZMQ_EVENT_MONITOR_STOPPED and is removed.
    pub fn close_socket(&self, link: &Arc<SocketLink>) {
        link.close();
        self.inproc.forget(link);
        let notice = Arc::new(CloseNotice::new(link.clone()));
        for t in &self.threads {
            t.shared()
                .send(Command::CloseSocket(link.id(), notice.clone()));
        }
    }

    /// Drain: closes the listeners of the socket behind `link` and pauses
    /// its connections, which from then on read nothing more from their
    /// peers or from the socket's pipes (what they already took is still
    /// written). Returns once every I/O thread has done so (true), or when
    /// `give_up` says so first (false). After true, [`Pipe::take_unsent`]
    /// takes back what the connections left.
    pub fn drain_socket(&self, link: &Arc<SocketLink>, give_up: impl Fn() -> bool) -> bool {
        let (ack, shares) = DrainAck::new(self.threads.len());
        for (t, share) in self.threads.iter().zip(shares) {
            t.shared().send(Command::Drain(link.id(), share));
        }
        ack.wait(give_up)
    }

    /// Stops every I/O thread once its lingering connections are done.
    pub fn shutdown(&self) {
        for t in &self.threads {
            t.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use ferrozmq_zmtp::{Config, SocketType};

    use super::*;
    use crate::link::LinkEvent;
    use crate::notify::WaitOutcome;

    /// Keeps what the engine logs at warn level and above.
    struct Recorder(Mutex<Vec<String>>);

    impl log::Log for Recorder {
        fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
            metadata.level() <= log::Level::Warn
        }
        fn log(&self, record: &log::Record<'_>) {
            if self.enabled(record.metadata()) {
                if let Ok(mut lines) = self.0.lock() {
                    lines.push(record.args().to_string());
                }
            }
        }
        fn flush(&self) {}
    }

    static RECORDER: Recorder = Recorder(Mutex::new(Vec::new()));

    #[test]
    fn a_panicking_session_is_logged_and_dropped_with_its_pipe_closed() {
        let _ = log::set_logger(&RECORDER);
        log::set_max_level(log::LevelFilter::Warn);
        let engine = Engine::new(1, &ThreadOptions::default()).unwrap();
        let link = SocketLink::new();
        let options = Arc::new(SessionOptions::new(Config::new(SocketType::Dealer)));
        let host = crate::session::PANIC_HOST;
        let endpoint = Endpoint::parse(&format!("{host}5555")).unwrap();
        let (_, pipe) = engine
            .connect(endpoint, options.clone(), &link, true)
            .unwrap();
        let pipe = pipe.unwrap();

        let deadline = Instant::now() + Duration::from_secs(10);
        let outcome = link
            .signaler
            .wait_until(Some(deadline), || pipe.is_finished());
        assert_eq!(outcome, WaitOutcome::Ready, "the socket sees its peer go");
        // The slot is released right after the pipe closes.
        while engine.threads[0].load() != 0 && Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert_eq!(engine.threads[0].load(), 0, "the session was dropped");
        let logged = RECORDER.0.lock().unwrap().clone();
        assert!(
            logged
                .iter()
                .any(|l| l.contains("panicked") && l.contains("injected by a test")),
            "{logged:?}"
        );

        // The I/O thread goes on serving: a new connection completes.
        let server = SocketLink::new();
        let (_, address) = engine
            .bind(
                &Endpoint::parse("tcp://127.0.0.1:*").unwrap(),
                options.clone(),
                &server,
            )
            .unwrap();
        let client = SocketLink::new();
        let to = Endpoint::parse(&address).unwrap();
        engine.connect(to, options, &client, true).unwrap();
        let outcome = server
            .signaler
            .wait_until(Some(deadline), || server.has_events());
        assert_eq!(outcome, WaitOutcome::Ready, "the server gets its peer");
        assert!(matches!(server.take_event(), Some(LinkEvent::Attach(_))));
        for link in [&link, &server, &client] {
            engine.close_socket(link);
        }
    }
}
