//! NaCl boxes as CurveZMQ lays them out (16-octet MAC, then ciphertext), and
//! its 24-octet nonces. The cryptography itself is RustCrypto's.

use bytes::{BufMut, BytesMut};
use crypto_box::aead::consts::{U16, U24};
use crypto_box::aead::generic_array::GenericArray;
use crypto_box::aead::{AeadCore, AeadInPlace};
use zeroize::Zeroizing;

use crate::error::{Error, ProtocolError, Result};

/// Poly1305 tag length: a box is this much longer than its plaintext.
pub(super) const MAC_LEN: usize = 16;
/// Full nonce length.
pub(super) const NONCE_LEN: usize = 24;

/// A cipher with NaCl's nonce and tag sizes (`crypto_box` or `crypto_secretbox`).
pub(super) trait NaclCipher: AeadInPlace + AeadCore<NonceSize = U24, TagSize = U16> {}
impl<T: AeadInPlace + AeadCore<NonceSize = U24, TagSize = U16>> NaclCipher for T {}

/// A 16-octet prefix and a 64-bit big-endian counter.
pub(super) fn short_nonce(prefix: &[u8; 16], counter: u64) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    let (head, tail) = nonce.split_at_mut(16);
    head.copy_from_slice(prefix);
    tail.copy_from_slice(&counter.to_be_bytes());
    nonce
}

/// An 8-octet prefix and 16 octets (random when sent, read back when received).
pub(super) fn long_nonce(prefix: &[u8; 8], rest: &[u8; 16]) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    let (head, tail) = nonce.split_at_mut(8);
    head.copy_from_slice(prefix);
    tail.copy_from_slice(rest);
    nonce
}

/// Appends Box[plaintext] (MAC then ciphertext) to `out`, the plaintext
/// given in pieces so that nothing is copied twice.
pub(super) fn seal(
    cipher: &impl NaclCipher,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[&[u8]],
    out: &mut BytesMut,
) -> Result<()> {
    let start = out.len();
    out.reserve(MAC_LEN + plaintext.iter().map(|p| p.len()).sum::<usize>());
    out.put_bytes(0, MAC_LEN);
    for piece in plaintext {
        out.put_slice(piece);
    }
    let (mac, body) = out
        .get_mut(start..)
        .and_then(|b| b.split_first_chunk_mut::<MAC_LEN>())
        .ok_or(Error::Misuse("CURVE box buffer"))?;
    let tag = cipher
        .encrypt_in_place_detached(GenericArray::from_slice(nonce), b"", body)
        .map_err(|_| Error::Misuse("CURVE plaintext too large"))?;
    mac.copy_from_slice(&tag);
    Ok(())
}

/// Opens a box in place: on success `boxed` minus its first 16 octets holds
/// the plaintext. Fails when the MAC does not verify.
pub(super) fn open_in_place<'a>(
    cipher: &impl NaclCipher,
    nonce: &[u8; NONCE_LEN],
    boxed: &'a mut [u8],
) -> Result<&'a mut [u8]> {
    let (mac, body) = boxed
        .split_first_chunk_mut::<MAC_LEN>()
        .ok_or(Error::Protocol(
            ProtocolError::Cryptographic,
            "CURVE box shorter than its MAC",
        ))?;
    cipher
        .decrypt_in_place_detached(
            GenericArray::from_slice(nonce),
            b"",
            body,
            GenericArray::from_slice(mac),
        )
        .map_err(|_| Error::Protocol(ProtocolError::Cryptographic, "CURVE box does not open"))?;
    Ok(body)
}

/// Opens a box into a buffer that is wiped when dropped (for key material).
pub(super) fn open(
    cipher: &impl NaclCipher,
    nonce: &[u8; NONCE_LEN],
    boxed: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(boxed.to_vec());
    let len = open_in_place(cipher, nonce, &mut buf)?.len();
    let start = buf.len() - len;
    buf.drain(..start);
    Ok(buf)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::mechanism::curve::keys::CurveSecretKey;

    /// Octets from hex text (test vectors).
    pub(in crate::mechanism::curve) fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 7748 section 6.1's keys: Alice's secret key and Bob's public key,
    /// which NaCl's own box tests use too.
    pub(in crate::mechanism::curve) fn alice_to_bob() -> crypto_box::SalsaBox {
        let alice: [u8; 32] =
            unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                .try_into()
                .unwrap();
        let bob: [u8; 32] =
            unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
                .try_into()
                .unwrap();
        crypto_box::SalsaBox::new(
            &crypto_box::PublicKey::from_bytes(bob),
            &crypto_box::SecretKey::from_bytes(alice),
        )
    }

    #[test]
    fn hello_box_known_answer() {
        // The box a CURVE client with transient secret key "Alice" sends a
        // server with key "Bob" in HELLO (64 zeros, short nonce 1); the
        // expected octets are libsodium's crypto_box_afternm output for the
        // same inputs, whose precomputed key is NaCl's "firstkey"
        // (1b275564...) for this key pair.
        let mut out = BytesMut::new();
        let nonce = short_nonce(b"CurveZMQHELLO---", 1);
        seal(&alice_to_bob(), &nonce, &[&[0u8; 64]], &mut out).unwrap();
        assert_eq!(
            out.to_vec(),
            unhex(concat!(
                "95046e38cc9d8b0364c90052be9e5dae",
                "feb4d0a8f658f4bf88eb41ee777328cd503ac4fde80525f51a6fde46341041b4",
                "7cbfb6a2df3a2c9f5d918057649fa8ea9be18348da5ecdf40d25417792058946"
            ))
        );
    }

    #[test]
    fn box_round_trip_and_tamper() {
        let a = CurveSecretKey::from_bytes([1; 32]);
        let b = CurveSecretKey::from_bytes([2; 32]);
        let ab = crypto_box::SalsaBox::new(&b.public_key().to_box_key(), &a.to_box_key());
        let ba = crypto_box::SalsaBox::new(&a.public_key().to_box_key(), &b.to_box_key());
        let nonce = short_nonce(b"CurveZMQMESSAGEC", 7);
        let mut out = BytesMut::new();
        seal(&ab, &nonce, &[b"hel", b"lo"], &mut out).unwrap();
        assert_eq!(out.len(), 5 + MAC_LEN);
        assert_eq!(&open(&ba, &nonce, &out).unwrap()[..], b"hello");
        for i in 0..out.len() {
            let mut bad = out.to_vec();
            bad[i] ^= 0x40;
            assert!(open(&ba, &nonce, &bad).is_err());
        }
        assert!(open(&ba, &short_nonce(b"CurveZMQMESSAGEC", 8), &out).is_err());
        assert!(open(&ba, &nonce, &out[..10]).is_err());
    }
}
