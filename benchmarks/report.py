"""One row of the benchmark report and the report itself, apart from ``run`` so that every
benchmark module can name ``Case`` without importing the runner that imports them."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[1]


@dataclass(slots=True)
class Case:
    """One row of the report: our figure, its floor (if any), the target as text."""

    name: str
    measure: str
    target: str
    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    # ok(ours_median, floor_median) → whether the target is met.
    ok: Callable[[float, float | None], bool] | None = None

    def row(self) -> str:
        def fmt(values: list[float]) -> str:
            if not values:
                return "–"
            med = statistics.median(values)
            scale, unit = (1000.0, "ms") if self.unit == "s" and med < 1 else (1.0, self.unit)
            spread = f" ({min(values) * scale:.3g}–{max(values) * scale:.3g})" if len(values) > 1 else ""
            return f"{med * scale:.3g} {unit}{spread}"

        ours = statistics.median(self.ours) if self.ours else float("nan")
        floor = statistics.median(self.floor) if self.floor else None
        ratio = f"{ours / floor:.2f}×" if floor else "–"
        met = "–" if self.ok is None else ("✅" if self.ok(ours, floor) else "❌")
        return f"| {self.name} | {self.measure} | {fmt(self.ours)} | {fmt(self.floor)} | {ratio} | {self.target} | {met} |"


def machine() -> str:
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:
        qt_version = "not installed"
    mem = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    return (
        f"{os.cpu_count()} cores, {mem} memory, {platform.platform()}; Python {platform.python_version()}, "
        f"PySide6 {qt_version}, SQLite {sqlite3.sqlite_version}"
    )


def report(cases: list[Case], command: str, seconds: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured with `{command}` on {time.strftime('%Y-%m-%d')} ({seconds:.0f} s in all).",
        "",
        f"Machine: {machine()}.",
        "",
        "Each figure is the median of the runs, with min–max in brackets; the floor is measured in the",
        "same run (see each case's note). Synthetic corpora are seeded (`benchmarks/corpus.py`):",
        "news-like sentences with quotes, emoji, CJK and Arabic names, spans of all three labels.",
        "",
        "| case | measure | ours | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [c.row() for c in cases]
    notes = [f"- **{c.name}**: {c.note}" for c in cases if c.note]
    if notes:
        lines += ["", "## Notes", "", *notes]
    history = Path(__file__).with_name("history.md")
    if history.exists():  # written by hand: what was missed, the profile, and the fix
        lines += ["", history.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def subprocess_seconds(code: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; returns wall time and its stdout."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return time.perf_counter() - began, done.stdout
