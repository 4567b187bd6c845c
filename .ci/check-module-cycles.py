#!/usr/bin/env python3
"""Fails if the top-level modules of a crate import each other in a cycle.

For every crate given (default: every `src/` of a workspace member), each
top-level module (`src/foo.rs` or `src/foo/**`) gets an edge to every other
top-level module its non-test code names as `crate::bar` (in `use` items or
in paths). A strongly connected component of more than one module is a
cycle: the script prints it with the files that close it and exits 1.

Test modules (from a line `#[cfg(test)]` to the end of the file) are
ignored: a test may reach anywhere. Submodules using their parent
(`super::`) are nesting, not a cycle, and are not counted.
"""

import os
import re
import sys

# Cycles tolerated for now, as (crate source dir, (module, ...)) pairs: they
# are reported but do not fail. Any other cycle fails, and so does an entry
# here that no longer exists. Empty: every crate is free of module cycles.
KNOWN: set = set()

# `crate::name` and the names in `crate::{a, b::c}`.
CRATE_PATH = re.compile(r"\bcrate::(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def top_module(src, path):
    """The top-level module a file belongs to (None for lib.rs/main.rs)."""
    rel = os.path.relpath(path, src)
    first = rel.split(os.sep)[0]
    if first in ("lib.rs", "main.rs"):
        return None
    return first[:-3] if first.endswith(".rs") else first


def non_test_code(path):
    with open(path, encoding="utf-8") as f:
        lines = []
        for line in f:
            if line.startswith("#[cfg(test)]"):
                break
            # Comments (and so doc examples) are not imports.
            lines.append(line.split("//", 1)[0])
        return "".join(lines)


def referenced(code):
    names = set()
    for m in CRATE_PATH.finditer(code):
        group = m.group(1)
        if group.startswith("{"):
            for part in group[1:-1].split(","):
                head = part.strip().split("::")[0].strip()
                if head:
                    names.add(head)
        else:
            names.add(group)
    return names


def graph(src):
    modules = set()
    for entry in os.listdir(src):
        if entry in ("lib.rs", "main.rs"):
            continue
        if entry.endswith(".rs"):
            modules.add(entry[:-3])
        elif os.path.isdir(os.path.join(src, entry)):
            modules.add(entry)
    edges = {m: {} for m in modules}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            here = top_module(src, path)
            if here is None or here not in edges:
                continue
            for target in referenced(non_test_code(path)):
                if target in modules and target != here:
                    edges[here].setdefault(target, path)
    return edges


def cycles(edges):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main(args):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    crates = args or [
        os.path.join(d, "src")
        for d in ("crates/zmtp", "crates/engine", "crates/ferrozmq", "bindings/c",
                  "bindings/python", "interop-tests", "benches")
    ]
    status = 0
    seen = set()
    for src in crates:
        src = os.path.join(root, src)
        if not os.path.isdir(src):
            continue
        rel = os.path.relpath(src, root)
        edges = graph(src)
        for component in cycles(edges):
            if (rel, tuple(component)) in KNOWN:
                seen.add((rel, tuple(component)))
                print(f"known module cycle in {rel}: {' <-> '.join(component)}")
                continue
            status = 1
            print(f"module cycle in {rel}: {' <-> '.join(component)}")
            for a in component:
                for b, path in sorted(edges[a].items()):
                    if b in component:
                        print(f"  {a} -> {b} ({os.path.relpath(path, root)})")
    if not args:
        for rel, component in sorted(KNOWN - seen):
            status = 1
            print(f"{rel}: the cycle {' <-> '.join(component)} is gone: remove it from KNOWN")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
