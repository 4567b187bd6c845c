//! CURVE certificate files as czmq and pyzmq write them (ZPL text, e.g.
//! `zmq.auth.create_certificates`): `public-key = "<Z85>"` and, in secret
//! certificates, `secret-key = "<Z85>"` lines; `#` starts a comment. Public
//! certificates live as `*.key` files in a directory, which
//! [`CurveKeys::from_certificates`] reads as pyzmq's `load_certificates`.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use super::policy::CurveKeys;
use crate::curve::{CurvePublicKey, CurveSecretKey};

/// Reads one certificate: its public key, and its secret key if it is a
/// secret certificate. A file without a valid public key, or with a
/// malformed secret key, is an [`io::ErrorKind::InvalidData`] error.
pub fn load_certificate(
    path: impl AsRef<Path>,
) -> io::Result<(CurvePublicKey, Option<CurveSecretKey>)> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)?;
    let invalid = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {what}", path.display()),
        )
    };
    let public = value(&text, "public-key")
        .ok_or_else(|| invalid("no public-key"))
        .and_then(|z| CurvePublicKey::from_z85(z).ok_or_else(|| invalid("bad public-key")))?;
    let secret = match value(&text, "secret-key") {
        None => None,
        Some(z) => Some(CurveSecretKey::from_z85(z).ok_or_else(|| invalid("bad secret-key"))?),
    };
    Ok((public, secret))
}

impl CurveKeys {
    /// The public keys of every `*.key` certificate in `dir` (other files
    /// are ignored), as pyzmq's `zmq.auth.load_certificates`.
    pub fn from_certificates(dir: impl AsRef<Path>) -> io::Result<CurveKeys> {
        let mut keys = HashSet::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "key") && path.is_file() {
                keys.insert(load_certificate(&path)?.0);
            }
        }
        Ok(CurveKeys::Allowed(keys))
    }
}

/// The quoted value of the first `name = "..."` line outside comments.
fn value<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let rest = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
            Some(rest.trim().trim_matches(|c| c == '"' || c == '\''))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    const SECRET: &str = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ferrozmq-certs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_public_and_secret_certificates() {
        let dir = temp_dir("read");
        let secret = dir.join("server.key_secret");
        std::fs::write(
            &secret,
            format!(
                "#   ZeroMQ CURVE **Secret** Certificate\n\nmetadata\ncurve\n    \
                 public-key = \"{PUBLIC}\"\n    secret-key = \"{SECRET}\"\n"
            ),
        )
        .unwrap();
        let (public, secret) = load_certificate(&secret).unwrap();
        assert_eq!(public.to_z85(), PUBLIC);
        assert_eq!(secret.unwrap().public_key(), public);

        std::fs::write(
            dir.join("a.key"),
            format!("curve\n    public-key = \"{PUBLIC}\"\n"),
        )
        .unwrap();
        std::fs::write(dir.join("ignored.txt"), "not a certificate").unwrap();
        let keys = CurveKeys::from_certificates(&dir).unwrap();
        assert_eq!(keys, CurveKeys::allowed([public]));

        std::fs::write(dir.join("b.key"), "# public-key = \"commented out\"\n").unwrap();
        let err = CurveKeys::from_certificates(&dir).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(load_certificate(dir.join("missing.key")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
