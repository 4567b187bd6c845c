//! Frames: the unit of ZMTP traffic, their flags, and how they are decoded
//! from a byte stream and encoded into one.
//!
//! ```text
//! ZMTP 3.x:  flags(1) size(1 or 8, big-endian) body      flags: MORE=1 LONG=2 COMMAND=4
//! ZMTP 2.0:  flags(1) size(1 or 8, big-endian) body      flags: MORE=1 LONG=2
//! ZMTP 1.0:  size(1, or 0xFF + 8) flags(1) body          size counts the flags octet
//! ```

mod decoder;
mod encoder;
mod transmit;

use bytes::Bytes;

pub use decoder::{peek_header, Decoder, PeekedHeader};
pub use encoder::{encode_frame, write_header};
pub use transmit::{TransmitQueue, COPY_LIMIT};

/// Which framing a connection speaks; chosen by the greeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// ZMTP 1.0 (RFC 13): size first, counting the flags octet.
    V1,
    /// ZMTP 2.0 (RFC 15): flags first, no command frames.
    V2,
    /// ZMTP 3.x (RFC 23/37): flags first, with command frames.
    V3,
}

/// One frame: a body and the flags that matter to its receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// More frames of the same message follow.
    pub more: bool,
    /// This frame carries a command rather than message data.
    pub command: bool,
    /// The frame's payload; zero-copy slice of the read buffer when decoded.
    pub body: Bytes,
}

impl Frame {
    /// A data frame.
    pub fn data(body: impl Into<Bytes>, more: bool) -> Frame {
        Frame {
            more,
            command: false,
            body: body.into(),
        }
    }

    /// A command frame (never has MORE).
    pub fn command(body: impl Into<Bytes>) -> Frame {
        Frame {
            more: false,
            command: true,
            body: body.into(),
        }
    }
}

/// MORE flag bit.
pub const FLAG_MORE: u8 = 0x01;
/// LONG flag bit: the size is 8 octets.
pub const FLAG_LONG: u8 = 0x02;
/// COMMAND flag bit (ZMTP 3.x only).
pub const FLAG_COMMAND: u8 = 0x04;
/// Largest size a short (one-octet) size field carries.
pub const SHORT_MAX: usize = 255;
