//! The CURVE client (RFC 26).
//!
//! ```text
//! client                                     server
//! HELLO(C', nonce, Box[64 zeros](C'->S))  -->
//!                                         <--  WELCOME(Box[S' + cookie](S->C'))
//! INITIATE(cookie, nonce,
//!   Box[C + vouch + metadata](C'->S'))    -->
//!                                         <--  READY(nonce, Box[metadata](S'->C'))
//! ```

use bytes::{BufMut, Bytes, BytesMut};
use crypto_box::SalsaBox;
use zeroize::Zeroizing;

use super::keys::{CurvePublicKey, CurveSecretKey, Entropy, KEY_LEN};
use super::message::{self, MessageCodec};
use super::sealing::{long_nonce, open, seal, short_nonce, MAC_LEN};
use super::session::{session_box, SessionBox};
use super::{command_error, well_formed};
use crate::command::Metadata;
use crate::error::{Error, ProtocolError, Result};
use crate::frame::Frame;
use crate::greeting::MechanismName;
use crate::mechanism::{HandshakeStatus, Mechanism, Opened, ZapReply};

/// HELLO is always this long (anti-amplification padding included).
pub(super) const HELLO_LEN: usize = 200;
/// WELCOME is always this long.
pub(super) const WELCOME_LEN: usize = 168;
/// Smallest READY: name, nonce and an empty box.
pub(super) const MIN_READY_LEN: usize = 6 + 8 + MAC_LEN;

/// The client side of CURVE.
pub struct CurveClient {
    local: Metadata,
    public: CurvePublicKey,
    secret: CurveSecretKey,
    server: CurvePublicKey,
    /// Our transient key pair (C', c').
    transient: CurveSecretKey,
    entropy: Entropy,
    state: State,
    next_nonce: u64,
    /// Box to the server's transient key, known after WELCOME.
    session: Option<SessionBox>,
    /// The server's transient key S', known after WELCOME.
    server_transient: Option<CurvePublicKey>,
    cookie: Zeroizing<Vec<u8>>,
    /// HELLO or INITIATE, made as soon as it is due so any failure is an `Err`.
    outgoing: Option<Bytes>,
    peer: Option<Metadata>,
    codec: Option<MessageCodec>,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    WaitWelcome,
    WaitReady,
    Ready,
    Failed,
}

impl std::fmt::Debug for CurveClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveClient")
            .field("public", &self.public)
            .field("server", &self.server)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl CurveClient {
    /// A client with long-term key pair (`public`, `secret`) that expects the
    /// server's long-term key `server`; `entropy` supplies its transient key.
    pub fn new(
        local: Metadata,
        public: CurvePublicKey,
        secret: CurveSecretKey,
        server: CurvePublicKey,
        entropy: Entropy,
    ) -> Result<CurveClient> {
        CurveClient {
            local,
            public,
            secret,
            server,
            transient: CurveSecretKey::generate(&entropy)?,
            entropy,
            state: State::WaitWelcome,
            next_nonce: 1,
            session: None,
            server_transient: None,
            cookie: Zeroizing::new(Vec::new()),
            outgoing: None,
            peer: None,
            codec: None,
        }
        .with_hello()
    }

    fn with_hello(mut self) -> Result<CurveClient> {
        self.outgoing = Some(self.hello()?);
        Ok(self)
    }

    fn take_nonce(&mut self) -> u64 {
        let n = self.next_nonce;
        self.next_nonce += 1;
        n
    }

    fn hello(&mut self) -> Result<Bytes> {
        let nonce = self.take_nonce();
        let cipher = SalsaBox::new(&self.server.to_box_key(), &self.transient.to_box_key());
        let mut out = BytesMut::with_capacity(HELLO_LEN);
        out.put_slice(b"\x05HELLO\x01\x00");
        out.put_bytes(0, 72);
        out.put_slice(self.transient.public_key().as_bytes());
        out.put_u64(nonce);
        seal(
            &cipher,
            &short_nonce(b"CurveZMQHELLO---", nonce),
            &[&[0u8; 64]],
            &mut out,
        )?;
        Ok(out.freeze())
    }

    fn welcome(&mut self, body: &[u8]) -> Result<()> {
        if body.len() != WELCOME_LEN {
            return Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE WELCOME is not 168 octets",
            ));
        }
        let (nonce, boxed) = body.get(8..).unwrap_or(&[]).split_at(16);
        let nonce = <&[u8; 16]>::try_from(nonce)
            .map_err(|_| Error::Protocol(ProtocolError::MalformedWelcome, "WELCOME"))?;
        let cipher = SalsaBox::new(&self.server.to_box_key(), &self.transient.to_box_key());
        let plain = open(&cipher, &long_nonce(b"WELCOME-", nonce), boxed)?;
        let (server_transient, cookie) = plain.split_at(KEY_LEN);
        let server_transient = CurvePublicKey::from_bytes(
            server_transient
                .try_into()
                .map_err(|_| Error::Protocol(ProtocolError::MalformedWelcome, "WELCOME"))?,
        );
        self.cookie = Zeroizing::new(cookie.to_vec());
        self.session = Some(session_box(server_transient, &self.transient)?);
        self.server_transient = Some(server_transient);
        Ok(())
    }

    fn initiate(&mut self) -> Result<Bytes> {
        let server_transient = self
            .server_transient
            .ok_or(Error::Misuse("INITIATE before WELCOME"))?;
        // vouch = Box[C' + S](C->S'), with a long random nonce.
        let vouch_nonce: [u8; 16] = self.entropy.array()?;
        let vouch_cipher = SalsaBox::new(&server_transient.to_box_key(), &self.secret.to_box_key());
        let mut vouch_plain = Zeroizing::new([0u8; 2 * KEY_LEN]);
        let (c_prime, s) = vouch_plain.split_at_mut(KEY_LEN);
        c_prime.copy_from_slice(self.transient.public_key().as_bytes());
        s.copy_from_slice(self.server.as_bytes());
        let mut plain = BytesMut::with_capacity(128 + self.local.encoded_len());
        plain.put_slice(self.public.as_bytes());
        plain.put_slice(&vouch_nonce);
        seal(
            &vouch_cipher,
            &long_nonce(b"VOUCH---", &vouch_nonce),
            &[&vouch_plain[..]],
            &mut plain,
        )?;
        self.local.encode(&mut plain);
        let nonce = self.take_nonce();
        let session = self
            .session
            .as_ref()
            .ok_or(Error::Misuse("INITIATE before WELCOME"))?;
        let mut out = BytesMut::with_capacity(113 + MAC_LEN + plain.len());
        out.put_slice(b"\x08INITIATE");
        out.put_slice(&self.cookie);
        out.put_u64(nonce);
        seal(
            session,
            &short_nonce(b"CurveZMQINITIATE", nonce),
            &[&plain[..]],
            &mut out,
        )?;
        Ok(out.freeze())
    }

    fn ready(&mut self, body: &[u8]) -> Result<()> {
        if body.len() < MIN_READY_LEN {
            return Err(Error::Protocol(
                ProtocolError::MalformedReady,
                "CURVE READY too short",
            ));
        }
        let (nonce, boxed) = body.get(6..).unwrap_or(&[]).split_at(8);
        let nonce = u64::from_be_bytes(
            nonce
                .try_into()
                .map_err(|_| Error::Protocol(ProtocolError::MalformedReady, "READY"))?,
        );
        let session = self.session.take().ok_or(Error::Protocol(
            ProtocolError::UnexpectedCommand,
            "READY before WELCOME",
        ))?;
        let plain = open(&session, &short_nonce(b"CurveZMQREADY---", nonce), boxed)?;
        self.peer = Some(
            Metadata::decode(&Bytes::copy_from_slice(&plain)).map_err(|_| {
                Error::Protocol(ProtocolError::InvalidMetadata, "CURVE READY metadata")
            })?,
        );
        self.codec = Some(MessageCodec::new(session, false, self.next_nonce, nonce));
        self.cookie = Zeroizing::new(Vec::new());
        Ok(())
    }
}

impl Mechanism for CurveClient {
    fn name(&self) -> MechanismName {
        MechanismName::CURVE
    }

    fn as_server(&self) -> bool {
        false
    }

    fn poll_command(&mut self) -> Option<Bytes> {
        self.outgoing.take()
    }

    fn handle_command(&mut self, body: &Bytes) -> Result<()> {
        let result = match self.state {
            _ if !well_formed(body) => Err(Error::Protocol(
                ProtocolError::MalformedCommand,
                "malformed command",
            )),
            State::WaitWelcome if body.starts_with(b"\x07WELCOME") => self
                .welcome(body)
                .and_then(|()| self.initiate())
                .map(|initiate| self.outgoing = Some(initiate)),
            State::WaitReady if body.starts_with(b"\x05READY") => self.ready(body),
            State::WaitWelcome | State::WaitReady if body.starts_with(b"\x05ERROR") => {
                Err(Error::PeerError(command_error(body)?))
            }
            _ => Err(Error::Protocol(
                ProtocolError::UnexpectedCommand,
                "unexpected command in CURVE handshake",
            )),
        };
        match result {
            Ok(()) => {
                self.state = match self.state {
                    State::WaitWelcome => State::WaitReady,
                    _ => State::Ready,
                };
                Ok(())
            }
            Err(e) => {
                self.state = State::Failed;
                Err(e)
            }
        }
    }

    fn handle_zap_reply(&mut self, _reply: ZapReply) -> Result<()> {
        Err(Error::Misuse("CURVE client does not use ZAP"))
    }

    fn status(&self) -> HandshakeStatus {
        match self.state {
            State::Ready => HandshakeStatus::Ready,
            _ => HandshakeStatus::InProgress,
        }
    }

    fn peer_metadata(&self) -> Option<&Metadata> {
        self.peer.as_ref()
    }

    fn protects_frames(&self) -> bool {
        true
    }

    fn encode_frame(&mut self, frame: Frame) -> Result<Frame> {
        message::after_ready(&mut self.codec)?.encode(frame)
    }

    fn decode_frame(&mut self, frame: Frame) -> Result<Frame> {
        message::after_ready(&mut self.codec)?.decode(frame)
    }

    fn decode_frame_in_place(&mut self, body: &mut [u8]) -> Result<Option<Opened>> {
        message::after_ready(&mut self.codec)?
            .open_in_place(body)
            .map(Some)
    }
}
