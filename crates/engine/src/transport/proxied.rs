//! A connection to a SOCKS5 proxy while its handshake runs: moves bytes
//! between the stream and the sans-IO [`Handshake`].

use std::io;

use super::socks::{Handshake, SocksError};
use super::Stream;

/// A stream to the proxy and the handshake it carries.
#[derive(Debug)]
pub(crate) struct ProxyConnect {
    stream: Stream,
    handshake: Handshake,
}

impl ProxyConnect {
    /// Starts the handshake on a stream connected to the proxy.
    pub(crate) fn new(stream: Stream, handshake: Handshake) -> ProxyConnect {
        ProxyConnect { stream, handshake }
    }

    /// The stream, to (de)register it.
    pub(crate) fn stream_mut(&mut self) -> &mut Stream {
        &mut self.stream
    }

    /// Writes and reads until the handshake is done (`Ok(true)`) or the
    /// stream would block (`Ok(false)`: a readiness event brings us back).
    /// A refusal by the proxy is an error like a failed connect.
    pub(crate) fn advance(&mut self) -> io::Result<bool> {
        let mut buf = [0u8; 512];
        loop {
            while !self.handshake.transmit().is_empty() {
                match self.stream.write_some(self.handshake.transmit()) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => self.handshake.advance_transmit(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if self.handshake.is_done() {
                return Ok(true);
            }
            // Never read past the reply: what follows is the target's ZMTP.
            let want = self.handshake.read_hint().min(buf.len());
            let Some(space) = buf.get_mut(..want) else {
                return Ok(false);
            };
            match self.stream.read_some(space) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    let data = space.get(..n).unwrap_or_default();
                    self.handshake.handle_bytes(data).map_err(refused)?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The stream, now carrying bytes to and from the target.
    pub(crate) fn into_stream(self) -> Stream {
        self.stream
    }
}

/// A SOCKS failure as an I/O error: the proxy refused or spoke something else.
fn refused(e: SocksError) -> io::Error {
    let kind = match e {
        SocksError::Malformed(_) => io::ErrorKind::InvalidData,
        _ => io::ErrorKind::ConnectionRefused,
    };
    io::Error::new(kind, e)
}
