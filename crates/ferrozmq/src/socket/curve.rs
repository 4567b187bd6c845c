//! Typed CURVE settings on a socket (the byte-level options are
//! ZMQ_CURVE_SERVER, _PUBLICKEY, _SECRETKEY and _SERVERKEY).

use super::{Socket, SocketOption};
use crate::curve::{CurveKeyPair, CurvePublicKey};
use crate::error::{Error, ErrorKind, Result};

impl Socket {
    /// Makes this socket a CURVE server with the long-term key pair `keys`.
    /// Clients are then checked by the ZAP handler, if one is bound.
    pub fn set_curve_server(&mut self, keys: &CurveKeyPair) -> Result<()> {
        self.set_option_bytes(SocketOption::CurvePublickey, keys.public.as_bytes())?;
        self.set_option_bytes(SocketOption::CurveSecretkey, keys.secret.as_bytes())?;
        self.set_option(SocketOption::CurveServer, 1)
    }

    /// Makes this socket a CURVE client with the long-term key pair `keys`,
    /// that only talks to the server holding the secret key of `server`.
    pub fn set_curve_client(&mut self, keys: &CurveKeyPair, server: &CurvePublicKey) -> Result<()> {
        self.set_option_bytes(SocketOption::CurvePublickey, keys.public.as_bytes())?;
        self.set_option_bytes(SocketOption::CurveSecretkey, keys.secret.as_bytes())?;
        self.set_option_bytes(SocketOption::CurveServerkey, server.as_bytes())
    }

    /// A CURVE public key option (ZMQ_CURVE_PUBLICKEY or ZMQ_CURVE_SERVERKEY)
    /// as set, all zeros if never set.
    pub fn curve_public_key(&mut self, option: SocketOption) -> Result<CurvePublicKey> {
        if !matches!(
            option,
            SocketOption::CurvePublickey | SocketOption::CurveServerkey
        ) {
            return Err(ErrorKind::Invalid.into());
        }
        match self.option(option)? {
            super::OptionValue::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                .map(CurvePublicKey::from_bytes)
                .map_err(|_| Error::new(ErrorKind::Invalid)),
            _ => Err(ErrorKind::Invalid.into()),
        }
    }
}
