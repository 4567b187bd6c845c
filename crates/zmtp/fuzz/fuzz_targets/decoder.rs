//! Arbitrary bytes into the frame decoder, for each framing and size limit.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::decoder(data);
});
