//! Option value codecs: how one kind of option value travels as libzmq's
//! raw bytes, how it is validated (as libzmq validates it), how it is kept
//! and read back, and which Rust type its typed accessors use.
//!
//! Each row of the option table names one codec; everything about the
//! value's shape lives here, once per kind rather than once per option.

use std::time::Duration;

use super::{OptionKind, OptionValue};
use crate::error::{Error, ErrorKind, Result};

mod blobs;
mod numbers;

pub(crate) use blobs::*;
pub(crate) use numbers::*;

/// A kind of option value as libzmq passes it through `zmq_setsockopt`.
pub(crate) trait Codec {
    /// How the socket keeps the value (libzmq's own representation, so
    /// that reading back gives exactly what libzmq would).
    type Stored;
    /// How `zmq_getsockopt` encodes the value.
    const KIND: OptionKind;
    /// libzmq clears the option with `(NULL, 0)` only; an empty, non-NULL
    /// buffer is EINVAL.
    const CLEARED_BY_NULL_ONLY: bool = false;
    /// Parses and validates raw option bytes (EINVAL as libzmq).
    fn decode(raw: &[u8]) -> Result<Self::Stored>;
    /// The value as read back through `zmq_getsockopt`.
    fn encode(stored: &Self::Stored) -> OptionValue;
}

/// A codec with typed Rust accessors.
pub(crate) trait Typed: Codec {
    /// The setter's argument.
    type Arg<'a>;
    /// The getter's result.
    type Out;
    /// The raw libzmq bytes for a typed value (validation is `decode`'s).
    fn to_raw(arg: Self::Arg<'_>) -> Result<Vec<u8>>;
    /// The typed value of what is stored.
    fn out(stored: &Self::Stored) -> Self::Out;
}

fn int_bytes(v: i32) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

fn millis(d: Duration) -> Result<i32> {
    i32::try_from(d.as_millis()).map_err(|_| Error::new(ErrorKind::Invalid))
}

fn duration(ms: i32) -> Option<Duration> {
    u64::try_from(ms).ok().map(Duration::from_millis)
}

fn int(raw: &[u8]) -> Result<i32> {
    let bytes: [u8; 4] = raw.try_into().map_err(|_| ErrorKind::Invalid)?;
    Ok(i32::from_ne_bytes(bytes))
}

fn int64(raw: &[u8]) -> Result<i64> {
    let bytes: [u8; 8] = raw.try_into().map_err(|_| ErrorKind::Invalid)?;
    Ok(i64::from_ne_bytes(bytes))
}

fn at_least(raw: &[u8], min: i32) -> Result<i32> {
    let v = int(raw)?;
    if v < min {
        return Err(ErrorKind::Invalid.into());
    }
    Ok(v)
}
