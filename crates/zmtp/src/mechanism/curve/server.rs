//! The CURVE server (RFC 26).
//!
//! Between WELCOME and INITIATE the server keeps only a fresh cookie key: its
//! transient secret s' and the client's C' travel inside the cookie, boxed
//! with that key, and come back in INITIATE. Once INITIATE is read the
//! cookie key is wiped, so a cookie opens at most once.

use bytes::{BufMut, Bytes, BytesMut};
use crypto_box::SalsaBox;
use crypto_secretbox::{KeyInit, XSalsa20Poly1305};
use zeroize::Zeroizing;

use super::client::{HELLO_LEN, WELCOME_LEN};
use super::keys::{CurvePublicKey, CurveSecretKey, Entropy, KEY_LEN};
use super::message::{self, MessageCodec};
use super::sealing::{long_nonce, open, seal, short_nonce, MAC_LEN};
use super::session::{session_box, SessionBox};
use super::{command_error, well_formed};
use crate::command::Metadata;
use crate::error::{Error, ProtocolError, Result};
use crate::frame::Frame;
use crate::greeting::MechanismName;
use crate::mechanism::{HandshakeStatus, Mechanism, Opened, ZapReply, ZapRequest};

/// The cookie: 16-octet nonce + Box[C' + s'](cookie key).
const COOKIE_LEN: usize = 16 + 2 * KEY_LEN + MAC_LEN;
/// Smallest INITIATE: name, cookie, nonce and a box holding C and the vouch.
const MIN_INITIATE_LEN: usize = 9 + COOKIE_LEN + 8 + MAC_LEN + KEY_LEN + 16 + 2 * KEY_LEN + MAC_LEN;

/// The server side of CURVE.
pub struct CurveServer {
    local: Metadata,
    secret: CurveSecretKey,
    entropy: Entropy,
    state: State,
    next_nonce: u64,
    /// The client's transient key and the short nonce of its HELLO, between HELLO and WELCOME.
    hello: Option<(CurvePublicKey, u64)>,
    /// Between WELCOME and INITIATE: the only secret the server holds.
    cookie_key: Option<Zeroizing<[u8; KEY_LEN]>>,
    /// After INITIATE: the session box and the client's INITIATE nonce.
    session: Option<(SessionBox, u64)>,
    client_key: Option<CurvePublicKey>,
    outgoing: Option<Bytes>,
    peer: Option<Metadata>,
    zap_reply: Option<ZapReply>,
    codec: Option<MessageCodec>,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    WaitHello,
    WaitInitiate,
    ZapToSend,
    ZapWaiting,
    Ready,
    Failed,
}

impl std::fmt::Debug for CurveServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveServer")
            .field("state", &self.state)
            .field("client_key", &self.client_key)
            .finish_non_exhaustive()
    }
}

impl CurveServer {
    /// A server with long-term secret key `secret`; `entropy` supplies its
    /// transient key, cookie key and nonces.
    pub fn new(local: Metadata, secret: CurveSecretKey, entropy: Entropy) -> CurveServer {
        CurveServer {
            local,
            secret,
            entropy,
            state: State::WaitHello,
            next_nonce: 1,
            hello: None,
            cookie_key: None,
            session: None,
            client_key: None,
            outgoing: None,
            peer: None,
            zap_reply: None,
            codec: None,
        }
    }

    /// The client's long-term public key, once INITIATE has been verified.
    pub fn client_key(&self) -> Option<CurvePublicKey> {
        self.client_key
    }

    fn hello(&mut self, body: &[u8]) -> Result<()> {
        if body.len() != HELLO_LEN {
            return Err(Error::Protocol(
                ProtocolError::MalformedHello,
                "CURVE HELLO is not 200 octets",
            ));
        }
        if body.get(6..8) != Some(&[1, 0]) {
            return Err(Error::Protocol(
                ProtocolError::MalformedHello,
                "CURVE HELLO with an unknown version",
            ));
        }
        let client_transient = key_at(body, 80)?;
        let nonce = u64_at(body, 112)?;
        let cipher = SalsaBox::new(&client_transient.to_box_key(), &self.secret.to_box_key());
        let signature = open(
            &cipher,
            &short_nonce(b"CurveZMQHELLO---", nonce),
            body.get(120..).unwrap_or(&[]),
        )?;
        if signature.iter().any(|&b| b != 0) {
            return Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE HELLO signature is not zeros",
            ));
        }
        self.hello = Some((client_transient, nonce));
        self.outgoing = Some(self.welcome(client_transient)?);
        Ok(())
    }

    /// WELCOME: Box[S' + cookie](S->C'), then forget s' and C'.
    fn welcome(&mut self, client_transient: CurvePublicKey) -> Result<Bytes> {
        let transient = CurveSecretKey::generate(&self.entropy)?;
        let cookie_key = Zeroizing::new(self.entropy.array::<KEY_LEN>()?);
        let cookie_nonce: [u8; 16] = self.entropy.array()?;
        let mut cookie_plain = Zeroizing::new([0u8; 2 * KEY_LEN]);
        let (c_prime, s_prime) = cookie_plain.split_at_mut(KEY_LEN);
        c_prime.copy_from_slice(client_transient.as_bytes());
        s_prime.copy_from_slice(transient.as_bytes());
        let mut plain = BytesMut::with_capacity(KEY_LEN + COOKIE_LEN);
        plain.put_slice(transient.public_key().as_bytes());
        plain.put_slice(&cookie_nonce);
        seal(
            &XSalsa20Poly1305::new((&*cookie_key).into()),
            &long_nonce(b"COOKIE--", &cookie_nonce),
            &[&cookie_plain[..]],
            &mut plain,
        )?;
        let plain = Zeroizing::new(plain.to_vec());
        self.cookie_key = Some(cookie_key);
        let welcome_nonce: [u8; 16] = self.entropy.array()?;
        let cipher = SalsaBox::new(&client_transient.to_box_key(), &self.secret.to_box_key());
        let mut out = BytesMut::with_capacity(WELCOME_LEN);
        out.put_slice(b"\x07WELCOME");
        out.put_slice(&welcome_nonce);
        seal(
            &cipher,
            &long_nonce(b"WELCOME-", &welcome_nonce),
            &[&plain[..]],
            &mut out,
        )?;
        Ok(out.freeze())
    }

    fn initiate(&mut self, body: &[u8]) -> Result<()> {
        if body.len() < MIN_INITIATE_LEN {
            return Err(Error::Protocol(
                ProtocolError::MalformedInitiate,
                "CURVE INITIATE too short",
            ));
        }
        // The cookie key opens one cookie, once.
        let cookie_key = self.cookie_key.take().ok_or(Error::Protocol(
            ProtocolError::Unspecified,
            "INITIATE before WELCOME",
        ))?;
        let (expected_client, _) = self.hello.take().ok_or(Error::Protocol(
            ProtocolError::Unspecified,
            "INITIATE before HELLO",
        ))?;
        let cookie_nonce = array_at::<16>(body, 9)?;
        let cookie = open(
            &XSalsa20Poly1305::new((&*cookie_key).into()),
            &long_nonce(b"COOKIE--", &cookie_nonce),
            body.get(25..9 + COOKIE_LEN).unwrap_or(&[]),
        )?;
        drop(cookie_key);
        let client_transient = key_at(&cookie, 0)?;
        if client_transient != expected_client {
            return Err(Error::Protocol(
                ProtocolError::Cryptographic,
                "CURVE cookie from another client",
            ));
        }
        let transient = CurveSecretKey::from_bytes(array_at::<KEY_LEN>(&cookie, KEY_LEN)?);
        let nonce = u64_at(body, 105)?;
        let session = session_box(client_transient, &transient)?;
        let plain = open(
            &session,
            &short_nonce(b"CurveZMQINITIATE", nonce),
            body.get(113..).unwrap_or(&[]),
        )?;
        let client_key = key_at(&plain, 0)?;
        let vouch_nonce = array_at::<16>(&plain, KEY_LEN)?;
        let vouch_cipher = SalsaBox::new(&client_key.to_box_key(), &transient.to_box_key());
        let vouch = open(
            &vouch_cipher,
            &long_nonce(b"VOUCH---", &vouch_nonce),
            plain.get(KEY_LEN + 16..128).unwrap_or(&[]),
        )?;
        if key_at(&vouch, 0)? != client_transient {
            return Err(Error::Protocol(
                ProtocolError::KeyExchange,
                "CURVE vouch for another transient key",
            ));
        }
        self.peer = Some(
            Metadata::decode(&Bytes::copy_from_slice(plain.get(128..).unwrap_or(&[]))).map_err(
                |_| Error::Protocol(ProtocolError::InvalidMetadata, "CURVE INITIATE metadata"),
            )?,
        );
        self.client_key = Some(client_key);
        self.session = Some((session, nonce));
        Ok(())
    }

    fn ready(&mut self) -> Result<Bytes> {
        let (session, peer_nonce) = self
            .session
            .take()
            .ok_or(Error::Misuse("READY before INITIATE"))?;
        let nonce = self.next_nonce;
        self.next_nonce += 1;
        let mut plain = BytesMut::with_capacity(self.local.encoded_len());
        self.local.encode(&mut plain);
        let mut out = BytesMut::with_capacity(14 + MAC_LEN + plain.len());
        out.put_slice(b"\x05READY");
        out.put_u64(nonce);
        seal(
            &session,
            &short_nonce(b"CurveZMQREADY---", nonce),
            &[&plain[..]],
            &mut out,
        )?;
        self.codec = Some(MessageCodec::new(
            session,
            true,
            self.next_nonce,
            peer_nonce,
        ));
        Ok(out.freeze())
    }
}

fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N]> {
    bytes
        .get(at..at + N)
        .and_then(|b| <[u8; N]>::try_from(b).ok())
        .ok_or(Error::Protocol(
            ProtocolError::MalformedCommand,
            "CURVE command too short",
        ))
}

fn key_at(bytes: &[u8], at: usize) -> Result<CurvePublicKey> {
    array_at::<KEY_LEN>(bytes, at).map(CurvePublicKey::from_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> Result<u64> {
    array_at::<8>(bytes, at).map(u64::from_be_bytes)
}

impl Mechanism for CurveServer {
    fn name(&self) -> MechanismName {
        MechanismName::CURVE
    }

    fn as_server(&self) -> bool {
        true
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
            State::WaitHello if body.starts_with(b"\x05HELLO") => self.hello(body),
            State::WaitInitiate if body.starts_with(b"\x08INITIATE") => self.initiate(body),
            _ if body.starts_with(b"\x05ERROR") => Err(Error::PeerError(command_error(body)?)),
            State::WaitHello | State::WaitInitiate => Err(Error::Protocol(
                ProtocolError::UnexpectedCommand,
                "unexpected command in CURVE handshake",
            )),
            _ => Err(Error::Protocol(
                ProtocolError::Unspecified,
                "command while the CURVE handshake waits",
            )),
        };
        match result {
            Ok(()) => {
                self.state = match self.state {
                    State::WaitHello => State::WaitInitiate,
                    _ => State::ZapToSend,
                };
                Ok(())
            }
            Err(e) => {
                self.state = State::Failed;
                self.cookie_key = None;
                Err(e)
            }
        }
    }

    fn poll_zap_request(&mut self) -> Option<ZapRequest> {
        if self.state != State::ZapToSend {
            return None;
        }
        self.state = State::ZapWaiting;
        let key = self.client_key?;
        Some(ZapRequest {
            mechanism: "CURVE",
            credentials: vec![Bytes::copy_from_slice(key.as_bytes())],
        })
    }

    fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<()> {
        if self.state != State::ZapWaiting {
            return Err(Error::Misuse("ZAP reply without a request"));
        }
        if !reply.is_accepted() {
            self.state = State::Failed;
            self.session = None;
            self.outgoing = reply.error_command();
            return Err(reply.refusal());
        }
        self.zap_reply = Some(reply);
        match self.ready() {
            Ok(ready) => {
                self.outgoing = Some(ready);
                self.state = State::Ready;
                Ok(())
            }
            Err(e) => {
                self.state = State::Failed;
                Err(e)
            }
        }
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

    fn zap_result(&self) -> Option<&ZapReply> {
        self.zap_reply.as_ref()
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
