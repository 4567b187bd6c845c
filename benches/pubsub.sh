#!/usr/bin/env bash
# PUB fan-out throughput of ferrozmq beside libzmq, measured in the same run.
#
#   benches/pubsub.sh                     # 5 interleaved rounds, 1/4/16 subscribers
#   ROUNDS=3 SUBS="1 4" MODES=nodrop benches/pubsub.sh
#
# It builds benches/c/pubthr.c against the system libzmq and the Rust tool
# `pubthr` (cargo build --release -p ferrozmq-bench --bin pubthr), then for
# every mode and subscriber count runs the two in turn, A B then B A, for
# ROUNDS rounds, and prints a markdown table of medians and of the median of
# the per-round ratios (ferrozmq / libzmq: > 1 means ferrozmq is faster).
# Progress goes to stderr, the table to stdout; raw lines and failures are
# kept under $OUT.
#
# Modes:
#   nodrop  the publisher is an XPUB with XPUB_NODROP: sends block while a
#           subscriber's queue is full, every subscriber gets every message,
#           and msgs/s is what the slowest subscriber sustains.
#   drop    a plain PUB at the default HWM: it never blocks and drops what a
#           subscriber cannot take, so "delivered %" matters as much as the
#           rate (the rate then mostly measures draining the queues).
#
# Knobs (environment): ROUNDS (5), SUBS ("1 4 16"), MODES ("nodrop drop"),
# SIZE (64 bytes), TRANSPORT (tcp), COUNT_SCALE (1; a factor on the message
# counts), RUN_TIMEOUT (120 s per run, via timeout), BENCH_TIMEOUT_MS
# (20000; inside the tools), BENCH_HWM (unset = 1000), CC, CFLAGS,
# SKIP_BUILD=1, CARGO_TARGET_DIR, OUT, REPORT_ONLY (a raw-*.txt file of an
# earlier run, with the same ROUNDS/SUBS/MODES: print its table again, run
# nothing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
SUBS=${SUBS:-"1 4 16"}
MODES=${MODES:-"nodrop drop"}
SIZE=${SIZE:-64}
TRANSPORT=${TRANSPORT:-tcp}
COUNT_SCALE=${COUNT_SCALE:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
export BENCH_TIMEOUT_MS=${BENCH_TIMEOUT_MS:-20000}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$TARGET/bench-pubsub}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -Wall -Wextra}

log() { echo "pubsub.sh: $*" >&2; }

# The markdown table of a raw file (and its failures file).
report() { # raw failures
    awk -v subs_list="$SUBS" -v modes="$MODES" -v rounds="$ROUNDS" -v failures="$2" "$REPORT_AWK" "$1"
}

REPORT_AWK='
function median(arr, n,    i, j, t) {
    for (i = 2; i <= n; i++) {
        t = arr[i]
        for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]
        arr[j + 1] = t
    }
    if (n == 0) return ""
    if (n % 2) return arr[(n + 1) / 2]
    return (arr[n / 2] + arr[n / 2 + 1]) / 2
}
function human(x) {
    if (x == "") return "-"
    if (x >= 1e6) return sprintf("%.2f M", x / 1e6)
    if (x >= 1e3) return sprintf("%.0f k", x / 1e3)
    return sprintf("%.0f", x)
}
function num(x, fmt) { return x == "" ? "-" : sprintf(fmt, x) }
function med(impl, mode, s, f,    r, n, a) {
    n = 0
    for (r = 1; r <= rounds; r++)
        if ((impl, mode, s, r, f) in v) a[++n] = v[impl, mode, s, r, f]
    return median(a, n)
}
function ratio(mode, s, f,    r, n, a) {
    n = 0
    for (r = 1; r <= rounds; r++)
        if (("ferrozmq", mode, s, r, f) in v && ("libzmq", mode, s, r, f) in v && v["libzmq", mode, s, r, f] > 0)
            a[++n] = v["ferrozmq", mode, s, r, f] / v["libzmq", mode, s, r, f]
    return median(a, n)
}
function okcount(impl, mode, s,    r, n) {
    n = 0
    for (r = 1; r <= rounds; r++) if ((impl, mode, s, r, "per_sub_msgs_per_sec") in v) n++
    return n
}
function cell(impl, mode, s, text,    n) {
    n = okcount(impl, mode, s)
    if (n == 0) return "**FAIL**"
    if (n < rounds) return text " (" n "/" rounds " ok)"
    return text
}
{
    delete kv
    for (i = 1; i <= NF; i++) {
        eq = index($i, "=")
        if (!eq) continue
        val = substr($i, eq + 1)
        # Numbers as numbers, so that sorting and thresholds compare values.
        if (val ~ /^-?[0-9]+(\.[0-9]+)?$/) val += 0
        kv[substr($i, 1, eq - 1)] = val
    }
    for (k in kv) v[kv["impl"], kv["mode_name"], kv["subscribers"], kv["round"], k] = kv[k]
}
END {
    ns = split(subs_list, S, " "); nm = split(modes, M, " ")
    print "| mode | subscribers | libzmq msg/s per subscriber | ferrozmq msg/s per subscriber | ratio | libzmq total msg/s | ferrozmq total msg/s | ratio | delivered % (libzmq / ferrozmq) | publisher sends msg/s (libzmq / ferrozmq) |"
    print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for (m = 1; m <= nm; m++) for (i = 1; i <= ns; i++) {
        mode = M[m]; s = S[i]
        line = "| " mode " | " s
        line = line " | " cell("libzmq", mode, s, human(med("libzmq", mode, s, "per_sub_msgs_per_sec")))
        line = line " | " cell("ferrozmq", mode, s, human(med("ferrozmq", mode, s, "per_sub_msgs_per_sec")))
        line = line " | " num(ratio(mode, s, "per_sub_msgs_per_sec"), "%.2f")
        line = line " | " cell("libzmq", mode, s, human(med("libzmq", mode, s, "total_msgs_per_sec")))
        line = line " | " cell("ferrozmq", mode, s, human(med("ferrozmq", mode, s, "total_msgs_per_sec")))
        line = line " | " num(ratio(mode, s, "total_msgs_per_sec"), "%.2f")
        line = line " | " num(med("libzmq", mode, s, "delivered_pct"), "%.1f") " / " num(med("ferrozmq", mode, s, "delivered_pct"), "%.1f")
        line = line " | " human(med("libzmq", mode, s, "pub_msgs_per_sec")) " / " human(med("ferrozmq", mode, s, "pub_msgs_per_sec")) " |"
        print line
    }
    print ""
    nf = 0
    while ((getline l < failures) > 0) {
        if (nf == 0) { print "Failures:"; print "" }
        split(l, F, "\t")
        printf "- %s %s subscribers=%s (round %s): %s\n  `%s`\n", F[1], F[2], F[3], F[4], F[5], F[6]
        nf++
    }
    if (nf == 0) print "No failures: every run finished."
}'

if [ -n "${REPORT_ONLY:-}" ]; then
    echo "- Raw results: $REPORT_ONLY"
    echo
    report "$REPORT_ONLY" "$(dirname "$REPORT_ONLY")/$(basename "$REPORT_ONLY" | sed 's/^raw-/failures-/')"
    exit 0
fi

mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW="$OUT/raw-$STAMP.txt"
FAILURES="$OUT/failures-$STAMP.txt"
: >"$RAW"
: >"$FAILURES"

# ---- build ----
C_TOOL="$OUT/pubthr-c"
RUST_TOOL="$TARGET/release/pubthr"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building $C_TOOL against the system libzmq"
    # shellcheck disable=SC2086 # CFLAGS is a list of flags
    "$CC" $CFLAGS -o "$C_TOOL" "$ROOT/benches/c/pubthr.c" -lzmq -lpthread
    log "building the Rust tool (cargo build --release -p ferrozmq-bench --bin pubthr)"
    (cd "$ROOT" && cargo build --release -p ferrozmq-bench --bin pubthr >&2)
fi
for bin in "$C_TOOL" "$RUST_TOOL"; do
    [ -x "$bin" ] || { log "missing $bin"; exit 1; }
done

# About 0.2-1 s per libzmq run on a 2-core machine.
count_for() { # subscribers
    local n
    case "$1" in
        1) n=1000000 ;;
        2 | 3 | 4) n=500000 ;;
        *) n=$((4000000 / $1)) ;;
    esac
    awk -v n="$n" -v f="$COUNT_SCALE" 'BEGIN { c = int(n * f); print (c < 1 ? 1 : c) }'
}

command_for() { # impl mode subscribers count
    local env="BENCH_TIMEOUT_MS=$BENCH_TIMEOUT_MS PUBTHR_NODROP=$([ "$2" = nodrop ] && echo 1 || echo 0)"
    [ -n "${BENCH_HWM:-}" ] && env="$env BENCH_HWM=$BENCH_HWM"
    local bin=$RUST_TOOL
    [ "$1" = libzmq ] && bin=$C_TOOL
    echo "$env timeout $RUN_TIMEOUT $bin $TRANSPORT $3 $SIZE $4"
}

declare -A FAILED=()

run_one() { # round impl mode subscribers count
    local round=$1 impl=$2 mode=$3 subs=$4 count=$5
    local key="$impl:$mode:$subs"
    [ -n "${FAILED[$key]:-}" ] && return
    local cmd out rc=0 err="$OUT/stderr.txt"
    cmd=$(command_for "$impl" "$mode" "$subs" "$count")
    out=$(env -u LD_LIBRARY_PATH bash -c "$cmd" 2>"$err") || rc=$?
    if [ "$rc" -eq 0 ] && [[ "$out" == *"mode=pubthr "* ]]; then
        echo "round=$round mode_name=$mode $out" >>"$RAW"
        log "  $impl round $round: $(grep -oE '(per_sub_msgs_per_sec|delivered_pct)=[0-9.]+' <<<"$out" | tr '\n' ' ')"
    else
        local why
        if [ "$rc" -eq 124 ]; then
            why="killed by timeout after ${RUN_TIMEOUT}s"
        else
            why="exit $rc: $(tail -n 3 "$err" | tr '\n' ' ')"
        fi
        FAILED[$key]=1
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$impl" "$mode" "$subs" "$round" "$why" "$cmd" >>"$FAILURES"
        log "  $impl round $round: FAILED ($why)"
    fi
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
for mode in $MODES; do
    for subs in $SUBS; do
        count=$(count_for "$subs")
        log "$mode subscribers=$subs size=$SIZE count=$count"
        for round in $(seq 1 "$ROUNDS"); do
            if [ $((round % 2)) -eq 1 ]; then order="libzmq ferrozmq"; else order="ferrozmq libzmq"; fi
            for impl in $order; do
                run_one "$round" "$impl" "$mode" "$subs" "$count"
            done
        done
    done
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# ---- report ----
LIBZMQ_VERSION=$(grep -m1 -o 'impl=libzmq version=[^ ]*' "$RAW" | sed 's/.*version=//' || true)
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo "?")
GIT_REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo "?")
DIRTY=$(cd "$ROOT" && git status --porcelain -- crates benches 2>/dev/null | grep -q . && echo " + uncommitted changes" || true)

echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); ferrozmq at $GIT_REV$DIRTY; libzmq ${LIBZMQ_VERSION:-?} (system)"
echo "- Machine: $(uname -sm), $(nproc) cores, $CPU; load average ${START_LOAD} at start, ${END_LOAD} at end"
echo "- $TRANSPORT, $SIZE-byte messages, one process per run (publisher + one thread per subscriber), $ROUNDS interleaved rounds, medians"
echo "- BENCH_HWM=${BENCH_HWM:-default (1000)}, COUNT_SCALE=$COUNT_SCALE; raw results: $RAW"
echo

report "$RAW" "$FAILURES"
