//! Security mechanisms: NULL and PLAIN, behind one trait that CURVE will also
//! implement.
//!
//! A mechanism runs the handshake after the greeting. It is fed the peer's
//! command bodies ([`Mechanism::handle_command`]) and yields its own
//! ([`Mechanism::poll_command`]); a ZAP request leaves through
//! [`Mechanism::poll_zap_request`] and its answer returns through
//! [`Mechanism::handle_zap_reply`]. The mechanism never does I/O.

mod null;
mod plain;
mod zap;

use bytes::Bytes;

pub use null::Null;
pub use plain::{PlainClient, PlainServer};
pub use zap::{ZapReply, ZapRequest};

use crate::command::Metadata;
use crate::error::Result;
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

    /// Protects an outgoing frame after the handshake (identity for NULL and PLAIN).
    fn encode_frame(&mut self, frame: Frame) -> Result<Frame> {
        Ok(frame)
    }

    /// Unprotects an incoming frame after the handshake (identity for NULL and PLAIN).
    fn decode_frame(&mut self, frame: Frame) -> Result<Frame> {
        Ok(frame)
    }
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
        }
    }

    /// Builds the mechanism. `local` is the metadata our READY/INITIATE carries;
    /// `zap` asks NULL to consult ZAP (PLAIN's server always does).
    pub fn build(&self, local: Metadata, zap: bool) -> Result<Box<dyn Mechanism>> {
        Ok(match self {
            MechanismConfig::Null => Box::new(Null::new(local, zap)),
            MechanismConfig::PlainClient { username, password } => {
                Box::new(PlainClient::new(local, username.clone(), password.clone())?)
            }
            MechanismConfig::PlainServer => Box::new(PlainServer::new(local)),
        })
    }
}
