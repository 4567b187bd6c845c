//! Frame codec throughput: how fast `ferrozmq-zmtp` decodes and encodes
//! ZMTP 3.x data frames of 1 B, 64 B, 1 KiB and 64 KiB.
//!
//! Each iteration handles a batch of frames (about 256 KiB of payload, 16 to
//! 4096 frames), so criterion's byte throughput is payload bytes per second
//! and frames per second is that divided by the frame size.
//!
//! * decode: a `BytesMut` holding the batch's wire bytes (built outside the
//!   timed part) is split into frames by `Decoder::decode`; bodies are
//!   zero-copy slices.
//! * encode: `encode_frame` queues each frame in a `TransmitQueue` (small
//!   bodies copied, bodies from 2 KiB on queued by reference), then the queue
//!   is drained as a socket write would.
//!
//! Run: `cargo bench -p ferrozmq-bench --bench codec`.

// Benchmark code: a panic is a failed run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferrozmq_zmtp::frame::{encode_frame, Decoder, Framing, TransmitQueue};

const SIZES: [(usize, &str); 4] = [(1, "1B"), (64, "64B"), (1024, "1KiB"), (65536, "64KiB")];

fn frames_per_batch(size: usize) -> usize {
    ((256 * 1024) / size).clamp(16, 4096)
}

fn wire_bytes(size: usize, count: usize) -> Vec<u8> {
    let mut queue = TransmitQueue::new();
    let body = Bytes::from(vec![0xAB; size]);
    for i in 0..count {
        encode_frame(Framing::V3, i % 2 == 0, false, body.clone(), &mut queue);
    }
    queue.to_vec()
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for (size, name) in SIZES {
        let count = frames_per_batch(size);
        let wire = wire_bytes(size, count);
        group.throughput(Throughput::BytesDecimal((size * count) as u64));
        group.bench_function(name, |b| {
            let mut decoder = Decoder::new(Framing::V3, None);
            b.iter_batched(
                || BytesMut::from(&wire[..]),
                |mut buf| {
                    let mut n = 0;
                    while let Some(frame) = decoder.decode(&mut buf).unwrap() {
                        black_box(&frame);
                        n += 1;
                    }
                    assert_eq!(n, count);
                    buf
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    for (size, name) in SIZES {
        let count = frames_per_batch(size);
        let body = Bytes::from(vec![0xAB; size]);
        group.throughput(Throughput::BytesDecimal((size * count) as u64));
        group.bench_function(name, |b| {
            let mut queue = TransmitQueue::new();
            b.iter(|| {
                for i in 0..count {
                    encode_frame(Framing::V3, i % 2 == 0, false, body.clone(), &mut queue);
                }
                black_box(queue.front());
                let len = queue.len();
                queue.advance(len);
            });
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = decode, encode
}
criterion_main!(benches);
