//! The message scheme itself, which the peers re-implement.

use bytes::Bytes;
use interop_tests::payload::{check, message, LARGE};

#[test]
fn messages_vary_as_documented() {
    let all: Vec<Vec<Bytes>> = (0..crate::COUNT).map(|i| message(i, 0)).collect();
    let frames = all.iter().flatten();
    assert_eq!(frames.clone().filter(|f| f.len() >= LARGE).count(), 10);
    assert!(frames.clone().filter(|f| f.is_empty()).count() > 500);
    assert!(frames.clone().any(|f| f.len() > 255 && f.len() < LARGE));
    assert!(all.iter().any(|m| m.len() == 1) && all.iter().any(|m| m.len() == 4));
    // A spot check of the formulas the peers share: message 1, tag 1 is one
    // frame of (37 + 11) % 700 bytes starting at (31 + 3) % 251.
    let m = message(1, 1);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].len(), 48);
    assert_eq!(&m[0][..3], &[34, 35, 36]);
}

#[test]
fn check_names_the_difference() {
    assert_eq!(check(7, 1, &message(7, 1)), Ok(()));
    let mut longer: Vec<Bytes> = message(7, 1);
    let last = longer.pop().unwrap();
    longer.push([&last[..], &[0]].concat().into());
    assert!(check(7, 1, &longer)
        .unwrap_err()
        .contains("bytes, expected"));
    let mut flipped: Vec<Vec<u8>> = message(7, 1).iter().map(|f| f.to_vec()).collect();
    let frame = flipped.iter_mut().find(|f| !f.is_empty()).unwrap();
    frame[0] ^= 1;
    let flipped: Vec<Bytes> = flipped.into_iter().map(Bytes::from).collect();
    assert!(check(7, 1, &flipped)
        .unwrap_err()
        .contains("byte 0 differs"));
    assert!(check(8, 1, &message(7, 1)).is_err());
}
