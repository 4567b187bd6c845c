//! libsodium's NaCl box (X25519 key agreement, then XSalsa20-Poly1305 under
//! the precomputed key) as a RustCrypto [`AeadInPlace`] cipher.
//!
//! [`SodiumBox`] is a drop-in for RustCrypto's `crypto_box::SalsaBox`: the
//! same key agreement (`crypto_box_beforenm`), the same 24-octet nonces and
//! 16-octet Poly1305 tags, and the same octets on the wire. It exists for
//! speed: libsodium picks SSE2/AVX2 code for Salsa20 and Poly1305 at run
//! time, which RustCrypto's `salsa20` does not have.
//!
//! NaCl boxes have no associated data: a non-empty one is refused.
//!
//! ```
//! use ferrozmq_sodium::SodiumBox;
//! use aead::{AeadInPlace, generic_array::GenericArray};
//!
//! // Any two 32-octet secret keys; the public keys are derived by X25519.
//! let (a_secret, b_secret) = ([1u8; 32], [2u8; 32]);
//! let a_public = ferrozmq_sodium::public_key(&a_secret).unwrap();
//! let b_public = ferrozmq_sodium::public_key(&b_secret).unwrap();
//! let a_to_b = SodiumBox::new(&b_public, &a_secret).unwrap();
//! let b_from_a = SodiumBox::new(&a_public, &b_secret).unwrap();
//!
//! let nonce = GenericArray::from([7u8; 24]);
//! let mut buf = *b"attack at dawn";
//! let tag = a_to_b.encrypt_in_place_detached(&nonce, b"", &mut buf).unwrap();
//! b_from_a.decrypt_in_place_detached(&nonce, b"", &mut buf, &tag).unwrap();
//! assert_eq!(&buf, b"attack at dawn");
//! ```

use std::fmt;
use std::sync::OnceLock;

use aead::consts::{U0, U16, U24};
use aead::{AeadCore, AeadInPlace, Nonce, Tag};
use libsodium_sys as ffi;
use zeroize::Zeroizing;

mod prefixed;

pub use prefixed::{PrefixedBox, COUNTER_LEN, MAC_LEN, MAX_HEAD_LEN, PREFIX_LEN};

/// Length of X25519 keys and of the precomputed box key, in octets.
pub const KEY_LEN: usize = 32;

/// Why libsodium could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SodiumError {
    /// `sodium_init` failed: libsodium can not run on this machine.
    Init,
    /// The key agreement failed: the peer's public key is of small order
    /// (libsodium refuses the all-zero shared secret it gives).
    WeakKey,
    /// A buffer of the wrong length for the box, or a message longer than
    /// libsodium accepts.
    Length,
    /// A box whose tag does not verify: forged, corrupted, or under another
    /// key or nonce.
    Forged,
}

impl fmt::Display for SodiumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SodiumError::Init => "libsodium failed to initialise",
            SodiumError::WeakKey => "X25519 public key of small order",
            SodiumError::Length => "box or message of a wrong length",
            SodiumError::Forged => "box does not open",
        })
    }
}

impl std::error::Error for SodiumError {}

/// Runs `sodium_init` once per process: it picks the SIMD code paths
/// (without it libsodium uses its portable ones) and is required before any
/// other libsodium call.
fn initialised() -> Result<(), SodiumError> {
    static INIT: OnceLock<i32> = OnceLock::new();
    // SAFETY: sodium_init takes no arguments, is thread-safe and may be
    // called more than once; OnceLock calls it once anyway.
    let status = *INIT.get_or_init(|| unsafe { ffi::sodium_init() });
    // 0: initialised now; 1: already initialised (by another user of the
    // same libsodium); -1: failure.
    if status < 0 {
        Err(SodiumError::Init)
    } else {
        Ok(())
    }
}

/// The X25519 public key of a 32-octet secret key (`crypto_scalarmult_base`).
pub fn public_key(secret: &[u8; KEY_LEN]) -> Result<[u8; KEY_LEN], SodiumError> {
    initialised()?;
    let mut public = [0u8; KEY_LEN];
    // SAFETY: both pointers address 32 valid octets (crypto_scalarmult_BYTES
    // and _SCALARBYTES are 32); `public` is writable and does not overlap.
    let rc = unsafe { ffi::crypto_scalarmult_base(public.as_mut_ptr(), secret.as_ptr()) };
    if rc == 0 {
        Ok(public)
    } else {
        Err(SodiumError::WeakKey)
    }
}

/// A NaCl box between one secret key and one peer public key, with the key
/// agreement done once (`crypto_box_beforenm`); the precomputed key is wiped
/// on drop.
#[derive(Clone)]
pub struct SodiumBox {
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl fmt::Debug for SodiumBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SodiumBox(..)")
    }
}

impl SodiumBox {
    /// The box from our secret key to the peer's public key (or back: both
    /// sides compute the same key).
    pub fn new(
        peer_public: &[u8; KEY_LEN],
        our_secret: &[u8; KEY_LEN],
    ) -> Result<SodiumBox, SodiumError> {
        initialised()?;
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        // SAFETY: each pointer addresses 32 valid octets
        // (crypto_box_BEFORENMBYTES, _PUBLICKEYBYTES and _SECRETKEYBYTES are
        // all 32); `key` is writable and overlaps neither input.
        let rc = unsafe {
            ffi::crypto_box_beforenm(key.as_mut_ptr(), peer_public.as_ptr(), our_secret.as_ptr())
        };
        if rc == 0 {
            Ok(SodiumBox { key })
        } else {
            Err(SodiumError::WeakKey)
        }
    }

    /// Whether libsodium accepts a message of `len` octets (it aborts the
    /// process on a longer one, so this is checked before every call).
    fn fits(len: usize) -> bool {
        // SAFETY: a pure function without arguments.
        len <= unsafe { ffi::crypto_box_messagebytes_max() }
    }
}

impl AeadCore for SodiumBox {
    type NonceSize = U24;
    type TagSize = U16;
    type CiphertextOverhead = U0;
}

impl AeadInPlace for SodiumBox {
    fn encrypt_in_place_detached(
        &self,
        nonce: &Nonce<Self>,
        associated_data: &[u8],
        buffer: &mut [u8],
    ) -> aead::Result<Tag<Self>> {
        if !associated_data.is_empty() || !SodiumBox::fits(buffer.len()) {
            return Err(aead::Error);
        }
        let mut tag = Tag::<Self>::default();
        let ptr = buffer.as_mut_ptr();
        // SAFETY: `ptr` addresses `buffer.len()` writable octets, read as the
        // plaintext and written as the ciphertext: libsodium documents that
        // c and m may be the same (in-place encryption). The tag (16 octets,
        // crypto_box_MACBYTES), the nonce (24, _NONCEBYTES) and the key (32,
        // _BEFORENMBYTES) are valid and distinct from the buffer; the length
        // is within crypto_box_messagebytes_max (checked above).
        let rc = unsafe {
            ffi::crypto_box_detached_afternm(
                ptr,
                tag.as_mut_ptr(),
                ptr,
                buffer.len() as u64,
                nonce.as_ptr(),
                self.key.as_ptr(),
            )
        };
        if rc == 0 {
            Ok(tag)
        } else {
            Err(aead::Error)
        }
    }

    fn decrypt_in_place_detached(
        &self,
        nonce: &Nonce<Self>,
        associated_data: &[u8],
        buffer: &mut [u8],
        tag: &Tag<Self>,
    ) -> aead::Result<()> {
        if !associated_data.is_empty() || !SodiumBox::fits(buffer.len()) {
            return Err(aead::Error);
        }
        let ptr = buffer.as_mut_ptr();
        // SAFETY: as in encrypt_in_place_detached: one buffer of
        // `buffer.len()` octets is both the ciphertext and the plaintext
        // (in-place decryption, documented by libsodium; the buffer is left
        // unchanged when the tag does not verify); tag, nonce and key are
        // valid and of the sizes libsodium reads.
        let rc = unsafe {
            ffi::crypto_box_open_detached_afternm(
                ptr,
                ptr,
                tag.as_ptr(),
                buffer.len() as u64,
                nonce.as_ptr(),
                self.key.as_ptr(),
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(aead::Error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aead::generic_array::GenericArray;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn key(text: &str) -> [u8; 32] {
        unhex(text).try_into().unwrap()
    }

    /// RFC 7748 section 6.1's key pairs (NaCl's box tests use them too).
    const ALICE_SECRET: &str = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    const ALICE_PUBLIC: &str = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    const BOB_SECRET: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    const BOB_PUBLIC: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

    #[test]
    fn public_keys_match_rfc_7748() {
        assert_eq!(public_key(&key(ALICE_SECRET)).unwrap(), key(ALICE_PUBLIC));
        assert_eq!(public_key(&key(BOB_SECRET)).unwrap(), key(BOB_PUBLIC));
    }

    #[test]
    fn precomputed_key_is_nacl_firstkey() {
        let alice = SodiumBox::new(&key(BOB_PUBLIC), &key(ALICE_SECRET)).unwrap();
        let bob = SodiumBox::new(&key(ALICE_PUBLIC), &key(BOB_SECRET)).unwrap();
        let firstkey = key("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        assert_eq!(*alice.key, firstkey);
        assert_eq!(*bob.key, firstkey);
    }

    #[test]
    fn seals_and_opens_in_place_at_every_size() {
        let a = SodiumBox::new(&key(BOB_PUBLIC), &key(ALICE_SECRET)).unwrap();
        let b = SodiumBox::new(&key(ALICE_PUBLIC), &key(BOB_SECRET)).unwrap();
        let nonce = GenericArray::from([9u8; 24]);
        for len in [0, 1, 31, 32, 33, 63, 64, 65, 255, 256, 4096, 65_536 + 3] {
            let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut buf = plain.clone();
            let tag = a.encrypt_in_place_detached(&nonce, b"", &mut buf).unwrap();
            assert!(len == 0 || buf != plain);
            let sealed = buf.clone();
            b.decrypt_in_place_detached(&nonce, b"", &mut buf, &tag)
                .unwrap();
            assert_eq!(buf, plain);
            // A flipped bit anywhere fails and leaves the buffer as it was.
            let mut bad = sealed.clone();
            if let Some(octet) = bad.last_mut() {
                *octet ^= 1;
                assert!(b
                    .decrypt_in_place_detached(&nonce, b"", &mut bad, &tag)
                    .is_err());
            }
            let mut bad_tag = tag;
            bad_tag[0] ^= 0x80;
            let mut copy = sealed.clone();
            assert!(b
                .decrypt_in_place_detached(&nonce, b"", &mut copy, &bad_tag)
                .is_err());
            assert_eq!(copy, sealed);
        }
    }

    #[test]
    fn associated_data_is_refused() {
        let a = SodiumBox::new(&key(BOB_PUBLIC), &key(ALICE_SECRET)).unwrap();
        let nonce = GenericArray::from([0u8; 24]);
        assert!(a
            .encrypt_in_place_detached(&nonce, b"x", &mut [0u8; 4])
            .is_err());
    }

    #[test]
    fn small_order_public_key_is_refused() {
        assert_eq!(
            SodiumBox::new(&[0u8; 32], &key(ALICE_SECRET)).unwrap_err(),
            SodiumError::WeakKey
        );
    }
}
