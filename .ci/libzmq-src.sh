#!/usr/bin/env bash
# Fetches Debian's zeromq3 4.3.4 source (upstream tag v4.3.4) into $1/src,
# once. Used by libzmq-suite.sh (the tests) and benches/two-process/run.sh
# (perf/ tools).
#
#   bash .ci/libzmq-src.sh target/libzmq-suite    # -> target/libzmq-suite/src
set -euo pipefail
suite_dir="${1:?usage: libzmq-src.sh <dir>}"
# A source fetched before .fetched markers existed is kept.
[ -f "$suite_dir/src/tests/CMakeLists.txt" ] && exit 0
exec bash "$(dirname "$0")/debian-src.sh" "$suite_dir" zeromq3=4.3.4-6 zeromq3-4.3.4
