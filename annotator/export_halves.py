"""A large native (or line format) export on both cores: the second half of the documents in a forked process.

Each line of native JSONL depends on its own document only (and on what every process reads
alike: names, the codebook, ``as_of``), so the documents before the middle one go through the
export in this process and the others in a child forked from it, each into a hidden part beside
the target; the two parts then become the target, the first one's lines first, in one atomic
write: the same bytes as one process writes (``tests/core/test_export_halves.py``). The child has
a connection of its own (never the parent's) and sends back its report. Only where forking is
safe (``annotator.forking``: the CLI and scripts, not beside Qt), on a database the child can
open (not an in-memory SQLite), and on projects large enough for a second core to gain more than
forking and the copy cost.

The line formats (Prodigy, HF JSONL, IOB) go the same way: their lines depend on their own
document too. What a writer reports naming its first examples (spans trimmed to token edges,
source tokens cut) is held by each half and joined in document order before it goes into the
report (``ExportReport.held``), so the report is the one of one process as well. HF JSONL's label
list (``beside``) must come out the same from both halves, else the export is written again in
one process (``Diverged``; never from a project's own labels, which are all in the list).

One moment, as one process writes it: the child's read begins after the parent's. On PostgreSQL
the child reads the parent's snapshot (``annotator.export_moment``). On SQLite (or a PostgreSQL
transaction that wrote) a change committed in between would put the two halves at two moments:
the child compares the newest audit entry it sees (every change writes one: ``annotator.audit``,
the live refresh's marker) with the parent's; when they differ it writes nothing and the parent
writes the second half too.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.atomic import atomic_write_bytes, part_path
from annotator.audit import latest_id
from annotator.errors import AnnotatorError
from annotator.export_moment import read_snapshot, shared_snapshot
from annotator.forking import can_fork
from annotator.formats.base import ACTORS_LEFT_OUT, ExportReport, Progress, report_held
from annotator.model import Document

# Below this many documents one process is as fast (forking, a second connection, the copy).
MIN_DOCUMENTS = 4000

# Writes the documents of ``bounds`` into ``path``: (session, path, bounds, first part, report,
# progress). ``annotator.export`` passes it (this module does not import the export).
WritePart = Callable[[Session, Path, tuple[int, int | None], bool, ExportReport, Progress | None], None]


def middle(session: Session, project_id: int) -> int | None:
    """The id of the first document of the second half, or None: not worth two processes here."""
    if not can_fork() or _url(session) is None:
        return None
    count = session.scalar(
        select(func.count()).select_from(Document).where(Document.project_id == project_id)
    )
    if not count or count < MIN_DOCUMENTS:
        return None
    query = select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
    return session.scalar(query.offset(count // 2).limit(1))


def _url(session: Session) -> str | None:
    """The database's URL for a second connection, or None (an in-memory database)."""
    url = session.connection().engine.url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


class Diverged(Exception):
    """The halves' label lists differ (``beside``): only one process writes this export."""


def export_halves(
    session: Session,
    out: Path,
    mid: int,
    write_part: WritePart,
    report: ExportReport,
    progress: Progress | None = None,
    beside: Callable[[Path], Path] | None = None,
) -> None:
    """Write the export into ``out``: documents before ``mid`` here, the others in a child.

    ``beside``: where a part's writer puts a file it writes beside its data (HF JSONL's label
    list), which goes beside ``out`` when both halves wrote the same one.
    """
    url = _url(session)
    assert url is not None
    first, second = part_path(out), part_path(out)
    snapshot = shared_snapshot(session)  # PostgreSQL: the child reads this very moment
    mark = latest_id(session)  # else the parent's moment (its read began with the export's first query)
    context = multiprocessing.get_context("fork")
    theirs, ours = context.Pipe(duplex=False)
    moment = (mark, snapshot)
    child = context.Process(target=_child, args=(url, second, mid, moment, write_part, ours), daemon=True)
    child.start()
    ours.close()
    try:
        mine = ExportReport(first, held=[])
        write_part(session, first, (0, mid), True, mine, progress)
        part = _second(session, child, theirs, second, mid, write_part, progress)
        if beside is not None and beside(first).read_bytes() != beside(second).read_bytes():
            raise Diverged(out)
        for done in (mine, part):
            merge(report, done)
        report_held(report, [mine.held or [], part.held or []])
        with atomic_write_bytes(out) as fh:
            for path in (first, second):
                with path.open("rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
        if beside is not None:
            os.replace(beside(first), beside(out))
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        theirs.close()
        for path in (first, second):
            path.unlink(missing_ok=True)
            if beside is not None:
                beside(path).unlink(missing_ok=True)


def _second(
    session: Session,
    child: BaseProcess,
    theirs: Connection,
    path: Path,
    mid: int,
    write_part: WritePart,
    progress: Progress | None,
) -> ExportReport:
    """The child's report of the second half (it wrote ``path``), or, when the database moved
    before the child read it, the report of the second half written here."""
    try:
        outcome = theirs.recv()
    except EOFError:  # it ended without a word (killed)
        outcome = ("error", f"it stopped (exit code {child.exitcode})")
    child.join()
    if outcome[0] == "moved":  # a change came in between: the second half from this moment too
        part = ExportReport(path, held=[])
        write_part(session, path, (mid, None), False, part, progress)
        return part
    if outcome[0] != "ok":
        raise AnnotatorError(f"the export's second process failed:\n{outcome[1]}")
    _, part, ticks = outcome
    if progress is not None and ticks:
        progress(ticks)
    assert isinstance(part, ExportReport)
    return part


def _child(
    url: str, path: Path, mid: int, moment: tuple[int, str | None], write_part: WritePart, conn: Connection
) -> None:
    """The second half, on a connection of its own; the report (or the error) goes back, or
    "moved" when the database is not at the parent's moment (``moment``: its newest audit entry,
    and on PostgreSQL the snapshot it reads, which this child reads too)."""
    from annotator.store import open_store

    ticks = 0

    def tick(n: int = 1) -> None:
        nonlocal ticks
        ticks += n

    mark, snapshot = moment
    try:
        store = open_store(url, migrate=False)
        try:
            report = ExportReport(path, held=[])
            with store.session() as session:
                if snapshot is not None:
                    read_snapshot(session, snapshot)
                moved = snapshot is None and latest_id(session) != mark
                if not moved:
                    write_part(session, path, (mid, None), False, report, tick)
        finally:
            store.close()
        outcome: tuple[Any, ...] = ("moved",) if moved else ("ok", report, ticks)
    except BaseException:  # whatever it was, the parent reports it
        outcome = ("error", traceback.format_exc())
    with contextlib.suppress(OSError):
        conn.send(outcome)
    conn.close()
    os._exit(0)  # nothing of the parent's (its connections, its files) is closed or flushed here


def merge(report: ExportReport, part: ExportReport) -> None:
    """Add a part's report (the second half's, a split's part) to the whole's: the registry actors
    left out are those no part carries, counted once."""
    report.documents += part.documents
    report.spans += part.spans
    report.relations += part.relations
    for reason, count in part.left_out.items():
        if reason != ACTORS_LEFT_OUT:
            report.leave_out(reason, count)
    report.trimmed.extend(part.trimmed)
    if part.actors_left is not None:
        left = part.actors_left if report.actors_left is None else report.actors_left & part.actors_left
        report.actors_left = left
        report.left_out.pop(ACTORS_LEFT_OUT, None)
        report.leave_out(ACTORS_LEFT_OUT, len(left))
