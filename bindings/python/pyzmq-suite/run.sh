#!/usr/bin/env bash
# pyzmq 27.3.0's own test suite (tests/ of its sdist on PyPI), run file by file
# on real pyzmq and on ferrozmq (`import zmq` resolving to ferrozmq through
# shim/sitecustomize.py), with a table of passed/failed/skipped/error counts.
#
#   bash bindings/python/pyzmq-suite/run.sh [test_socket.py ...]
#
# Environment: PYTHON=/path/to/python of a venv that has ferrozmq installed
# (e.g. `maturin develop --release`) - else a venv is made in
# target/pyzmq-suite/venv with the wheel built from this checkout;
# LIBS="pyzmq ferrozmq" (default both); TIMEOUT=seconds per file (300).
# Logs: target/pyzmq-suite/logs/<lib>/<file>.log; table: target/pyzmq-suite/table.md
set -uo pipefail
cd "$(dirname "$0")/../../.."
root="$PWD"
work="$root/target/pyzmq-suite"
version=27.3.0
libs="${LIBS:-pyzmq ferrozmq}"
# LIBS is also autoconf's linker input: left set, libsodium's configure (in
# the extension's build) would try to link a library called "ferrozmq".
unset LIBS
timeout_s="${TIMEOUT:-300}"
mkdir -p "$work"

if [ -z "${PYTHON:-}" ]; then
    PYTHON="$work/venv/bin/python"
    if [ ! -x "$PYTHON" ]; then
        python3 -m venv "$work/venv"
        "$PYTHON" -m pip install -q --upgrade pip
    fi
    "$PYTHON" -m pip install -q maturin
    "$PYTHON" -m pip install -q "pyzmq==$version" pytest pytest-asyncio pytest-rerunfailures tornado gevent
    (cd bindings/python && VIRTUAL_ENV="$work/venv" "$work/venv/bin/maturin" develop --release -q)
fi

src="$work/pyzmq-$version"
if [ ! -d "$src/tests" ]; then
    # The sdist itself (only pyzmq from source; its build tools as wheels).
    (cd "$work" && "$PYTHON" -m pip download -q --no-deps --no-binary pyzmq "pyzmq==$version" &&
        tar xzf "pyzmq-$version.tar.gz")
fi

# Run from a copy of tests/ outside the sdist, so `import zmq` never finds the
# sdist's own (unbuilt) zmq package; pytest.ini comes along.
run_dir="$work/run"
rm -rf "$run_dir" && mkdir -p "$run_dir" && cp -r "$src/tests" "$src/pytest.ini" "$run_dir/"

if [ $# -gt 0 ]; then files="$*"; else files="$(cd "$run_dir/tests" && ls test_*.py)"; fi

# "3 failed, 10 passed, 2 skipped in 4.2s" -> "10 3 2 0"
counts() {
    local line="$1" p f s e
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || true)
    e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || true)
    echo "${p:-0} ${f:-0} ${s:-0} ${e:-0}"
}

declare -A result
for lib in $libs; do
    mkdir -p "$work/logs/$lib"
    if [ "$lib" = ferrozmq ]; then pp="$root/bindings/python/pyzmq-suite/shim"; else pp=""; fi
    for f in $files; do
        log="$work/logs/$lib/${f%.py}.log"
        (cd "$run_dir" && PYTHONPATH="$pp" timeout -k 10 "$timeout_s" \
            "$PYTHON" -m pytest -p no:cacheprovider -q "tests/$f" >"$log" 2>&1)
        rc=$?
        line="$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|errors?|deselected)' "$log" | tail -1)"
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            line="timeout after ${timeout_s}s"
        elif [ -z "$line" ]; then
            line="$(grep -m1 -E 'Error|error' "$log" || echo "rc $rc")"
        fi
        result[$lib/$f]="$(counts "$line")"
        mkdir -p "$work/counts/$lib" && echo "${result[$lib/$f]}" >"$work/counts/$lib/$f"
        printf '%-9s %-26s %s\n' "$lib" "$f" "$line"
    done
done

{
    echo "| file | pyzmq pass/fail/skip/error | ferrozmq pass/fail/skip/error |"
    echo "| --- | --- | --- |"
    for f in $files; do
        row="| $f"
        for lib in pyzmq ferrozmq; do
            r="${result[$lib/$f]:-$(cat "$work/counts/$lib/$f" 2>/dev/null)}"
            row="$row | ${r:+${r// //}}"
        done
        echo "$row |"
    done
} >"$work/table.md"
echo
cat "$work/table.md"
