"""An export reads one moment of the database: a teammate's process that commits while the export
runs does not put its change into part of the file. SQLite's read transaction is one snapshot;
on PostgreSQL the export reads in one REPEATABLE READ, READ ONLY transaction
(``annotator.export_moment``); before, READ COMMITTED let the documents read after the commit
see it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from annotator import export as export_module
from annotator.export import export
from annotator.model import Annotation
from annotator.store import Store
from tests.core.test_export_halves import WRITER
from tests.core.test_export_halves_lines import built

__all__ = ["built"]  # the fixture


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
def test_a_commit_during_an_export_stays_out_of_it(
    built: tuple[Store, int, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    store, project_id, url = built
    with store.session() as session:
        export(session, project_id, fmt, tmp_path / "before")
        spans = session.scalar(select(func.count()).select_from(Annotation))
    real, wrote = export_module.iter_documents, []

    def after_a_commit(*args: Any, **kwargs: Any) -> Iterator[Any]:
        """The export has read its plan and names; a teammate's process commits a span on the last
        document before the export reads the documents (once: the first export's)."""
        if not wrote:
            subprocess.run([sys.executable, "-c", WRITER, url, str(project_id)], check=True, timeout=120)
            wrote.append(True)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(export_module, "iter_documents", after_a_commit)
    with store.session() as session:
        export(session, project_id, fmt, tmp_path / "during")
        # Several exports in one session read the same moment, as on SQLite.
        export(session, project_id, fmt, tmp_path / "again")
    assert (tmp_path / "during").read_bytes() == (tmp_path / "before").read_bytes()
    assert (tmp_path / "again").read_bytes() == (tmp_path / "before").read_bytes()
    monkeypatch.setattr(export_module, "iter_documents", real)
    with store.session() as session:  # the span did come in, and shows now
        assert session.scalar(select(func.count()).select_from(Annotation)) == (spans or 0) + 1
        export(session, project_id, fmt, tmp_path / "after")
    assert (tmp_path / "after").read_bytes() != (tmp_path / "before").read_bytes()


def test_an_export_in_a_session_that_wrote_sees_its_own_change(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    """A transaction with changes of its own keeps them (no other transaction could read them)."""
    store, project_id, _url = built
    with store.session() as session:
        export(session, project_id, "jsonl", tmp_path / "before")
    with pytest.raises(Undone), store.transaction() as tx:
        last = tx.session.scalars(select(Annotation).order_by(Annotation.id.desc())).first()
        assert last is not None
        last.end -= 1
        tx.session.flush()
        export(tx.session, project_id, "jsonl", tmp_path / "inside")
        raise Undone  # the change is rolled back
    assert (tmp_path / "inside").read_bytes() != (tmp_path / "before").read_bytes()


class Undone(Exception):
    pass
