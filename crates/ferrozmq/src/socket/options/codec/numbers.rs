//! Codecs of integer, flag and time options.

use std::time::Duration;

use ferrozmq_zmtp::SocketType;

use super::{at_least, duration, int, int64, int_bytes, millis, Codec, Typed};
use crate::error::{ErrorKind, Result};
use crate::socket::options::{Mechanism, OptionKind, OptionValue, ReconnectStop};

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
/// Any C int, every non-zero value meaning true (libzmq's "relaxed" flags).
pub(crate) struct RelaxedFlag;
/// Milliseconds, -1 meaning "forever" or "never" (`None` in Rust).
pub(crate) struct Timeout;
/// Milliseconds, at least 0, 0 meaning "off" or "no limit" (`None` in Rust).
pub(crate) struct Interval;
/// ZMQ_HEARTBEAT_TIMEOUT: milliseconds, at least 0 when set (libzmq refuses
/// -1); its default, -1 (`None` in Rust), means the heartbeat interval.
pub(crate) struct HeartbeatTimeout;
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
/// ZMQ_MECHANISM (read-only).
pub(crate) struct MechanismCodec;
/// ZMQ_TYPE (read-only).
pub(crate) struct TypeCodec;
/// ZMQ_RECONNECT_STOP: any int, kept as given (libzmq reads its bits).
pub(crate) struct ReconnectStopCodec;

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
        Ok(int_bytes(
            i32::try_from(arg).map_err(|_| ErrorKind::Invalid)?,
        ))
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
            _ => Err(ErrorKind::Invalid.into()),
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

impl Codec for RelaxedFlag {
    type Stored = bool;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<bool> {
        Ok(int(raw)? != 0)
    }
    fn encode(stored: &bool) -> OptionValue {
        Flag::encode(stored)
    }
}

impl Typed for RelaxedFlag {
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

impl Codec for HeartbeatTimeout {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        at_least(raw, 0)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for HeartbeatTimeout {
    type Arg<'a> = Duration;
    type Out = Option<Duration>;
    fn to_raw(arg: Duration) -> Result<Vec<u8>> {
        Ok(int_bytes(millis(arg)?))
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
            return Err(ErrorKind::Invalid.into());
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
            Some(v) => i32::try_from(v).map_err(|_| ErrorKind::Invalid)?,
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
            Some(_) => Err(ErrorKind::Invalid.into()),
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
            return Err(ErrorKind::Invalid.into());
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
            Some(v) => i64::try_from(v).map_err(|_| ErrorKind::Invalid)?,
        };
        Ok(v.to_ne_bytes().to_vec())
    }
    fn out(stored: &i64) -> Option<u64> {
        u64::try_from(*stored).ok()
    }
}

impl Codec for MechanismCodec {
    type Stored = Mechanism;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(_: &[u8]) -> Result<Mechanism> {
        Err(ErrorKind::Invalid.into())
    }
    fn encode(stored: &Mechanism) -> OptionValue {
        OptionValue::Int(stored.raw())
    }
}

impl Typed for MechanismCodec {
    type Arg<'a> = Mechanism;
    type Out = Mechanism;
    fn to_raw(_: Mechanism) -> Result<Vec<u8>> {
        Err(ErrorKind::Invalid.into())
    }
    fn out(stored: &Mechanism) -> Mechanism {
        *stored
    }
}

impl Codec for TypeCodec {
    type Stored = SocketType;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(_: &[u8]) -> Result<SocketType> {
        Err(ErrorKind::Invalid.into())
    }
    fn encode(stored: &SocketType) -> OptionValue {
        OptionValue::Int(i32::from(stored.number()))
    }
}

impl Codec for ReconnectStopCodec {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        int(raw)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for ReconnectStopCodec {
    type Arg<'a> = ReconnectStop;
    type Out = ReconnectStop;
    fn to_raw(arg: ReconnectStop) -> Result<Vec<u8>> {
        Ok(int_bytes(arg.bits()))
    }
    fn out(stored: &i32) -> ReconnectStop {
        ReconnectStop::from_raw(*stored)
    }
}
