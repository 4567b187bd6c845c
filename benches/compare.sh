#!/usr/bin/env bash
# Throughput and latency of ferrozmq beside libzmq, measured in the same run.
#
#   benches/compare.sh            # 5 interleaved rounds, every case
#   ROUNDS=3 TRANSPORTS=tcp SIZES="64 1024" MODES=thr benches/compare.sh
#   LIBZMQ_SO=/prefix/lib/libzmq.so.5 benches/compare.sh   # + a third column
#   LIBZMQ_SO=ffi benches/compare.sh   # builds ferrozmq-ffi and uses that
#
# It builds benches/c/zmqperf.c (zmq.h only) against the system libzmq and
# the Rust tools `thr` and `lat` (cargo build --release -p ferrozmq-bench),
# then, for every mode, transport and size, runs the implementations in
# turn (A B, B A, A B, ... for ROUNDS rounds; the order alternates so that
# neither always goes first) and prints a markdown table of medians and of
# the median of the per-round ratios. Progress goes to stderr, the table to
# stdout; raw lines and failures are kept under $OUT.
#
# With LIBZMQ_SO set, the same zmqperf binary also runs with LD_LIBRARY_PATH
# pointing at that library (ferrozmq's C ABI) and reports itself as
# $LIBZMQ_SO_NAME (default ferrozmq-c): a third column.
#
# Knobs (environment): ROUNDS (5), TRANSPORTS ("tcp ipc inproc"),
# SIZES ("1 64 1024 65536 1048576"), MODES ("thr lat"), COUNT_SCALE (1; a
# factor on every message count), RUN_TIMEOUT (60 s per run, via timeout),
# BENCH_TIMEOUT_MS (5000; RCVTIMEO/SNDTIMEO inside the tools, so a lost
# message is reported instead of hanging), BENCH_HWM (unset = the default
# 1000; 0 = unlimited; passed to both tools), CC, CFLAGS, SKIP_BUILD=1,
# CARGO_TARGET_DIR, OUT (where raw results go), REPORT_ONLY (a raw-*.txt
# file of an earlier run: print its tables again, run nothing).
#
# A case that fails (timeout, lost messages, error) is reported under
# "Failures" with the exact command, and not retried in later rounds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
TRANSPORTS=${TRANSPORTS:-"tcp ipc inproc"}
SIZES=${SIZES:-"1 64 1024 65536 1048576"}
MODES=${MODES:-"thr lat"}
COUNT_SCALE=${COUNT_SCALE:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
export BENCH_TIMEOUT_MS=${BENCH_TIMEOUT_MS:-5000}
LIBZMQ_SO=${LIBZMQ_SO:-}
LIBZMQ_SO_NAME=${LIBZMQ_SO_NAME:-ferrozmq-c}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$TARGET/bench-compare}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -Wall -Wextra}

log() { echo "compare.sh: $*" >&2; }

# ---- the markdown report from a raw file ----
report() { # raw-file failures-file [rounds]
    awk -v impls="$IMPLS" -v transports="$TRANSPORTS" -v sizes="$SIZES" -v modes="$MODES" \
    -v failures="$2" -v rounds="${3:-0}" '
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
    if (x >= 1e3) return sprintf("%.1f k", x / 1e3)
    return sprintf("%.0f", x)
}
function num(x, fmt) { return x == "" ? "-" : sprintf(fmt, x) }
function size_name(s) {
    if (s >= 1048576 && s % 1048576 == 0) return (s / 1048576) " MiB"
    if (s >= 1024 && s % 1024 == 0) return (s / 1024) " KiB"
    return s " B"
}
# The median over rounds of field f for impl/mode/transport/size.
function med(impl, mode, t, s, f,    r, n, a) {
    n = 0
    for (r = 1; r <= rounds; r++)
        if ((impl, mode, t, s, r, f) in v) a[++n] = v[impl, mode, t, s, r, f]
    return median(a, n)
}
# The median of per-round ratios num/den of field f (rounds where both ran).
function ratio(numi, deni, mode, t, s, f,    r, n, a) {
    n = 0
    for (r = 1; r <= rounds; r++)
        if ((numi, mode, t, s, r, f) in v && (deni, mode, t, s, r, f) in v && v[deni, mode, t, s, r, f] > 0)
            a[++n] = v[numi, mode, t, s, r, f] / v[deni, mode, t, s, r, f]
    return median(a, n)
}
function okcount(impl, mode, t, s, f,    r, n) {
    n = 0
    for (r = 1; r <= rounds; r++) if ((impl, mode, t, s, r, f) in v) n++
    return n
}
function cell(impl, mode, t, s, f, text,    n) {
    n = okcount(impl, mode, t, s, f)
    if (n == 0) return "**FAIL**"
    if (n < rounds) return text " (" n "/" rounds " ok)"
    return text
}
{
    delete kv
    for (i = 1; i <= NF; i++) {
        eq = index($i, "=")
        if (eq) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1)
    }
    for (k in kv) {
        x = kv[k]
        # Numbers compare as numbers only once converted (substr gives strings).
        if (x ~ /^[0-9]+(\.[0-9]+)?$/) x += 0
        v[kv["impl"], kv["mode"], kv["transport"], kv["size"], kv["round"], k] = x
    }
    if (kv["round"] + 0 > rounds) rounds = kv["round"] + 0
}
END {
    ni = split(impls, I, " "); nt = split(transports, T, " "); ns = split(sizes, S, " ")
    nm = split(modes, M, " ")
    for (m = 1; m <= nm; m++) {
        mode = M[m]
        if (mode == "thr") {
            print "### Throughput: PUSH/PULL, messages/s (Mbit/s), median of " rounds " rounds"
            print ""
            print "Ratio = median over rounds of (X msgs/s) / (libzmq msgs/s): **> 1 means X is faster**."
            print ""
            h = "| transport | size |"; sep = "| --- | --- |"
            for (i = 1; i <= ni; i++) { h = h " " I[i] " msg/s (Mbit/s) |"; sep = sep " ---: |" }
            for (i = 2; i <= ni; i++) { h = h " " I[i] "/libzmq |"; sep = sep " ---: |" }
        } else {
            print "### Latency: REQ/REP round trip, median (mean) µs, median of " rounds " rounds"
            print ""
            print "Ratio = median over rounds of (libzmq median µs) / (X median µs): **> 1 means X is faster**."
            print ""
            h = "| transport | size |"; sep = "| --- | --- |"
            for (i = 1; i <= ni; i++) { h = h " " I[i] " µs |"; sep = sep " ---: |" }
            for (i = 2; i <= ni; i++) { h = h " libzmq/" I[i] " |"; sep = sep " ---: |" }
        }
        print h; print sep
        for (t = 1; t <= nt; t++) for (s = 1; s <= ns; s++) {
            tr = T[t]; sz = S[s]
            line = "| " tr " | " size_name(sz) " |"
            for (i = 1; i <= ni; i++) {
                if (mode == "thr") {
                    f = "msgs_per_sec"
                    text = human(med(I[i], mode, tr, sz, f)) " (" num(med(I[i], mode, tr, sz, "mbit_per_sec"), "%.0f") ")"
                } else {
                    f = "median_us"
                    text = num(med(I[i], mode, tr, sz, f), "%.1f") " (" num(med(I[i], mode, tr, sz, "mean_us"), "%.1f") ")"
                }
                line = line " " cell(I[i], mode, tr, sz, f, text) " |"
            }
            for (i = 2; i <= ni; i++) {
                if (mode == "thr") x = ratio(I[i], "libzmq", mode, tr, sz, "msgs_per_sec")
                else x = ratio("libzmq", I[i], mode, tr, sz, "median_us")
                line = line " " num(x, "%.2f") " |"
            }
            print line
        }
        print ""
    }
    nf = 0
    while ((getline l < failures) > 0) {
        if (nf == 0) { print "### Failures"; print "" }
        split(l, F, "\t")
        printf "- %s %s %s size=%s (round %s): %s\n  `%s`\n", F[1], F[2], F[3], F[4], F[5], F[6], F[7]
        nf++
    }
    if (nf == 0) print "No failures: every run finished and received every message."
}' "$1"
}


IMPLS="libzmq ferrozmq"
[ -n "$LIBZMQ_SO" ] && IMPLS="$IMPLS $LIBZMQ_SO_NAME"

# REPORT_ONLY=.../raw-STAMP.txt: print the tables of an earlier run again.
if [ -n "${REPORT_ONLY:-}" ]; then
    if grep -q "impl=$LIBZMQ_SO_NAME " "$REPORT_ONLY"; then
        IMPLS="libzmq ferrozmq $LIBZMQ_SO_NAME"
    fi
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
ZMQPERF="$OUT/zmqperf"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building $ZMQPERF against the system libzmq"
    # shellcheck disable=SC2086 # CFLAGS is a list of flags
    "$CC" $CFLAGS -o "$ZMQPERF" "$ROOT/benches/c/zmqperf.c" -lzmq -lpthread
    log "building the Rust tools (cargo build --release -p ferrozmq-bench)"
    (cd "$ROOT" && cargo build --release -p ferrozmq-bench >&2)
fi
if [ "$LIBZMQ_SO" = ffi ]; then
    log "building our C ABI (cargo build --release -p ferrozmq-ffi)"
    (cd "$ROOT" && cargo build --release -p ferrozmq-ffi >&2)
    LIBZMQ_SO="$TARGET/release/libzmq.so"
fi
THR="$TARGET/release/thr"
LAT="$TARGET/release/lat"
for bin in "$ZMQPERF" "$THR" "$LAT"; do
    [ -x "$bin" ] || { log "missing $bin"; exit 1; }
done

# Our C ABI under the name the dynamic linker looks for.
OURS_DIR=""
if [ -n "$LIBZMQ_SO" ]; then
    [ -f "$LIBZMQ_SO" ] || { log "LIBZMQ_SO=$LIBZMQ_SO: no such file"; exit 1; }
    OURS_DIR="$OUT/ours-lib"
    mkdir -p "$OURS_DIR"
    ln -sf "$(readlink -f "$LIBZMQ_SO")" "$OURS_DIR/libzmq.so.5"
    log "$LIBZMQ_SO_NAME: $(LD_LIBRARY_PATH=$OURS_DIR ldd "$ZMQPERF" | grep libzmq || true)"
fi


# ---- message counts: about 0.5-2 s per run for libzmq on a 2-core box ----
count_for() { # mode transport size
    local n
    case "$1:$3" in
        thr:1 | thr:64) n=2000000 ;;
        thr:1024) n=500000 ;;
        thr:65536) n=20000 ;;
        thr:1048576) n=1000 ;;
        thr:*) n=$((2000000000 / ($3 + 1000))) ;;
        lat:65536) n=5000 ;;
        lat:1048576) n=1500 ;;
        lat:*) n=10000 ;;
    esac
    if [ "$2" = inproc ]; then
        case "$1:$3" in
            thr:1 | thr:64) n=$((n * 4)) ;;
            thr:1024) n=$((n * 6)) ;;
            thr:65536) n=$((n * 3)) ;;
            thr:1048576) n=$((n * 20)) ;;
            lat:1048576) n=$((n * 6)) ;;
            lat:*) n=$((n * 5)) ;;
        esac
    fi
    awk -v n="$n" -v f="$COUNT_SCALE" 'BEGIN { c = int(n * f); print (c < 1 ? 1 : c) }'
}

# The exact command for one run, as a string a user can paste.
command_for() { # impl mode transport size count
    local env="BENCH_TIMEOUT_MS=$BENCH_TIMEOUT_MS"
    [ -n "${BENCH_HWM:-}" ] && env="$env BENCH_HWM=$BENCH_HWM"
    case "$1" in
        libzmq) echo "$env timeout $RUN_TIMEOUT $ZMQPERF $2 $3 $4 $5" ;;
        ferrozmq)
            local bin=$THR
            [ "$2" = lat ] && bin=$LAT
            echo "$env timeout $RUN_TIMEOUT $bin $3 $4 $5"
            ;;
        *) echo "$env LD_LIBRARY_PATH=$OURS_DIR ZMQPERF_IMPL=$1 timeout $RUN_TIMEOUT $ZMQPERF $2 $3 $4 $5" ;;
    esac
}

declare -A FAILED=()

run_one() { # round impl mode transport size count
    local round=$1 impl=$2 mode=$3 transport=$4 size=$5 count=$6
    local key="$impl:$mode:$transport:$size"
    if [ -n "${FAILED[$key]:-}" ]; then
        return
    fi
    local cmd out err rc
    cmd=$(command_for "$impl" "$mode" "$transport" "$size" "$count")
    err="$OUT/stderr.txt"
    rc=0
    out=$(env -u LD_LIBRARY_PATH bash -c "$cmd" 2>"$err") || rc=$?
    if [ "$rc" -eq 0 ] && [[ "$out" == *"mode=$mode "* ]]; then
        echo "round=$round $out" >>"$RAW"
        log "  $impl round $round: $(grep -oE '(msgs_per_sec|median_us)=[0-9.]+' <<<"$out" | head -1)"
    else
        local why
        if [ "$rc" -eq 124 ]; then
            why="killed by timeout after ${RUN_TIMEOUT}s (hang)"
        else
            why="exit $rc: $(tail -n 3 "$err" | tr '\n' ' ')"
        fi
        FAILED[$key]=1
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$impl" "$mode" "$transport" "$size" \
            "$round" "$why" "$cmd" >>"$FAILURES"
        log "  $impl round $round: FAILED ($why)"
    fi
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
for mode in $MODES; do
    for transport in $TRANSPORTS; do
        for size in $SIZES; do
            count=$(count_for "$mode" "$transport" "$size")
            log "$mode $transport size=$size count=$count"
            for round in $(seq 1 "$ROUNDS"); do
                order=$IMPLS
                if [ $((round % 2)) -eq 0 ]; then
                    order=$(tr ' ' '\n' <<<"$IMPLS" | tac | tr '\n' ' ')
                fi
                for impl in $order; do
                    run_one "$round" "$impl" "$mode" "$transport" "$size" "$count"
                done
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
echo "- $ROUNDS interleaved rounds per case; medians; both sides of each run in one process (two threads)"
echo "- BENCH_HWM=${BENCH_HWM:-default (1000)}, BENCH_TIMEOUT_MS=$BENCH_TIMEOUT_MS, COUNT_SCALE=$COUNT_SCALE"
[ -n "$OURS_DIR" ] && echo "- $LIBZMQ_SO_NAME: the zmqperf binary run with LD_LIBRARY_PATH on $LIBZMQ_SO"
echo "- Raw results: $RAW"
echo

report "$RAW" "$FAILURES" "$ROUNDS"
