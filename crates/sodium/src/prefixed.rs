//! One direction of a box's traffic whose nonces all start with the same 16
//! octets (CurveZMQ's MESSAGE nonces: `CurveZMQMESSAGEC` or `...S`, then a
//! 64-bit counter).
//!
//! XSalsa20 under a 24-octet nonce is Salsa20 under the last 8 octets with
//! the subkey HSalsa20(key, first 16 octets). With a fixed prefix that
//! subkey is the same for every box, so [`PrefixedBox`] derives it once
//! instead of once per message (libsodium's `crypto_box_*_afternm` derive it
//! every time: 11–13 % of a 64-octet CURVE message's CPU time). The boxes
//! are NaCl's `crypto_secretbox` exactly, built as libsodium builds them
//! (`crypto_secretbox_detached`): the first 32 octets of the Salsa20 stream
//! are the Poly1305 key, the rest encrypts the plaintext, the tag covers the
//! ciphertext. The tests check every size against `crypto_box_*_afternm`.
//!
//! Sealing also reads its plaintext from two slices (a short head, e.g.
//! CurveZMQ's flags octet, and the body) and writes the box elsewhere, so a
//! body is never copied before it is encrypted.

use bytes::BytesMut;
use libsodium_sys as ffi;
use zeroize::Zeroizing;

use crate::{SodiumBox, SodiumError, KEY_LEN};

/// Poly1305 tag length: a box is this much longer than its plaintext.
pub const MAC_LEN: usize = 16;
/// Length of the fixed nonce prefix.
pub const PREFIX_LEN: usize = 16;
/// Length of the varying nonce part (a counter, big-endian in CurveZMQ).
pub const COUNTER_LEN: usize = 8;
/// Longest head [`PrefixedBox::seal`] takes: what fits the first Salsa20
/// block beside the Poly1305 key.
pub const MAX_HEAD_LEN: usize = 32;
/// Salsa20 block length.
const BLOCK_LEN: usize = 64;
/// Plaintext octets encrypted with the first block (after the 32-octet
/// Poly1305 key).
const FIRST_BLOCK_TEXT: usize = BLOCK_LEN - 32;

/// The plaintext length of a box of `head ‖ body`, if [`PrefixedBox`] can
/// seal it.
fn check_seal(head: &[u8], body: &[u8]) -> Result<usize, SodiumError> {
    let len = head.len() + body.len();
    if head.len() > MAX_HEAD_LEN || !SodiumBox::fits(len) {
        return Err(SodiumError::Length);
    }
    Ok(len)
}

/// Boxes under nonces `prefix ‖ counter` for one fixed prefix, with the
/// subkey derived once (wiped on drop).
#[derive(Clone)]
pub struct PrefixedBox {
    subkey: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for PrefixedBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrefixedBox(..)")
    }
}

impl SodiumBox {
    /// The boxes of this key under nonces that start with `prefix`.
    pub fn with_prefix(&self, prefix: &[u8; PREFIX_LEN]) -> PrefixedBox {
        let mut subkey = Zeroizing::new([0u8; KEY_LEN]);
        // SAFETY: crypto_core_hsalsa20 writes 32 octets (_OUTPUTBYTES) to
        // `subkey` and reads 16 (_INPUTBYTES) from `prefix` and 32
        // (_KEYBYTES) from the key; a null constant means Salsa20's own
        // ("expand 32-byte k"), as crypto_stream_xsalsa20 uses. The buffers
        // are distinct. It always returns 0.
        unsafe {
            ffi::crypto_core_hsalsa20(
                subkey.as_mut_ptr(),
                prefix.as_ptr(),
                self.key.as_ptr(),
                std::ptr::null(),
            );
        }
        PrefixedBox { subkey }
    }
}

impl PrefixedBox {
    /// Seals `head ‖ body` under nonce `prefix ‖ counter` into `out`, which
    /// must be exactly `MAC_LEN + head.len() + body.len()` octets: the tag,
    /// then the ciphertext (NaCl's detached layout, as CurveZMQ sends it).
    /// `head` is at most [`MAX_HEAD_LEN`] octets.
    pub fn seal(
        &self,
        counter: &[u8; COUNTER_LEN],
        head: &[u8],
        body: &[u8],
        out: &mut [u8],
    ) -> Result<(), SodiumError> {
        let len = check_seal(head, body)?;
        if out.len() != MAC_LEN + len {
            return Err(SodiumError::Length);
        }
        // SAFETY: `out` is MAC_LEN + len writable octets, borrowed mutably
        // so it overlaps neither input; the lengths were checked.
        unsafe { self.seal_raw(counter, head, body, out.as_mut_ptr()) };
        Ok(())
    }

    /// Appends the box of `head ‖ body` (tag, then ciphertext) to `out`,
    /// written straight into its spare capacity: the body is read once,
    /// never copied or zeroed first.
    pub fn seal_append(
        &self,
        counter: &[u8; COUNTER_LEN],
        head: &[u8],
        body: &[u8],
        out: &mut BytesMut,
    ) -> Result<(), SodiumError> {
        let len = check_seal(head, body)?;
        out.reserve(MAC_LEN + len);
        let spare = out.spare_capacity_mut();
        debug_assert!(spare.len() >= MAC_LEN + len);
        // SAFETY: `reserve` made room for MAC_LEN + len octets after the
        // current end; seal_raw writes every one of them (the tag and the
        // whole ciphertext), so they are initialised when set_len exposes
        // them. `out` is borrowed mutably and overlaps neither input; the
        // lengths were checked.
        unsafe {
            self.seal_raw(counter, head, body, spare.as_mut_ptr().cast::<u8>());
            out.set_len(out.len() + MAC_LEN + len);
        }
        Ok(())
    }

    /// Writes the tag and the ciphertext of `head ‖ body` to `out`.
    ///
    /// # Safety
    /// `out` must address `MAC_LEN + head.len() + body.len()` writable
    /// octets that overlap neither `head` nor `body`; `head` is at most
    /// [`MAX_HEAD_LEN`] octets and the total within libsodium's maximum
    /// (see `check_seal`).
    unsafe fn seal_raw(&self, counter: &[u8; COUNTER_LEN], head: &[u8], body: &[u8], out: *mut u8) {
        let len = head.len() + body.len();
        // The first block: 32 zeros (to become the Poly1305 key) and the
        // first plaintext octets, encrypted together.
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        let first = len.min(FIRST_BLOCK_TEXT);
        let from_body = first - head.len();
        for (octet, plain) in block.iter_mut().skip(32).zip(head.iter().chain(body)) {
            *octet = *plain;
        }
        let rest = body.get(from_body..).unwrap_or_default();
        // SAFETY: (all four calls and the copy) `block` is 64 octets,
        // encrypted in place (c == m is allowed) over its first 32 + first
        // ≤ 64; the caller guarantees `out` has MAC_LEN + len octets, so
        // the text starts MAC_LEN in and `first` + `rest.len()` = len of it
        // are written; nonce parts are 8 octets
        // (crypto_stream_salsa20_NONCEBYTES), keys 32; block counter 1
        // continues the stream after the first block; the tag (16 octets,
        // crypto_onetimeauth_BYTES) is written apart from the ciphertext it
        // covers, keyed by the block's first 32 octets.
        unsafe {
            ffi::crypto_stream_salsa20_xor(
                block.as_mut_ptr(),
                block.as_ptr(),
                (32 + first) as u64,
                counter.as_ptr(),
                self.subkey.as_ptr(),
            );
            let text = out.add(MAC_LEN);
            std::ptr::copy_nonoverlapping(block.as_ptr().add(32), text, first);
            if !rest.is_empty() {
                ffi::crypto_stream_salsa20_xor_ic(
                    text.add(first),
                    rest.as_ptr(),
                    rest.len() as u64,
                    counter.as_ptr(),
                    1,
                    self.subkey.as_ptr(),
                );
            }
            ffi::crypto_onetimeauth_poly1305(out, text, len as u64, block.as_ptr());
        }
    }

    /// Opens `boxed` (tag, then ciphertext) under nonce `prefix ‖ counter`
    /// in place: on success `boxed[MAC_LEN..]` holds the plaintext. The tag
    /// is checked (in constant time) before anything is decrypted; on
    /// failure `boxed` is unchanged.
    pub fn open_in_place(
        &self,
        counter: &[u8; COUNTER_LEN],
        boxed: &mut [u8],
    ) -> Result<(), SodiumError> {
        if boxed.len() < MAC_LEN || !SodiumBox::fits(boxed.len() - MAC_LEN) {
            return Err(SodiumError::Length);
        }
        let (tag, text) = boxed.split_at_mut(MAC_LEN);
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        // SAFETY: `block` is 64 writable octets (the stream's first block);
        // nonce 8 octets, subkey 32.
        unsafe {
            ffi::crypto_stream_salsa20(
                block.as_mut_ptr(),
                BLOCK_LEN as u64,
                counter.as_ptr(),
                self.subkey.as_ptr(),
            );
        }
        // SAFETY: the tag is 16 readable octets, the ciphertext `text.len()`
        // readable octets, the key the block's first 32.
        let rc = unsafe {
            ffi::crypto_onetimeauth_poly1305_verify(
                tag.as_ptr(),
                text.as_ptr(),
                text.len() as u64,
                block.as_ptr(),
            )
        };
        if rc != 0 {
            return Err(SodiumError::Forged);
        }
        for (octet, key) in text.iter_mut().zip(block.iter().skip(32)) {
            *octet ^= key;
        }
        let first = text.len().min(FIRST_BLOCK_TEXT);
        let rest = text.get_mut(first..).unwrap_or_default();
        if !rest.is_empty() {
            // SAFETY: `rest` is decrypted in place (c == m is allowed) over
            // its own length; block counter 1 continues after the first
            // block; nonce 8 octets, subkey 32.
            unsafe {
                ffi::crypto_stream_salsa20_xor_ic(
                    rest.as_mut_ptr(),
                    rest.as_ptr(),
                    rest.len() as u64,
                    counter.as_ptr(),
                    1,
                    self.subkey.as_ptr(),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aead::generic_array::GenericArray;
    use aead::AeadInPlace;

    fn boxes() -> (SodiumBox, SodiumBox) {
        let (a, b) = ([11u8; 32], [22u8; 32]);
        let (pa, pb) = (
            crate::public_key(&a).unwrap(),
            crate::public_key(&b).unwrap(),
        );
        (
            SodiumBox::new(&pb, &a).unwrap(),
            SodiumBox::new(&pa, &b).unwrap(),
        )
    }

    fn nonce(prefix: &[u8; 16], counter: &[u8; 8]) -> [u8; 24] {
        let mut n = [0u8; 24];
        n[..16].copy_from_slice(prefix);
        n[16..].copy_from_slice(counter);
        n
    }

    /// At every size around the block boundaries, with heads of 0, 1 and
    /// 32 octets: the same octets as crypto_box_detached_afternm with the
    /// full nonce, and each opens what the other sealed.
    #[test]
    fn same_boxes_as_crypto_box_afternm() {
        let (ab, ba) = boxes();
        let prefix = b"CurveZMQMESSAGEC";
        let (seal, open) = (ab.with_prefix(prefix), ba.with_prefix(prefix));
        let lens = (0..=200).chain([511, 512, 513, 4095, 65_536, 65_537, 200_001]);
        for len in lens {
            for head_len in [0usize, 1, 32] {
                if head_len > len {
                    continue;
                }
                let plain: Vec<u8> = (0..len).map(|i| (i * 13 + len) as u8).collect();
                let counter = (len as u64 * 3 + head_len as u64).to_be_bytes();
                let (head, body) = plain.split_at(head_len);
                let mut ours = vec![0u8; MAC_LEN + len];
                seal.seal(&counter, head, body, &mut ours).unwrap();

                let mut theirs = plain.clone();
                let n = GenericArray::from(nonce(prefix, &counter));
                let tag = ab.encrypt_in_place_detached(&n, b"", &mut theirs).unwrap();
                assert_eq!(&ours[..MAC_LEN], &tag[..], "tag, {len} octets");
                assert_eq!(&ours[MAC_LEN..], &theirs[..], "text, {len} octets");

                let mut appended = BytesMut::from(&b"xy"[..]);
                seal.seal_append(&counter, head, body, &mut appended)
                    .unwrap();
                assert_eq!(&appended[..2], b"xy");
                assert_eq!(&appended[2..], &ours[..]);

                let mut opened = ours.clone();
                open.open_in_place(&counter, &mut opened).unwrap();
                assert_eq!(&opened[MAC_LEN..], &plain[..]);
            }
        }
    }

    #[test]
    fn forgeries_fail_and_leave_the_box_unchanged() {
        let (ab, ba) = boxes();
        let prefix = b"CurveZMQMESSAGES";
        let (seal, open) = (ab.with_prefix(prefix), ba.with_prefix(prefix));
        let counter = 5u64.to_be_bytes();
        let mut boxed = vec![0u8; MAC_LEN + 70];
        seal.seal(&counter, &[1], &[7u8; 69], &mut boxed).unwrap();
        for i in 0..boxed.len() {
            let mut bad = boxed.clone();
            bad[i] ^= 0x10;
            let before = bad.clone();
            assert_eq!(
                open.open_in_place(&counter, &mut bad),
                Err(SodiumError::Forged)
            );
            assert_eq!(bad, before);
        }
        let mut copy = boxed.clone();
        assert!(open.open_in_place(&6u64.to_be_bytes(), &mut copy).is_err());
        let other = ba.with_prefix(b"CurveZMQMESSAGEC");
        assert!(other.open_in_place(&counter, &mut boxed.clone()).is_err());
        assert!(open.open_in_place(&counter, &mut boxed[..10]).is_err());
    }

    #[test]
    fn bad_lengths_are_refused() {
        let (ab, _) = boxes();
        let seal = ab.with_prefix(&[0; 16]);
        let c = [0u8; 8];
        assert_eq!(
            seal.seal(&c, &[0; 33], &[], &mut [0u8; MAC_LEN + 33]),
            Err(SodiumError::Length)
        );
        assert_eq!(
            seal.seal(&c, &[0], &[0; 4], &mut [0u8; MAC_LEN + 4]),
            Err(SodiumError::Length)
        );
    }
}
