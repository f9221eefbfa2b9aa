"""A relation the reviewer rejected never stands in gold after a *span* decision either.

A relation rejection names its ends by reading (offsets and label); the gold span that stands
for a reading is the exact one, else the gold span of that label overlapping it most. Deleting
or rejecting the exact gold span, or moving it away while accepting another reading, can make a
second, linked gold span stand for the rejected reading: gold then held the rejected relation.
As with a moved or relabelled gold span, the rejection stands and the link leaves gold (audited,
undoable). Each test fails on the code before the sweep."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from annotator.model import Annotation, Project, Relation, RelationRejection
from annotator.review.gold import accept_spans, reject, reject_relation
from annotator.review.gold_edit import delete_gold_spans, link_gold
from annotator.review.integrity import gold_problems
from annotator.review.state import apply_change, capture, create_gold_span, diff
from annotator.store import Actor, Store, Tx
from tests.core.test_review_rejected_gold import _linked_doc
from tests.core.test_review_relations import QUOTE, RUIZ

BOB_QUOTE = '"The bridge opens'  # bob's shorter reading of the quote


def _setup(store: Store, project: Project) -> tuple[int, Actor, dict[str, int], dict[str, Annotation]]:
    """Gold: Ana Ruiz; q1 exactly on alice's quote (unlinked); q2 one character shorter, linked
    to Ana Ruiz. riley rejects the speaker link from alice's quote reading to Ana Ruiz: q1 stands
    for that reading and carries no link, so gold is clean."""
    doc, riley, spans, speaker = _linked_doc(store, project, BOB_QUOTE)
    by = {f"{a.text}|{a.annotator_id}": a for a in spans}
    alice_quote = next(a for a in spans if a.text == QUOTE)
    ruiz = next(a for a in spans if a.text == RUIZ)
    quote_key = (alice_quote.start, alice_quote.end, alice_quote.label_id)
    with store.transaction(actor=riley) as tx:
        gold_ruiz = accept_spans(tx, [ruiz.id])[0]
        q1 = create_gold_span(tx, doc, *quote_key)
        q2 = create_gold_span(tx, doc, quote_key[0] + 1, quote_key[1], quote_key[2])
        link_gold(tx, q2, gold_ruiz, speaker)
        reject_relation(tx, doc, speaker, quote_key, (ruiz.start, ruiz.end, ruiz.label_id))
    with store.session() as s:
        assert gold_problems(s, doc) == []
    ids = {"q1": q1, "q2": q2, "speaker": speaker, "label": quote_key[2]}
    ids.update({"start": quote_key[0], "end": quote_key[1]})
    return doc, riley, ids, by


def _check(store: Store, riley: Actor, doc: int, q2: int, action: Callable[[Tx], object]) -> None:
    """Run the decision as the review view does: gold stays clean, the rejection stands, q2's
    link leaves gold; undo brings the link back, redo takes it out again."""
    with store.transaction(actor=riley) as tx:
        before = capture(tx.session, doc)
        action(tx)
        tx.session.flush()
        change = diff(before, capture(tx.session, doc))
    with store.session() as s:
        assert gold_problems(s, doc) == []
        assert s.scalars(select(Relation.id).where(Relation.source_id == q2)).all() == []
        assert len(s.scalars(select(RelationRejection.id)).all()) == 1
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    with store.session() as s:
        assert len(s.scalars(select(Relation.id).where(Relation.source_id == q2)).all()) == 1
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=False)
    with store.session() as s:
        assert gold_problems(s, doc) == []


def test_deleting_the_gold_span_that_stood_for_a_rejected_reading(store: Store, project: Project) -> None:
    doc, riley, ids, _by = _setup(store, project)
    _check(store, riley, doc, ids["q2"], lambda tx: delete_gold_spans(tx, [ids["q1"]]))


def test_rejecting_the_gold_span_that_stood_for_a_rejected_reading(store: Store, project: Project) -> None:
    doc, riley, ids, _by = _setup(store, project)
    _check(store, riley, doc, ids["q2"], lambda tx: reject(tx, doc, ids["label"], ids["start"], ids["end"]))


def test_accepting_a_reading_that_moves_that_gold_span_away(store: Store, project: Project) -> None:
    """bob's shorter reading is accepted: q1 (its stand-in) moves onto it, and q2 now stands for
    alice's quote reading, whose speaker link riley rejected."""
    doc, riley, ids, by = _setup(store, project)
    bob = next(a for k, a in by.items() if k.startswith(BOB_QUOTE + "|"))
    _check(store, riley, doc, ids["q2"], lambda tx: accept_spans(tx, [bob.id]))
