//! Z85 (ZeroMQ RFC 32): 4 bytes as 5 printable characters.

use std::os::raw::c_char;
use std::ptr;

use ferrozmq::ErrorKind;

use crate::guard;
use ferrozmq::z85::{decode, encode};

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
            return Err(ErrorKind::Invalid.into());
        }
        // SAFETY: data is readable for size bytes per the contract.
        let input = unsafe { crate::socket::bytes(data.cast(), size)? };
        let text = encode(input).ok_or(ErrorKind::Invalid)?;
        if dest.is_null() {
            return Err(ErrorKind::Fault.into());
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
            return Err(ErrorKind::Invalid.into());
        }
        // SAFETY: NUL-terminated per the contract.
        let text = unsafe { std::ffi::CStr::from_ptr(string) }.to_bytes();
        let bytes = decode(text).ok_or(ErrorKind::Invalid)?;
        // SAFETY: dest is writable for len * 4 / 5 = bytes.len() bytes.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), dest, bytes.len()) };
        Ok(dest)
    })
}
