//! CURVE keys and the injected source of randomness.

use std::fmt;
use std::sync::Arc;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};
use crate::z85;

/// Length of every CURVE key, public or secret, in octets.
pub const KEY_LEN: usize = 32;

/// A Curve25519 public key (a long-term key such as a server's or a client's).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurvePublicKey([u8; KEY_LEN]);

impl CurvePublicKey {
    /// The key from its 32 raw octets.
    pub const fn from_bytes(bytes: [u8; KEY_LEN]) -> CurvePublicKey {
        CurvePublicKey(bytes)
    }

    /// The 32 raw octets.
    pub const fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key from its 40-character Z85 text (RFC 32), if valid.
    pub fn from_z85(text: &str) -> Option<CurvePublicKey> {
        z85_key(text).map(|k| CurvePublicKey(*k))
    }

    /// The key as 40 characters of Z85 text.
    pub fn to_z85(&self) -> String {
        z85::encode(&self.0).unwrap_or_default()
    }

    pub(super) fn to_box_key(self) -> crypto_box::PublicKey {
        crypto_box::PublicKey::from_bytes(self.0)
    }
}

impl fmt::Debug for CurvePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CurvePublicKey(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// A Curve25519 secret key; wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct CurveSecretKey([u8; KEY_LEN]);

impl Drop for CurveSecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for CurveSecretKey {}

impl CurveSecretKey {
    /// The key from its 32 raw octets (any 32 octets are a valid key).
    pub const fn from_bytes(bytes: [u8; KEY_LEN]) -> CurveSecretKey {
        CurveSecretKey(bytes)
    }

    /// A fresh key from `entropy`.
    pub fn generate(entropy: &Entropy) -> Result<CurveSecretKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        entropy.fill(&mut bytes[..])?;
        Ok(CurveSecretKey(*bytes))
    }

    /// The key from its 40-character Z85 text (RFC 32), if valid.
    pub fn from_z85(text: &str) -> Option<CurveSecretKey> {
        z85_key(text).map(|k| CurveSecretKey(*k))
    }

    /// The key as 40 characters of Z85 text.
    pub fn to_z85(&self) -> Zeroizing<String> {
        Zeroizing::new(z85::encode(&self.0).unwrap_or_default())
    }

    /// The 32 raw octets.
    pub const fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The public key that belongs to this secret key.
    pub fn public_key(&self) -> CurvePublicKey {
        CurvePublicKey(*self.to_box_key().public_key().as_bytes())
    }

    pub(super) fn to_box_key(&self) -> crypto_box::SecretKey {
        crypto_box::SecretKey::from_bytes(self.0)
    }
}

impl fmt::Debug for CurveSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CurveSecretKey(..)")
    }
}

fn z85_key(text: &str) -> Option<Zeroizing<[u8; KEY_LEN]>> {
    let bytes = Zeroizing::new(z85::decode(text.as_bytes())?);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(bytes.get(..KEY_LEN).filter(|_| bytes.len() == KEY_LEN)?);
    Some(key)
}

/// Cryptographic randomness, injected by the caller: this crate never reads
/// the operating system's random source itself. The function must fill the
/// whole buffer with unpredictable octets (e.g. from `getrandom`) and return
/// true, or return false if it cannot.
#[derive(Clone)]
pub struct Entropy(Arc<FillFn>);

/// The function behind [`Entropy`].
type FillFn = dyn Fn(&mut [u8]) -> bool + Send + Sync;

impl Entropy {
    /// Randomness from `fill`.
    pub fn new(fill: impl Fn(&mut [u8]) -> bool + Send + Sync + 'static) -> Entropy {
        Entropy(Arc::new(fill))
    }

    /// Fills `dest` with random octets.
    pub fn fill(&self, dest: &mut [u8]) -> Result<()> {
        if (self.0)(dest) {
            Ok(())
        } else {
            Err(Error::Misuse("the random source failed"))
        }
    }

    pub(super) fn array<const N: usize>(&self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        self.fill(&mut out)?;
        Ok(out)
    }
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Entropy(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_of_rfc_32_example_secret() {
        // RFC 32's example client key pair ("D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs" and
        // "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"), decoded.
        let secret = CurveSecretKey::from_bytes([
            0x7b, 0xb8, 0x64, 0xb4, 0x89, 0xaf, 0xa3, 0x67, 0x1f, 0xbe, 0x69, 0x10, 0x1f, 0x94,
            0xb3, 0x89, 0x72, 0xf2, 0x48, 0x16, 0xdf, 0xb0, 0x1b, 0x51, 0x65, 0x6b, 0x3f, 0xec,
            0x8d, 0xfd, 0x08, 0x88,
        ]);
        let public = [
            0xbb, 0x88, 0x47, 0x1d, 0x65, 0xe2, 0x65, 0x9b, 0x30, 0xc5, 0x5a, 0x53, 0x21, 0xce,
            0xbb, 0x5a, 0xab, 0x2b, 0x70, 0xa3, 0x98, 0x64, 0x5c, 0x26, 0xdc, 0xa2, 0xb2, 0xfc,
            0xb4, 0x3f, 0xc5, 0x18,
        ];
        assert_eq!(secret.public_key().as_bytes(), &public);
        let z85_secret = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
        assert_eq!(CurveSecretKey::from_z85(z85_secret), Some(secret.clone()));
        assert_eq!(&secret.to_z85()[..], z85_secret);
        let z85_public = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
        assert_eq!(secret.public_key().to_z85(), z85_public);
        assert_eq!(
            CurvePublicKey::from_z85(z85_public),
            Some(secret.public_key())
        );
        assert_eq!(CurvePublicKey::from_z85("HelloWorld"), None);
    }
}
