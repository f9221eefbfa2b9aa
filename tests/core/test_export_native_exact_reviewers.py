"""Issue 19: the native export's review provenance with several reviewers stays byte for byte.

``test_export_native_exact`` has one reviewer; here a second reviewer accepts into gold, on the
second document, a reading two annotators made alike (one gold span, two sources) and a relation,
so gold spans of one file name different adjudicators and carry one or two sources. ``EXPECTED``
is the digest of the exports as the code before the span provenance moved into the records' own
read wrote them (commit 9f0378e); the live test compares that path with the reference path
(provenance read back by queries) on each backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from annotator.model import Annotation, AuditEntry, Relation, Role
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, RelationRecord
from annotator.review.gold import accept_relations, accept_spans, set_review_status
from annotator.store import Actor, Store
from tests.core.gold_fixture import sp
from tests.core.helpers import annotator_id
from tests.core.test_export_native_exact import FIXED, _digest, _project, frozen_exports, once_and_back

EXPECTED = "3ae12bafa3f1452e8109878890c6ea4f81c6396a4bc5cd9c343f06ec1f255b07"
TEXT = "Mayor Ines Lund said the ferry will run. Critics called it late."


def _second_reviewer(store: Store, project_id: int) -> None:
    """A document alice and carol read alike in part; sam (a second reviewer) adjudicates it."""
    record = DocRecord(
        TEXT,
        title="Ferry",
        spans=[
            sp("Ines Lund", "ACTOR", "alice", "x1", TEXT),
            sp("the ferry will run", "QUOTE", "alice", "x2", TEXT),
            sp("Ines Lund", "ACTOR", "carol", "y1", TEXT),  # the same reading: two sources
            sp("it late", "CLAIM", "carol", "y2", TEXT),
        ],
        relations=[RelationRecord("x2", "x1", "speaker", "alice")],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project_id, "sam", Role.REVIEWER)
        (doc,) = import_records(tx, project_id, [record], create_labels=True).document_ids
    sam = Actor("sam", annotator_id(store, project_id, "sam"), Role.REVIEWER.value)
    with store.transaction(actor=sam) as tx:
        spans = tx.session.scalars(select(Annotation.id).where(Annotation.document_id == doc)).all()
        accept_spans(tx, list(spans))
        relations = tx.session.scalars(select(Relation.id).where(Relation.document_id == doc)).all()
        accept_relations(tx, list(relations))
        set_review_status(tx, [doc], "adjudicated")
    with store.transaction() as tx:  # the times fixed, as in the project it extends
        tx.session.execute(update(Annotation).where(Annotation.updated_at > FIXED).values(updated_at=FIXED))
        tx.session.execute(update(AuditEntry).values(at=FIXED))


@pytest.fixture
def built(tmp_path: Path, backend_url: str) -> Iterator[tuple[Store, int]]:
    store, project_id = _project(tmp_path, backend_url)
    _second_reviewer(store, project_id)
    yield store, project_id
    store.close()


def test_native_export_with_two_reviewers_writes_what_it_wrote_before(
    built: tuple[Store, int], tmp_path: Path
) -> None:
    store, project_id = built
    found = frozen_exports(store, project_id, tmp_path)
    whole = found["whole"].decode()
    assert '"adjudicator": "sam"' in whole and '"adjudicator": "riley"' in whole
    assert '"sources": ["alice", "carol"]' in whole
    assert _digest(found) == EXPECTED


def test_native_export_with_two_reviewers_reads_once_what_reading_back_finds(
    built: tuple[Store, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, project_id = built
    once, back = once_and_back(store, project_id, tmp_path, monkeypatch)
    for name in once:
        assert once[name] == back[name], name
