"""Qt-free helpers of the review GUI: undo of adjudication, the curation read, span history and
the agreement panel's figures."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from annotator.agreement import NO_SPAN
from annotator.errors import ConflictError, ValidationError
from annotator.model import Annotation, Document, Project, Rejection, Role
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.documents import set_status
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, SpanRecord
from annotator.review.curation import State, annotator_rows, document_ids, load_curation
from annotator.review.figures import agreement_figures
from annotator.review.gold import accept_spans, reject
from annotator.review.history import span_history
from annotator.review.state import apply_change, capture, create_gold_span, diff
from annotator.store import Actor, Store
from tests.core.helpers import annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics disagree."


def _span(sub: str, label: str, who: str) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, who)


def _doc(store: Store, project: Project) -> int:
    record = DocRecord(
        TEXT,
        spans=[
            _span("Ana Ruiz", "ACTOR", "alice"),
            _span("Ana Ruiz", "ACTOR", "bob"),
            _span("the bridge opens in May", "CLAIM", "alice"),
            _span("bridge opens in May", "CLAIM", "bob"),
            _span("Critics", "ACTOR", "bob"),
        ],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        return import_records(tx, project.id, [record]).document_ids[0]


def _riley(store: Store, project: Project) -> Actor:
    return Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)


def _act(store: Store, actor: Actor, doc: int, action):  # type: ignore[no-untyped-def]
    """As the review view does it: a review operation, which alone may write gold."""
    with store.transaction(actor=actor, review=True) as tx:
        before = capture(tx.session, doc)
        action(tx)
        tx.session.flush()
        return diff(before, capture(tx.session, doc))


def _gold(store: Store, doc: int) -> list[tuple[str, list[str] | None]]:
    with store.session() as s:
        rows = s.scalars(select(Annotation).where(Annotation.document_id == doc)).all()
        gold = [a for a in rows if a.sources is not None or a.adjudicator_id is not None]
        return sorted((a.text, a.sources) for a in gold)


def _status(store: Store, doc: int) -> str:
    with store.session() as s:
        return s.get_one(Document, doc).review_status


def _ids(store: Store, doc: int, who: str, text: str) -> list[int]:
    with store.session() as s:
        return list(
            s.scalars(
                select(Annotation.id).where(
                    Annotation.document_id == doc,
                    Annotation.text == text,
                    Annotation.annotator_id == annotator_id(store, 1, who),
                )
            )
        )


def test_undo_and_redo_of_accept_restore_exactly(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    alice = _ids(store, doc, "alice", "Ana Ruiz")
    bob = _ids(store, doc, "bob", "Ana Ruiz")
    first = _act(store, riley, doc, lambda tx: accept_spans(tx, alice))
    assert _gold(store, doc) == [("Ana Ruiz", ["alice"])] and _status(store, doc) == "in review"
    second = _act(store, riley, doc, lambda tx: accept_spans(tx, bob))  # adds a source
    assert _gold(store, doc) == [("Ana Ruiz", ["alice", "bob"])]
    with store.transaction(actor=riley) as tx:
        apply_change(tx, second, undo=True)
    assert _gold(store, doc) == [("Ana Ruiz", ["alice"])]
    with store.transaction(actor=riley) as tx:
        apply_change(tx, first, undo=True)
    assert _gold(store, doc) == [] and _status(store, doc) == "unreviewed"
    gold_id = next(iter(first.spans))
    with store.transaction(actor=riley) as tx:
        apply_change(tx, first, undo=False)
        apply_change(tx, second, undo=False)
    assert _gold(store, doc) == [("Ana Ruiz", ["alice", "bob"])]
    with store.session() as s:
        assert s.get_one(Annotation, gold_id).adjudicator_id == riley.id  # same id as before


def test_undo_of_reject_unrejects_and_brings_the_gold_span_back(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    claim = _ids(store, doc, "alice", "the bridge opens in May")
    _act(store, riley, doc, lambda tx: accept_spans(tx, claim))
    start = TEXT.index("the bridge")
    change = _act(
        store,
        riley,
        doc,
        lambda tx: reject(tx, doc, label_id(store, project.id, "CLAIM"), start, start + 23),
    )
    assert _gold(store, doc) == []
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    assert _gold(store, doc) == [("the bridge opens in May", ["alice"])]
    with store.session() as s:
        assert s.scalars(select(Rejection)).all() == []
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=False)
    with store.session() as s:
        assert len(s.scalars(select(Rejection)).all()) == 1


def test_undo_refuses_when_someone_changed_the_row_and_non_reviewers(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    change = _act(store, riley, doc, lambda tx: accept_spans(tx, _ids(store, doc, "bob", "Critics")))
    gold_span = next(iter(change.spans))
    with store.transaction(actor=riley, review=True) as tx:
        update_span(tx, gold_span, end=TEXT.index("Critics") + 5)  # a later edit
    with pytest.raises(ConflictError), store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice) as tx:
        apply_change(tx, change, undo=True)


def test_a_gold_span_drawn_by_the_reviewer_and_its_undo(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    start = TEXT.index("Critics")
    change = _act(
        store,
        riley,
        doc,
        lambda tx: create_gold_span(tx, doc, start, start + 16, label_id(store, 1, "CLAIM")),
    )
    assert _gold(store, doc) == [("Critics disagree", [])]
    span_id = next(iter(change.spans))
    with store.session() as s:
        assert s.get_one(Annotation, span_id).adjudicator_id == riley.id
    deletion = _act(store, riley, doc, lambda tx: delete_spans(tx, [span_id]))
    with store.transaction(actor=riley) as tx:
        apply_change(tx, deletion, undo=True)
    assert _gold(store, doc) == [("Critics disagree", [])]


def test_curation_lists_units_versions_and_states(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    alice, bob = annotator_id(store, project.id, "alice"), annotator_id(store, project.id, "bob")
    with store.session() as s:
        cur = load_curation(s, doc, [alice, bob])
        people = annotator_rows(s, project.id)
        assert document_ids(s, project.id) == [doc]
        assert document_ids(s, project.id, "done") == []
    assert [(p.name, p.role) for p in people] == [
        ("alice", "annotator"),
        ("bob", "annotator"),
        ("riley", "reviewer"),
    ]
    kinds = [(u.kind.value, cur.unit_state(u)) for u in cur.units]
    assert kinds == [
        ("agreed", State.AGREED),
        ("boundaries differ", State.OPEN),
        ("only some annotators have it", State.OPEN),
    ]
    assert cur.agreed_open() == 1
    versions = cur.versions(cur.units[1])
    assert [(v.annotators, v.state) for v in versions] == [(("alice",), State.OPEN), (("bob",), State.OPEN)]
    with store.transaction(actor=riley) as tx:
        accept_spans(tx, list(versions[1].span_ids))
        start = TEXT.index("Critics")
        reject(tx, doc, label_id(store, 1, "ACTOR"), start, start + 7)
    with store.session() as s:
        cur = load_curation(s, doc, [alice, bob])
    assert [cur.unit_state(u) for u in cur.units] == [State.AGREED, State.ACCEPTED, State.REJECTED]
    states = cur.span_states()
    assert states[versions[1].span_ids[0]] == State.ACCEPTED and states[versions[0].span_ids[0]] == State.OPEN
    assert [g[0] for g in cur.gold] == [TEXT.index("bridge")] and cur.review_status == "in review"


def test_span_history_follows_create_relabel_and_import(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 0, 5, label_id(store, 1, "ACTOR"), alice.id or 0).id
    with store.transaction(actor=alice) as tx:
        update_span(tx, span, label_id=label_id(store, 1, "CLAIM"))
    with store.session() as s:
        rows = span_history(s, span)
        imported = span_history(s, _ids(store, doc, "bob", "Critics")[0])
    assert [(r.actor, r.action, r.before, r.after) for r in rows] == [
        ("alice", "created", "", "0–5 ACTOR"),
        ("alice", "changed", "0–5 ACTOR", "0–5 CLAIM"),
    ]
    start = TEXT.index("Critics")
    assert [(r.action, r.after, r.note) for r in imported] == [
        ("created", f"{start}–{start + 7} ACTOR", "import or merge")
    ]


def test_agreement_figures_and_a_hand_made_confusion_matrix(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    with store.transaction() as tx:
        set_status(tx, [doc], "done")
    with store.session() as s:
        figures = agreement_figures(s, project.id, ["alice", "bob"], [doc])
    assert figures.annotators == ("alice", "bob") and figures.documents == 1 and figures.spans == 5
    matrix = figures.confusion[("alice", "bob")]
    # ACTOR-ACTOR (Ana Ruiz), CLAIM-CLAIM (overlapping claims), bob's "Critics" has no partner.
    assert matrix.get("ACTOR", "ACTOR") == 1 and matrix.get("CLAIM", "CLAIM") == 1
    assert matrix.get(NO_SPAN, "ACTOR") == 1 and matrix.get("ACTOR", NO_SPAN) == 0
    assert figures.overall["span_f1_exact"] == pytest.approx(0.4)  # 2·1 / (2·1 + 1 + 2)
    assert figures.by_label["ACTOR"]["span_f1_overlap"] == pytest.approx(2 / 3)
    assert set(figures.by_label["CLAIM"]) >= {"span_f1_exact", "token_kappa", "unitizing_alpha"}
    assert not math.isnan(figures.overall["unitizing_alpha"])
