#!/usr/bin/env bash
# Installs the real peers the tests talk to: libzmq (C), CZMQ, pyzmq, mono, JeroMQ
# (with a JDK to compile the interop-tests Java peer),
# valgrind, which checks the C ABI (.ci/steps/c-abi.sh); and curl, an HTTP client for STREAM.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need_apt=0
for pkg in libzmq3-dev libczmq-dev mono-mcs mono-runtime libjeromq-java pkg-config valgrind curl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt=1
done
command -v javac >/dev/null 2>&1 || need_apt=1
if [ "$need_apt" = 1 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        libzmq3-dev libczmq-dev mono-mcs mono-runtime libjeromq-java default-jdk-headless \
        pkg-config valgrind curl >/dev/null
fi
python3 -c 'import zmq' 2>/dev/null || python3 -m pip install -q pyzmq
