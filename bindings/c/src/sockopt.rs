//! `zmq_setsockopt` and `zmq_getsockopt`: raw option bytes in and out, with
//! libzmq's size rules.

use std::os::raw::{c_int, c_void};
use std::ptr;

use ferrozmq::{Error, OptionValue, SocketOption};

use crate::consts::{
    ZMQ_BINDTODEVICE, ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY, ZMQ_CURVE_SERVERKEY,
    ZMQ_IPC_FILTER_GID, ZMQ_IPC_FILTER_PID, ZMQ_IPC_FILTER_UID, ZMQ_IPV4ONLY, ZMQ_IPV6,
    ZMQ_SOCKS_PROXY, ZMQ_TCP_ACCEPT_FILTER,
};
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
        if optvallen == 0 && !optval.is_null() && CLEARED_BY_NULL_ONLY.contains(&option) {
            // libzmq clears these with (NULL, 0) only; an empty buffer is EINVAL.
            return Err(Error::Invalid);
        }
        if option == ZMQ_IPV4ONLY {
            // The deprecated inverse of ZMQ_IPV6.
            let v = int(value)?;
            if v != 0 && v != 1 {
                return Err(Error::Invalid);
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
            return Err(Error::Fault);
        }
        let value = if option == ZMQ_IPV4ONLY {
            match socket.option(SocketOption::Ipv6)? {
                OptionValue::Int(v) => OptionValue::Int(i32::from(v == 0)),
                other => other,
            }
        } else {
            socket.option(SocketOption::from_raw(option).ok_or(Error::Invalid)?)?
        };
        // SAFETY: optvallen is valid per the contract (checked non-NULL).
        let room = unsafe { *optvallen };
        let encoded: Vec<u8> = match value {
            OptionValue::Bytes(key) if is_curve_key(option) => curve_key_for(key, room)?,
            OptionValue::Int(v) => v.to_ne_bytes().to_vec(),
            OptionValue::Int64(v) => v.to_ne_bytes().to_vec(),
            OptionValue::Bytes(b) => b,
            OptionValue::Str(text) => {
                let mut b = text.into_bytes();
                b.push(0);
                b
            }
        };
        if room < encoded.len() {
            return Err(Error::Invalid);
        }
        if !encoded.is_empty() {
            if optval.is_null() {
                return Err(Error::Fault);
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

/// Options whose "clear" is (NULL, 0), as libzmq's strict string and set options.
const CLEARED_BY_NULL_ONLY: [c_int; 6] = [
    ZMQ_SOCKS_PROXY,
    ZMQ_TCP_ACCEPT_FILTER,
    ZMQ_IPC_FILTER_PID,
    ZMQ_IPC_FILTER_UID,
    ZMQ_IPC_FILTER_GID,
    ZMQ_BINDTODEVICE,
];

fn int(value: &[u8]) -> Result<i32> {
    let raw: [u8; 4] = value.try_into().map_err(|_| Error::Invalid)?;
    Ok(i32::from_ne_bytes(raw))
}

fn is_curve_key(option: c_int) -> bool {
    matches!(
        option,
        ZMQ_CURVE_PUBLICKEY | ZMQ_CURVE_SECRETKEY | ZMQ_CURVE_SERVERKEY
    )
}

/// A CURVE key read back as libzmq does: 32 raw octets into a 32-octet
/// buffer, 40 Z85 characters and a NUL into a 41-octet one, else EINVAL.
fn curve_key_for(key: Vec<u8>, room: usize) -> Result<Vec<u8>> {
    match room {
        32 => Ok(key),
        41 => {
            let mut text = ferrozmq::z85::encode(&key)
                .ok_or(Error::Invalid)?
                .into_bytes();
            text.push(0);
            Ok(text)
        }
        _ => Err(Error::Invalid),
    }
}
