#!/usr/bin/env bash
# The Python module (bindings/python, issue 9): builds the abi3 wheel with
# maturin, installs it into a fresh venv beside maturin, pytest and real
# pyzmq (the interop peer), and runs bindings/python/tests there.
# A few minutes, most of it the release build of the extension.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { echo "-- python: $*"; }

step "fresh venv"
if ! python3 -m venv "$work/venv" >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null ||
        { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null; }
    python3 -m venv "$work/venv"
fi
py="$work/venv/bin/python"
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q maturin pytest pyzmq tornado gevent jupyter_client ipykernel

step "wheel (maturin build --release)"
"$work/venv/bin/maturin" build --release -q -m bindings/python/Cargo.toml -o "$work/wheels"
ls "$work/wheels"
wheel="$(ls "$work/wheels"/ferrozmq-*-abi3-*.whl)"
"$py" -m pip install -q "$wheel"

step "pytest on the installed wheel"
# From outside the source tree, so `import ferrozmq` is the installed wheel.
cd "$work"
"$py" -c 'import ferrozmq, zmq; print("ferrozmq", ferrozmq.__version__, "from", ferrozmq.__file__); print("pyzmq", zmq.__version__)'
# pytest exits 5 when it ran no test: that is a failure too (set -e).
"$py" -m pytest -p no:cacheprovider -q "$root/bindings/python/tests"
