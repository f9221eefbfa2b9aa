"""A reading the reviewer rejected never stands in gold: when the reviewer later puts it into
gold themselves (drawing a gold span there, or moving or relabelling a gold span onto it), that
later decision withdraws the rejection, as accepting the reading does; undo brings it back.

Found by the review state machine: reject "it will not" as CLAIM, then draw a CLAIM gold span on
exactly those words, and gold held a rejected reading."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from annotator.model import Annotation, Project, Rejection, Relation, RelationRejection, RelationType, Role
from annotator.review.gold import accept_spans, reject, reject_relation
from annotator.review.gold_edit import edit_gold_span, link_gold
from annotator.review.integrity import gold_problems
from annotator.review.state import apply_change, capture, create_gold_span, diff
from annotator.store import Actor, Store, Tx
from tests.core.helpers import annotator_id, label_id
from tests.core.test_review_relations import QUOTE, RUIZ, TEXT
from tests.core.test_review_relations import _doc as relations_doc

CRITICS = TEXT.index("Critics disagree")
WORDS = (CRITICS, CRITICS + len("Critics disagree"))


def _setup(store: Store, project: Project) -> tuple[int, Actor, int]:
    """The document, riley the reviewer, and the CLAIM label; riley has rejected "Critics
    disagree" as a CLAIM."""
    doc = relations_doc(store, project)
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    claim = label_id(store, project.id, "CLAIM")
    with store.transaction(actor=riley) as tx:
        reject(tx, doc, claim, *WORDS)
    return doc, riley, claim


def _rejected(store: Store, doc: int, model: type[Rejection | RelationRejection] = Rejection) -> list[int]:
    with store.session() as s:
        return list(s.scalars(select(model.id).where(model.document_id == doc)))


def _step(
    store: Store,
    riley: Actor,
    doc: int,
    action: Callable[[Tx], object],
    model: type[Rejection | RelationRejection] = Rejection,
) -> None:
    """Run ``action`` as the review view does, check gold, undo it and redo it."""
    with store.transaction(actor=riley) as tx:
        before = capture(tx.session, doc)
        action(tx)
        tx.session.flush()
        change = diff(before, capture(tx.session, doc))
    with store.session() as s:
        assert gold_problems(s, doc) == []
    assert _rejected(store, doc, model) == []
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    assert len(_rejected(store, doc, model)) == 1
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=False)
    with store.session() as s:
        assert gold_problems(s, doc) == []
    assert _rejected(store, doc, model) == []


def test_drawing_gold_on_a_rejected_reading_withdraws_the_rejection(store: Store, project: Project) -> None:
    doc, riley, claim = _setup(store, project)
    _step(store, riley, doc, lambda tx: create_gold_span(tx, doc, *WORDS, claim))


def test_moving_a_gold_span_onto_a_rejected_reading_withdraws_the_rejection(
    store: Store, project: Project
) -> None:
    doc, riley, claim = _setup(store, project)
    with store.transaction(actor=riley) as tx:
        gold = create_gold_span(tx, doc, WORDS[0], WORDS[0] + len("Critics"), claim)
    _step(store, riley, doc, lambda tx: edit_gold_span(tx, gold, end=WORDS[1]))


def test_relabelling_a_gold_span_onto_a_rejected_reading_withdraws_the_rejection(
    store: Store, project: Project
) -> None:
    doc, riley, claim = _setup(store, project)
    with store.transaction(actor=riley) as tx:
        gold = create_gold_span(tx, doc, *WORDS, label_id(store, project.id, "QUOTE"))
    _step(store, riley, doc, lambda tx: edit_gold_span(tx, gold, label_id=claim))


def _linked_doc(
    store: Store, project: Project, bob_quote: str = QUOTE
) -> tuple[int, Actor, list[Annotation], int]:
    """The quote document, riley, its annotators' spans and the speaker relation type."""
    doc = relations_doc(store, project, bob_quote)
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    with store.session() as s:
        spans = list(s.scalars(select(Annotation).where(Annotation.document_id == doc)))
        speaker = s.scalars(select(RelationType.id).where(RelationType.name == "speaker")).one()
    return doc, riley, spans, speaker


def test_linking_gold_spans_as_a_rejected_relation_withdraws_the_rejection(
    store: Store, project: Project
) -> None:
    """riley accepts the quote and Ana Ruiz, rejects the speaker link between them, then draws it."""
    doc, riley, spans, speaker = _linked_doc(store, project)
    keys = {a.text: (a.start, a.end, a.label_id) for a in spans}
    with store.transaction(actor=riley) as tx:
        gold = accept_spans(tx, [a.id for a in spans])
        reject_relation(tx, doc, speaker, keys[QUOTE], keys[RUIZ])
    with store.session() as s:
        by_text = dict(s.execute(select(Annotation.text, Annotation.id).where(Annotation.id.in_(gold))).all())
    _step(
        store, riley, doc, lambda tx: link_gold(tx, by_text[QUOTE], by_text[RUIZ], speaker), RelationRejection
    )


def test_moving_a_linked_gold_span_onto_a_rejected_relation_drops_the_relation(
    store: Store, project: Project
) -> None:
    """riley draws a quote on "Critics", links it to Ana Ruiz, rejects the speaker link from
    alice's quote to Ana Ruiz, then moves the drawn quote onto alice's: the rejection stands, the
    link leaves gold (undo brings it back)."""
    doc, riley, spans, speaker = _linked_doc(store, project)
    keys = {a.text: (a.start, a.end, a.label_id) for a in spans}
    with store.transaction(actor=riley) as tx:
        ruiz = accept_spans(tx, [a.id for a in spans if a.text == RUIZ])[0]
        quote = create_gold_span(tx, doc, CRITICS, CRITICS + len("Critics"), keys[QUOTE][2])
        link_gold(tx, quote, ruiz, speaker)
        reject_relation(tx, doc, speaker, keys[QUOTE], keys[RUIZ])
    with store.transaction(actor=riley) as tx:
        before = capture(tx.session, doc)
        edit_gold_span(tx, quote, start=keys[QUOTE][0], end=keys[QUOTE][1])
        tx.session.flush()
        change = diff(before, capture(tx.session, doc))
    with store.session() as s:
        assert gold_problems(s, doc) == []
        assert s.scalars(select(Relation.id).where(Relation.source_id == quote)).all() == []
    assert len(_rejected(store, doc, RelationRejection)) == 1
    with store.transaction(actor=riley) as tx:
        apply_change(tx, change, undo=True)
    with store.session() as s:
        assert capture(s, doc).links == before.links
