"""Label-to-other-app latency: a teammate (a separate process) labels; how long until the reader
has the change, through the app's own path (PostgreSQL: LISTEN/NOTIFY wakes the poll; SQLite:
the 2 s poll timer of the window).

The writer prints each span's commit time; the reader notes when its poll returned the span. Both
clocks are this machine's wall clock. Writes come at random moments (seeded), so the SQLite poll
phase is fair; its median should sit near half the interval.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.records import DocRecord
from annotator.store import open_store

ROOT = Path(__file__).parents[1]
POLL_SECONDS = 2.0  # ui.main_window.POLL_MS

WRITER = """
import random, sys, time
from sqlalchemy import select
from annotator.model import Label
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, open_store
url, project, doc, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
store = open_store(url)
with store.transaction(actor=Actor("bob")) as tx:
    bob = ensure_annotator(tx, project, "bob")
    label = tx.session.scalar(select(Label.id).where(Label.project_id == project, Label.name == "QUOTE"))
time.sleep(0.5)
for i in range(count):
    time.sleep(rng.uniform(0.3, 1.7))
    with store.transaction(actor=Actor("bob", bob.id)) as tx:
        span = create_span(tx, doc, i, i + 1, label, bob.id).id
    print(span, time.time(), flush=True)
store.close()
"""


def latencies(url: str, writes: int) -> list[float]:
    """Seconds from each commit of the writer process to the reader's poll returning it."""
    store = open_store(url)
    try:
        with store.transaction() as tx:
            project = create_project(tx, f"live-{time.time_ns()}")
            doc = import_records(tx, project.id, [DocRecord(text="x" * 200)]).document_ids[0]
        listener = store.listener()
        store.poll()
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(project.id), str(doc), str(writes)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        seen: dict[int, float] = {}
        next_tick = time.monotonic() + POLL_SECONDS
        give_up = time.monotonic() + 60 + writes * 2
        while len(seen) < writes and writer.poll() in (None, 0) and time.monotonic() < give_up:
            if listener is not None:
                listener.wait(max(0.0, next_tick - time.monotonic()))
            else:
                time.sleep(max(0.0, next_tick - time.monotonic()))
            if time.monotonic() >= next_tick:
                next_tick += POLL_SECONDS
            changes = store.poll()
            now = time.time()
            for change in changes.changes if changes else []:
                if change.entity == "annotation" and change.action == "created":
                    for span in change.ids:
                        seen.setdefault(span, now)
        out, _ = writer.communicate(timeout=60)
        if listener is not None:
            listener.close()
        committed = {int(a): float(b) for a, b in (line.split() for line in out.splitlines() if line)}
        return [seen[span] - at for span, at in committed.items() if span in seen]
    finally:
        store.close()


def cases(quick: bool, runs: int, pg_url: str | None) -> list[Any]:
    from benchmarks.report import Case

    writes = 3 if quick else 8
    result = []
    with tempfile.TemporaryDirectory() as name:
        backends = [("SQLite (2 s poll)", f"sqlite:///{Path(name) / 'live.db'}", 2.5)]
        if pg_url:
            backends.append(("PostgreSQL (LISTEN/NOTIFY)", pg_url, 0.5))
        for label, url, target in backends:
            case = Case(
                f"label reaches a teammate's app: {label}",
                "median latency",
                f"≤ {target} s",
                ok=lambda ours, _floor, t=target: ours <= t,
                note=f"a writer process labels {writes} times at random moments; median over all writes of a "
                "run, the figure is the median of the runs. PostgreSQL: the commit's NOTIFY wakes the "
                "reader's listening connection, which then polls the audit log; SQLite: the window's "
                "2 s poll timer (no floor: the poll interval is the design).",
            )
            for _ in range(runs):
                case.ours.append(statistics.median(latencies(url, writes)))
            result.append(case)
    return result
