#!/usr/bin/env bash
# ferrozmq beside libzmq, measured the way libzmq measures itself: libzmq's
# own perf/ programs (local_thr, remote_thr, local_lat, remote_lat,
# inproc_thr, inproc_lat, proxy_thr) and three small probes of this
# directory, all built once against zmq.h and run on Debian's libzmq.so.5
# and on ferrozmq's (bindings/c, by LD_LIBRARY_PATH) in the same run.
#
#   benches/two-process/run.sh            # every case, 5 rounds (about 30 min)
#   benches/two-process/run.sh quick      # smoke test: 2 rounds, few cases, small counts
#   ROUNDS=7 CASES="thr lat" SIZES="64 1024" benches/two-process/run.sh
#
# Cases (CASES, default all):
#   thr      PUSH/PULL throughput, local_thr + remote_thr: two processes, tcp and ipc
#   lat      REQ/REP round trip, local_lat + remote_lat: two processes, tcp and ipc
#   inproc   inproc_thr and inproc_lat (one process, two threads)
#   dealer   DEALER -> ROUTER throughput, thr_peer.c: two processes, tcp
#   written  PUSH/PULL throughput with bodies the sender writes (thr_peer.c sendw:
#            as applications do; local_thr's sender leaves them untouched), tcp
#   fanout   PUB/SUB to 1, 10 and 100 subscriber processes, fanout.c, tcp 64 B
#   idle     memory per idle connection, idle.c: 10,000 tcp connections between two processes
#   proxy    proxy_thr (one process: two XPUB publishers, an XSUB/XPUB proxy, a SUB)
#
# Every round runs each case on libzmq then ferrozmq, or ferrozmq then
# libzmq (the order alternates by round). The table gives medians, the
# median of the per-round ratios ferrozmq / libzmq with [min..max], and the
# CPU time (user + sys, from the rusage of every process of the run, via
# /usr/bin/time) per million messages, so spinning never passes for speed.
# A round trip counts as two messages. Every run checks that every message
# arrived (the perf tools and probes fail or time out otherwise); a failed
# run is listed with its log and left out of the medians.
#
# Knobs (environment): ROUNDS (5; quick 2), CASES, SIZES ("1 64 1024 65536
# 1048576"; quick "64"), TRANSPORTS ("tcp ipc"), SUBS ("1 10 100"; quick
# "1 10"), IDLE_CONNECTIONS (10000; quick 1000), COUNT_SCALE (1; quick 0.05),
# RUN_TIMEOUT (120 s per process), OUT (results directory), FERRO_SO (a
# ferrozmq libzmq.so to test instead of building this checkout's).
# PROBE_HEARTBEAT_IVL, _TIMEOUT, _TTL (ms) set heartbeats on every socket
# of this directory's probes (dealer, written, fanout, idle), on both
# libraries alike; libzmq's own perf programs take no such settings.
# Output: progress on stderr, the markdown report on stdout and in
# $OUT/report.md, raw lines in $OUT/raw.txt.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
QUICK=0
[ "${1:-}" = quick ] && QUICK=1
if [ "$QUICK" = 1 ]; then
    ROUNDS=${ROUNDS:-2} SIZES=${SIZES:-64} SUBS=${SUBS:-"1 10"}
    IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-1000} COUNT_SCALE=${COUNT_SCALE:-0.05}
fi
ROUNDS=${ROUNDS:-5}
CASES=${CASES:-"thr lat inproc dealer written fanout idle proxy"}
SIZES=${SIZES:-"1 64 1024 65536 1048576"}
TRANSPORTS=${TRANSPORTS:-"tcp ipc"}
SUBS=${SUBS:-"1 10 100"}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
COUNT_SCALE=${COUNT_SCALE:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
TARGET=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
WORK="$TARGET/two-process"
OUT=${OUT:-$WORK/$(date -u +%Y%m%dT%H%M%SZ)}
BIN="$WORK/bin"
FERRO_LIB="$OUT/lib-ferrozmq" # per run: two runs at once never share it
mkdir -p "$OUT" "$BIN" "$FERRO_LIB"
RAW="$OUT/raw.txt" FAILURES="$OUT/failures.txt"
: >"$RAW"
: >"$FAILURES"

log() { echo "two-process: $*" >&2; }

# Stop whatever this script started if it is interrupted.
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---- build: the reference perf tools, the probes, ferrozmq's libzmq.so.5 ----
bash "$ROOT/.ci/libzmq-src.sh" "$TARGET/libzmq-suite"
SRC="$TARGET/libzmq-suite/src"
# inproc_*/proxy_thr include platform.hpp (ZMQ_CUSTOM_PLATFORM_HPP).
printf '#pragma once\n#define ZMQ_HAVE_LINUX 1\n' >"$BIN/platform.hpp"
newer() { [ ! -e "$1" ] || [ "$2" -nt "$1" ] || [ "$HERE/probe.h" -nt "$1" ]; }
for tool in local_thr remote_thr local_lat remote_lat inproc_thr inproc_lat proxy_thr; do
    if newer "$BIN/$tool" "$SRC/perf/$tool.cpp"; then
        g++ -O2 -w -pthread -DZMQ_CUSTOM_PLATFORM_HPP -I"$BIN" -I"$SRC/include" \
            "$SRC/perf/$tool.cpp" -lzmq -o "$BIN/$tool"
    fi
done
for probe in thr_peer fanout idle; do
    if newer "$BIN/$probe" "$HERE/$probe.c"; then
        cc -O2 -Wall -Wextra -Werror -I"$SRC/include" "$HERE/$probe.c" -lzmq -o "$BIN/$probe"
    fi
done
# A copy, so that a rebuild during the run does not change the library under
# test. FERRO_SO=path tests that build of ferrozmq's libzmq.so instead (an
# earlier commit's, for a before/after against libzmq in separate runs).
if [ -n "${FERRO_SO:-}" ]; then
    cp "$FERRO_SO" "$FERRO_LIB/libzmq.so.5"
else
    (cd "$ROOT" && cargo build --release -q -p ferrozmq-ffi)
    cp "$TARGET/release/libzmq.so" "$FERRO_LIB/libzmq.so.5"
fi
libpath() { [ "$1" = ferrozmq ] && echo "$FERRO_LIB" || echo ""; }
for impl in libzmq ferrozmq; do
    log "$impl: $(LD_LIBRARY_PATH=$(libpath $impl) ldd "$BIN/local_thr" | awk '/libzmq/ { print $3 }')"
done

# ---- running one case: processes under timeout and /usr/bin/time ----
# Ports below Linux's ephemeral range (32768-60999), so that no client
# socket of another program holds one; one that is in use is skipped.
PORT=$((20000 + ($$ % 500) * 20))
free_port() { # first port from $1 that this host lets us bind
    python3 -c 'import socket, sys
p = int(sys.argv[1])
while True:
    p = 20000 + (p - 20000) % 12000
    try:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", p))
        break
    except OSError:
        p += 1
print(p)' "$1"
}
RUN="" PIDS=() IMPL="" EP=""
endpoint() { # transport: sets EP to a fresh endpoint (no subshell: PORT must advance)
    PORT=$(free_port $((PORT + 1)))
    case "$1" in
        tcp) EP="tcp://127.0.0.1:$PORT" ;;
        ipc) EP="ipc://$RUN/$PORT.sock" ;;
    esac
}
start() { # name command...: one process of the run, in the background
    local name=$1
    shift
    timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -f '%U %S %M' -o "$RUN/$name.cpu" \
        env LD_LIBRARY_PATH="$(libpath "$IMPL")" "$@" >"$RUN/$name.out" 2>&1 &
    PIDS+=($!)
}
finish() { # waits for the run's processes; sets CPU (s, all processes); fails if one did
    local ok=0 rc p left
    while [ ${#PIDS[@]} -gt 0 ]; do
        left=()
        for p in "${PIDS[@]}"; do
            if kill -0 "$p" 2>/dev/null; then left+=("$p"); continue; fi
            rc=0
            wait "$p" || rc=$?
            if [ "$rc" != 0 ] && [ "$ok" = 0 ]; then
                ok=1 # one process failed: the others would only wait for it
                kill "${PIDS[@]}" 2>/dev/null || true
            fi
        done
        PIDS=("${left[@]}")
        [ ${#PIDS[@]} = 0 ] || sleep 0.05
    done
    CPU=$(cat "$RUN"/*.cpu 2>/dev/null | awk 'NF == 3 && $1 ~ /^[0-9.]+$/ { s += $1 + $2 } END { printf "%.3f", s }')
    return "$ok"
}
field() { # file regex: the first number after the regex
    sed -n "s/.*$2 *\([0-9.]*\).*/\1/p" "$RUN/$1" | head -1
}
record() { # case metric messages better unit
    echo "$1|$IMPL|$ROUND|$2|$CPU|$3|$4|$5" >>"$RAW"
}
failed() { # case
    echo "$1 | $IMPL | round $ROUND | logs: $RUN" >>"$FAILURES"
    log "FAILED: $1 on $IMPL (logs in $RUN)"
}
count_of() { # base count -> scaled, at least 10
    awk -v n="$1" -v s="$COUNT_SCALE" 'BEGIN { c = int(n * s); print (c < 10 ? 10 : c) }'
}
thr_count() { # size
    case "$1" in
        1 | 64) count_of 4000000 ;; 1024) count_of 1000000 ;;
        65536) count_of 40000 ;; *) count_of 2000 ;;
    esac
}
lat_count() { # size
    case "$1" in
        1048576) count_of 1000 ;; 65536) count_of 5000 ;; *) count_of 10000 ;;
    esac
}
size_name() {
    case "$1" in
        1048576) echo "1 MiB" ;; 65536) echo "64 KiB" ;; 1024) echo "1 KiB" ;; *) echo "$1 B" ;;
    esac
}

# ---- the cases: each runs once on $IMPL and records its result ----
case_thr() { # transport size
    local n name="PUSH/PULL $1 $(size_name "$2")"
    endpoint "$1"
    n=$(thr_count "$2")
    start local "$BIN/local_thr" "$EP" "$2" "$n"
    start remote "$BIN/remote_thr" "$EP" "$2" "$n"
    if finish && [ "$(field local.out 'message count:')" = "$n" ]; then
        record "$name" "$(field local.out 'mean throughput:')" "$n" higher msg/s
    else failed "$name"; return 1; fi
}
case_lat() { # transport size
    local n name="REQ/REP $1 $(size_name "$2")"
    endpoint "$1"
    n=$(lat_count "$2")
    start local "$BIN/local_lat" "$EP" "$2" "$n"
    start remote "$BIN/remote_lat" "$EP" "$2" "$n"
    local us
    if finish && us=$(field remote.out 'average latency:') && [ -n "$us" ]; then
        # remote_lat prints half the mean round trip; the table shows the round trip.
        record "$name" "$(awk -v u="$us" 'BEGIN { print 2 * u }')" $((2 * n)) lower "µs/round trip"
    else failed "$name"; return 1; fi
}
case_inproc_thr() { # size
    local n name="PUSH/PULL inproc $(size_name "$1")"
    n=$(thr_count "$1")
    start inproc "$BIN/inproc_thr" "$1" "$n"
    if finish && [ "$(field inproc.out 'message count:')" = "$n" ]; then
        record "$name" "$(field inproc.out 'mean throughput:')" "$n" higher msg/s
    else failed "$name"; return 1; fi
}
case_inproc_lat() { # size
    local n us name="REQ/REP inproc $(size_name "$1")"
    n=$(lat_count "$1")
    start inproc "$BIN/inproc_lat" "$1" "$n"
    if finish && us=$(field inproc.out 'average latency:') && [ -n "$us" ]; then
        record "$name" "$(awk -v u="$us" 'BEGIN { print 2 * u }')" $((2 * n)) lower "µs/round trip"
    else failed "$name"; return 1; fi
}
case_dealer() { # size
    local n name="DEALER/ROUTER tcp $(size_name "$1")"
    endpoint tcp
    n=$(thr_count "$1")
    start local "$BIN/thr_peer" recv "$EP" ROUTER "$1" "$n"
    start remote "$BIN/thr_peer" send "$EP" DEALER "$1" "$n"
    if finish && [ "$(field local.out 'received=')" = "$n" ]; then
        record "$name" "$(field local.out 'msgs_per_sec=')" "$n" higher msg/s
    else failed "$name"; return 1; fi
}
case_written() { # size
    local n name="PUSH/PULL tcp $(size_name "$1"), bodies written"
    endpoint tcp
    n=$(thr_count "$1")
    start local "$BIN/thr_peer" recvw "$EP" PULL "$1" "$n"
    start remote "$BIN/thr_peer" sendw "$EP" PUSH "$1" "$n"
    if finish && [ "$(field local.out 'received=')" = "$n" ]; then
        record "$name" "$(field local.out 'msgs_per_sec=')" "$n" higher msg/s
    else failed "$name"; return 1; fi
}
case_fanout() { # subscribers
    local data done n i name="PUB/SUB tcp 64 B to $1 sub process(es)"
    endpoint tcp
    data=$EP
    endpoint tcp
    done=$EP
    n=$(count_of $((2000000 / $1 > 20000 ? 2000000 / $1 : 20000)))
    [ "$1" = 1 ] && n=$(count_of 2000000)
    start pub "$BIN/fanout" pub "$data" "$done" 64 "$n" "$1"
    for ((i = 0; i < $1; i++)); do start "sub$i" "$BIN/fanout" sub "$data" "$done" 64 "$n"; done
    if finish && grep -q deliveries_per_sec "$RUN/pub.out"; then
        record "$name" "$(field pub.out 'deliveries_per_sec=')" $((n * $1)) higher "deliveries/s"
    else failed "$name"; return 1; fi
}
case_idle() { # connections
    local name="idle tcp connections ($1)"
    endpoint tcp
    start server "$BIN/idle" server "$EP" "$1"
    sleep 0.2 # the client's connects would otherwise wait out a reconnect interval
    start client "$BIN/idle" client "$EP" "$1"
    if finish && grep -q kb_per_connection "$RUN/server.out" && grep -q kb_per_connection "$RUN/client.out"; then
        CPU=0 record "$name, bind side" "$(field server.out 'kb_per_connection=')" 0 lower "KiB/connection"
        CPU=0 record "$name, connect side" "$(field client.out 'kb_per_connection=')" 0 lower "KiB/connection"
    else failed "$name"; return 1; fi
}
case_proxy() { # size
    local n name="proxy_thr inproc $(size_name "$1") (XPUB/XSUB proxy)"
    n=$(count_of 1000000)
    start proxy "$BIN/proxy_thr" "$1" "$n"
    if finish && grep -q 'mean throughput' "$RUN/proxy.out"; then
        record "$name" "$(field proxy.out 'mean throughput:')" "$n" higher msg/s
    else failed "$name"; return 1; fi
}

# Every case of this run, one per line: the function and its arguments.
plan() {
    local c t s
    for c in $CASES; do
        case "$c" in
            thr | lat) for t in $TRANSPORTS; do for s in $SIZES; do echo "case_$c $t $s"; done; done ;;
            inproc) for s in $SIZES; do echo "case_inproc_thr $s"; echo "case_inproc_lat $s"; done ;;
            dealer) for s in $SIZES; do echo "case_dealer $s"; done ;;
            written) for s in $SIZES; do echo "case_written $s"; done ;;
            fanout) for s in $SUBS; do echo "case_fanout $s"; done ;;
            idle) echo "case_idle $IDLE_CONNECTIONS" ;;
            proxy) echo "case_proxy 64" ;;
            *) log "unknown case $c"; exit 2 ;;
        esac
    done
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- . || echo ' (+ uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -sr)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "settings: ROUNDS=$ROUNDS CASES=\"$CASES\" SIZES=\"$SIZES\" TRANSPORTS=\"$TRANSPORTS\" SUBS=\"$SUBS\" IDLE_CONNECTIONS=$IDLE_CONNECTIONS COUNT_SCALE=$COUNT_SCALE"
} >"$OUT/header.txt"
mapfile -t PLAN < <(plan)
started=$(date +%s)
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    order="libzmq ferrozmq"
    [ $((ROUND % 2)) = 0 ] && order="ferrozmq libzmq"
    log "round $ROUND/$ROUNDS ($order), load $(cut -d' ' -f1 /proc/loadavg)"
    for spec in "${PLAN[@]}"; do
        for IMPL in $order; do
            RUN=$(mktemp -d "$OUT/run.XXXXXX")
            if $spec; then rm -rf "$RUN"; fi
        done
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) ($(($(date +%s) - started)) s)" >>"$OUT/header.txt"
python3 "$HERE/report.py" "$OUT" | tee "$OUT/report.md"
[ ! -s "$FAILURES" ]
