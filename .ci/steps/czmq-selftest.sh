#!/usr/bin/env bash
# CZMQ's own selftest (Debian's czmq 4.2.1 source) run on ferrozmq's
# libzmq.so.5: a second reference yardstick beside libzmq's suite. CZMQ is
# the high-level C binding most C programs for ZeroMQ are written with; its
# selftest drives zsock (every option), zactor (PAIR over inproc), zpoller
# (sockets and plain descriptors in one zmq_poll), zloop, zproxy, zmonitor,
# zauth (NULL, PLAIN and CURVE through ZAP), zgossip and zbeacon.
#
# czmq_selftest is built as Debian builds it (no draft API) against
# Debian's zmq.h and -lzmq, then each of its classes runs on its own under
# a time limit with LD_LIBRARY_PATH on the library under test. Every class
# must pass; one that fails is run once more (zgossip's test sleeps 200 ms
# and expects the gossip to have spread by then: it fails now and then on a
# loaded machine on Debian's libzmq too) and the retry is reported.
#
# Environment:
#   SELFTEST_LIB=ferrozmq (default)  build bindings/c and test it
#   SELFTEST_LIB=system              test Debian's libzmq.so.5 (proves the harness)
#   SELFTEST_ONLY="zsock zpoller"    run only these classes
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
dir="$root/target/czmq-selftest"
lib="${SELFTEST_LIB:-ferrozmq}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

need() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}
need dpkg-dev gcc make libzmq3-dev

# 1. The source, and the selftest program (built once, about a minute).
bash "$root/.ci/debian-src.sh" "$dir" czmq=4.2.1-1 czmq-4.2.1
src="$dir/src"
if [ ! -x "$src/src/czmq_selftest" ]; then
    echo "-- czmq-selftest: building czmq_selftest"
    (cd "$src" && ./configure -q --enable-drafts=no --with-docs=no --with-uuid=no \
        --with-libsystemd=no --with-liblz4=no --with-libcurl=no --with-nss=no \
        --with-libmicrohttpd=no >"$dir/configure.log" 2>&1 &&
        make -j2 -s src/czmq_selftest >"$dir/make.log" 2>&1) ||
        { tail -n 30 "$dir/configure.log" "$dir/make.log" >&2; exit 1; }
fi

# 2. The library under test.
# (set -e: a failed build, or a name other than ferrozmq or system, ends the step)
libdir="$(bash "$root/.ci/lib-under-test.sh" "$lib")"

# 3. Each class on its own (the selftest's files are made under its source tree).
classes="${SELFTEST_ONLY:-$("$src/src/czmq_selftest" --list | awk 'NR > 1 { print $1 }')}"
logs="$dir/logs-$lib"
rm -rf "$logs"
mkdir -p "$logs"
run() {
    (cd "$src" && LD_LIBRARY_PATH="$libdir" timeout 120 src/czmq_selftest -t "$1") \
        >"$logs/$1.log" 2>&1
}
passed=0 retried=() failed=()
for class in $classes; do
    start=$(date +%s)
    if run "$class"; then
        passed=$((passed + 1))
    else
        cp "$logs/$class.log" "$logs/$class.first.log"
        if run "$class"; then
            passed=$((passed + 1))
            retried+=("$class")
        else
            failed+=("$class")
        fi
    fi
    echo "-- czmq-selftest: $class $(($(date +%s) - start)) s"
done
for class in "${retried[@]}"; do
    echo "-- czmq-selftest: $class passed on its retry; first run:"
    tail -n 5 "$logs/$class.first.log"
done
for class in "${failed[@]}"; do
    echo "-- czmq-selftest: $class FAILED:"
    tail -n 20 "$logs/$class.log"
done
echo "czmq-selftest on $lib: ${passed} passed, ${#failed[@]} failed, ${#retried[@]} passed on retry"
[ ${#failed[@]} -eq 0 ]
