"""Assignments travel with the project: ``db copy`` carries them (and the time spent), a merge of
a teammate's SQLite file brings the assignments it holds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from annotator import assign
from annotator.dbcopy import copy_projects
from annotator.model import Annotator, Assignment, Document, WorkTime
from annotator.ops.projects import create_project
from annotator.progress import record_time
from annotator.review.merge import merge, read_source
from annotator.store import Store, open_store
from tests.core.test_assign import make_docs, make_team


def named_pairs(store: Store) -> set[tuple[str, str]]:
    with store.session() as s:
        query = (
            select(Document.text, Annotator.name)
            .join(Assignment, Assignment.document_id == Document.id)
            .join(Annotator, Annotator.id == Assignment.annotator_id)
        )
        return {(t, n) for t, n in s.execute(query)}


def test_db_copy_carries_assignments_and_time(tmp_path: Path, backend_url: str) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    with src.transaction() as tx:
        project = create_project(tx, "Team").id
    docs = make_docs(src, project, 5)
    people = make_team(src, project)
    with src.transaction() as tx:
        assign.apply(tx, project, assign.Request(("ana", "ben", "cleo"), overlap=0.4, per_doc=2))
        record_time(tx, docs[0], people["ben"], 12.0)
    dst = open_store(backend_url)
    report = copy_projects(src, dst)
    assert report.rows["assignment"] == 7 and report.rows["work_time"] == 1
    assert named_pairs(dst) == named_pairs(src)
    with dst.session() as s:
        assert [w.seconds for w in s.scalars(select(WorkTime))] == [12.0]
    src.close()
    dst.close()


def test_merging_a_teammate_file_brings_its_assignments(tmp_path: Path, store: Store) -> None:
    mine = f"sqlite:///{tmp_path / 'dana.db'}"
    mate = open_store(mine)
    with mate.transaction() as tx:
        project = create_project(tx, "Team").id
    make_docs(mate, project, 4)
    make_team(mate, project, ("dana", "eli"))
    with mate.transaction() as tx:
        assign.apply(tx, project, assign.Request(("dana", "eli"), seed=3))
    wanted = named_pairs(mate)
    mate.close()
    with store.transaction() as tx:
        here = create_project(tx, "Here").id
    make_docs(store, here, 2)  # two of the same documents are here already
    first = merge(store, here, read_source(tmp_path / "dana.db"))
    assert "4 assignment(s) added" in first.summary()
    assert named_pairs(store) == wanted
    again = merge(store, here, read_source(tmp_path / "dana.db"))
    assert "assignment" not in again.summary()  # merging twice adds nothing
