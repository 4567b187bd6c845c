#!/usr/bin/env bash
# Fails if a layer reaches up or sideways: zmtp must stay pure (no I/O, threads, clocks).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if cargo tree -p ferrozmq-zmtp -e normal --prefix none | grep -Eq '^(mio|crossbeam)'; then
    echo "layer violation: ferrozmq-zmtp depends on mio or crossbeam"; status=1
fi
# Only non-test code counts: each file is read up to its `#[cfg(test)]` module.
if find crates/zmtp/src -name '*.rs' -print0 \
    | xargs -0 awk '/^#\[cfg\(test\)\]/ { nextfile } /std::net|std::thread|Instant::now|SystemTime::now/ { print FILENAME ":" FNR ": " $0; found = 1 } END { exit !found }'; then
    echo "layer violation: ferrozmq-zmtp touches the network, threads or the clock"; status=1
fi
if [ -d crates/engine ] && cargo tree -p ferrozmq-engine -e normal --prefix none 2>/dev/null | grep -Eq '^ferrozmq v'; then
    echo "layer violation: engine depends on ferrozmq"; status=1
fi
# No crate's top-level modules may import each other in a cycle.
if ! python3 .ci/check-module-cycles.py; then
    echo "layer violation: a module cycle (see above)"; status=1
fi
exit $status
