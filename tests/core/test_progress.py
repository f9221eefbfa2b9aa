"""Progress (issue 17 point 2): per annotator and overall, the overlap set, time spent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import assign
from annotator.errors import ValidationError
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.progress import IDLE, ActiveClock, overlap_documents, progress, record_time
from annotator.store import Store, open_store
from tests.core.cli_run import new_project, run
from tests.core.helpers import label_id
from tests.core.test_assign import make_docs, make_team


def test_active_clock_counts_activity_and_skips_idle_gaps() -> None:
    clock = ActiveClock()
    clock.start(1000.0)
    clock.touch(1010.0)  # 10 s of work
    clock.touch(1010.0 + IDLE + 1)  # a long pause: not counted
    clock.touch(1010.0 + IDLE + 31)  # 30 s more
    assert clock.take(1010.0 + IDLE + 41) == pytest.approx(50.0)
    assert clock.take(1010.0 + IDLE + 42) == pytest.approx(1.0)  # take starts again from zero


def test_progress_per_annotator_and_overall(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 6)
    people = make_team(store, project.id)
    with store.transaction() as tx:
        assign.apply(tx, project.id, assign.Request(("ana", "ben", "cleo"), overlap=0.5, per_doc=2, seed=9))
        report = progress(tx.session, project.id)
    assert report.documents == report.assigned == 6 and report.overlap == 3
    assert {p.annotator: (p.assigned, p.new) for p in report.people} == {
        "ana": (3, 3),
        "ben": (3, 3),
        "cleo": (3, 3),
    }
    with store.session() as s:
        from annotator.progress import queue

        ana = queue(s, people["ana"])
        assert overlap_documents(s, project.id) == sorted(
            d for d in docs if sum(d in queue(s, people[n]) for n in people) == 2
        )
    with store.transaction() as tx:
        set_status(tx, [ana[0]], "done")
        create_span(tx, ana[1], 0, 8, label_id(store, project.id, "CLAIM"), people["ana"])
        record_time(tx, ana[2], people["ana"], 30.0)
        record_time(tx, ana[2], people["ana"], 15.5)
    with store.session() as s:
        report = progress(s, project.id)
    me = next(p for p in report.people if p.annotator == "ana")
    assert (me.assigned, me.done, me.in_progress, me.new) == (3, 1, 2, 0)
    assert me.seconds == 45.5 and me.seconds_per_document == 45.5
    assert report.to_json()["annotators"][0]["annotator"] == "ana"
    assert report.seconds == 45.5


def test_negative_time_is_refused(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 1)
    people = make_team(store, project.id)
    with pytest.raises(ValidationError), store.transaction() as tx:
        record_time(tx, docs[0], people["ana"], -1)


def test_agree_overlap_only_compares_the_documents_two_people_were_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = new_project(capsys, tmp_path)
    store = open_store(url)
    with store.session() as s:
        project_id = s.scalars(select(Project.id)).one()
    docs = make_docs(store, project_id, 3)
    people = make_team(store, project_id, ("ana", "ben"))
    claim = label_id(store, project_id, "CLAIM")
    with store.transaction() as tx:
        for who in ("ana", "ben"):
            create_span(tx, docs[0], 0, 8, claim, people[who])  # the overlap document: they agree
        create_span(tx, docs[1], 0, 8, claim, people["ana"])  # ana's document, which ben also
        create_span(tx, docs[1], 10, 16, claim, people["ben"])  # labelled (not his to code)
        assign.assign_to(tx, project_id, "ana", docs[:2])
        assign.assign_to(tx, project_id, "ben", [docs[0], docs[2]])
    store.close()

    def f1(*extra: str) -> tuple[float, int]:
        out = tmp_path / "agree.json"
        code, _out, err = run(capsys, "--db", url, "agree", "--no-tokens", "--json", str(out), *extra)
        assert code == 0, err
        rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
        row = next(
            r for r in rows if r["metric"] == "span_f1_exact" and r["scope"] == "pair" and r["label"] == "*"
        )
        return row["value"], row["n"]

    assert f1() == (0.5, 2)
    assert f1("--overlap-only") == (1.0, 1)
