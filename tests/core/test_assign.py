"""Assignments with overlap (issue 17 point 1): the contract, re-runs, bad input, undo, audit."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from annotator import assign, undo
from annotator.errors import AnnotatorError, NotFoundError, ValidationError
from annotator.model import Assignment, AuditEntry, Project
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.ops.importer import import_records
from annotator.ops.projects import actor_of, ensure_annotator, set_role
from annotator.records import DocRecord
from annotator.store import Store
from tests.core.helpers import label_id

TEAM = ("ana", "ben", "cleo")


def make_docs(store: Store, project_id: int, n: int) -> list[int]:
    records = [DocRecord(text=f"Document number {i} says the council met on day {i}.") for i in range(n)]
    with store.transaction() as tx:
        return list(import_records(tx, project_id, records).document_ids)


def make_team(store: Store, project_id: int, names: tuple[str, ...] = TEAM) -> dict[str, int]:
    with store.transaction() as tx:
        return {n: ensure_annotator(tx, project_id, n).id for n in names}


def pairs(store: Store) -> set[tuple[int, int]]:
    with store.session() as s:
        return {tuple(r) for r in s.execute(select(Assignment.document_id, Assignment.annotator_id))}  # type: ignore[misc]


def run(store: Store, project_id: int, **kw: object) -> assign.Plan:
    with store.transaction() as tx:
        return assign.apply(tx, project_id, assign.Request(TEAM, **kw))  # type: ignore[arg-type]


def test_contract_100_documents_three_people_20_percent_overlap(store: Store, project: Project) -> None:
    make_docs(store, project.id, 100)
    people = make_team(store, project.id)
    run(store, project.id, overlap=0.2, per_doc=2, seed=7)
    rows = pairs(store)
    coders = Counter(d for d, _a in rows)
    assert sorted(Counter(coders.values()).items()) == [(1, 80), (2, 20)]
    assert len(coders) == 100
    loads = Counter(a for _d, a in rows)
    assert set(loads) == set(people.values())
    assert max(loads.values()) - min(loads.values()) <= 1


def test_same_seed_same_assignment_other_seed_differs(
    tmp_path: object, store: Store, project: Project
) -> None:
    make_docs(store, project.id, 100)
    make_team(store, project.id)
    with store.session() as s:
        from annotator.tx import Tx

        first = assign.plan(Tx(s), project.id, assign.Request(TEAM, overlap=0.2, per_doc=2, seed=3))
        again = assign.plan(Tx(s), project.id, assign.Request(TEAM, overlap=0.2, per_doc=2, seed=3))
        other = assign.plan(Tx(s), project.id, assign.Request(TEAM, overlap=0.2, per_doc=2, seed=4))
    assert first.added == again.added
    assert first.added != other.added


def test_rerun_adds_nothing_and_wider_share_adds_only_missing(store: Store, project: Project) -> None:
    make_docs(store, project.id, 40)
    make_team(store, project.id)
    half = run(store, project.id, share=0.5, overlap=0.25, per_doc=2, seed=1)
    assert len(half.chosen) == 20 and half.by_coders() == {1: 15, 2: 5}
    before = pairs(store)
    assert run(store, project.id, share=0.5, overlap=0.25, per_doc=2, seed=1).added == []
    full = run(store, project.id, share=1.0, overlap=0.25, per_doc=2, seed=1)
    after = pairs(store)
    assert before < after and len(full.chosen) == 40
    assert set(full.added) == after - before


def test_labelled_documents_stay_with_who_labelled_them(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 9)
    people = make_team(store, project.id)
    with store.transaction() as tx:
        create_span(tx, docs[4], 0, 8, label_id(store, project.id, "CLAIM"), people["cleo"])
    run(store, project.id, seed=5)
    assert (docs[4], people["cleo"]) in pairs(store)
    assert Counter(d for d, _a in pairs(store))[docs[4]] == 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"overlap": 1.5}, "--overlap must be between 0 and 1"),
        ({"overlap": -0.1}, "--overlap must be between 0 and 1"),
        ({"per_doc": 4, "overlap": 0.2}, "--per-doc 4 is more than the team of 3"),
        ({"per_doc": 0}, "--per-doc must be at least 1"),
        ({"share": 2.0}, "--share must be between 0 and 1"),
    ],
)
def test_bad_numbers_are_refused_and_nothing_assigned(
    store: Store, project: Project, kw: dict[str, object], message: str
) -> None:
    make_docs(store, project.id, 5)
    make_team(store, project.id)
    with pytest.raises(ValidationError, match=message):
        run(store, project.id, **kw)
    assert pairs(store) == set()


def test_unknown_annotator_is_refused_and_nothing_assigned(store: Store, project: Project) -> None:
    make_docs(store, project.id, 5)
    make_team(store, project.id, ("ana", "ben"))
    with pytest.raises(NotFoundError, match="no annotator named 'cleo'"):
        run(store, project.id)
    assert pairs(store) == set()


def test_unknown_document_is_refused(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 3)
    make_team(store, project.id)
    with pytest.raises(NotFoundError, match=f"no document with id {max(docs) + 50}"):
        run(store, project.id, documents=(docs[0], max(docs) + 50))
    assert pairs(store) == set()


def test_assign_is_one_undoable_audited_step(store: Store, project: Project) -> None:
    make_docs(store, project.id, 10)
    people = make_team(store, project.id, (*TEAM, "rev"))
    with store.transaction() as tx:
        set_role(tx, project.id, people["rev"], "reviewer")
        reviewer = actor_of(ensure_annotator(tx, project.id, "rev"))
    with store.transaction(actor=reviewer) as tx:
        made = assign.apply(tx, project.id, assign.Request(TEAM, overlap=0.2, seed=2))
    assert len(pairs(store)) == len(made.added) == 12
    with store.session() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.entity == "assignment")).all()
    assert len(audited) == 12 and all(a.actor == "rev" and a.action == "created" for a in audited)
    with store.transaction(actor=reviewer) as tx:
        step = undo.undo(tx)
    assert step.title == "Assign 12 document(s)"
    assert pairs(store) == set()
    with store.transaction(actor=reviewer) as tx:
        undo.redo(tx)
    assert len(pairs(store)) == 12


def test_only_reviewers_assign_once_the_project_has_one(store: Store, project: Project) -> None:
    make_docs(store, project.id, 3)
    people = make_team(store, project.id, (*TEAM, "rev"))
    with store.transaction() as tx:
        set_role(tx, project.id, people["rev"], "reviewer")
        ana = actor_of(ensure_annotator(tx, project.id, "ana"))
    with pytest.raises(AnnotatorError, match="not a reviewer"), store.transaction(actor=ana) as tx:
        assign.apply(tx, project.id, assign.Request(TEAM))
    assert pairs(store) == set()


def test_unassign_and_reassign_undo_as_one_step(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 6)
    people = make_team(store, project.id)
    with store.transaction() as tx:
        me = actor_of(ensure_annotator(tx, project.id, "ana"))
    with store.transaction(actor=me) as tx:
        assign.assign_to(tx, project.id, "ben", docs[:4])
    with store.transaction(actor=me) as tx:
        assert assign.reassign(tx, project.id, "ben", "cleo", docs[:2]) == 2
    assert pairs(store) == {(d, people["cleo"]) for d in docs[:2]} | {(d, people["ben"]) for d in docs[2:4]}
    with store.transaction(actor=me) as tx:
        undo.undo(tx)
    assert pairs(store) == {(d, people["ben"]) for d in docs[:4]}
    with store.transaction(actor=me) as tx:
        assert assign.unassign(tx, project.id, "ben", None) == 4
    assert pairs(store) == set()


def test_documents_someone_else_finished_stay_theirs(store: Store, project: Project) -> None:
    docs = make_docs(store, project.id, 4)
    people = make_team(store, project.id, (*TEAM, "dana"))
    with store.transaction() as tx:
        create_span(tx, docs[0], 0, 8, label_id(store, project.id, "CLAIM"), people["dana"])
        set_status(tx, [docs[0], docs[1]], "done")  # docs[1] is done but nobody holds it
    made = run(store, project.id, seed=1)
    assert made.chosen == docs[1:]
    assert docs[0] not in {d for d, _a in pairs(store)}
