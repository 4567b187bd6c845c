#!/usr/bin/env bash
# Dependency policy with cargo-deny (deny.toml): licenses, one version of
# each crate, crates.io only. Installs cargo-deny from crates.io (~5 min of
# compiling on a fresh machine) unless it is already on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v cargo-deny >/dev/null; then
    cargo install --locked --quiet cargo-deny@0.20.2 --root target/tools
    export PATH="$PWD/target/tools/bin:$PATH"
fi
cargo deny --offline check licenses bans sources
