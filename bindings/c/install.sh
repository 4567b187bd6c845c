#!/usr/bin/env bash
# Builds ferrozmq-ffi in release mode and installs it as libzmq under PREFIX:
#   PREFIX/lib/libzmq.so.5 (+ libzmq.so -> libzmq.so.5), PREFIX/lib/libzmq.a,
#   PREFIX/include/zmq.h, PREFIX/lib/pkgconfig/libzmq.pc
# Usage: bindings/c/install.sh PREFIX
# Then:  cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs libzmq)
#        LD_LIBRARY_PATH=PREFIX/lib ./existing-libzmq-program
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

cargo build --release -p ferrozmq-ffi
target="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
release="$target/release"

# The libzmq API version we implement, from the header.
version="$(awk '/#define ZMQ_VERSION_(MAJOR|MINOR|PATCH) / { v = v (v ? "." : "") $3 } END { print v }' include/zmq.h)"
# What a static link needs besides libzmq.a (Rust's std on this platform).
static_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$release/libzmq.so" "$prefix/lib/libzmq.so.5"
ln -sf libzmq.so.5 "$prefix/lib/libzmq.so"
install -m 0644 "$release/libzmq.a" "$prefix/lib/libzmq.a"
install -m 0644 include/zmq.h "$prefix/include/zmq.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@STATIC_LIBS@|$static_libs|" \
    libzmq.pc.in >"$prefix/lib/pkgconfig/libzmq.pc"
echo "installed ferrozmq as libzmq $version in $prefix"
