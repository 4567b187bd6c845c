#!/usr/bin/env bash
# Lossless close on libzmq and on ferrozmq's libzmq.so.5, in the same run
# (issue 14; libzmq issue 4660). Builds benches/c/lossless_close.c against
# zmq.h, runs each scenario RUNS times (default 5) on the system libzmq and
# on target/release/libzmq.so.5 (build it first:
# `cargo build --release -p ferrozmq-ffi`), and prints one line per run:
#   <lib> <transport> <count> <rcvhwm> <late> lost=N dup=N
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
bin=target/lossless_close
mkdir -p target
gcc -O2 -Wall -o "$bin" benches/c/lossless_close.c -lzmq -lpthread
ours=$PWD/target/release
for lib in libzmq ferrozmq; do
    for scenario in "1000000 1000 0" "100000 1 1"; do
        for transport in tcp ipc inproc; do
            for _ in $(seq "$RUNS"); do
                if [ "$lib" = ferrozmq ]; then
                    out=$(LD_LIBRARY_PATH=$ours timeout 300 "$bin" "$transport" $scenario)
                else
                    out=$(timeout 300 "$bin" "$transport" $scenario)
                fi
                echo "$lib $out"
            done
        done
    done
done
