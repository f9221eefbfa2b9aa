"""A project for who-said-what: two outlets, two dated months and an undated article, a registry
actor with a second entry merged into it, unlinked speakers ("He", "The mayor"), a claim with no
speaker, a quote with a cue and attributes, and bob's layer beside alice's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from annotator.attributes import define_attribute
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation
from annotator.ops.importer import import_records
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.store import Store

FIRST = (
    'Antony Blinken said: "We will talk." Later Blinken added that talks would resume. He said nothing else.'
)
SECOND = 'The mayor said "Roads close." Roads stay open, the council denies.'
THIRD = '"Fine," said he.'


def sp(text: str, sub: str, label: str, who: str, key: str, nth: int = 0) -> SpanRecord:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return SpanRecord(start, start + len(sub), label, who, sub, key)


@dataclass(frozen=True)
class WhoSaidProject:
    documents: tuple[int, int, int]
    blinken: int  # the registry actor both Blinken mentions count for
    merged: int  # the actor merged into it


def whosaid_project(store: Store, project_id: int) -> WhoSaidProject:
    first = DocRecord(
        FIRST,
        title="Talks",
        published="2024-05-03",
        meta={"outlet": "Reuters"},
        spans=[
            sp(FIRST, "Antony Blinken", "ACTOR", "alice", "a1"),
            sp(FIRST, "said", "CUE", "alice", "k1"),
            SpanRecord(22, 35, "QUOTE", "alice", "We will talk.", "q1", attributes={"type": "direct"}),
            sp(FIRST, "Blinken", "ACTOR", "alice", "a2", 1),
            sp(FIRST, "talks would resume", "CLAIM", "alice", "c1"),
            sp(FIRST, "He", "ACTOR", "alice", "a3"),
            sp(FIRST, "nothing else", "QUOTE", "alice", "q2"),
            sp(FIRST, "Antony Blinken", "ACTOR", "bob", "b1"),
            SpanRecord(22, 35, "QUOTE", "bob", "We will talk.", "b2"),
        ],
        relations=[
            RelationRecord("q1", "a1", "speaker", "alice"),
            RelationRecord("q1", "k1", "cue", "alice"),
            RelationRecord("c1", "a2", "claimant", "alice"),
            RelationRecord("q2", "a3", "speaker", "alice"),
            RelationRecord("b2", "b1", "speaker", "bob"),
        ],
    )
    second = DocRecord(
        SECOND,
        title="Roads",
        published="2024-07-10T08:00:00Z",
        source_url="https://www.example-news.com/roads",
        spans=[
            sp(SECOND, "The mayor", "ACTOR", "alice", "m"),
            sp(SECOND, '"Roads close."', "QUOTE", "alice", "q"),
            sp(SECOND, "Roads stay open", "CLAIM", "alice", "c"),
        ],
        relations=[RelationRecord("q", "m", "speaker", "alice")],
    )
    third = DocRecord(
        THIRD,
        title="Fine",
        meta={"Outlet": " Reuters "},
        spans=[sp(THIRD, '"Fine,"', "QUOTE", "alice", "q"), sp(THIRD, "he", "ACTOR", "alice", "h")],
        relations=[RelationRecord("q", "h", "speaker", "alice")],
    )
    with store.transaction() as tx:
        define_attribute(tx, project_id, "QUOTE", "type", "choice", ["direct", "indirect"])
        docs = import_records(tx, project_id, [first, second, third], create_labels=True).document_ids
        keep = RegistryActor(
            project_id=project_id,
            name="Antony Blinken",
            aliases=["Blinken"],
            external_id="Q7432",
            attributes={"role": "minister", "party": "D"},
            created_by="test",
        )
        tx.session.add(keep)
        tx.session.flush()
        other = RegistryActor(
            project_id=project_id, name="A. Blinken", merged_into_id=keep.id, created_by="test"
        )
        tx.session.add(other)
        tx.session.flush()
        spans = tx.session.execute(
            select(Annotation.id, Annotation.start).where(
                Annotation.document_id == docs[0], Annotation.text.in_(["Antony Blinken", "Blinken"])
            )
        ).all()
        for span_id, start in spans:
            actor = keep.id if start == 0 else other.id
            tx.session.execute(update(Annotation).where(Annotation.id == span_id).values(actor_id=actor))
    return WhoSaidProject((docs[0], docs[1], docs[2]), keep.id, other.id)
