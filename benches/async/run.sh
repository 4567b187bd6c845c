#!/usr/bin/env bash
# ferrozmq blocking vs async (tokio) vs the zeromq crate, interleaved rounds,
# medians. Arguments: [rounds] [messages] [round-trips] (5 200000 5000).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --locked -q
exec ./target/release/ferrozmq-async-bench "$@"
