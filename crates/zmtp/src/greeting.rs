//! The ZMTP greeting: 64 octets that open every ZMTP 3.x connection, and the
//! first bytes that tell a ZMTP 1.0 or 2.0 peer apart.
//!
//! ```text
//!  0      1..=8     9      10     11     12..=31       32         33..=63
//! 0xFF  padding   0x7F   major  minor  mechanism   as-server   filler (0)
//! ```
//!
//! The padding is never checked on input. On output it holds the identity
//! length plus one as a big-endian u64, as libzmq writes it, so that a ZMTP 1.0 peer reads
//! the signature as the start of an identity frame.

use nom::bytes::complete::take;
use nom::number::complete::u8 as octet;
use nom::IResult;
use nom::Parser;

use crate::error::{Error, Result};

/// Length of the signature (octets 0–9).
pub const SIGNATURE_LEN: usize = 10;
/// Length of the full ZMTP 3.x greeting.
pub const GREETING_LEN: usize = 64;
/// Offset of the major version octet.
pub const MAJOR_OFFSET: usize = 10;
/// Offset of the minor version octet.
pub const MINOR_OFFSET: usize = 11;

/// A security mechanism's name as carried in the greeting (up to 20 ASCII octets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MechanismName([u8; 20]);

impl MechanismName {
    /// The NULL mechanism (RFC 23).
    pub const NULL: MechanismName = MechanismName::from_static("NULL");
    /// The PLAIN mechanism (RFC 24).
    pub const PLAIN: MechanismName = MechanismName::from_static("PLAIN");
    /// The CURVE mechanism (RFC 26).
    pub const CURVE: MechanismName = MechanismName::from_static("CURVE");

    // Indexing is bounded by the loop condition; `get` is not const.
    #[allow(clippy::indexing_slicing)]
    const fn from_static(name: &str) -> MechanismName {
        let bytes = name.as_bytes();
        let mut out = [0u8; 20];
        let mut i = 0;
        while i < bytes.len() && i < 20 {
            out[i] = bytes[i];
            i += 1;
        }
        MechanismName(out)
    }

    /// The 20 octets as sent on the wire.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The name without its NUL padding (lossy for non-ASCII names).
    pub fn as_str(&self) -> String {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(20);
        String::from_utf8_lossy(self.0.get(..end).unwrap_or(&[])).into_owned()
    }
}

/// A decoded ZMTP 3.x greeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Greeting {
    /// Major version (3 for ZMTP 3.x).
    pub major: u8,
    /// Minor version (0 for 3.0, 1 for 3.1).
    pub minor: u8,
    /// The security mechanism the sender wants.
    pub mechanism: MechanismName,
    /// Whether the sender acts as the mechanism's server.
    pub as_server: bool,
}

impl Greeting {
    /// A ZMTP 3.1 greeting for `mechanism`.
    pub fn new(mechanism: MechanismName, as_server: bool) -> Greeting {
        Greeting {
            major: 3,
            minor: 1,
            mechanism,
            as_server,
        }
    }

    /// Encodes the full 64 octets. `identity_len` only sets the padding.
    pub fn encode(&self, identity_len: usize) -> [u8; GREETING_LEN] {
        let mut out = [0u8; GREETING_LEN];
        let (head, tail) = out.split_at_mut(SIGNATURE_LEN);
        head.copy_from_slice(&signature(identity_len));
        tail.copy_from_slice(&self.encode_after_signature());
        out
    }

    /// Encodes octets 10..64: everything after the signature.
    pub fn encode_after_signature(&self) -> [u8; GREETING_LEN - SIGNATURE_LEN] {
        let mut out = [0u8; GREETING_LEN - SIGNATURE_LEN];
        out[0] = self.major;
        out[1] = self.minor;
        out[2..22].copy_from_slice(&self.mechanism.0);
        out[22] = u8::from(self.as_server);
        out
    }

    /// Decodes a full 64-octet ZMTP 3.x greeting.
    ///
    /// The padding and filler are not checked (RFC 23). The as-server octet
    /// must be 0 or 1.
    pub fn decode(bytes: &[u8]) -> Result<Greeting> {
        match parse_greeting(bytes) {
            Ok((_, greeting)) => greeting,
            Err(_) => Err(Error::Malformed("greeting too short")),
        }
    }

    /// ZMTP 3.1 behaviour applies (SUBSCRIBE/CANCEL commands) unless the peer
    /// announced exactly 3.0; libzmq treats any other minor, or a higher major,
    /// as 3.1.
    pub fn speaks_3_1(&self) -> bool {
        !(self.major == 3 && self.minor == 0)
    }
}

/// The 10-octet signature: 0xFF, (identity_len + 1) as big-endian u64, 0x7F.
pub fn signature(identity_len: usize) -> [u8; SIGNATURE_LEN] {
    let mut out = [0u8; SIGNATURE_LEN];
    out[0] = 0xFF;
    out[1..9].copy_from_slice(&(identity_len as u64 + 1).to_be_bytes());
    out[9] = 0x7F;
    out
}

/// Which protocol family a peer speaks, as far as its first bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerProtocol {
    /// ZMTP 1.0 (RFC 13): no greeting, the first bytes are an identity frame.
    Zmtp10,
    /// ZMTP 2.0 (RFC 15): revision 0x01, then a socket-type octet.
    Zmtp20,
    /// ZMTP 3.x (RFC 23 / 37): a 64-octet greeting follows.
    Zmtp3,
}

/// Tells which protocol a peer speaks from the bytes it sent first.
///
/// Returns `None` while more bytes are needed: one octet may settle it
/// (not 0xFF means ZMTP 1.0), then the tenth (low bit clear means ZMTP 1.0),
/// then the eleventh (the revision: 0 is ZMTP 1.0 framing, 1 is ZMTP 2.0,
/// 3 or more is ZMTP 3.x).
pub fn detect_protocol(first: &[u8]) -> Option<PeerProtocol> {
    match first.first() {
        None => return None,
        Some(&b) if b != 0xFF => return Some(PeerProtocol::Zmtp10),
        Some(_) => {}
    }
    match first.get(9) {
        None => return None,
        Some(&b) if b & 1 == 0 => return Some(PeerProtocol::Zmtp10),
        Some(_) => {}
    }
    match first.get(MAJOR_OFFSET) {
        None => None,
        Some(0) => Some(PeerProtocol::Zmtp10),
        Some(1) => Some(PeerProtocol::Zmtp20),
        Some(_) => Some(PeerProtocol::Zmtp3),
    }
}

fn parse_greeting(input: &[u8]) -> IResult<&[u8], Result<Greeting>> {
    let (input, (sig0, _padding, sig9, major, minor, mech, as_server, _filler)) = (
        octet,
        take(8usize),
        octet,
        octet,
        octet,
        take(20usize),
        octet,
        take(31usize),
    )
        .parse(input)?;
    if sig0 != 0xFF || sig9 & 1 == 0 {
        return Ok((input, Err(Error::Malformed("bad greeting signature"))));
    }
    if major < 3 {
        return Ok((input, Err(Error::Malformed("greeting version below 3"))));
    }
    let as_server = match as_server {
        0 => false,
        1 => true,
        _ => return Ok((input, Err(Error::Malformed("as-server octet not 0 or 1")))),
    };
    let mut name = [0u8; 20];
    name.copy_from_slice(mech);
    Ok((
        input,
        Ok(Greeting {
            major,
            minor,
            mechanism: MechanismName(name),
            as_server,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_libzmq_layout() {
        let g = Greeting::new(MechanismName::NULL, false);
        let bytes = g.encode(0);
        assert_eq!(&bytes[..12], &[0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 1]);
        assert_eq!(&bytes[12..16], b"NULL");
        assert!(bytes[16..].iter().all(|&b| b == 0));
    }

    #[test]
    fn decode_ignores_padding_and_filler() {
        let mut bytes = Greeting::new(MechanismName::PLAIN, true).encode(5);
        bytes[3] = 0xAA;
        bytes[40] = 0x55;
        let g = Greeting::decode(&bytes).unwrap();
        assert_eq!(g.mechanism, MechanismName::PLAIN);
        assert!(g.as_server);
        assert_eq!(g.mechanism.as_str(), "PLAIN");
    }

    #[test]
    fn decode_rejects_bad_input() {
        assert!(Greeting::decode(&[0xFF; 10]).is_err());
        let mut bytes = Greeting::new(MechanismName::NULL, false).encode(0);
        bytes[32] = 7;
        assert!(matches!(Greeting::decode(&bytes), Err(Error::Malformed(_))));
        bytes[32] = 0;
        bytes[0] = 0;
        assert!(Greeting::decode(&bytes).is_err());
    }

    #[test]
    fn version_choice_follows_libzmq() {
        let mut g = Greeting::new(MechanismName::NULL, false);
        assert!(g.speaks_3_1());
        g.minor = 0;
        assert!(!g.speaks_3_1());
        g.major = 4;
        assert!(g.speaks_3_1());
    }

    #[test]
    fn detects_old_peers() {
        assert_eq!(detect_protocol(&[]), None);
        assert_eq!(detect_protocol(&[0x05]), Some(PeerProtocol::Zmtp10));
        assert_eq!(detect_protocol(&[0xFF, 0, 0]), None);
        let sig = signature(0);
        assert_eq!(detect_protocol(&sig), None);
        let mut v = sig.to_vec();
        v[9] = 0x7E;
        assert_eq!(detect_protocol(&v), Some(PeerProtocol::Zmtp10));
        let mut v = sig.to_vec();
        v.push(1);
        assert_eq!(detect_protocol(&v), Some(PeerProtocol::Zmtp20));
        v[10] = 0;
        assert_eq!(detect_protocol(&v), Some(PeerProtocol::Zmtp10));
        v[10] = 3;
        assert_eq!(detect_protocol(&v), Some(PeerProtocol::Zmtp3));
    }
}
