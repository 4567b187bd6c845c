//! `zmq_setsockopt` and `zmq_getsockopt`: raw option bytes in and out, with
//! libzmq's size rules. The option table in ferrozmq (`SocketOption`)
//! supplies the numbers, each value's encoding (`kind`) and which options
//! libzmq clears only with `(NULL, 0)`; the one alias it lacks,
//! ZMQ_IPV4ONLY, is handled here.

use std::os::raw::{c_int, c_void};
use std::ptr;

use ferrozmq::{ErrorKind, OptionKind, OptionValue, SocketOption};

use crate::consts::{ZMQ_IPV4ONLY, ZMQ_IPV6};
use crate::guard::{self, Result};
use crate::socket::{bytes, socket};

/// Sets a socket option from `optvallen` bytes at `optval`.
///
/// # Safety
/// `s` a live socket handle; `optval` readable for `optvallen` bytes (or NULL if 0).
#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *const c_void,
    optvallen: usize,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let (socket, value) = unsafe { (socket(s)?, bytes(optval, optvallen)?) };
        let cleared_by_null_only =
            SocketOption::from_raw(option).is_some_and(SocketOption::cleared_by_null_only);
        if optvallen == 0 && !optval.is_null() && cleared_by_null_only {
            // libzmq clears these with (NULL, 0) only; an empty buffer is EINVAL.
            return Err(ErrorKind::Invalid.into());
        }
        if option == ZMQ_IPV4ONLY {
            // The deprecated inverse of ZMQ_IPV6.
            let v = int(value)?;
            if v != 0 && v != 1 {
                return Err(ErrorKind::Invalid.into());
            }
            socket.set_option_raw(ZMQ_IPV6, &(1 - v).to_ne_bytes())?;
        } else {
            socket.set_option_raw(option, value)?;
        }
        Ok(0)
    })
}

/// Reads a socket option into `optval` and sets `*optvallen` to its size.
///
/// `*optvallen` says how many bytes `optval` holds on entry.
///
/// # Safety
/// `s` a live socket handle; `optvallen` valid; `optval` writable for
/// `*optvallen` bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *mut c_void,
    optvallen: *mut usize,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        if optvallen.is_null() {
            return Err(ErrorKind::Fault.into());
        }
        let (option, value) = if option == ZMQ_IPV4ONLY {
            let value = match socket.option(SocketOption::Ipv6)? {
                OptionValue::Int(v) => OptionValue::Int(i32::from(v == 0)),
                other => other,
            };
            (SocketOption::Ipv6, value)
        } else {
            let option = SocketOption::from_raw(option).ok_or(ErrorKind::Invalid)?;
            (option, socket.option(option)?)
        };
        // SAFETY: optvallen is valid per the contract (checked non-NULL).
        let room = unsafe { *optvallen };
        let exact = is_number(&value) && !answered_by_the_socket(option);
        let encoded: Vec<u8> = match value {
            OptionValue::Bytes(key) if option.kind() == OptionKind::CurveKey => {
                curve_key_for(key, room)?
            }
            OptionValue::Int(v) => v.to_ne_bytes().to_vec(),
            OptionValue::Int64(v) => v.to_ne_bytes().to_vec(),
            OptionValue::Bytes(b) => b,
            OptionValue::Str(mut text) => {
                text.push(0);
                text
            }
        };
        if room < encoded.len() || (exact && room != encoded.len()) {
            return Err(ErrorKind::Invalid.into());
        }
        if !encoded.is_empty() {
            if optval.is_null() {
                return Err(ErrorKind::Fault.into());
            }
            // SAFETY: optval is writable for room >= encoded.len() bytes.
            unsafe {
                ptr::copy_nonoverlapping(encoded.as_ptr(), optval.cast::<u8>(), encoded.len());
            }
            // libzmq zeroes the rest of a larger buffer (so an int read
            // into an int64_t comes out right).
            // SAFETY: optval is writable for `room` bytes.
            unsafe {
                ptr::write_bytes(
                    optval.cast::<u8>().add(encoded.len()),
                    0,
                    room - encoded.len(),
                );
            }
        }
        // SAFETY: as above.
        unsafe { *optvallen = encoded.len() };
        Ok(0)
    })
}

/// libzmq's option table reads numbers into buffers of exactly their size
/// (an `int` into 4 bytes, an `int64_t` into 8); text and binary values,
/// and the few values the socket answers itself, fit any large enough one.
fn is_number(value: &OptionValue) -> bool {
    matches!(value, OptionValue::Int(_) | OptionValue::Int64(_))
}

/// The options libzmq's socket answers before its option table (RCVMORE,
/// FD, EVENTS, THREAD_SAFE): any buffer large enough does, the rest zeroed.
fn answered_by_the_socket(option: SocketOption) -> bool {
    matches!(
        option,
        SocketOption::RcvMore | SocketOption::Fd | SocketOption::Events | SocketOption::ThreadSafe
    )
}

fn int(value: &[u8]) -> Result<i32> {
    let raw: [u8; 4] = value.try_into().map_err(|_| ErrorKind::Invalid)?;
    Ok(i32::from_ne_bytes(raw))
}

/// A CURVE key read back as libzmq does: 32 raw octets into a 32-octet
/// buffer, 40 Z85 characters and a NUL into a 41-octet one, else EINVAL.
fn curve_key_for(key: Vec<u8>, room: usize) -> Result<Vec<u8>> {
    match room {
        32 => Ok(key),
        41 => {
            let mut text = ferrozmq::z85::encode(&key)
                .ok_or(ErrorKind::Invalid)?
                .into_bytes();
            text.push(0);
            Ok(text)
        }
        _ => Err(ErrorKind::Invalid.into()),
    }
}

#[cfg(test)]
mod tests {
    use ferrozmq::{ContextOption, Mechanism, SocketOption, SocketType};

    const CONSTS: &str = include_str!("consts.rs");

    /// The value of `pub const ZMQ_<name>: c_int = <n>;` in consts.rs
    /// (which tests/check_constants.py compares with libzmq's zmq.h).
    fn header_value(name: &str) -> Option<i32> {
        let prefix = format!("pub const ZMQ_{name}: c_int = ");
        let line = CONSTS.lines().find(|l| l.starts_with(&prefix))?;
        let value = line
            .get(prefix.len()..)?
            .trim_end_matches(';')
            .replace('_', "");
        match value.strip_prefix("0x") {
            Some(hex) => i32::from_str_radix(hex, 16).ok(),
            None => value.parse().ok(),
        }
    }

    #[test]
    fn the_tables_match_zmq_h() {
        for &option in SocketOption::ALL {
            assert_eq!(
                header_value(option.name()),
                Some(option.raw()),
                "{option:?}"
            );
        }
        for &option in ContextOption::ALL {
            assert_eq!(
                header_value(option.name()),
                Some(option.raw()),
                "{option:?}"
            );
        }
        for (name, mechanism) in [
            ("NULL", Mechanism::Null),
            ("PLAIN", Mechanism::Plain),
            ("CURVE", Mechanism::Curve),
        ] {
            assert_eq!(header_value(name), Some(mechanism.raw()), "{name}");
        }
        for t in SocketType::ALL {
            assert_eq!(header_value(t.name()), Some(i32::from(t.number())), "{t:?}");
        }
    }
}
