#!/usr/bin/env bash
# pyzmq built from its source against ferrozmq's libzmq.so.5, then pyzmq
# 27.3.0's own test suite run on it: pyzmq's Cython backend is a binding
# made for libzmq's C API, so this is that API judged by a large real user
# (separate from .ci/steps/python.sh, which tests ferrozmq's own Python
# module, and from bindings/python/pyzmq-suite, which runs these same tests
# on that module). gevent is installed so that the suite's zmq.green
# classes (TestSocketGreen and the like: pyzmq's gevent sockets waiting on
# ZMQ_FD/ZMQ_EVENTS) run too instead of skipping, and numpy so that
# test_message.py's buffer test (a Frame's memory seen by numpy) runs.
# pytest-rerunfailures is in pyzmq's own test requirements: it reruns the 3
# tests pyzmq marks flaky, among them test_retry_eintr's test_retry_poll,
# which fails on pyzmq's own wheel too (its zmq_poll keeps the time as a C
# int of whole seconds, so a poll interrupted across a second boundary is
# retried with timeout 0).
#
# One test is deselected, with its reason measured: test_log.py's
# test_blank_root_topic subscribes over tcp and publishes a few hundred
# microseconds later without waiting for the subscription to arrive; it
# hangs until its 60 s alarm now and then on pyzmq's own wheel too (6 of 10
# runs passed there, 3 of 10 on ferrozmq, on this 2-core machine), and a
# hung run leaves its log handler behind, failing the rest of the file.
#
# Environment: PYZMQ_LIB=system builds against Debian's libzmq instead
# (proves the harness).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/target/pyzmq-c-abi"
version=27.3.0
lib="${PYZMQ_LIB:-ferrozmq}"
mkdir -p "$work"

case "$lib" in
    ferrozmq)
        prefix="$work/prefix"
        bash bindings/c/install.sh "$prefix" >/dev/null 2>&1 ||
            bash bindings/c/install.sh "$prefix"
        ;;
    system) prefix=/usr ;;
    *) echo "PYZMQ_LIB is ferrozmq or system" >&2; exit 2 ;;
esac

venv="$work/venv-$lib"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
# --no-binary: pyzmq from its sdist, built against the prefix's zmq.h and
# libzmq.so (pyzmq's build reads ZMQ_PREFIX); no wheel cache, so a wheel
# built against another library is never reused.
echo "-- pyzmq-c-abi: building pyzmq $version against $prefix"
ZMQ_PREFIX="$prefix" PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
    "$venv/bin/pip" install -q --no-cache-dir --no-binary pyzmq "pyzmq==$version" \
    pytest pytest-asyncio pytest-rerunfailures tornado gevent numpy >"$work/build-$lib.log" 2>&1 ||
    { tail -n 40 "$work/build-$lib.log" >&2; exit 1; }
ext="$("$venv/bin/python" -c 'import zmq.backend.cython._zmq as m; print(m.__file__)')"
linked="$(ldd "$ext" | awk '/libzmq\.so/ { print $3 }')"
echo "-- pyzmq-c-abi: pyzmq's extension uses $linked"
if [ "$lib" = ferrozmq ] && [ "$(readlink -f "$linked")" != "$(readlink -f "$prefix/lib/libzmq.so.5")" ]; then
    echo "pyzmq-c-abi: pyzmq is not linked with ferrozmq's library" >&2
    exit 1
fi

# pyzmq's tests/ and pytest.ini from the sdist, run outside it so that
# `import zmq` is the installed build.
src="$work/pyzmq-$version"
if [ ! -d "$src/tests" ]; then
    (cd "$work" && "$venv/bin/pip" download -q --no-deps --no-binary pyzmq "pyzmq==$version" &&
        tar xzf "pyzmq-$version.tar.gz")
fi
run="$work/run"
rm -rf "$run" && mkdir -p "$run" && cp -r "$src/tests" "$src/pytest.ini" "$run/"
echo "-- pyzmq-c-abi: pyzmq's test suite on $lib"
(cd "$run" && timeout -k 10 1200 "$venv/bin/python" -m pytest -p no:cacheprovider -q \
    --deselect tests/test_log.py::TestPubLog::test_blank_root_topic tests) |
    tail -n 15
