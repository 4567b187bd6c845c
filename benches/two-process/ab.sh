#!/usr/bin/env bash
# Interleaved A/B/... of several libzmq.so.5 builds on the two-process
# throughput cases, with CPU time and context switches per side: the quick
# check for a change to the hand-off between a sender and its I/O thread.
#
#   LIBS="libzmq=system before=/tmp/before after=/tmp/after" \
#   CASES="tcp:1 ipc:1 dealer:1" ROUNDS=7 COUNT=2000000 benches/two-process/ab.sh
#
# LIBS: name=dir pairs; dir holds a libzmq.so.5 (LD_LIBRARY_PATH), "system"
# runs Debian's; name=dir:VAR=value:... also sets those variables (e.g.
# LD_PRELOAD) for that library's processes. CASES: transport:size for local_thr/remote_thr (PUSH/PULL),
# dealer:size for thr_peer DEALER -> ROUTER over tcp, push:size for
# thr_peer PUSH -> PULL over tcp (as local_thr/remote_thr, but the probe
# reads PROBE_HEARTBEAT_IVL, _TIMEOUT and _TTL from the environment: both
# libraries then run with the same heartbeats; see probe.h), reqrep:size
# for thr_peer's REQ/REP round trips over tcp (as local_lat/remote_lat,
# with the same environment; the "M msg/s" column holds the round trip in
# µs), inproc:size for
# libzmq's inproc_thr (one process: its CPU is all in the "recv" column,
# "send" reads 0), lat-tcp:size and
# lat-ipc:size for local_lat/remote_lat (the "M msg/s" column then holds
# the round trip in µs, lower is better). Each round runs every
# case on every library, the libraries' order rotating by round. The
# binaries are benches/two-process/run.sh's (run it once to build them).
# Every run must report all COUNT messages (else it is listed as failed).
# Per run: msg/s, CPU s per million messages (user + sys, /usr/bin/time) of
# the sender and the receiver, and their context switches per 1,000
# messages (voluntary + involuntary, all threads). Prints medians
# [min..max] per library, and per-round ratios to the first library (or
# REF). RAW_IN=<an earlier run's raw.txt> only summarises that run again.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${BIN:-$ROOT/target/two-process/bin}
LIBS=${LIBS:?LIBS="name=dir ..." (dir with libzmq.so.5, or system)}
CASES=${CASES:-"tcp:1 ipc:1 dealer:1"}
ROUNDS=${ROUNDS:-7}
COUNT=${COUNT:-2000000}
OUT=${OUT:-$(mktemp -d /tmp/ab.XXXXXX)}
mkdir -p "$OUT"
RAW="$OUT/raw.txt"
: >"$RAW"
PORT=$((21000 + ($$ % 400) * 20))

# Runs a receiver (its argv up to "--") in the background and a sender (the
# rest), each under `timeout` and /usr/bin/time, with run_one's library
# (lp, extra) and time format (fmt); sets run_one's rc to 1 if either fails.
run_pair() { # timeout receiver-argv... -- sender-argv...
    local limit=$1 r
    shift
    local -a receiver=()
    while [ "$1" != -- ]; do receiver+=("$1"); shift; done
    shift
    timeout -k 2 "$limit" /usr/bin/time -f "$fmt" -o "$OUT/recv.t" env LD_LIBRARY_PATH="$lp" "${extra[@]}" \
        "${receiver[@]}" >"$OUT/recv.out" 2>&1 &
    r=$!
    timeout -k 2 "$limit" /usr/bin/time -f "$fmt" -o "$OUT/send.t" env LD_LIBRARY_PATH="$lp" "${extra[@]}" \
        "$@" >"$OUT/send.out" 2>&1 || rc=1
    wait $r || rc=1
}

run_one() { # name dir[:VAR=value...] case round
    local name=$1 dir=${2%%:*} transport=${3%%:*} size=${3##*:} round=$4 ep lp="" rc=0
    local -a extra=()
    [ "$dir" = "$2" ] || IFS=: read -r -a extra <<<"${2#*:}"
    [ "$dir" = system ] || lp=$dir
    PORT=$((PORT + 1))
    case "$transport" in
        ipc | lat-ipc) ep="ipc://$OUT/$PORT.sock" ;;
        *) ep="tcp://127.0.0.1:$PORT" ;;
    esac
    local fmt='%U %S %w %c'
    if [ "${transport#lat-}" != "$transport" ]; then # REQ/REP: rate = round trip in µs
        run_pair 60 "$BIN/local_lat" "$ep" "$size" "$COUNT" -- "$BIN/remote_lat" "$ep" "$size" "$COUNT"
        local got=$COUNT rate
        rate=$(sed -n 's/.*average latency: *\([0-9.]*\).*/\1/p' "$OUT/send.out" | head -1)
        [ -n "$rate" ] && rate=$(awk -v u="$rate" 'BEGIN { print 2e6 * u }') || got=""
    elif [ "$transport" = reqrep ]; then # thr_peer rep/req: rate = round trip in µs
        run_pair 60 "$BIN/thr_peer" rep "$ep" REP "$size" "$COUNT" -- \
            "$BIN/thr_peer" req "$ep" REQ "$size" "$COUNT"
        local got rate
        got=$(sed -n 's/.*received= *\([0-9]*\).*/\1/p' "$OUT/send.out" | head -1)
        rate=$(sed -n 's/.*round_trip_us= *\([0-9.]*\).*/\1/p' "$OUT/send.out" | head -1)
        [ -n "$rate" ] && rate=$(awk -v u="$rate" 'BEGIN { print 1e6 * u }')
    elif [ "$transport" = inproc ]; then # one process, both sockets
        timeout -k 2 30 /usr/bin/time -f "$fmt" -o "$OUT/recv.t" env LD_LIBRARY_PATH="$lp" "${extra[@]}" \
            "$BIN/inproc_thr" "$size" "$COUNT" >"$OUT/recv.out" 2>&1 || rc=1
        echo "0 0 0 0" >"$OUT/send.t"
        local got rate
        got=$(sed -n 's/.*message count: *\([0-9]*\).*/\1/p' "$OUT/recv.out" | head -1)
        rate=$(sed -n 's/.*mean throughput: *\([0-9.]*\) \[msg.*/\1/p' "$OUT/recv.out" | head -1)
    elif [ "$transport" = dealer ] || [ "$transport" = push ]; then
        local rtype=ROUTER stype=DEALER
        [ "$transport" = push ] && rtype=PULL stype=PUSH
        run_pair 30 "$BIN/thr_peer" recv "$ep" "$rtype" "$size" "$COUNT" -- \
            "$BIN/thr_peer" send "$ep" "$stype" "$size" "$COUNT"
        local got rate
        got=$(sed -n 's/.*received= *\([0-9]*\).*/\1/p' "$OUT/recv.out" | head -1)
        rate=$(sed -n 's/.*msgs_per_sec= *\([0-9.]*\).*/\1/p' "$OUT/recv.out" | head -1)
    else
        run_pair 30 "$BIN/local_thr" "$ep" "$size" "$COUNT" -- "$BIN/remote_thr" "$ep" "$size" "$COUNT"
        local got rate
        got=$(sed -n 's/.*message count: *\([0-9]*\).*/\1/p' "$OUT/recv.out" | head -1)
        rate=$(sed -n 's/.*mean throughput: *\([0-9.]*\).*/\1/p' "$OUT/recv.out" | head -1)
    fi
    if [ "$rc" != 0 ] || [ "${got:-}" != "$COUNT" ]; then
        echo "FAILED $3 $name round $round (got ${got:-none}; logs $OUT/failed-$round-$name-*)" >&2
        for f in send.out recv.out send.t recv.t; do cp "$OUT/$f" "$OUT/failed-$round-$name-${3/:/-}-$f"; done
        return 0
    fi
    # case impl round rate send(U S vcs ics) recv(U S vcs ics)
    echo "$3 $name $round $rate $(tail -1 "$OUT/send.t") $(tail -1 "$OUT/recv.t")" >>"$RAW"
}

read -r -a libs <<<"$LIBS"
n=${#libs[@]}
if [ -n "${RAW_IN:-}" ]; then # summarise an earlier run again (REF: the library to divide by)
    RAW=$RAW_IN ROUNDS=0
fi
[ "$ROUNDS" = 0 ] || echo "ab: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), out $OUT" >&2
for ((round = 1; round <= ROUNDS; round++)); do
    for c in $CASES; do
        for ((i = 0; i < n; i++)); do
            spec=${libs[$(((i + round) % n))]}
            run_one "${spec%%=*}" "${spec#*=}" "$c" "$round"
        done
    done
done
[ "$ROUNDS" = 0 ] || echo "ab: done $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$RAW" "$COUNT" "${REF:-${libs[0]%%=*}}" <<'EOF'
import sys, statistics as st
raw, count, ref = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for line in open(raw):
    f = line.split()
    case, impl, rnd, rate = f[0], f[1], int(f[2]), float(f[3])
    su, ss, sv, sc, ru, rs, rv, rc = map(float, f[4:12])
    m = count / 1e6
    rows.setdefault(case, {}).setdefault(impl, {})[rnd] = dict(
        rate=rate / 1e6, scpu=(su + ss) / m, rcpu=(ru + rs) / m,
        cpu=(su + ss + ru + rs) / m, scs=(sv + sc) / (count / 1e3), rcs=(rv + rc) / (count / 1e3))
def med(xs):
    return "%.3g [%.3g..%.3g]" % (st.median(xs), min(xs), max(xs)) if xs else "-"
for case, impls in rows.items():
    print(f"\n### {case} ({count} messages; ratios per round to {ref})")
    print("| lib | M msg/s | CPU s/M send | recv | total | ctx sw/1k msgs send | recv | msg/s ratio | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for impl, rs in impls.items():
        vals = lambda k: [r[k] for r in rs.values()]
        base = impls.get(ref, {})
        rr = [rs[k]["rate"] / base[k]["rate"] for k in rs if k in base]
        cr = [rs[k]["cpu"] / base[k]["cpu"] for k in rs if k in base and base[k]["cpu"]]
        print(f"| {impl} ({len(rs)}) | {med(vals('rate'))} | {med(vals('scpu'))} | {med(vals('rcpu'))} | "
              f"{med(vals('cpu'))} | {med(vals('scs'))} | {med(vals('rcs'))} | {med(rr)} | {med(cr)} |")
EOF
