//! Metadata: the property list carried by READY, INITIATE and ZAP replies.
//!
//! ```text
//! property = name-size(1) name(1..255) value-size(4, big-endian) value
//! ```

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Result};

/// An ordered list of name/value properties; names compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Vec<(String, Bytes)>,
}

/// Property name of the peer's socket type.
pub const SOCKET_TYPE: &str = "Socket-Type";
/// Property name of the peer's routing identity.
pub const IDENTITY: &str = "Identity";
/// Longest value a property may carry (2^31 - 1).
pub const MAX_VALUE_LEN: usize = i32::MAX as usize;

impl Metadata {
    /// No properties.
    pub fn new() -> Metadata {
        Metadata::default()
    }

    /// Adds a property, replacing one of the same name.
    ///
    /// Names must be 1–255 octets; values at most 2^31-1 octets.
    pub fn insert(&mut self, name: &str, value: impl Into<Bytes>) -> Result<()> {
        if name.is_empty() || name.len() > 255 {
            return Err(Error::Misuse("metadata name must be 1 to 255 octets"));
        }
        let value = value.into();
        if value.len() > MAX_VALUE_LEN {
            return Err(Error::Misuse("metadata value longer than 2^31-1"));
        }
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.entries.push((name.to_owned(), value));
        Ok(())
    }

    /// The value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&Bytes> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The value of `name` as text, if present and UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every property in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no properties.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends the wire encoding.
    pub fn encode(&self, out: &mut BytesMut) {
        for (name, value) in &self.entries {
            out.put_u8(name.len() as u8);
            out.put_slice(name.as_bytes());
            out.put_u32(value.len() as u32);
            out.put_slice(value);
        }
    }

    /// Length of the wire encoding.
    pub fn encoded_len(&self) -> usize {
        self.entries
            .iter()
            .map(|(n, v)| 1 + n.len() + 4 + v.len())
            .sum()
    }

    /// Decodes a whole property list; values are zero-copy slices of `data`.
    pub fn decode(data: &Bytes) -> Result<Metadata> {
        let mut entries = Vec::new();
        let mut pos = 0usize;
        while pos < data.len() {
            let name_len = usize::from(*data.get(pos).ok_or(TRUNCATED)?);
            if name_len == 0 {
                return Err(Error::Malformed("empty metadata name"));
            }
            let name = data.get(pos + 1..pos + 1 + name_len).ok_or(TRUNCATED)?;
            let name = std::str::from_utf8(name)
                .map_err(|_| Error::Malformed("metadata name is not text"))?
                .to_owned();
            pos += 1 + name_len;
            let len_bytes = data.get(pos..pos + 4).ok_or(TRUNCATED)?;
            let value_len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if value_len > MAX_VALUE_LEN {
                return Err(Error::Malformed("metadata value longer than 2^31-1"));
            }
            pos += 4;
            let end = pos.checked_add(value_len).ok_or(TRUNCATED)?;
            if end > data.len() {
                return Err(TRUNCATED);
            }
            entries.push((name, data.slice(pos..end)));
            pos = end;
        }
        Ok(Metadata { entries })
    }
}

const TRUNCATED: Error = Error::Malformed("metadata truncated");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc_layout() {
        let mut m = Metadata::new();
        m.insert(SOCKET_TYPE, &b"REQ"[..]).unwrap();
        let mut out = BytesMut::new();
        m.encode(&mut out);
        assert_eq!(&out[..], b"\x0bSocket-Type\x00\x00\x00\x03REQ");
        assert_eq!(out.len(), m.encoded_len());
        let back = Metadata::decode(&out.freeze()).unwrap();
        assert_eq!(back.get_str("socket-type"), Some("REQ"));
    }

    #[test]
    fn rejects_truncation_and_bad_names() {
        let good = b"\x0bSocket-Type\x00\x00\x00\x03REQ";
        for cut in 1..good.len() {
            assert!(
                Metadata::decode(&Bytes::copy_from_slice(&good[..cut])).is_err(),
                "{cut}"
            );
        }
        assert!(Metadata::decode(&Bytes::from_static(b"\x00\x00\x00\x00\x00")).is_err());
        assert!(Metadata::decode(&Bytes::from_static(b"\x01A\xff\xff\xff\xff")).is_err());
        assert!(Metadata::new().insert("", Bytes::new()).is_err());
    }
}
