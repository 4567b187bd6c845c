//! A raw-bytes TCP peer, for input no ZeroMQ library would send.
//!
//! The ZMTP encoders here are written out by hand from RFC 23 (not taken
//! from our zmtp crate), so a bug there cannot hide a bug here.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A plain TCP connection to one of our sockets.
#[derive(Debug)]
pub struct RawPeer {
    stream: TcpStream,
    received: Vec<u8>,
}

impl RawPeer {
    /// Connects to `endpoint` (`tcp://host:port`).
    pub fn connect(endpoint: &str) -> RawPeer {
        let addr = endpoint
            .strip_prefix("tcp://")
            .unwrap_or_else(|| panic!("not a tcp endpoint: {endpoint}"));
        let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        stream.set_nodelay(true).expect("TCP_NODELAY");
        RawPeer {
            stream,
            received: Vec::new(),
        }
    }

    /// Everything read from our socket so far.
    pub fn received(&self) -> &[u8] {
        &self.received
    }

    /// Completes a NULL handshake as a `socket_type` peer, as a real one
    /// does: greeting and READY out, then our greeting and READY in, before
    /// any message. Returns our READY command body.
    pub fn handshake(&mut self, socket_type: &str) -> Vec<u8> {
        self.send(&handshake(socket_type))
            .expect("send the handshake");
        let timeout = Duration::from_secs(5);
        let greeting = self.read_exact(64, timeout).expect("our greeting");
        assert_eq!(
            &greeting[10..12],
            &[3, 1],
            "our greeting announces ZMTP 3.1"
        );
        let (flags, ready) = self.read_frame(timeout).expect("our READY");
        assert_eq!(flags, 0x04, "our READY is a command");
        assert!(ready.starts_with(b"\x05READY"), "{ready:?}");
        ready
    }

    /// Writes `bytes`. Errors are returned, not fatal: our socket may well
    /// have closed the connection already.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Reads exactly `n` bytes within `timeout`.
    pub fn read_exact(&mut self, n: usize, timeout: Duration) -> std::io::Result<Vec<u8>> {
        self.stream.set_read_timeout(Some(timeout))?;
        let mut buf = vec![0; n];
        self.stream.read_exact(&mut buf)?;
        self.received.extend_from_slice(&buf);
        Ok(buf)
    }

    /// Reads one ZMTP 3.x frame within `timeout`: its flags and body.
    pub fn read_frame(&mut self, timeout: Duration) -> std::io::Result<(u8, Vec<u8>)> {
        let head = self.read_exact(2, timeout)?;
        let (flags, short) = (head[0], head[1]);
        let size = if flags & 0x02 != 0 {
            let mut long = [0u8; 8];
            long[0] = short;
            long[1..].copy_from_slice(&self.read_exact(7, timeout)?);
            usize::try_from(u64::from_be_bytes(long)).expect("frame fits in memory")
        } else {
            usize::from(short)
        };
        Ok((flags, self.read_exact(size, timeout)?))
    }

    /// Reads until our socket closes the connection (EOF or a reset);
    /// returns whether it did within `within`.
    pub fn closed_within(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut buf = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.stream
                .set_read_timeout(Some(left))
                .expect("set_read_timeout");
            match self.stream.read(&mut buf) {
                Ok(0) => return true,
                Ok(n) => self.received.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return false;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return true,
            }
        }
    }
}

/// A 64-octet ZMTP 3.x greeting (RFC 23): signature, version, mechanism
/// name NUL-padded to 20 octets, as-server, filler.
pub fn greeting(major: u8, minor: u8, mechanism: &[u8], as_server: bool) -> Vec<u8> {
    let mut g = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, major, minor];
    let mut name = mechanism.to_vec();
    name.resize(20, 0);
    g.extend_from_slice(&name);
    g.push(u8::from(as_server));
    g.resize(64, 0);
    g
}

/// A ZMTP 3.x frame: flags (MORE, LONG, COMMAND), size, body.
pub fn frame(body: &[u8], more: bool, command: bool) -> Vec<u8> {
    let mut flags = u8::from(more) | if command { 0x04 } else { 0 };
    let mut f = Vec::with_capacity(body.len() + 9);
    match u8::try_from(body.len()) {
        Ok(short) => {
            f.push(flags);
            f.push(short);
        }
        Err(_) => {
            flags |= 0x02;
            f.push(flags);
            f.extend_from_slice(&(body.len() as u64).to_be_bytes());
        }
    }
    f.extend_from_slice(body);
    f
}

/// A READY command frame announcing `socket_type` (and nothing else).
pub fn ready(socket_type: &str) -> Vec<u8> {
    let mut body = vec![5];
    body.extend_from_slice(b"READY");
    body.push(11);
    body.extend_from_slice(b"Socket-Type");
    let len = u32::try_from(socket_type.len()).expect("short name");
    body.extend_from_slice(&len.to_be_bytes());
    body.extend_from_slice(socket_type.as_bytes());
    frame(&body, false, true)
}

/// The 64-octet greeting and READY of a well-formed NULL `socket_type` peer.
pub fn handshake(socket_type: &str) -> Vec<u8> {
    let mut bytes = greeting(3, 1, b"NULL", false);
    bytes.extend(ready(socket_type));
    bytes
}
