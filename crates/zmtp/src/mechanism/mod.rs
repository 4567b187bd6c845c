//! Security mechanisms: NULL, PLAIN and CURVE, behind one trait.
//!
//! A mechanism runs the handshake after the greeting. It is fed the peer's
//! command bodies ([`Mechanism::handle_command`]) and yields its own
//! ([`Mechanism::poll_command`]); a ZAP request leaves through
//! [`Mechanism::poll_zap_request`] and its answer returns through
//! [`Mechanism::handle_zap_reply`]. The mechanism never does I/O.

pub mod curve;
mod null;
mod plain;
mod zap;

use bytes::Bytes;

pub use curve::{CurveClient, CurvePublicKey, CurveSecretKey, CurveServer, Entropy};
pub use null::Null;
pub use plain::{PlainClient, PlainServer};
pub use zap::{status_in_error_reason, ZapFault, ZapOrigin, ZapReply, ZapRequest};

use crate::command::Metadata;
use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::greeting::MechanismName;

/// Where a handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeStatus {
    /// Commands are still to be exchanged.
    InProgress,
    /// Both sides are done; traffic may flow.
    Ready,
}

/// One side of a security handshake, and (for CURVE) the per-frame protection
/// that follows it.
pub trait Mechanism: Send + std::fmt::Debug {
    /// The name announced in the greeting.
    fn name(&self) -> MechanismName;

    /// Whether this side is the mechanism's server (the greeting's as-server octet).
    fn as_server(&self) -> bool;

    /// The next handshake command body to send, if one is due.
    fn poll_command(&mut self) -> Option<Bytes>;

    /// Feeds one handshake command body from the peer.
    fn handle_command(&mut self, body: &Bytes) -> Result<()>;

    /// A ZAP request that must be answered before the handshake can go on.
    fn poll_zap_request(&mut self) -> Option<ZapRequest> {
        None
    }

    /// The answer to the request from [`Mechanism::poll_zap_request`].
    fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<()>;

    /// Where the handshake stands.
    fn status(&self) -> HandshakeStatus;

    /// The peer's metadata, once it has been received.
    fn peer_metadata(&self) -> Option<&Metadata>;

    /// The user id and metadata the ZAP handler returned, if any.
    fn zap_result(&self) -> Option<&ZapReply> {
        None
    }

    /// Whether every frame after the handshake goes through
    /// [`Mechanism::encode_frame`] and [`Mechanism::decode_frame`] (CURVE),
    /// commands included.
    fn protects_frames(&self) -> bool {
        false
    }

    /// Protects an outgoing frame after the handshake (identity for NULL and PLAIN).
    fn encode_frame(&mut self, frame: Frame) -> Result<Frame> {
        Ok(frame)
    }

    /// Unprotects an incoming frame after the handshake (identity for NULL and PLAIN).
    fn decode_frame(&mut self, frame: Frame) -> Result<Frame> {
        Ok(frame)
    }

    /// Unprotects an incoming frame body where it lies, for a body the
    /// caller read into a buffer of its own; `None` when the mechanism does
    /// not protect frames (the body is the frame's as it came).
    fn decode_frame_in_place(&mut self, _body: &mut [u8]) -> Result<Option<Opened>> {
        Ok(None)
    }
}

/// A protected frame opened in its own buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// More frames of the same message follow.
    pub more: bool,
    /// The frame carries a command.
    pub command: bool,
    /// Where the frame's payload lies in the buffer.
    pub range: std::ops::Range<usize>,
}

/// Which mechanism a connection uses, and its credentials.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum MechanismConfig {
    /// No security (RFC 23).
    #[default]
    Null,
    /// PLAIN client with user name and password (RFC 24).
    PlainClient {
        /// User name, at most 255 octets.
        username: Bytes,
        /// Password, at most 255 octets.
        password: Bytes,
    },
    /// PLAIN server: credentials are checked through ZAP.
    PlainServer,
    /// CURVE client (RFC 26) with its long-term key pair and the server's public key.
    CurveClient {
        /// Our long-term public key (C).
        public: CurvePublicKey,
        /// Our long-term secret key (c).
        secret: CurveSecretKey,
        /// The server's long-term public key (S).
        server: CurvePublicKey,
    },
    /// CURVE server with its long-term secret key; clients are checked through ZAP.
    CurveServer {
        /// Our long-term secret key (s).
        secret: CurveSecretKey,
    },
}

impl std::fmt::Debug for MechanismConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MechanismConfig::Null => f.write_str("Null"),
            MechanismConfig::PlainClient { username, .. } => f
                .debug_struct("PlainClient")
                .field("username", username)
                .finish_non_exhaustive(),
            MechanismConfig::PlainServer => f.write_str("PlainServer"),
            MechanismConfig::CurveClient { public, server, .. } => f
                .debug_struct("CurveClient")
                .field("public", public)
                .field("server", server)
                .finish_non_exhaustive(),
            MechanismConfig::CurveServer { secret } => f
                .debug_struct("CurveServer")
                .field("public", &secret.public_key())
                .finish_non_exhaustive(),
        }
    }
}

impl MechanismConfig {
    /// The name this configuration announces in the greeting.
    pub fn name(&self) -> MechanismName {
        match self {
            MechanismConfig::Null => MechanismName::NULL,
            MechanismConfig::PlainClient { .. } | MechanismConfig::PlainServer => {
                MechanismName::PLAIN
            }
            MechanismConfig::CurveClient { .. } | MechanismConfig::CurveServer { .. } => {
                MechanismName::CURVE
            }
        }
    }

    /// Builds the mechanism. `local` is the metadata our READY/INITIATE carries;
    /// `zap` asks NULL to consult ZAP (PLAIN's and CURVE's servers always do);
    /// CURVE needs `entropy` for its transient keys and nonces.
    pub fn build(
        &self,
        local: Metadata,
        zap: bool,
        entropy: Option<&Entropy>,
    ) -> Result<Box<dyn Mechanism>> {
        let entropy = || {
            entropy.cloned().ok_or(Error::Misuse(
                "CURVE needs a source of randomness (Config::entropy)",
            ))
        };
        Ok(match self {
            MechanismConfig::Null => Box::new(Null::new(local, zap)),
            MechanismConfig::PlainClient { username, password } => {
                Box::new(PlainClient::new(local, username.clone(), password.clone())?)
            }
            MechanismConfig::PlainServer => Box::new(PlainServer::new(local)),
            MechanismConfig::CurveClient {
                public,
                secret,
                server,
            } => Box::new(CurveClient::new(
                local,
                *public,
                secret.clone(),
                *server,
                entropy()?,
            )?),
            MechanismConfig::CurveServer { secret } => {
                Box::new(CurveServer::new(local, secret.clone(), entropy()?))
            }
        })
    }
}
