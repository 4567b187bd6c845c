//! Arbitrary bytes, in arbitrary pieces, into a `Connection` of any socket
//! type and mechanism, from the greeting on.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::handshake(data);
});
