"""Progress (issue 17 point 2): per annotator and overall, the overlap set, time spent."""

from __future__ import annotations

import pytest

from annotator import assign
from annotator.errors import ValidationError
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.progress import IDLE, ActiveClock, overlap_documents, progress, record_time
from annotator.store import Store
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
