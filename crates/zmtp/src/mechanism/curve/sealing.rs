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
    use crate::mechanism::curve::keys::{CurvePublicKey, CurveSecretKey};

    /// Octets from hex text (test vectors).
    pub(in crate::mechanism::curve) fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Makes the box from a secret key to a peer's public key on one backend.
    pub(in crate::mechanism::curve) type MakeBox<C> = fn(CurvePublicKey, &CurveSecretKey) -> C;

    /// RustCrypto's box (the backend without the `sodium` feature).
    pub(in crate::mechanism::curve) fn rust_crypto(
        peer: CurvePublicKey,
        ours: &CurveSecretKey,
    ) -> crypto_box::SalsaBox {
        crypto_box::SalsaBox::new(&peer.to_box_key(), &ours.to_box_key())
    }

    /// libsodium's box (the backend with the `sodium` feature).
    #[cfg(feature = "sodium")]
    pub(in crate::mechanism::curve) fn sodium(
        peer: CurvePublicKey,
        ours: &CurveSecretKey,
    ) -> ferrozmq_sodium::SodiumBox {
        ferrozmq_sodium::SodiumBox::new(peer.as_bytes(), ours.as_bytes()).unwrap()
    }

    /// RFC 7748 section 6.1's keys: Alice's secret key and Bob's public key,
    /// which NaCl's own box tests use too.
    pub(in crate::mechanism::curve) fn alice_to_bob<C>(make: MakeBox<C>) -> C {
        let alice: [u8; 32] =
            unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                .try_into()
                .unwrap();
        let bob: [u8; 32] =
            unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
                .try_into()
                .unwrap();
        make(
            CurvePublicKey::from_bytes(bob),
            &CurveSecretKey::from_bytes(alice),
        )
    }

    fn hello_box_known_answer(cipher: &impl NaclCipher) {
        // The box a CURVE client with transient secret key "Alice" sends a
        // server with key "Bob" in HELLO (64 zeros, short nonce 1); the
        // expected octets are libsodium's crypto_box_afternm output for the
        // same inputs, whose precomputed key is NaCl's "firstkey"
        // (1b275564...) for this key pair.
        let mut out = BytesMut::new();
        let nonce = short_nonce(b"CurveZMQHELLO---", 1);
        seal(cipher, &nonce, &[&[0u8; 64]], &mut out).unwrap();
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
    fn hello_box_known_answer_rust_crypto() {
        hello_box_known_answer(&alice_to_bob(rust_crypto));
    }

    #[cfg(feature = "sodium")]
    #[test]
    fn hello_box_known_answer_sodium() {
        hello_box_known_answer(&alice_to_bob(sodium));
    }

    /// Seals with `make_a`'s backend and opens with `make_b`'s.
    fn box_round_trip_and_tamper<A: NaclCipher, B: NaclCipher>(
        make_a: MakeBox<A>,
        make_b: MakeBox<B>,
    ) {
        let a = CurveSecretKey::from_bytes([1; 32]);
        let b = CurveSecretKey::from_bytes([2; 32]);
        let ab = make_a(b.public_key(), &a);
        let ba = make_b(a.public_key(), &b);
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

    #[test]
    fn box_round_trip_and_tamper_rust_crypto() {
        box_round_trip_and_tamper(rust_crypto, rust_crypto);
    }

    #[cfg(feature = "sodium")]
    #[test]
    fn box_round_trip_and_tamper_sodium_and_across_backends() {
        box_round_trip_and_tamper(sodium, sodium);
        box_round_trip_and_tamper(rust_crypto, sodium);
        box_round_trip_and_tamper(sodium, rust_crypto);
    }

    /// Both backends give the same octets at sizes around Salsa20's 64-octet
    /// blocks and SIMD widths, and up to beyond 64 KiB.
    #[cfg(feature = "sodium")]
    #[test]
    fn backends_agree_at_every_size() {
        let a = CurveSecretKey::from_bytes([5; 32]);
        let b = CurveSecretKey::from_bytes([6; 32]);
        let rust = rust_crypto(b.public_key(), &a);
        let lib = sodium(b.public_key(), &a);
        let lens = (0..=300).chain([511, 512, 513, 1023, 1024, 4097, 65_536, 65_600, 200_001]);
        for len in lens {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            let nonce = short_nonce(b"CurveZMQMESSAGES", len as u64);
            let (mut x, mut y) = (BytesMut::new(), BytesMut::new());
            seal(&rust, &nonce, &[&plain], &mut x).unwrap();
            seal(&lib, &nonce, &[&plain], &mut y).unwrap();
            assert_eq!(x, y, "{len} octets");
        }
    }
}
