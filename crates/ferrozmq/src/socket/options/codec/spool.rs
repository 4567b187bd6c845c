//! Codecs of the durable spool's options (ferrozmq extensions).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{int, int_bytes, millis, Codec, Typed};
use crate::error::{Error, ErrorKind, Result};
use crate::socket::options::{OptionKind, OptionValue};
use crate::spool::FsyncPolicy;

/// The spool's directory: a UTF-8 path, empty for none.
pub(crate) struct SpoolDir;
/// The spool's fsync policy: 0 every message, N > 0 every N ms, -1 never.
pub(crate) struct SpoolFsync;

impl Codec for SpoolDir {
    type Stored = String;
    const KIND: OptionKind = OptionKind::Str;
    fn decode(raw: &[u8]) -> Result<String> {
        let raw = raw.strip_suffix(b"\0").unwrap_or(raw);
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| Error::new(ErrorKind::Invalid))
    }
    fn encode(stored: &String) -> OptionValue {
        OptionValue::Str(stored.clone().into_bytes())
    }
}

impl Typed for SpoolDir {
    type Arg<'a> = Option<&'a Path>;
    type Out = Option<PathBuf>;
    fn to_raw(arg: Option<&Path>) -> Result<Vec<u8>> {
        match arg {
            None => Ok(Vec::new()),
            Some(p) if p.as_os_str().is_empty() => Err(ErrorKind::Invalid.into()),
            Some(p) => Ok(p
                .to_str()
                .ok_or(Error::new(ErrorKind::Invalid))?
                .as_bytes()
                .to_vec()),
        }
    }
    fn out(stored: &String) -> Option<PathBuf> {
        (!stored.is_empty()).then(|| PathBuf::from(stored))
    }
}

impl Codec for SpoolFsync {
    type Stored = i32;
    const KIND: OptionKind = OptionKind::Int;
    fn decode(raw: &[u8]) -> Result<i32> {
        let v = int(raw)?;
        if v < -1 {
            return Err(ErrorKind::Invalid.into());
        }
        Ok(v)
    }
    fn encode(stored: &i32) -> OptionValue {
        OptionValue::Int(*stored)
    }
}

impl Typed for SpoolFsync {
    type Arg<'a> = FsyncPolicy;
    type Out = FsyncPolicy;
    fn to_raw(arg: FsyncPolicy) -> Result<Vec<u8>> {
        let v = match arg {
            FsyncPolicy::EveryMessage => 0,
            FsyncPolicy::Every(d) if d.is_zero() => return Err(ErrorKind::Invalid.into()),
            FsyncPolicy::Every(d) => millis(d)?,
            FsyncPolicy::Never => -1,
        };
        Ok(int_bytes(v))
    }
    fn out(stored: &i32) -> FsyncPolicy {
        fsync_policy(*stored)
    }
}

/// The policy an option value stands for.
pub(crate) fn fsync_policy(v: i32) -> FsyncPolicy {
    match u64::try_from(v) {
        Ok(0) => FsyncPolicy::EveryMessage,
        Ok(ms) => FsyncPolicy::Every(Duration::from_millis(ms)),
        Err(_) => FsyncPolicy::Never,
    }
}
