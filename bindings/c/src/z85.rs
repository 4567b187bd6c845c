//! Z85 (ZeroMQ RFC 32): 4 bytes as 5 printable characters.

use std::os::raw::c_char;
use std::ptr;

use ferrozmq::Error;

use crate::guard;

/// Encodes `size` bytes (a multiple of 4) as Z85 text in `dest`; returns `dest` or NULL.
///
/// Writes `size * 5 / 4` characters plus a NUL; NULL with EINVAL on a bad size.
///
/// # Safety
/// `data` readable for `size` bytes; `dest` writable for `size * 5 / 4 + 1`.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_encode(
    dest: *mut c_char,
    data: *const u8,
    size: usize,
) -> *mut c_char {
    guard::ptr(|| {
        if size % 4 != 0 {
            // Checked before the pointers, as libzmq does.
            return Err(Error::Invalid);
        }
        // SAFETY: data is readable for size bytes per the contract.
        let input = unsafe { crate::socket::bytes(data.cast(), size)? };
        let text = encode(input).ok_or(Error::Invalid)?;
        if dest.is_null() {
            return Err(Error::Fault);
        }
        // SAFETY: dest is writable for size * 5 / 4 + 1 = text.len() + 1 bytes.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr(), dest.cast::<u8>(), text.len());
            dest.add(text.len()).write(0);
        }
        Ok(dest)
    })
}

/// Decodes the Z85 `string` (length a multiple of 5) into `dest`; returns `dest` or NULL.
///
/// Writes `strlen(string) * 4 / 5` bytes; NULL with EINVAL on bad text.
///
/// # Safety
/// `string` NUL-terminated; `dest` writable for `strlen(string) * 4 / 5` bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_decode(dest: *mut u8, string: *const c_char) -> *mut u8 {
    guard::ptr(|| {
        if string.is_null() || dest.is_null() {
            return Err(Error::Invalid);
        }
        // SAFETY: NUL-terminated per the contract.
        let text = unsafe { std::ffi::CStr::from_ptr(string) }.to_bytes();
        let bytes = decode(text).ok_or(Error::Invalid)?;
        // SAFETY: dest is writable for len * 4 / 5 = bytes.len() bytes.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), dest, bytes.len()) };
        Ok(dest)
    })
}

/// Z85 text for `data`, or None if its length is not a multiple of 4.
pub(crate) fn encode(data: &[u8]) -> Option<String> {
    if data.len() % 4 != 0 {
        return None;
    }
    let mut out = String::with_capacity(data.len() / 4 * 5);
    for chunk in data.chunks_exact(4) {
        let raw: [u8; 4] = chunk.try_into().ok()?;
        let mut value = u32::from_be_bytes(raw);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = *ALPHABET.get((value % 85) as usize)?;
            value /= 85;
        }
        out.extend(digits.iter().map(|&c| char::from(c)));
    }
    Some(out)
}

/// The bytes for Z85 `text`, or None if it is not valid Z85.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 5 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 5 * 4);
    for chunk in text.chunks_exact(5) {
        let mut value: u64 = 0;
        for &c in chunk {
            let digit = ALPHABET.iter().position(|&a| a == c)?;
            value = value * 85 + digit as u64;
        }
        let value = u32::try_from(value).ok()?;
        out.extend_from_slice(&value.to_be_bytes());
    }
    Some(out)
}

/// RFC 32's 85 characters, in digit order.
const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc32_test_vector() {
        let data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(encode(&data).as_deref(), Some("HelloWorld"));
        assert_eq!(decode(b"HelloWorld").as_deref(), Some(&data[..]));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(decode(b"Hell"), None);
        assert_eq!(decode(b"Hell\""), None);
        assert_eq!(decode(b"#####"), None);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&all).unwrap().as_bytes()), Some(all));
    }
}
