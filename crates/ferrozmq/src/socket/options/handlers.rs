//! Handlers for the table's `with` rows: options kept outside a plain
//! field, or whose setting changes other options (the security options
//! choose the mechanism, as the last one set does in libzmq). Each takes
//! or returns the value of its row's codec, already validated.

use bytes::Bytes;
use ferrozmq_zmtp::{MechanismConfig, SocketType};
use zeroize::Zeroizing;

use super::{Mechanism, Options};
use crate::error::{Error, ErrorKind, Result};

impl Options {
    /// The setter of read-only options.
    pub(super) fn read_only<T>(&mut self, _: T) -> Result<()> {
        Err(ErrorKind::Invalid.into())
    }

    pub(super) fn type_value(&self) -> SocketType {
        self.socket_type
    }

    pub(super) fn thread_safe(&self) -> bool {
        false
    }

    pub(super) fn mechanism_kind(&self) -> Mechanism {
        match self.mechanism() {
            MechanismConfig::Null => Mechanism::Null,
            MechanismConfig::CurveClient { .. } | MechanismConfig::CurveServer { .. } => {
                Mechanism::Curve
            }
            _ => Mechanism::Plain,
        }
    }

    /// 1 makes the socket a PLAIN server, 0 a NULL socket (as in libzmq).
    pub(super) fn set_plain_server(&mut self, on: bool) -> Result<()> {
        self.choose_null();
        self.plain_server = on;
        Ok(())
    }

    pub(super) fn plain_server_flag(&self) -> bool {
        self.plain_server
    }

    /// A name makes the socket a PLAIN client; an empty one (libzmq's
    /// `(NULL, 0)`) a NULL socket, keeping the name set before.
    pub(super) fn set_plain_username(&mut self, name: Bytes) -> Result<()> {
        self.choose_null();
        if !name.is_empty() {
            self.plain_username = name;
            self.plain_client = true;
        }
        Ok(())
    }

    pub(super) fn plain_username_value(&self) -> Bytes {
        self.plain_username.clone()
    }

    /// As [`Options::set_plain_username`], for the password.
    pub(super) fn set_plain_password(&mut self, password: Bytes) -> Result<()> {
        self.choose_null();
        if !password.is_empty() {
            self.plain_password = password;
            self.plain_client = true;
        }
        Ok(())
    }

    pub(super) fn plain_password_value(&self) -> Bytes {
        self.plain_password.clone()
    }

    pub(super) fn set_curve_server_flag(&mut self, on: bool) -> Result<()> {
        self.choose_null();
        self.curve.server = on;
        self.curve.active = on;
        Ok(())
    }

    pub(super) fn curve_server_flag(&self) -> bool {
        self.curve.active && self.curve.server
    }

    pub(super) fn set_curve_public(&mut self, key: [u8; 32]) -> Result<()> {
        self.curve.public = Zeroizing::new(key);
        self.select_curve();
        Ok(())
    }

    pub(super) fn curve_public(&self) -> [u8; 32] {
        *self.curve.public
    }

    pub(super) fn set_curve_secret(&mut self, key: [u8; 32]) -> Result<()> {
        self.curve.secret = Zeroizing::new(key);
        self.select_curve();
        Ok(())
    }

    pub(super) fn curve_secret(&self) -> [u8; 32] {
        *self.curve.secret
    }

    /// Setting the server's key makes this socket a CURVE client.
    pub(super) fn set_curve_server_key(&mut self, key: [u8; 32]) -> Result<()> {
        self.curve.server_key = Zeroizing::new(key);
        self.select_curve();
        self.curve.server = false;
        Ok(())
    }

    pub(super) fn curve_server_key(&self) -> [u8; 32] {
        *self.curve.server_key
    }

    pub(super) fn set_connect_routing_id(&mut self, id: Bytes) -> Result<()> {
        self.connect_routing_id = Some(id);
        Ok(())
    }

    pub(super) fn set_xpub_welcome_msg(&mut self, msg: Bytes) -> Result<()> {
        self.xpub_welcome_msg = Some(msg);
        Ok(())
    }

    /// libzmq sets XPUB_MANUAL and the last-value send together.
    pub(super) fn set_xpub_manual_last_value(&mut self, on: bool) -> Result<()> {
        self.xpub_manual = on;
        self.xpub_manual_last_value = on;
        Ok(())
    }

    pub(super) fn set_router_raw(&mut self, on: bool) -> Result<()> {
        self.router_raw = on;
        Ok(())
    }

    pub(super) fn set_stream_notify(&mut self, on: bool) -> Result<()> {
        self.stream_notify = on;
        Ok(())
    }

    pub(super) fn add_metadata(&mut self, (name, value): (String, Bytes)) -> Result<()> {
        self.metadata
            .insert(&name, value)
            .map_err(|_| Error::new(ErrorKind::Invalid))
    }

    /// Keeps the address's bytes to read back as set; connecting uses its
    /// text (bytes that are not UTF-8 name no host, so such a proxy fails
    /// to resolve either way).
    pub(super) fn set_socks_proxy(&mut self, address: Vec<u8>) -> Result<()> {
        self.socks.address = String::from_utf8_lossy(&address).into_owned();
        self.socks_proxy = address;
        Ok(())
    }

    pub(super) fn socks_proxy_value(&self) -> Vec<u8> {
        self.socks_proxy.clone()
    }

    pub(super) fn set_socks_username(&mut self, name: Bytes) -> Result<()> {
        self.socks.username = name;
        Ok(())
    }

    pub(super) fn socks_username(&self) -> Bytes {
        self.socks.username.clone()
    }

    pub(super) fn set_socks_password(&mut self, password: Bytes) -> Result<()> {
        self.socks.password = password;
        Ok(())
    }

    pub(super) fn socks_password(&self) -> Bytes {
        self.socks.password.clone()
    }

    /// A CURVE key option was set: CURVE is the mechanism now.
    fn select_curve(&mut self) {
        self.choose_null();
        self.curve.active = true;
    }

    /// The NULL mechanism, which each security option starts from before
    /// choosing its own (libzmq keeps one mechanism, the last chosen).
    fn choose_null(&mut self) {
        self.plain_server = false;
        self.plain_client = false;
        self.curve.active = false;
    }
}
