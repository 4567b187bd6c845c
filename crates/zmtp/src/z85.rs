//! Z85 (ZeroMQ RFC 32): 4 octets as 5 printable characters, the text form
//! of CURVE keys (32 octets = 40 characters).

/// Z85 text for `data`, or None if its length is not a multiple of 4.
pub fn encode(data: &[u8]) -> Option<String> {
    if data.len() % 4 != 0 {
        return None;
    }
    let mut out = String::with_capacity(data.len() / 4 * 5);
    for chunk in data.chunks_exact(4) {
        let raw: [u8; 4] = chunk.try_into().ok()?;
        let mut value = u32::from_be_bytes(raw);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = *ALPHABET.get((value % 85) as usize)?;
            value /= 85;
        }
        out.extend(digits.iter().map(|&c| char::from(c)));
    }
    Some(out)
}

/// The bytes for Z85 `text`, or None if it is not valid Z85.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 5 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 5 * 4);
    for chunk in text.chunks_exact(5) {
        let mut value: u64 = 0;
        for &c in chunk {
            let digit = ALPHABET.iter().position(|&a| a == c)?;
            value = value * 85 + digit as u64;
        }
        let value = u32::try_from(value).ok()?;
        out.extend_from_slice(&value.to_be_bytes());
    }
    Some(out)
}

/// RFC 32's 85 characters, in digit order.
const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc32_test_vector() {
        let data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(encode(&data).as_deref(), Some("HelloWorld"));
        assert_eq!(decode(b"HelloWorld").as_deref(), Some(&data[..]));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(decode(b"Hell"), None);
        assert_eq!(decode(b"Hell\""), None);
        assert_eq!(decode(b"#####"), None);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&all).unwrap().as_bytes()), Some(all));
    }
}
