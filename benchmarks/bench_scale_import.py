"""The import at scale alone: ``python -m benchmarks.bench_scale --import-only --docs N --work DIR``.

Issue 19's row "import ≤ 2× raw executemany", measured without the hour of the other cases. The
floor and ours each import the corpus once into ``DIR`` under the names the ``--export-only`` run
looks for (``export-floor-N.db``, ``export-ours-N.db``), so that run then measures the export of
the same databases without importing them again. Printed: wall and CPU time of each (CPU time
says more on a shared machine, where wall time waits for the other jobs), their ratios, the load
average, and ours file by file: if the import grows faster than the documents, the late files
show it (index and full-text maintenance on a bigger database) while the early ones do not.
Nothing is written to BENCHMARKS.md.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_scale_data import cpu_seconds, floor_import


def _line(what: str, wall: float, cpu: float) -> str:
    return f"{what}: {wall:.1f} s wall, {cpu:.1f} s CPU; load average {os.getloadavg()[0]:.1f}"


def import_only(folder: Path, docs: int, steps: dict[str, Callable[..., Any]]) -> int:
    """Time the floor's import and ours of ``docs`` documents, one run each, keeping both databases.
    ``steps``: bench_scale's ``corpus`` and ``ours_import`` (passed in: this module is imported by
    bench_scale, never the other way)."""
    folder.mkdir(parents=True, exist_ok=True)
    ours_db, floor_db = folder / f"export-ours-{docs}.db", folder / f"export-floor-{docs}.db"
    for db in (ours_db, floor_db):
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
    paths, written = steps["corpus"](folder, docs)
    print(f"corpus: {len(paths)} files of {docs:,} documents ({written:.0f} s to write)", flush=True)
    began, used = time.perf_counter(), cpu_seconds()
    floor_import(paths, floor_db)
    floor = time.perf_counter() - began, cpu_seconds() - used
    print(_line(f"floor import of {docs:,} documents", *floor), flush=True)
    cpu: list[float] = []
    wall, _ = steps["ours_import"](f"sqlite:///{ours_db}", paths, "scale", cpu, by_file=True)
    ours = wall, cpu[0]
    print(_line(f"ours import of {docs:,} documents", *ours), flush=True)
    con = sqlite3.connect(ours_db)
    try:
        held = con.execute("SELECT count(*) FROM document").fetchone()[0]
    finally:
        con.close()
    print(
        f"import of {docs:,} documents × 20 spans: ours {ours[0]:.1f} s wall / {ours[1]:.1f} s CPU, floor "
        f"{floor[0]:.1f} s wall / {floor[1]:.1f} s CPU: {ours[0] / floor[0]:.2f}× wall, "
        f"{ours[1] / floor[1]:.2f}× CPU (target ≤ 2× raw executemany); {held:,} documents held; "
        f"database sizes ours {ours_db.stat().st_size / 2**30:.2f} GiB, floor {floor_db.stat().st_size / 2**30:.2f} GiB",
        flush=True,
    )
    return 0 if held == docs else 1
