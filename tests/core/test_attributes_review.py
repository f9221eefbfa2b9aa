"""Review: matched spans whose attribute values differ are an "attribute differs" disagreement;
accepting a reading puts its values into gold (undoably, as a review step)."""

from __future__ import annotations

from sqlalchemy import select

from annotator import undo as log
from annotator.attributes import define_attribute
from annotator.attributes_values import set_value
from annotator.model import Annotation, Project, Role
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, SpanRecord
from annotator.review.compare import Kind, Mark, compare
from annotator.review.curation import State, load_curation
from annotator.review.gold import accept_agreed, accept_spans
from annotator.store import Actor, Store
from annotator.undo import undoable
from tests.core.helpers import annotator_id

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'
QUOTE = '"The bridge opens in May."'


def test_compare_tells_attribute_differences_from_agreement() -> None:
    marks = [
        Mark(1, "a", 0, 5, "QUOTE", '{"type": "direct"}'),
        Mark(2, "b", 0, 5, "QUOTE", '{"type": "indirect"}'),
        Mark(3, "a", 10, 15, "QUOTE", '{"type": "direct"}'),
        Mark(4, "b", 10, 15, "QUOTE", '{"type": "direct"}'),
    ]
    assert [(u.start, u.kind) for u in compare(marks, [], ["a", "b"])] == [
        (0, Kind.ATTRIBUTES),
        (10, Kind.AGREED),
    ]


def _setup(store: Store, project: Project) -> tuple[int, dict[str, int]]:
    start = TEXT.index(QUOTE)
    record = DocRecord(
        TEXT,
        spans=[
            SpanRecord(start, start + len(QUOTE), "QUOTE", "alice", QUOTE, "1"),
            SpanRecord(start, start + len(QUOTE), "QUOTE", "bob", QUOTE, "2"),
        ],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        doc = import_records(tx, project.id, [record], keep_annotators=True).document_ids[0]
        ids = {
            name: tx.session.scalar(
                select(Annotation.id).where(Annotation.annotator_id == annotator_id(store, project.id, name))
            )
            for name in ("alice", "bob")
        }
        set_value(tx, "span", ids["alice"], "type", "direct")
        set_value(tx, "span", ids["bob"], "type", "indirect")
    return doc, {k: v for k, v in ids.items() if v is not None}


def test_attribute_differs_is_a_disagreement_and_accepting_carries_values(
    store: Store, project: Project
) -> None:
    doc, ids = _setup(store, project)
    people = [annotator_id(store, project.id, n) for n in ("alice", "bob")]
    with store.session() as s:
        curation = load_curation(s, doc, people)
    [unit] = curation.disagreements()
    assert unit.kind == Kind.ATTRIBUTES and unit.kind.value == "attribute differs"
    assert curation.unit_state(unit) == State.OPEN
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx:
        assert accept_agreed(tx, doc, people) == []  # not agreed: the reviewer must choose
    with store.transaction(actor=riley) as tx, undoable(tx, "accept bob", [doc], review=True):
        [gold] = accept_spans(tx, [ids["bob"]])
    with store.session() as s:
        assert s.get_one(Annotation, gold).attributes == {"type": "indirect"}
        assert load_curation(s, doc, people).unit_state(unit) == State.ACCEPTED
    # taking alice's reading instead moves gold onto her values
    with store.transaction(actor=riley) as tx:
        accept_spans(tx, [ids["alice"]])
    with store.session() as s:
        assert s.get_one(Annotation, gold).attributes == {"type": "direct"}


def test_accept_is_undone_with_its_values(store: Store, project: Project) -> None:
    doc, ids = _setup(store, project)
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx, undoable(tx, "accept bob", [doc], review=True):
        [gold] = accept_spans(tx, [ids["bob"]])
    with store.transaction(actor=riley) as tx, undoable(tx, "accept alice", [doc], review=True):
        accept_spans(tx, [ids["alice"]])
    with store.transaction(actor=riley) as tx:
        log.undo(tx)
    with store.session() as s:
        assert s.get_one(Annotation, gold).attributes == {"type": "indirect"}


def test_readings_naming_other_actors_differ_and_the_same_actor_agrees(
    store: Store, project: Project
) -> None:
    """Actor identity is part of a reading: two coders who link the same ACTOR span to different
    registry actors disagree ("attribute differs"), and accept-agreed leaves it to the reviewer;
    the same actor on both is agreed and gold keeps it."""
    from annotator.model import Actor as RegistryActor

    start = TEXT.index("Ana Ruiz")
    record = DocRecord(
        TEXT,
        spans=[
            SpanRecord(start, start + 8, "ACTOR", "alice", "Ana Ruiz", "1"),
            SpanRecord(start, start + 8, "ACTOR", "bob", "Ana Ruiz", "2"),
        ],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        doc = import_records(tx, project.id, [record], keep_annotators=True).document_ids[0]
        one, two = (RegistryActor(project_id=project.id, name=n, aliases=[], created_by="t") for n in "AB")
        tx.session.add_all([one, two])
        tx.session.flush()
        spans = dict(tx.session.execute(select(Annotation.annotator_id, Annotation.id)).all())
        alice, bob = (annotator_id(store, project.id, n) for n in ("alice", "bob"))
        tx.session.get_one(Annotation, spans[alice]).actor_id = one.id
        tx.session.get_one(Annotation, spans[bob]).actor_id = two.id
    people = [alice, bob]
    with store.session() as s:
        [unit] = load_curation(s, doc, people).disagreements()
    assert unit.kind == Kind.ATTRIBUTES
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx:
        assert accept_agreed(tx, doc, people) == []
    with store.transaction() as tx:
        tx.session.get_one(Annotation, spans[bob]).actor_id = one.id
    with store.session() as s:
        assert load_curation(s, doc, people).disagreements() == []
    with store.transaction(actor=riley) as tx:
        [gold] = accept_agreed(tx, doc, people)
    with store.session() as s:
        assert s.get_one(Annotation, gold).actor_id == one.id
