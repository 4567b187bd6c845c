#!/usr/bin/env bash
# Prints the directory holding the libzmq.so.5 a reference suite runs on:
#   ferrozmq  builds bindings/c (release) and links libzmq.so.5 to it
#   system    Debian's libzmq
# Used by steps/libzmq-suite.sh and steps/czmq-selftest.sh.
#
#   libdir="$(bash .ci/lib-under-test.sh ferrozmq)"
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    ferrozmq)
        cargo build --release -q -p ferrozmq-ffi >&2
        libdir="$(cargo metadata --format-version 1 --no-deps |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release"
        ln -sf libzmq.so "$libdir/libzmq.so.5"
        echo "$libdir"
        ;;
    system) dirname "$(gcc -print-file-name=libzmq.so.5)" ;;
    *) echo "lib-under-test: the library is ferrozmq or system" >&2; exit 2 ;;
esac
