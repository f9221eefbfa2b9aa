"""Peer formats beside our own (issue 19): importing a Label Studio export against importing the
same data as native JSONL, and exporting IOB, HF JSONL, Label Studio and Prodigy against the
native JSONL export of the same project, each pair measured in the same run.

Imports run in fresh processes (their peak RSS is a target too); the time is taken inside the
process around ``import_paths``, so interpreter start-up is not counted. Exports run in this
process on one imported project, each right after a native export of it.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_core import _project, _within, write_corpus
from benchmarks.report import Case, subprocess_seconds

FORMATS = ("iob", "hf-jsonl", "labelstudio", "prodigy")
RSS_LIMIT_MB = 150.0

_CHILD = """
import json, resource, sys, time
from annotator.importing import import_paths
from benchmarks.bench_core import _project
store, project = _project({url!r})
began = time.perf_counter()
import_paths(store, project, [{source!r}])
seconds = time.perf_counter() - began
store.close()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would report this benchmark's own.
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "rss": rss}}))
"""


def import_in_child(source: Path, db: Path) -> dict[str, float]:
    """Import ``source`` into a new project in a fresh process: its time and peak RSS (MB)."""
    _wall, out = subprocess_seconds(_CHILD.format(url=f"sqlite:///{db}", source=str(source)))
    return dict(json.loads(out.strip().splitlines()[-1]))


def prepare(tmp: Path, docs: int, spans: int = 20) -> tuple[Path, Path, Any, int]:
    """The native corpus, the same data as a Label Studio export, and a project holding it."""
    from annotator.export import export
    from annotator.importing import import_paths

    native = write_corpus(tmp / "corpus.jsonl", docs, spans)
    store, project = _project(f"sqlite:///{tmp / 'project.db'}")
    import_paths(store, project, [native])
    tasks = tmp / "tasks.json"
    with store.session() as session:
        export(session, project, "labelstudio", tasks)
    return native, tasks, store, project


def measure_exports(store: Any, project: int, tmp: Path) -> dict[str, float]:
    """One native export, then each format's, of the same project (seconds)."""
    from annotator.export import export

    results: dict[str, float] = {}
    with store.session() as session:
        for fmt in ("jsonl", *FORMATS):
            began = time.perf_counter()
            export(session, project, fmt, tmp / f"out-{fmt}")
            results[fmt] = time.perf_counter() - began
    return results


def cases(docs: int, runs: int) -> list[Case]:
    size = f"{docs:,} documents × 20 spans"
    ls_time = Case(
        f"import a Label Studio JSON export of {size}",
        "wall time",
        "≤ 2× our native JSONL import",
        ok=_within(2.0),
        note="`import_paths` on the Label Studio export (`annotator export --format labelstudio` of the "
        "project) in a fresh process, timed around the import; floor: the same documents, spans and "
        "relations as native JSONL, imported the same way in the same run.",
    )
    ls_rss = Case(
        f"import a Label Studio JSON export of {size}",
        "peak RSS",
        f"≤ {RSS_LIMIT_MB:.0f} MB",
        unit="MB",
        ok=lambda ours, _floor: ours <= RSS_LIMIT_MB,
        note="the peak resident memory (VmHWM) of that process (interpreter, SQLAlchemy and all); floor "
        "column: the same for the native JSONL import, which reads the whole file first.",
    )
    exports = {
        fmt: Case(
            f"export {size} to {fmt}",
            "wall time",
            "≤ 3× our native JSONL export",
            ok=_within(3.0),
            note="`export()` of the whole project; floor: the native JSONL export of the same project, "
            "right before it in the same run.",
        )
        for fmt in FORMATS
    }
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        native, tasks, store, project = prepare(tmp, docs)
        for run in range(runs):
            floor = import_in_child(native, tmp / f"native-{run}.db")
            ours = import_in_child(tasks, tmp / f"ls-{run}.db")
            ls_time.ours.append(ours["seconds"])
            ls_time.floor.append(floor["seconds"])
            ls_rss.ours.append(ours["rss"])
            ls_rss.floor.append(floor["rss"])
            times = measure_exports(store, project, tmp)
            for fmt, case in exports.items():
                case.ours.append(times[fmt])
                case.floor.append(times["jsonl"])
        store.close()
    return [ls_time, ls_rss, *exports.values()]


if __name__ == "__main__":
    import sys

    from benchmarks.report import report

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    began = time.perf_counter()
    found = cases(n, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    print(report(found, f"python -m benchmarks.bench_formats {n}", time.perf_counter() - began))
