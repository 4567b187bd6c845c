#!/usr/bin/env bash
# The published crates declare a rust-version (MSRV). This machine has one
# toolchain only, so the MSRV cannot be built here; what can be checked is
# (1) that no normal or build dependency of a published crate (outside the
# loom models, under cfg(loom)) needs a newer
# Rust than the one we declare (this script), and (2) that our own code uses
# no std API newer than it (clippy's incompatible_msrv lint, on by default,
# which reads the same rust-version).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys

def version(v):
    return (tuple(int(x) for x in (v or "0").split(".")) + (0,) * 3)[:3]

meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
published = [p for p in packages.values()
             if p["id"] in meta["workspace_members"] and p.get("publish") != []]
failures = 0
for root in published:
    msrv = version(root["rust_version"])
    seen, stack = set(), [root["id"]]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            # Dev-dependencies, and loom (only under --cfg loom, for the
            # concurrency models of the engine), never reach a user build.
            used = [k for k in dep["dep_kinds"]
                    if k["kind"] != "dev" and k.get("target") != "cfg(loom)"]
            if not used:
                continue
            stack.append(dep["pkg"])
    newer = [packages[pid] for pid in sorted(seen - {root["id"]})
             if version(packages[pid]["rust_version"]) > msrv]
    for dep in newer:
        print("%s (rust-version %s) needs %s %s, which needs Rust %s"
              % (root["name"], root["rust_version"], dep["name"], dep["version"], dep["rust_version"]))
    if not newer:
        print("%s: %d dependencies, none needs a Rust newer than %s"
              % (root["name"], len(seen) - 1, root["rust_version"]))
    failures += len(newer)
sys.exit(1 if failures else 0)
'
