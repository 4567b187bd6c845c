//! ERROR: `reason-size(1) reason`.

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{Error, Result};

pub(super) fn decode(data: &Bytes) -> Result<String> {
    let len = usize::from(
        *data
            .first()
            .ok_or(Error::Malformed("ERROR without reason size"))?,
    );
    let reason = data
        .get(1..1 + len)
        .ok_or(Error::Malformed("ERROR reason truncated"))?;
    Ok(String::from_utf8_lossy(reason).into_owned())
}

pub(super) fn encode(reason: &str, out: &mut BytesMut) {
    let bytes = reason.as_bytes();
    let bytes = bytes.get(..bytes.len().min(255)).unwrap_or(bytes);
    out.put_u8(bytes.len() as u8);
    out.put_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::super::Command;
    use bytes::Bytes;

    #[test]
    fn round_trip() {
        let body = Bytes::from_static(b"\x05ERROR\x0bbad creds!!");
        assert_eq!(
            Command::decode(&body).unwrap(),
            Command::Error("bad creds!!".into())
        );
        assert_eq!(Command::Error("bad creds!!".into()).encode(), body);
    }
}
