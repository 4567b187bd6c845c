//! Codecs of binary and text options: ids, names, filters, keys, properties.

use bytes::Bytes;

use super::{Codec, Typed};
use crate::curve::key_from_option;
use crate::error::{Error, ErrorKind, Result};
use crate::socket::options::{OptionKind, OptionValue};

/// A routing id: 1 to 255 bytes.
pub(crate) struct RoutingId;
/// Any bytes, read back as bytes.
pub(crate) struct Blob;
/// Text of at most 255 bytes, read back NUL-terminated.
pub(crate) struct ShortText;
/// A PLAIN credential: text of at most 255 bytes, empty only as libzmq's
/// `(NULL, 0)`, which chooses the NULL mechanism (an empty buffer is EINVAL).
pub(crate) struct Credential;
/// Text of 1 to 255 bytes (ZMQ_ZAP_DOMAIN: libzmq refuses an empty value,
/// so a domain once set cannot be cleared).
pub(crate) struct DomainText;
/// Text of any length and any bytes (libzmq does not ask for UTF-8),
/// cleared only by `(NULL, 0)`.
pub(crate) struct Text;
/// A network interface name (at most 16 bytes, as libzmq's BINDDEVSIZ).
pub(crate) struct Device;
/// A CIDR network to add to a filter list; empty clears the list.
pub(crate) struct AcceptFilter;
/// A process, user or group id to add to a filter set; empty clears it.
pub(crate) struct IdFilter;
/// A CURVE key: 32 octets or 40 Z85 characters (optionally NUL-terminated).
pub(crate) struct CurveKey;
/// ZMQ_METADATA: `X-Name:value`, added to the properties sent to peers
/// (the name UTF-8, as ZMTP's metadata here keeps names as text).
pub(crate) struct Property;

impl Codec for RoutingId {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Bytes;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        if raw.is_empty() || raw.len() > 255 {
            return Err(ErrorKind::Invalid.into());
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
            return Err(ErrorKind::Invalid.into());
        }
        Ok(Bytes::copy_from_slice(raw))
    }
    fn encode(stored: &Bytes) -> OptionValue {
        OptionValue::Str(stored.to_vec())
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

impl Codec for Credential {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        ShortText::decode(raw)
    }
    fn encode(stored: &Bytes) -> OptionValue {
        ShortText::encode(stored)
    }
}

impl Typed for Credential {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        ShortText::to_raw(arg)
    }
    fn out(stored: &Bytes) -> String {
        ShortText::out(stored)
    }
}

impl Codec for DomainText {
    type Stored = Bytes;
    const KIND: OptionKind = OptionKind::Str;
    fn decode(raw: &[u8]) -> Result<Bytes> {
        if raw.is_empty() {
            return Err(ErrorKind::Invalid.into());
        }
        ShortText::decode(raw)
    }
    fn encode(stored: &Bytes) -> OptionValue {
        ShortText::encode(stored)
    }
}

impl Typed for DomainText {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        ShortText::to_raw(arg)
    }
    fn out(stored: &Bytes) -> String {
        ShortText::out(stored)
    }
}

impl Codec for Text {
    type Stored = Vec<u8>;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Vec<u8>> {
        Ok(raw.to_vec())
    }
    fn encode(stored: &Vec<u8>) -> OptionValue {
        OptionValue::Str(stored.clone())
    }
}

impl Typed for Text {
    type Arg<'a> = &'a str;
    type Out = String;
    fn to_raw(arg: &str) -> Result<Vec<u8>> {
        Ok(arg.as_bytes().to_vec())
    }
    fn out(stored: &Vec<u8>) -> String {
        String::from_utf8_lossy(stored).into_owned()
    }
}

impl Codec for Device {
    type Stored = Vec<u8>;
    const KIND: OptionKind = OptionKind::Str;
    const CLEARED_BY_NULL_ONLY: bool = true;
    fn decode(raw: &[u8]) -> Result<Vec<u8>> {
        if raw.len() > BIND_DEVICE_MAX {
            return Err(ErrorKind::Invalid.into());
        }
        Ok(raw.to_vec())
    }
    fn encode(stored: &Vec<u8>) -> OptionValue {
        OptionValue::Str(stored.clone())
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
            return Err(ErrorKind::Invalid.into());
        }
        // libzmq reads the filter as a C string: a NUL ends it.
        let text = raw.split(|&b| b == 0).next().unwrap_or_default();
        let text = std::str::from_utf8(text).map_err(|_| ErrorKind::Invalid)?;
        Ok(Some(text.to_owned()))
    }
    fn encode(stored: &Option<String>) -> OptionValue {
        OptionValue::Str(stored.clone().unwrap_or_default().into_bytes())
    }
}

impl Typed for AcceptFilter {
    type Arg<'a> = Option<&'a str>;
    type Out = ();
    fn to_raw(arg: Option<&str>) -> Result<Vec<u8>> {
        match arg {
            Some("") => Err(ErrorKind::Invalid.into()),
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
        raw.try_into()
            .map(Some)
            .map_err(|_| Error::new(ErrorKind::Invalid))
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
        // As libzmq: a name starting `X-` (case matters), a value of any
        // bytes but not empty, and never 4 bytes in all (libzmq reads a
        // value of an int's size as an int, which this option refuses).
        let mut parts = raw.splitn(2, |&b| b == b':');
        let (name, value) = parts.next().zip(parts.next()).ok_or(ErrorKind::Invalid)?;
        let name = std::str::from_utf8(name).map_err(|_| ErrorKind::Invalid)?;
        if raw.len() == 4 || !name.starts_with("X-") || name.len() > 255 || value.is_empty() {
            return Err(ErrorKind::Invalid.into());
        }
        Ok((name.to_owned(), Bytes::copy_from_slice(value)))
    }
    fn encode(stored: &(String, Bytes)) -> OptionValue {
        OptionValue::Str([stored.0.as_bytes(), b":", &stored.1].concat())
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

/// Longest interface name SO_BINDTODEVICE takes, as libzmq's BINDDEVSIZ.
const BIND_DEVICE_MAX: usize = 16;
