//! ZMTP 3.x, the ZeroMQ wire protocol, as a pure state machine.
//!
//! This crate turns bytes from a peer into events, and the caller's messages
//! into bytes for the peer. It does no I/O, starts no threads and never reads
//! the clock: time arrives as an argument. That keeps every behaviour testable
//! with byte vectors and a fake clock, and lets the engine crate own sockets.
//!
//! It does **not** route messages between peers, keep queues or high-water
//! marks, or reconnect: that is the engine's and the socket patterns' work.
//!
//! # The connection's life
//!
//! ```text
//!   Connection::new ──► Greeting ──(64 octets, ZMTP 3.x)──► Handshake ──(READY)──► Ready
//!                          │                                  │  NULL / PLAIN       │ frames,
//!                          │ revision 0/1 or no signature      │  ZAP as events      │ PING/PONG,
//!                          ▼                                  ▼                     │ SUBSCRIBE
//!                    LegacyIdentity ──(identity frame)──────────────────────────► Ready
//!                    (ZMTP 1.0 / 2.0)                  any error ─► Failed
//! ```
//!
//! The greeting is exchanged in stages, as libzmq does: the 10-octet
//! signature first, the major version once the peer's signature arrived, the
//! rest once its major version arrived. So a ZMTP 1.0 or 2.0 peer is
//! recognised and spoken to in its own framing.
//!
//! # Example: two connections back to back
//!
//! ```
//! use ferrozmq_zmtp::{Config, Connection, Event, SocketType};
//!
//! let mut req = Connection::new(Config::new(SocketType::Req))?;
//! let mut rep = Connection::new(Config::new(SocketType::Rep))?;
//! // Shuttle bytes until both are quiet.
//! for _ in 0..8 {
//!     let a = req.transmit().to_vec();
//!     req.transmit().advance(a.len());
//!     rep.handle_bytes(&a)?;
//!     let b = rep.transmit().to_vec();
//!     rep.transmit().advance(b.len());
//!     req.handle_bytes(&b)?;
//! }
//! assert!(req.is_ready() && rep.is_ready());
//! req.send_frame("".into(), true)?;
//! req.send_frame("Hello".into(), false)?;
//! let bytes = req.transmit().to_vec();
//! rep.handle_bytes(&bytes)?;
//! let mut frames = Vec::new();
//! while let Some(event) = rep.poll_event() {
//!     if let Event::Frame(f) = event {
//!         frames.push(f.body);
//!     }
//! }
//! assert_eq!(frames, ["", "Hello"]);
//! # Ok::<(), ferrozmq_zmtp::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod command;
mod connection;
mod error;
pub mod frame;
pub mod greeting;
mod heartbeat;
pub mod mechanism;
mod socket_type;
pub mod z85;

pub use command::{Command, Metadata, Subscription};
pub use connection::{Config, Connection, Event, PeerInfo, MAX_HANDSHAKE_FRAME};
pub use error::{Error, Incompatible, ProtocolError, Result};
pub use frame::Frame;
pub use greeting::PeerProtocol;
pub use heartbeat::HeartbeatConfig;
pub use mechanism::{
    CurvePublicKey, CurveSecretKey, Entropy, MechanismConfig, ZapFault, ZapOrigin, ZapReply,
    ZapRequest,
};
pub use socket_type::{SocketType, UnknownSocketType};
