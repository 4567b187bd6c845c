#!/usr/bin/env bash
# Bounded fuzzing of ferrozmq-zmtp: each cargo-fuzz target runs a fixed
# number of inputs from the committed seed corpus (new inputs go to a scratch
# directory). About 2.5 minutes on 2 cores. Longer runs: crates/zmtp/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../../crates/zmtp/fuzz"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
RUNS="${FUZZ_RUNS:-300000}"
for target in decoder handshake; do
    mkdir -p "target/work/$target"
    echo "fuzz $target: $RUNS inputs"
    cargo fuzz run "$target" "target/work/$target" "corpus/$target" -- \
        -runs="$RUNS" -rss_limit_mb=2048 -print_final_stats=1
done
