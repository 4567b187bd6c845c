//! The shell's connect side: resolving, dialing each address, the SOCKS5
//! exchange. The driver decides when and what; this does the syscalls.

use mio::Interest;

use super::{Ctx, Role, Session, State};
use crate::transport::{
    dial_route, ipc_connect, tcp_connect, Addresses, Endpoint, Lookup, OpenFailure, ProxyConnect,
    Resolution, SocksHandshake, Stream,
};

impl Session {
    /// Not connected: starts a round of connecting when one is due.
    pub(super) fn drive_idle(&mut self, ctx: &mut Ctx<'_>) -> State {
        let Role::Connecter(endpoint) = &self.role else {
            return State::Dead;
        };
        if !self.driver.connect_due(ctx.now, self.has_queued()) {
            return State::Idle;
        }
        let (source, target) = match endpoint {
            Endpoint::Ipc(path) => {
                let opened = ipc_connect(path);
                return self.start_connect(ctx, opened);
            }
            tcp => match dial_route(tcp, self.options.socks_proxy.as_ref()) {
                Ok(route) => route,
                Err(e) => return self.cannot_connect(ctx, e.into()),
            },
        };
        // Through a proxy, the proxy address's `source;`; direct, the endpoint's.
        self.dial_source = match self.options.socks_proxy {
            Some(_) => source,
            None => self.options.net.connect_source,
        };
        match ctx
            .resolver
            .resolve(&target, self.options.net.ipv6, self.wake.clone())
        {
            Resolution::Ready(addresses) => self.dial(ctx, addresses),
            Resolution::Pending(lookup) => {
                self.driver.resolving();
                State::Resolving(lookup)
            }
        }
    }

    /// Waits for the resolver's answer, then dials.
    pub(super) fn drive_resolving(&mut self, ctx: &mut Ctx<'_>, lookup: Lookup) -> State {
        if !self.driver.wants_connection(self.has_queued()) {
            return State::Idle;
        }
        match lookup.poll() {
            Some(addresses) => self.dial(ctx, addresses),
            None => State::Resolving(lookup),
        }
    }

    /// Dials the resolved addresses in turn.
    fn dial(&mut self, ctx: &mut Ctx<'_>, addresses: Addresses) -> State {
        match addresses {
            Ok(addresses) => {
                self.driver.resolved(addresses);
                self.dial_next(ctx)
            }
            Err(e) => self.cannot_connect(ctx, e.into()),
        }
    }

    /// Starts connecting to the next address left, or, with none left,
    /// schedules the next round.
    fn dial_next(&mut self, ctx: &mut Ctx<'_>) -> State {
        let Some(address) = self.driver.next_address() else {
            return self.schedule_reconnect(ctx);
        };
        let opened = tcp_connect(address, self.dial_source, &self.options.net);
        self.start_connect(ctx, opened)
    }

    /// A connect that could not start: the next address, or later.
    fn cannot_connect(&mut self, ctx: &mut Ctx<'_>, failure: OpenFailure) -> State {
        log::debug!("{}: cannot connect: {}", self.endpoint, failure.error);
        if let Some(fd) = failure.closed_fd {
            self.driver.connect_closed(fd);
        }
        if self.stops_when_refused(&failure.error) {
            return self.end();
        }
        self.dial_next(ctx)
    }

    /// ZMQ_RECONNECT_STOP_CONN_REFUSED: a refused connect ends the
    /// connection for good (the monitor has seen CLOSED, no RETRIED).
    fn stops_when_refused(&self, error: &std::io::Error) -> bool {
        self.options.stop_when_refused && error.raw_os_error() == Some(libc::ECONNREFUSED)
    }

    /// Watches a connect just started.
    fn start_connect(&mut self, ctx: &mut Ctx<'_>, opened: Result<Stream, OpenFailure>) -> State {
        let mut stream = match opened {
            Ok(stream) => stream,
            Err(failure) => return self.cannot_connect(ctx, failure),
        };
        if let Err(error) = ctx.registry.register(
            &mut stream,
            ctx.token,
            Interest::READABLE | Interest::WRITABLE,
        ) {
            let closed_fd = Some(stream.raw_fd());
            return self.cannot_connect(ctx, OpenFailure { error, closed_fd });
        }
        log::debug!("{}: connecting", self.endpoint);
        self.driver
            .connect_started(ctx.now, matches!(stream, Stream::Tcp(_)));
        State::Connecting(stream)
    }

    /// A connect in progress: done, failed, or out of time.
    pub(super) fn drive_connecting(&mut self, ctx: &mut Ctx<'_>, mut stream: Stream) -> State {
        let error = stream.take_error();
        let failed = !matches!(error, Ok(None));
        if failed || !stream.is_connected() && self.driver.connect_expired(ctx.now) {
            self.driver.connect_failed();
            let _ = ctx.registry.deregister(&mut stream);
            self.driver.connect_closed(stream.raw_fd());
            if let Ok(Some(e)) = &error {
                if self.stops_when_refused(e) {
                    return self.end();
                }
            }
            return self.dial_next(ctx);
        }
        if !stream.is_connected() {
            return State::Connecting(stream);
        }
        self.driver.connect_done();
        if let (Some(proxy), Role::Connecter(Endpoint::Tcp { host, port })) =
            (&self.options.socks_proxy, &self.role)
        {
            return match SocksHandshake::new(proxy, host, *port) {
                Ok(handshake) => {
                    self.drive_proxying(ctx, Box::new(ProxyConnect::new(stream, handshake)))
                }
                Err(_) => {
                    let _ = ctx.registry.deregister(&mut stream);
                    self.driver.connect_closed(stream.raw_fd());
                    self.schedule_reconnect(ctx)
                }
            };
        }
        self.driver.connected(stream.raw_fd());
        self.activate(ctx, stream)
    }

    /// Runs the SOCKS5 handshake; a refusal is a failed connect.
    pub(super) fn drive_proxying(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut proxied: Box<ProxyConnect>,
    ) -> State {
        match proxied.advance() {
            Ok(false) => State::Proxying(proxied),
            Ok(true) => {
                let stream = proxied.into_stream();
                self.driver.connected(stream.raw_fd());
                self.activate(ctx, stream)
            }
            Err(_) => {
                let _ = ctx.registry.deregister(proxied.stream_mut());
                self.driver.connect_closed(proxied.stream_mut().raw_fd());
                self.schedule_reconnect(ctx)
            }
        }
    }

    /// The next round after the backoff delay, or the end.
    pub(super) fn schedule_reconnect(&mut self, ctx: &mut Ctx<'_>) -> State {
        if self.driver.schedule_reconnect(ctx.now, self.has_queued()) {
            log::debug!("{}: reconnecting later", self.endpoint);
            State::Idle
        } else {
            State::Dead
        }
    }
}
