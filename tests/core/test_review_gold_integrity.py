"""Review never corrupts gold: accepting another reading replaces the gold span in place (its
accepted relations stay attached), and accepting a relation again never brings a second copy of
a span back."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from annotator.export import ExportOptions, export
from annotator.model import Annotation, Label, Project, Relation, Role
from annotator.ops.annotations import create_span
from annotator.review.gold import (
    accept_agreed,
    accept_relations,
    accept_spans,
    gold_annotator,
    set_review_status,
)
from annotator.review.gold_edit import edit_gold_span
from annotator.review.integrity import gold_problems
from annotator.store import Actor, Store
from tests.core.helpers import annotator_id
from tests.core.test_review_relations import QUOTE, RUIZ, TEXT
from tests.core.test_review_relations import _doc as relations_doc

ALICE_QUOTE, BOB_QUOTE = QUOTE, "The bridge opens in May"


def _doc(store: Store, project: Project) -> int:
    """Both mark Ana Ruiz; alice's quote keeps its quotation marks, bob's does not; only alice
    links her quote to its speaker."""
    return relations_doc(store, project, BOB_QUOTE)


def _ids(store: Store, project: Project) -> tuple[Actor, int, int, int]:
    """riley, alice's relation, alice's quote and bob's quote."""
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    with store.session() as s:
        relation = s.scalars(select(Relation.id)).one()
        quotes = dict(s.execute(select(Annotation.text, Annotation.id)).all())
    return riley, relation, quotes[ALICE_QUOTE], quotes[BOB_QUOTE]


def _gold(store: Store, project: Project) -> tuple[list[tuple[str, tuple[str, ...]]], list[tuple[str, str]]]:
    """Gold spans as (text, sources) and gold relations as (source text, target text)."""
    with store.transaction() as tx:
        gold = gold_annotator(tx, project.id).id
        spans = sorted(
            (a.text, tuple(a.sources or ()))
            for a in tx.session.scalars(select(Annotation).where(Annotation.annotator_id == gold))
        )
        links = sorted(
            (
                tx.session.get_one(Annotation, r.source_id).text,
                tx.session.get_one(Annotation, r.target_id).text,
            )
            for r in tx.session.scalars(select(Relation).where(Relation.annotator_id == gold))
        )
    return spans, links


def test_taking_other_boundaries_replaces_the_gold_span_and_keeps_its_relation(
    store: Store, project: Project, tmp_path: Path
) -> None:
    doc = _doc(store, project)
    riley, relation, alice_quote, bob_quote = _ids(store, project)
    with store.transaction(actor=riley) as tx:
        accept_relations(tx, [relation])  # alice's quote, Ana Ruiz and the speaker link
    assert _gold(store, project) == (
        [(ALICE_QUOTE, ("alice",)), (RUIZ, ("alice",))],
        [(ALICE_QUOTE, RUIZ)],
    )
    with store.transaction(actor=riley) as tx:
        accept_spans(tx, [bob_quote])  # bob's boundaries for the same quote
    expected = ([(RUIZ, ("alice",)), (BOB_QUOTE, ("bob",))], [(BOB_QUOTE, RUIZ)])
    assert _gold(store, project) == expected
    with store.transaction(actor=riley) as tx:
        accept_relations(tx, [relation])  # accepting alice's relation again: already there
    assert _gold(store, project)[0] == expected[0]
    assert _gold(store, project)[1] == expected[1]
    with store.session() as s:
        assert gold_problems(s, doc) == []
    with store.transaction(actor=riley) as tx:
        accept_spans(tx, [alice_quote])  # and back to alice's boundaries: still one quote
        set_review_status(tx, [doc], "adjudicated")
    assert _gold(store, project) == (
        [(ALICE_QUOTE, ("alice",)), (RUIZ, ("alice",))],
        [(ALICE_QUOTE, RUIZ)],
    )
    # Who said what: the quote once, with its actor.
    out = tmp_path / "who.csv"
    with store.session() as s:
        export(s, project.id, "whosaid", out, options=ExportOptions(layer="gold"))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1 and RUIZ in str(rows[0])


def test_another_label_takes_the_gold_span_and_accept_agreed_leaves_decisions_alone(
    store: Store, project: Project
) -> None:
    """The reviewer took bob's quote and drew their own "Mayor Ana Ruiz": accepting all agreed
    brings no second Ana Ruiz back. Then
    the ACTOR reading of Ana Ruiz is replaced by a CLAIM reading (instead_of): the speaker link,
    which a CLAIM cannot end, goes with it, and undo brings every row back exactly."""
    from annotator.review.state import apply_change, capture, diff

    doc = _doc(store, project)
    riley, relation, _alice_quote, bob_quote = _ids(store, project)
    people = [annotator_id(store, project.id, n) for n in ("alice", "bob")]
    with store.transaction(actor=riley) as tx:
        accept_relations(tx, [relation])
        accept_spans(tx, [bob_quote])
        gold = gold_annotator(tx, project.id).id
        gold_ruiz = tx.session.scalars(
            select(Annotation.id).where(Annotation.annotator_id == gold, Annotation.text == RUIZ)
        ).one()
        edit_gold_span(tx, gold_ruiz, start=TEXT.index("Mayor"))  # the reviewer's own reading
        assert accept_agreed(tx, doc, people) == []  # the agreed "Ana Ruiz" does not come back
    assert _gold(store, project)[0] == [("Mayor Ana Ruiz", ()), (BOB_QUOTE, ("bob",))]
    with store.transaction(actor=riley) as tx:
        edit_gold_span(tx, gold_ruiz, start=TEXT.index(RUIZ))  # back: sources follow the reading
    assert _gold(store, project)[0] == [(RUIZ, ("alice", "bob")), (BOB_QUOTE, ("bob",))]
    with store.transaction() as tx:
        claim = tx.session.scalars(select(Label.id).where(Label.name == "CLAIM")).one()
        ruiz = tx.session.scalars(select(Annotation).where(Annotation.text == RUIZ)).first()
        assert ruiz is not None
        bob_claim = create_span(
            tx, doc, ruiz.start, ruiz.end, claim, annotator_id(store, project.id, "bob")
        ).id
    with store.transaction(actor=riley) as tx:
        before = capture(tx.session, doc)
        (taken,) = accept_spans(tx, [bob_claim], instead_of=[gold_ruiz])
        tx.session.flush()
        change = diff(before, capture(tx.session, doc))
    assert taken == gold_ruiz  # the same gold span, now a CLAIM
    assert _gold(store, project) == ([(RUIZ, ("bob",)), (BOB_QUOTE, ("bob",))], [])  # a CLAIM now
    with store.session() as s:
        assert gold_problems(s, doc) == []
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    with store.session() as s:
        again = capture(s, doc)
    assert again.links == before.links and again.rejections == before.rejections
    assert {i: sp.content() for i, sp in again.spans.items()} == {
        i: sp.content() for i, sp in before.spans.items()
    }
    assert _gold(store, project)[1] == [(BOB_QUOTE, RUIZ)]
