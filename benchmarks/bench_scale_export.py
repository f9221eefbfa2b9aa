"""The native export at scale alone: ``python -m benchmarks.bench_scale --export-only --docs N``.

Issue 19's row "native export streaming ≤ 2× raw dump". The project and the floor database are
imported once into ``--work`` (kept there: a second run with the same folder and ``--docs``
measures the export alone, minutes instead of the hour of a full run), then the export and its
floor alternate ``--runs`` times in this process. Printed: wall time and CPU time of each (CPU
time says more on a shared machine, where wall time waits for the other jobs; ours counts the
forked process that writes the second half too, ``annotator.export_halves``), their ratios,
and whether the two files hold the same documents. Nothing is written to BENCHMARKS.md.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_scale_data import floor_export, floor_import


def _ready(
    folder: Path, docs: int, corpus: Callable[..., Any], ours_import: Callable[..., Any]
) -> tuple[str, int, Path]:
    """Our project database and the floor one for ``docs`` documents, imported unless kept."""
    folder.mkdir(parents=True, exist_ok=True)
    ours, floor = folder / f"export-ours-{docs}.db", folder / f"export-floor-{docs}.db"
    url = f"sqlite:///{ours}"
    if not (ours.exists() and floor.exists()):
        for path in (ours, floor):
            path.unlink(missing_ok=True)
        paths, _ = corpus(folder, docs)
        print(f"importing {docs:,} documents (kept in {folder} for the next run)…", flush=True)
        floor_import(paths, floor)
        ours_import(url, paths, "scale")
    con = sqlite3.connect(ours)
    try:
        project_id = con.execute("SELECT id FROM project WHERE name = 'scale'").fetchone()[0]
    finally:
        con.close()
    return url, int(project_id), floor


def _cpu() -> float:
    """CPU time of this process and of its children that ended (the export's forked half)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def export_only(folder: Path, docs: int, runs: int, steps: dict[str, Callable[..., Any]]) -> int:
    """Time the native export against its floor; print one line per run and the medians.
    ``steps``: bench_scale's ``corpus`` and ``ours_import`` (passed in: this
    module is imported by bench_scale, never the other way)."""
    from annotator.export import export
    from annotator.store import open_store

    url, project_id, floor_db = _ready(folder, docs, steps["corpus"], steps["ours_import"])
    wall: dict[str, list[float]] = {"ours": [], "floor": []}
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}
    own: list[float] = []  # ours: this process's CPU alone (the longer path when it forks a half)
    for run in range(runs):
        began, used = time.perf_counter(), _cpu()
        floor_export(floor_db, folder / "floor.jsonl")
        wall["floor"].append(time.perf_counter() - began)
        cpu["floor"].append(_cpu() - used)
        store = open_store(url)  # (as bench_scale's export case: opening is not timed)
        with store.session() as session:
            began, used, alone = time.perf_counter(), _cpu(), time.process_time()
            export(session, project_id, "jsonl", folder / "ours.jsonl")
            wall["ours"].append(time.perf_counter() - began)
            cpu["ours"].append(_cpu() - used)
            own.append(time.process_time() - alone)
        store.close()
        print(
            f"run {run + 1}: ours {wall['ours'][-1]:.2f} s wall, {cpu['ours'][-1]:.2f} s CPU "
            f"({own[-1]:.2f} s in this process); "
            f"floor {wall['floor'][-1]:.2f} s wall, {cpu['floor'][-1]:.2f} s CPU; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ours_lines = sum(1 for _ in (folder / "ours.jsonl").open(encoding="utf-8"))
    floor_lines = sum(1 for _ in (folder / "floor.jsonl").open(encoding="utf-8"))
    medians = {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in wall}
    print(
        f"native JSONL export of {docs:,} documents, median of {runs}: "
        f"ours {medians['ours'][0]:.2f} s wall / {medians['ours'][1]:.2f} s CPU, "
        f"floor {medians['floor'][0]:.2f} s wall / {medians['floor'][1]:.2f} s CPU: "
        f"{medians['ours'][0] / medians['floor'][0]:.2f}× wall, {medians['ours'][1] / medians['floor'][1]:.2f}× CPU "
        f"(target ≤ 2× raw dump); this process's own CPU {statistics.median(own):.2f} s "
        f"({statistics.median(own) / medians['floor'][1]:.2f}× the floor's); {ours_lines:,} and {floor_lines:,} lines",
        flush=True,
    )
    return 0 if ours_lines == floor_lines == docs else 1
