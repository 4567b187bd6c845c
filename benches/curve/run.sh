#!/usr/bin/env bash
# CURVE speed of ferrozmq beside libzmq, in the same run:
# encrypted PUSH/PULL throughput (two processes over tcp) and CURVE
# handshakes per second (a REQ client process against a REP server process).
#
#   bash benches/curve/run.sh                   # 5 rounds, 64 B and 64 KiB
#   ROUNDS=7 SIZES="64 1024 65536" bash benches/curve/run.sh
#   SKIP_BUILD=1 bash benches/curve/run.sh      # reuse the binaries
#
# It builds curvebench.c against the system libzmq (Debian's, with
# libsodium) and ferrozmq's C ABI (cargo build --release -p ferrozmq-ffi);
# each case runs on libzmq, then on ferrozmq by LD_LIBRARY_PATH (both
# processes on the same library), the order alternating per round. Prints
# per-round figures to stderr, and a markdown table of medians and of the
# median of the per-round ratios (with min..max) to stdout.
#
# Knobs: ROUNDS (5), SIZES ("64 65536"), COUNT_64 (messages at sizes up to
# 1 KiB, 1,000,000), COUNT_BIG (messages above 1 KiB, 20,000), HANDSHAKES
# (per round, 500), RUN_TIMEOUT (s per process, 120), CC, CARGO_TARGET_DIR;
# ALT_SO (another build of our libzmq.so, e.g. with other RUSTFLAGS) and
# ALT_NAME (its name in the table, default "alt"): a third implementation.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
SIZES=${SIZES:-"64 65536"}
COUNT_64=${COUNT_64:-1000000}
COUNT_BIG=${COUNT_BIG:-20000}
HANDSHAKES=${HANDSHAKES:-500}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/bench-curve
BIN=$OUT/curvebench
OURS=$OUT/ferrozmq-lib
mkdir -p "$OUT" "$OURS"

log() { echo "curve/run.sh: $*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building curvebench against the system libzmq"
    "${CC:-cc}" -O2 -Wall -Wextra -o "$BIN" "$ROOT/benches/curve/curvebench.c" -lzmq
    log "building our C ABI (cargo build --release -p ferrozmq-ffi)"
    (cd "$ROOT" && cargo build --release -q -p ferrozmq-ffi >&2)
fi
cp "$TARGET/release/libzmq.so" "$OURS/libzmq.so.5"
IMPLS="libzmq ferrozmq"
ALT_NAME=${ALT_NAME:-alt}
if [ -n "${ALT_SO:-}" ]; then
    mkdir -p "$OUT/$ALT_NAME-lib"
    cp "$ALT_SO" "$OUT/$ALT_NAME-lib/libzmq.so.5"
    IMPLS="$IMPLS $ALT_NAME"
fi

# lib_env IMPL -> the env prefix that loads IMPL's library (none for libzmq)
lib_env() {
    case $1 in
    libzmq) ;;
    ferrozmq) echo "env LD_LIBRARY_PATH=$OURS" ;;
    *) echo "env LD_LIBRARY_PATH=$OUT/$1-lib" ;;
    esac
}

port=$((20000 + RANDOM % 20000))
next_port() { port=$((port + 1)); }

# run_thr IMPL SIZE COUNT -> prints msgs/s
run_thr() {
    local lib size=$2 count=$3 result
    read -r -a lib <<<"$(lib_env "$1")"
    next_port
    result=$(mktemp)
    "${lib[@]}" timeout "$RUN_TIMEOUT" "$BIN" pull "tcp://127.0.0.1:$port" "$size" "$count" >"$result" &
    local receiver=$!
    "${lib[@]}" timeout "$RUN_TIMEOUT" "$BIN" push "tcp://127.0.0.1:$port" "$size" "$count"
    wait "$receiver"
    sed -n 's/^msgs_per_sec=//p' "$result"
    rm -f "$result"
}

# run_hs IMPL -> prints handshakes/s
run_hs() {
    local lib
    read -r -a lib <<<"$(lib_env "$1")"
    next_port
    "${lib[@]}" timeout "$RUN_TIMEOUT" "$BIN" rep "tcp://127.0.0.1:$port" &
    local server=$!
    "${lib[@]}" timeout "$RUN_TIMEOUT" "$BIN" hs "tcp://127.0.0.1:$port" "$HANDSHAKES" |
        sed -n 's/^handshakes_per_sec=//p'
    wait "$server"
}

RAW=$OUT/raw-$(date +%Y%m%d-%H%M%S).txt
: >"$RAW"
cases=()
for size in $SIZES; do cases+=("thr $size"); done
cases+=("hs -")
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order=$IMPLS; else order=$(echo "$IMPLS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for c in "${cases[@]}"; do
        read -r mode size <<<"$c"
        for impl in $order; do
            if [ "$mode" = thr ]; then
                count=$COUNT_64
                [ "$size" -gt 1024 ] && count=$COUNT_BIG
                value=$(run_thr "$impl" "$size" "$count")
            else
                value=$(run_hs "$impl")
            fi
            log "round $round $mode $size $impl: ${value:-FAILED}"
            echo "$round $mode $size $impl ${value:-0}" >>"$RAW"
        done
    done
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| case | libzmq (median) | impl | its median | impl / libzmq: median [min..max] of per-round ratios |"
echo "|---|---:|---|---:|---:|"
for c in "${cases[@]}"; do
    read -r mode size <<<"$c"
    for impl in $IMPLS; do
        [ "$impl" = libzmq ] && continue
        awk -v mode="$mode" -v size="$size" -v impl="$impl" '
function median(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$2 == mode && $3 == size { v[$4, $1] = $5; if ($1 > rounds) rounds = $1 }
END {
    for (r = 1; r <= rounds; r++) {
        l[r] = v["libzmq", r]; f[r] = v[impl, r]
        q[r] = l[r] > 0 ? f[r] / l[r] : 0
    }
    lm = median(l, rounds); fm = median(f, rounds); qm = median(q, rounds)
    name = mode == "thr" ? "PUSH/PULL " size " B, msg/s" : "handshakes/s"
    printf "| %s | %.0f | %s | %.0f | %.2fx [%.2f..%.2f] |\n", name, lm, impl, fm, qm, q[1], q[rounds]
}' "$RAW"
    done
done
log "raw figures: $RAW"
