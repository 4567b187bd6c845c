#!/usr/bin/env python3
"""The markdown report of a benches/two-process/run.sh results directory.

    python3 benches/two-process/report.py target/two-process/<run>

raw.txt has one line per run: case|impl|round|metric|cpu_s|messages|better|unit
(better is "higher" or "lower"). For every case: the median of each
implementation, the median of the per-round ratios ferrozmq / libzmq with
[min..max], and the CPU seconds (user + sys, every process) per million
messages, with their ratio.
"""

import statistics
import sys
from collections import defaultdict
from pathlib import Path


def fmt(value: float) -> str:
    """A figure with a unit suffix and 3 significant digits."""
    for factor, suffix in ((1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def ratio_cell(ratios: list[float]) -> str:
    if not ratios:
        return "–"
    return f"{statistics.median(ratios):.2f} [{min(ratios):.2f}..{max(ratios):.2f}]"


def main(out: Path) -> None:
    runs: dict[str, dict[str, dict[int, tuple[float, float, int]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    meta: dict[str, tuple[str, str]] = {}
    order: list[str] = []
    for line in (out / "raw.txt").read_text().splitlines():
        case, impl, rnd, metric, cpu, msgs, better, unit = line.split("|")
        if case not in meta:
            order.append(case)
            meta[case] = (better, unit)
        runs[case][impl][int(rnd)] = (float(metric), float(cpu), int(msgs))

    print((out / "header.txt").read_text().rstrip())
    print()
    print(
        "ratio = ferrozmq / libzmq per round: > 1 is better for msg/s and "
        "deliveries/s, < 1 is better for µs and KiB. CPU = user + sys of every "
        "process of the run per million messages (a round trip is 2 messages)."
    )
    print()
    print(
        "| case | unit | libzmq | ferrozmq | ratio, median [min..max] | "
        "CPU s/M msgs libzmq | ferrozmq | CPU ratio |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for case in order:
        better, unit = meta[case]
        lib, ours = runs[case].get("libzmq", {}), runs[case].get("ferrozmq", {})
        both = sorted(set(lib) & set(ours))
        ratios = [ours[r][0] / lib[r][0] for r in both if lib[r][0] > 0]
        cpu_ratios = [ours[r][1] / lib[r][1] for r in both if lib[r][1] > 0]

        def med(side: dict[int, tuple[float, float, int]], i: int) -> float | None:
            values = [v[i] for v in side.values()]
            return statistics.median(values) if values else None

        def cpu_per_m(side: dict[int, tuple[float, float, int]]) -> str:
            values = [v[1] / v[2] * 1e6 for v in side.values() if v[2] > 0]
            return f"{statistics.median(values):.2f}" if values else "–"

        cells = [fmt(m) if (m := med(side, 0)) is not None else "failed" for side in (lib, ours)]
        print(
            f"| {case} | {unit} | {cells[0]} | {cells[1]} | {ratio_cell(ratios)} | "
            f"{cpu_per_m(lib)} | {cpu_per_m(ours)} | "
            f"{ratio_cell(cpu_ratios) if any(v[2] for v in lib.values()) else '–'} |"
        )
    failures = (out / "failures.txt").read_text().strip()
    print()
    print("Failures: none (every run received every message)." if not failures else "Failures:")
    for line in failures.splitlines():
        print(f"- {line}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
