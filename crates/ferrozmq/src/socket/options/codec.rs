//! Option value codecs: how one kind of option value travels as libzmq's
//! raw bytes, how it is validated (as libzmq validates it), how it is kept
//! and read back, and which Rust type its typed accessors use.
//!
//! Each row of the option table names one codec; everything about the
//! value's shape lives here, once per kind rather than once per option.

use std::time::Duration;

use bytes::Bytes;
use ferrozmq_zmtp::SocketType;

use super::{Mechanism, OptionKind, OptionValue};
use crate::curve::key_from_option;
use crate::error::{Error, Result};

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

/// A high-water mark: a C int, at least 0 (0 = no limit); `usize` in Rust.
pub(crate) struct Hwm;
/// A C int of at least `MIN`.
pub(crate) struct AtLeast<const MIN: i32>;
/// Any C int.
pub(crate) type AnyInt = AtLeast<{ i32::MIN }>;
/// A C int of at least 0 where every non-zero value means true.
pub(crate) struct Flag;
/// A C int that must be 0 or 1.
pub(crate) struct StrictFlag;
/// Milliseconds, -1 meaning "forever" or "never" (`None` in Rust).
pub(crate) struct Timeout;
/// Milliseconds, at least 0, 0 meaning "off" or "no limit" (`None` in Rust).
pub(crate) struct Interval;
/// ZMQ_HEARTBEAT_TTL: milliseconds kept in whole deciseconds, 16 bits.
pub(crate) struct HeartbeatTtl;
/// A C int of at least -1, -1 meaning "the OS default" (`None` in Rust).
pub(crate) struct OsDefault;
/// A file descriptor, -1 meaning none.
pub(crate) struct OptionalFd;
/// ZMQ_TCP_KEEPALIVE: -1 (OS default), 0 or 1; `Option<bool>` in Rust.
pub(crate) struct Keepalive;
/// An `int64_t` bit mask (ZMQ_AFFINITY); `u64` in Rust.
pub(crate) struct Mask64;
/// An `int64_t` size limit, negative meaning none (ZMQ_MAXMSGSIZE).
pub(crate) struct SizeLimit;
/// A routing id: 1 to 255 bytes.
pub(crate) struct RoutingId;
/// Any bytes, read back as bytes.
pub(crate) struct Blob;
/// Text of at most 255 bytes, read back NUL-terminated.
pub(crate) struct ShortText;
/// UTF-8 text of any length, cleared only by `(NULL, 0)`.
pub(crate) struct Text;
/// A network interface name (at most 16 bytes, as libzmq's BINDDEVSIZ).
pub(crate) struct Device;
/// A CIDR network to add to a filter list; empty clears the list.
pub(crate) struct AcceptFilter;
/// A process, user or group id to add to a filter set; empty clears it.
pub(crate) struct IdFilter;
/// A CURVE key: 32 octets or 40 Z85 characters (optionally NUL-terminated).
pub(crate) struct CurveKey;
/// ZMQ_METADATA: `X-Name:value`, added to the properties sent to peers.
pub(crate) struct Property;
/// ZMQ_MECHANISM (read-only).
pub(crate) struct MechanismCodec;
/// ZMQ_TYPE (read-only).
pub(crate) struct TypeCodec;

impl Codec for Hwm {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, 0)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for Hwm {
    type Arg<'a> = usize;
    type Out = usize;
    fn to_raw(arg: usize) -> Result<Vec<u8>> {
        Ok(int_bytes(i32::try_from(arg).map_err(|_| Error::Invalid)?))
    }
    fn out(stored: &i32) -> usize {
        usize::try_from(*stored).unwrap_or(0)
    }
}

impl<const MIN: i32> Codec for AtLeast<MIN> {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, MIN)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl<const MIN: i32> Typed for AtLeast<MIN> {
    type Arg<'a> = i32;
    type Out = i32;
    fn to_raw(arg: i32) -> Result<Vec<u8>> {
        Ok(int_bytes(arg))
    }
    fn out(stored: &i32) -> i32 {
        *stored
    }
}

impl Codec for Flag {
    type Stored = bool;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<bool> {
        Ok(at_least(raw, 0)? != 0)
    }
    fn encode(stored: &bool) -> OptionValue {
        OptionValue::Int(i32::from(*stored))
    }
}

impl Typed for Flag {
    type Arg<'a> = bool;
    type Out = bool;
    fn to_raw(arg: bool) -> Result<Vec<u8>> {
        Ok(int_bytes(i32::from(arg)))
    }
    fn out(stored: &bool) -> bool {
        *stored
    }
}

impl Codec for StrictFlag {
    type Stored = bool;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<bool> {
        match int(raw)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::Invalid),
        }
    }
    fn encode(stored: &bool) -> OptionValue {
        Flag::encode(stored)
    }
}

impl Typed for StrictFlag {
    type Arg<'a> = bool;
    type Out = bool;
    fn to_raw(arg: bool) -> Result<Vec<u8>> {
        Flag::to_raw(arg)
    }
    fn out(stored: &bool) -> bool {
        *stored
    }
}

impl Codec for Timeout {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, -1)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for Timeout {
    type Arg<'a> = Option<Duration>;
    type Out = Option<Duration>;
    fn to_raw(arg: Option<Duration>) -> Result<Vec<u8>> {
        Ok(int_bytes(match arg {
            None => -1,
            Some(d) => millis(d)?,
        }))
    }
    fn out(stored: &i32) -> Option<Duration> {
        duration(*stored)
    }
}

impl Codec for Interval {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, 0)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for Interval {
    type Arg<'a> = Option<Duration>;
    type Out = Option<Duration>;
    fn to_raw(arg: Option<Duration>) -> Result<Vec<u8>> {
        Ok(int_bytes(arg.map_or(Ok(0), millis)?))
    }
    fn out(stored: &i32) -> Option<Duration> {
        duration(*stored).filter(|d| !d.is_zero())
    }
}

impl Codec for HeartbeatTtl {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        // libzmq keeps the TTL in whole deciseconds (16 bits, as PING
        // carries it), truncating toward zero: -99..=6_553_599 is valid.
        let deciseconds = int(raw)? / 100;
        if !(0..=i32::from(u16::MAX)).contains(&deciseconds) {
            return Err(Error::Invalid);
        }
        Ok(deciseconds * 100)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for HeartbeatTtl {
    type Arg<'a> = Duration;
    type Out = Duration;
    fn to_raw(arg: Duration) -> Result<Vec<u8>> {
        Ok(int_bytes(millis(arg)?))
    }
    fn out(stored: &i32) -> Duration {
        duration(*stored).unwrap_or_default()
    }
}

impl Codec for OsDefault {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, -1)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for OsDefault {
    type Arg<'a> = Option<usize>;
    type Out = Option<usize>;
    fn to_raw(arg: Option<usize>) -> Result<Vec<u8>> {
        Ok(int_bytes(match arg {
            None => -1,
            Some(v) => i32::try_from(v).map_err(|_| Error::Invalid)?,
        }))
    }
    fn out(stored: &i32) -> Option<usize> {
        usize::try_from(*stored).ok()
    }
}

impl Codec for OptionalFd {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, -1)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for OptionalFd {
    type Arg<'a> = Option<i32>;
    type Out = Option<i32>;
    fn to_raw(arg: Option<i32>) -> Result<Vec<u8>> {
        match arg {
            None => Ok(int_bytes(-1)),
            Some(fd) if fd >= 0 => Ok(int_bytes(fd)),
            Some(_) => Err(Error::Invalid),
        }
    }
    fn out(stored: &i32) -> Option<i32> {
        (*stored >= 0).then_some(*stored)
    }
}

impl Codec for Keepalive {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        let v = int(raw)?;
        if !(-1..=1).contains(&v) {
            return Err(Error::Invalid);
        }
        Ok(v)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for Keepalive {
    type Arg<'a> = Option<bool>;
    type Out = Option<bool>;
    fn to_raw(arg: Option<bool>) -> Result<Vec<u8>> {
        Ok(int_bytes(arg.map_or(-1, i32::from)))
    }
    fn out(stored: &i32) -> Option<bool> {
        (*stored >= 0).then_some(*stored == 1)
    }
}

impl Codec for Mask64 {
    type Stored = i64;
    const KIND: OptionKind = OptionKind::Int64;
    fn decode(raw: &[u8]) -> Result<i64> {
        int64(raw)
    }
    fn encode(stored: &i64) -> OptionValue {
        OptionValue::Int64(*stored)
    }
}

impl Typed for Mask64 {
    type Arg<'a> = u64;
    type Out = u64;
    fn to_raw(arg: u64) -> Result<Vec<u8>> {
        Ok(arg.to_ne_bytes().to_vec())
    }
    fn out(stored: &i64) -> u64 {
        u64::from_ne_bytes(stored.to_ne_bytes())
    }
}

impl Codec for SizeLimit {
    type Stored = i64;
    const KIND: OptionKind = OptionKind::Int64;
    fn decode(raw: &[u8]) -> Result<i64> {
        int64(raw)
    }
    fn encode(stored: &i64) -> OptionValue {
        OptionValue::Int64(*stored)
    }
}

impl Typed for SizeLimit {
    type Arg<'a> = Option<u64>;
    type Out = Option<u64>;
    fn to_raw(arg: Option<u64>) -> Result<Vec<u8>> {
        let v = match arg {
            None => -1,
            Some(v) => i64::try_from(v).map_err(|_| Error::Invalid)?,
        };
        Ok(v.to_ne_bytes().to_vec())
    }
    fn out(stored: &i64) -> Option<u64> {
        u64::try_from(*stored).ok()
    }
}

impl Codec for RoutingId {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Bytes;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        if raw.is_empty() || raw.len() > 255 {
            return Err(Error::Invalid);
        }
        Ok(Bytes::copy_from_slice(raw))
    }
    fn encode(stored: &Bytes) -> OptionValue {
        OptionValue::Bytes(stored.to_vec())
    }
}

impl Typed for RoutingId {
    type Arg<'a> = &'a [u8];
    type Out = Vec<u8>;
    fn to_raw(arg: &[u8]) -> Result<Vec<u8>> {
        Ok(arg.to_vec())
    }
    fn out(stored: &Bytes) -> Vec<u8> {
        stored.to_vec()
    }
}

impl Codec for Blob {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Bytes;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        Ok(Bytes::copy_from_slice(raw))
    }
    fn encode(stored: &Bytes) -> OptionValue {
        OptionValue::Bytes(stored.to_vec())
    }
}

impl Typed for Blob {
    type Arg<'a> = &'a [u8];
    type Out = Vec<u8>;
    fn to_raw(arg: &[u8]) -> Result<Vec<u8>> {
        Ok(arg.to_vec())
    }
    fn out(stored: &Bytes) -> Vec<u8> {
        stored.to_vec()
    }
}

impl Codec for ShortText {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Str;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        if raw.len() > 255 {
            return Err(Error::Invalid);
        }
        Ok(Bytes::copy_from_slice(raw))
    }
    fn encode(stored: &Bytes) -> OptionValue {
        OptionValue::Str(String::from_utf8_lossy(stored).into_owned())
    }
}

impl Typed for ShortText {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        Ok(arg.as_bytes().to_vec())
    }
    fn out(stored: &Bytes) -> String {
        String::from_utf8_lossy(stored).into_owned()
    }
}

impl Codec for Text {
    type Stored = String;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<String> {
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| Error::Invalid)
    }
    fn encode(stored: &String) -> OptionValue {
        OptionValue::Str(stored.clone())
    }
}

impl Typed for Text {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        Ok(arg.as_bytes().to_vec())
    }
    fn out(stored: &String) -> String {
        stored.clone()
    }
}

impl Codec for Device {
    type Stored = Vec<u8>;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Vec<u8>> {
        if raw.len() > BIND_DEVICE_MAX {
            return Err(Error::Invalid);
        }
        Ok(raw.to_vec())
    }
    fn encode(stored: &Vec<u8>) -> OptionValue {
        OptionValue::Str(String::from_utf8_lossy(stored).into_owned())
    }
}

impl Typed for Device {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        Ok(arg.as_bytes().to_vec())
    }
    fn out(stored: &Vec<u8>) -> String {
        String::from_utf8_lossy(stored).into_owned()
    }
}

impl Codec for AcceptFilter {
    /// The network's text, `None` to clear the list.
    type Stored = Option<String>;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Option<String>> {
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.len() > 255 {
            return Err(Error::Invalid);
        }
        // libzmq reads the filter as a C string: a NUL ends it.
        let text = raw.split(|&b| b == 0).next().unwrap_or_default();
        let text = std::str::from_utf8(text).map_err(|_| Error::Invalid)?;
        Ok(Some(text.to_owned()))
    }
    fn encode(stored: &Option<String>) -> OptionValue {
        OptionValue::Str(stored.clone().unwrap_or_default())
    }
}

impl Typed for AcceptFilter {
    type Arg<'a> = Option<&'a str>;
    type Out = ();
    fn to_raw(arg: Option<&str>) -> Result<Vec<u8>> {
        match arg {
            Some("") => Err(Error::Invalid),
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => Ok(Vec::new()),
        }
    }
    fn out(_: &Option<String>) {}
}

impl Codec for IdFilter {
    /// The id's native-endian bytes, `None` to clear the set.
    type Stored = Option<[u8; 4]>;
    const KIND: OptionKind = OptionKind::Int;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Option<[u8; 4]>> {
        if raw.is_empty() {
            return Ok(None);
        }
        raw.try_into().map(Some).map_err(|_| Error::Invalid)
    }
    fn encode(stored: &Option<[u8; 4]>) -> OptionValue {
        OptionValue::Int(stored.map_or(0, i32::from_ne_bytes))
    }
}

impl Typed for IdFilter {
    type Arg<'a> = Option<u32>;
    type Out = ();
    fn to_raw(arg: Option<u32>) -> Result<Vec<u8>> {
        Ok(arg.map(|id| id.to_ne_bytes().to_vec()).unwrap_or_default())
    }
    fn out(_: &Option<[u8; 4]>) {}
}

impl Codec for CurveKey {
    type Stored = [u8; 32];
    const KIND: OptionKind = OptionKind::CurveKey;
    fn decode(raw: &[u8]) -> Result<[u8; 32]> {
        key_from_option(raw)
    }
    fn encode(stored: &[u8; 32]) -> OptionValue {
        OptionValue::Bytes(stored.to_vec())
    }
}

impl Codec for Property {
    /// The property's name and value.
    type Stored = (String, Bytes);
    const KIND: OptionKind = OptionKind::Str;
    fn decode(raw: &[u8]) -> Result<(String, Bytes)> {
        let text = std::str::from_utf8(raw).map_err(|_| Error::Invalid)?;
        let (name, value) = text.split_once(':').ok_or(Error::Invalid)?;
        if !name.starts_with("X-") && !name.starts_with("x-") || name.len() < 3 {
            return Err(Error::Invalid);
        }
        Ok((name.to_owned(), Bytes::copy_from_slice(value.as_bytes())))
    }
    fn encode(stored: &(String, Bytes)) -> OptionValue {
        OptionValue::Str(format!(
            "{}:{}",
            stored.0,
            String::from_utf8_lossy(&stored.1)
        ))
    }
}

impl Typed for Property {
    type Arg<'a> = (&'a str, &'a str);
    type Out = ();
    fn to_raw((name, value): (&str, &str)) -> Result<Vec<u8>> {
        Ok(format!("{name}:{value}").into_bytes())
    }
    fn out(_: &(String, Bytes)) {}
}

impl Codec for MechanismCodec {
    type Stored = Mechanism;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(_: &[u8]) -> Result<Mechanism> {
        Err(Error::Invalid)
    }
    fn encode(stored: &Mechanism) -> OptionValue {
        OptionValue::Int(stored.raw())
    }
}

impl Typed for MechanismCodec {
    type Arg<'a> = Mechanism;
    type Out = Mechanism;
    fn to_raw(_: Mechanism) -> Result<Vec<u8>> {
        Err(Error::Invalid)
    }
    fn out(stored: &Mechanism) -> Mechanism {
        *stored
    }
}

impl Codec for TypeCodec {
    type Stored = SocketType;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(_: &[u8]) -> Result<SocketType> {
        Err(Error::Invalid)
    }
    fn encode(stored: &SocketType) -> OptionValue {
        OptionValue::Int(i32::from(stored.number()))
    }
}

/// Longest interface name SO_BINDTODEVICE takes, as libzmq's BINDDEVSIZ.
const BIND_DEVICE_MAX: usize = 16;

fn int_bytes(v: i32) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

fn millis(d: Duration) -> Result<i32> {
    i32::try_from(d.as_millis()).map_err(|_| Error::Invalid)
}

fn duration(ms: i32) -> Option<Duration> {
    u64::try_from(ms).ok().map(Duration::from_millis)
}

fn int(raw: &[u8]) -> Result<i32> {
    let bytes: [u8; 4] = raw.try_into().map_err(|_| Error::Invalid)?;
    Ok(i32::from_ne_bytes(bytes))
}

fn int64(raw: &[u8]) -> Result<i64> {
    let bytes: [u8; 8] = raw.try_into().map_err(|_| Error::Invalid)?;
    Ok(i64::from_ne_bytes(bytes))
}

fn at_least(raw: &[u8], min: i32) -> Result<i32> {
    let v = int(raw)?;
    if v < min {
        return Err(Error::Invalid);
    }
    Ok(v)
}
