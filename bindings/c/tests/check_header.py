#!/usr/bin/env python3
"""Compares our zmq.h with a reference libzmq zmq.h (Debian's).

1. Constants: every integer macro of the reference's stable API (ZMQ_*, and
   the error numbers it defines) must exist in ours with the same value. The
   C compiler computes the values, so aliases (ZMQ_XREQ) and expressions
   (ZMQ_HAUSNUMERO + 51) are compared by what they evaluate to.
2. Functions: every function the reference declares is declared again, with
   the reference's prototype, after including ours; C rejects a redeclaration
   whose types differ, so this proves the signatures are the same.

Usage: check_header.py OUR_ZMQ_H REFERENCE_ZMQ_H
"""
import os
import re
import subprocess
import sys
import tempfile

ERRNOS = ["EFSM", "ENOCOMPATPROTO", "ETERM", "EMTHREAD", "ENOTSUP", "EPROTONOSUPPORT",
          "ENOBUFS", "ENETDOWN", "EADDRINUSE", "EADDRNOTAVAIL", "ECONNREFUSED", "EINPROGRESS",
          "ENOTSOCK", "EMSGSIZE", "EAFNOSUPPORT", "ENETUNREACH", "ECONNABORTED", "ECONNRESET",
          "ENOTCONN", "ETIMEDOUT", "EHOSTUNREACH", "ENETRESET"]


def macro_names(header):
    """Object-like macros the header itself defines (not its includes)."""
    text = open(header).read()
    # Only the stable part: libzmq keeps its DRAFT API under this #ifdef.
    text = text.split("#ifdef ZMQ_BUILD_DRAFT_API")[0]
    names = re.findall(r"^\s*#\s*define\s+([A-Z_][A-Z0-9_]*)(?:\s|$)", text, re.M)
    wanted = [n for n in names if n.startswith("ZMQ_") or n in ERRNOS]
    skip = {"ZMQ_EXPORT", "ZMQ_DEFINED_STDINT", "ZMQ_HAVE_TIMERS", "ZMQ_ALIGNED"}
    return sorted(set(wanted) - skip)


def values(header, names, workdir, tag):
    """{name: value} for names that are integer constants in `header`."""
    src = os.path.join(workdir, f"dump_{tag}.c")
    exe = os.path.join(workdir, f"dump_{tag}")
    with open(src, "w") as f:
        f.write(f'#include "{os.path.abspath(header)}"\n#include <stdio.h>\nint main (void) {{\n')
        for n in names:
            f.write(f'#ifdef {n}\n  printf ("{n} %lld\\n", (long long) ({n}));\n#endif\n')
        f.write("  return 0;\n}\n")
    subprocess.run(["cc", "-w", "-o", exe, src], check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return dict(line.split() for line in out.splitlines())


def prototypes(header):
    """The reference's stable function declarations, preprocessed (without
    ZMQ_BUILD_DRAFT_API, so the DRAFT ones drop out)."""
    text = open(header).read()
    text = re.sub(r"^\s*#\s*include.*$", "", text, flags=re.M)
    out = subprocess.run(["cc", "-E", "-P", "-x", "c", "-"], input=text,
                         capture_output=True, text=True, check=True).stdout
    decls = []
    for stmt in out.split(";"):
        stmt = " ".join(stmt.split())
        stmt = stmt.split("}")[-1].strip()
        if re.search(r"\bzmq_\w+\s*\(", stmt) and not stmt.startswith("typedef"):
            decls.append(stmt + ";")
    return decls


def check_prototypes(ours, reference, workdir):
    decls = prototypes(reference)
    src = os.path.join(workdir, "protos.c")
    with open(src, "w") as f:
        f.write(f'#include <sys/uio.h>\n#include "{os.path.abspath(ours)}"\n')
        f.write("\n".join(decls) + "\n")
    r = subprocess.run(["cc", "-std=c11", "-Werror", "-c", "-o", os.devnull, src],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        return len(decls), 1
    return len(decls), 0


def main():
    ours, reference = sys.argv[1], sys.argv[2]
    names = macro_names(reference)
    with tempfile.TemporaryDirectory() as tmp:
        want = values(reference, names, tmp, "reference")
        have = values(ours, names, tmp, "ours")
        functions, proto_bad = check_prototypes(ours, reference, tmp)
    print(f"{functions} function prototypes: {'differ' if proto_bad else 'same'}")
    bad = proto_bad
    for name, value in sorted(want.items()):
        if name in ("ZMQ_VERSION", "ZMQ_VERSION_PATCH"):
            continue  # we implement 4.3.4; the reference may be another 4.3.x
        if have.get(name) != value:
            print(f"MISMATCH {name}: reference {value}, ours {have.get(name, 'missing')}")
            bad += 1
    print(f"{len(want) + 1 - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
