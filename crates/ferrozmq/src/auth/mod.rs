//! A ready-made ZAP authenticator (RFC 27), like pyzmq's `zmq.auth` and
//! JeroMQ's `ZAuth`: a thread that answers the ZAP requests of every
//! socket of one [`Context`] from a policy of allowed and denied IP
//! addresses, PLAIN user names and passwords, and CURVE client keys (or any
//! key), per ZAP domain.
//!
//! Rules, as pyzmq's: an allow list, when not empty, refuses every address
//! not in it (and the deny list is then ignored); otherwise addresses in the
//! deny list are refused. NULL clients that are not refused pass. PLAIN and
//! CURVE clients must also show credentials known for the socket's
//! `ZMQ_ZAP_DOMAIN` (an empty domain is the default domain `"*"`). Refusals
//! are ZAP status 400 with pyzmq's reason texts; the user id of a PLAIN
//! client is its user name, of a CURVE client its key in Z85, of NULL
//! `"anonymous"`.
//!
//! ```
//! use ferrozmq::auth::{Authenticator, CurveKeys};
//! use ferrozmq::{Context, CurveKeyPair, SocketType};
//!
//! let ctx = Context::new();
//! let auth = Authenticator::start(&ctx)?;
//! let server_keys = CurveKeyPair::generate()?;
//! let client_keys = CurveKeyPair::generate()?;
//! auth.set_curve_keys("", CurveKeys::allowed([client_keys.public]));
//!
//! let mut server = ctx.socket(SocketType::Rep)?;
//! server.set_curve_server(&server_keys)?;
//! server.bind("tcp://127.0.0.1:*")?;
//! let mut client = ctx.socket(SocketType::Req)?;
//! client.set_curve_client(&client_keys, &server_keys.public)?;
//! client.connect(server.last_endpoint())?;
//! client.send("hello")?;
//! let msg = server.recv()?;
//! assert_eq!(msg.property("User-Id"), Some(client_keys.public.to_z85().as_str()));
//! auth.stop()?;
//! # Ok::<(), ferrozmq::Error>(())
//! ```
//!
//! Certificate files written by pyzmq's `zmq.auth.create_certificates` or
//! czmq are read by [`load_certificate`] and
//! [`CurveKeys::from_certificates`] (a directory of `*.key` files).
//!
//! Stop (or drop) the authenticator before terminating its context: its
//! sockets count as open ones for [`Context::term`].

mod certificates;
mod handler;
mod policy;
mod request;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use zeroize::Zeroizing;

pub use certificates::load_certificate;
pub use policy::CurveKeys;

use crate::context::Context;
use crate::error::{ErrorKind, Result};
use crate::socket::Socket;
use crate::SocketType;
use policy::Policy;

/// Where libzmq's sockets send ZAP requests.
pub const ZAP_ENDPOINT: &str = "inproc://zeromq.zap.01";

/// A running ZAP handler; see the [module documentation](self).
///
/// Configuration changes apply to the next request. Dropping it stops the
/// handler thread as [`Authenticator::stop`] does.
#[derive(Debug)]
pub struct Authenticator {
    policy: Arc<Mutex<Policy>>,
    control: Option<Socket>,
    thread: Option<JoinHandle<Result<()>>>,
}

impl Authenticator {
    /// Binds a handler at [`ZAP_ENDPOINT`] in `ctx` and starts its thread,
    /// with an empty policy (NULL passes; PLAIN and CURVE are refused until
    /// configured). Fails with [`ErrorKind::AddrInUse`] if the context already
    /// has a ZAP handler.
    pub fn start(ctx: &Context) -> Result<Authenticator> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut zap = ctx.socket(SocketType::Rep)?;
        zap.set_option(crate::SocketOption::Linger, 0)?;
        zap.bind(ZAP_ENDPOINT)?;
        let pipe = format!(
            "inproc://ferrozmq.auth.{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut control = ctx.socket(SocketType::Pair)?;
        control.bind(&pipe)?;
        let mut remote = ctx.socket(SocketType::Pair)?;
        remote.connect(&pipe)?;
        let policy = Arc::new(Mutex::new(Policy::default()));
        let shared = Arc::clone(&policy);
        let thread = std::thread::Builder::new()
            .name("ferrozmq-auth".into())
            .spawn(move || handler::serve(zap, remote, shared))
            .map_err(|_| ErrorKind::NoThread)?;
        Ok(Authenticator {
            policy,
            control: Some(control),
            thread: Some(thread),
        })
    }

    /// Allows `address` (and, once any address is allowed, refuses all others).
    pub fn allow(&self, address: IpAddr) {
        self.policy().allow(address);
    }

    /// Refuses `address` (ignored while an allow list exists).
    pub fn deny(&self, address: IpAddr) {
        self.policy().deny(address);
    }

    /// Sets the PLAIN users and passwords of `domain` (replacing earlier ones).
    pub fn set_plain_passwords<U, P>(&self, domain: &str, users: impl IntoIterator<Item = (U, P)>)
    where
        U: Into<String>,
        P: Into<String>,
    {
        let users: HashMap<String, Zeroizing<String>> = users
            .into_iter()
            .map(|(u, p)| (u.into(), Zeroizing::new(p.into())))
            .collect();
        self.policy().set_passwords(domain, users);
    }

    /// Sets which CURVE client keys `domain` accepts (replacing earlier ones).
    pub fn set_curve_keys(&self, domain: &str, keys: CurveKeys) {
        self.policy().set_curve(domain, keys);
    }

    /// Stops the handler thread and closes its sockets; returns the error
    /// that stopped it early, if any.
    pub fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        if let Some(mut control) = self.control.take() {
            // Fails only if the thread is gone already (context shut down).
            let _ = control.try_send("STOP");
        }
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ErrorKind::Fault.into()),
            None => Ok(()),
        }
    }

    fn policy(&self) -> MutexGuard<'_, Policy> {
        // A poisoned lock only means a setter panicked; the data is whole.
        self.policy.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Authenticator {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
