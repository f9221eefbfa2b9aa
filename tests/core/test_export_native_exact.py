"""Issue 19: the faster native export writes exactly the bytes the export wrote before it was made
faster. Before, every chunk of records was read a second time for its review provenance
(``annotator.review.carry``: each span's time, gold sources, adjudicator and origin; gold
relations' provenance; documents' review status and length); now those columns come with the first
read. ``EXPECTED`` is the digest of the exports below as the code before that change wrote them
(commit 7e34b9a), of a project with gold provenance, span times, origins, multi-part spans,
registry actors, span and document values, rejections, comments and several annotators; the live
test compares the new path with the reference path (records read, then enriched by queries, as a
merge of a project database still does) byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from annotator import export as export_module
from annotator.attributes import define_attribute
from annotator.attributes_documents import set_document_value
from annotator.attributes_values import set_value
from annotator.comments import add_comment
from annotator.export import ExportOptions, export
from annotator.importing import import_paths
from annotator.model import Annotation, AuditEntry, Comment, Label
from annotator.ops.projects import create_project
from annotator.review.gold import reject
from annotator.store import Store, open_store
from tests.core.gold_fixture import adjudicated
from tests.core.helpers import annotator_id
from tests.core.test_import_exact import _write, corpus

EXPECTED = "9916f6a8149bb0f588c1f0d4561d8b705d1b9dc5c56670188a9eec2a76cf1d9c"
FIXED = datetime(2026, 12, 1, 9, 30, 15, 123456)
OPTIONS = {
    "whole": ExportOptions(),
    "majority": ExportOptions(layer="majority"),
    "gold": ExportOptions(layer="gold"),
    "alice": ExportOptions(layer="annotator:alice"),
    "sentences": ExportOptions(sentences=True),
    "renamed": ExportOptions(labels=["ACTOR", "QUOTE"], rename={"QUOTE": "ACTOR"}),
    "done": ExportOptions(only_done=True),
}


def _project(folder: Path, url: str) -> tuple[Store, int]:
    """A project with every kind of thing a native line carries; times and uids made fixed."""
    store = open_store(url)
    with store.transaction() as tx:
        project_id = create_project(tx, "exact").id
    fx = adjudicated(store, project_id)  # first: it accepts all of bob's spans into gold
    with contextlib.chdir(folder):
        path = _write(Path("c.jsonl"), corpus(3, 30))
        import_paths(store, project_id, [path], create_labels=True)
    alice = annotator_id(store, project_id, "alice")
    with store.transaction() as tx:
        define_attribute(tx, project_id, "", "genre", "choice", ["news", "opinion"], scope="document")
        define_attribute(tx, project_id, "QUOTE", "tone", "text")
        set_document_value(tx, fx.done, alice, "genre", "news")
        quotes = (
            select(Annotation.id).join(Label, Label.id == Annotation.label_id).where(Label.name == "QUOTE")
        )
        first_quote = tx.session.scalars(quotes.order_by(Annotation.id)).first()
        assert first_quote is not None
        set_value(tx, "span", first_quote, "tone", "calm ✓")
        add_comment(tx, alice, "Is this gold right?", document_id=fx.done)
        add_comment(tx, alice, "Boundary?", span_id=first_quote)
    with store.transaction(actor=fx.reviewer) as tx:
        actor = tx.session.scalar(
            select(Label.id).where(Label.project_id == project_id, Label.name == "ACTOR")
        )
        assert actor is not None
        reject(tx, fx.open, actor, 4, 9)
    with store.transaction() as tx:
        session = tx.session
        session.execute(update(Annotation).where(Annotation.id % 7 == 0).values(origin="suggestion:rules@1"))
        session.execute(update(Annotation).where(Annotation.updated_at > FIXED).values(updated_at=FIXED))
        session.execute(update(AuditEntry).values(at=FIXED))
        for n, comment in enumerate(session.scalars(select(Comment).order_by(Comment.id))):
            comment.uid = f"00000000-0000-0000-0000-{n:012}"
            comment.created_at = comment.updated_at = FIXED
    return store, project_id


def _exports(store: Store, project_id: int, folder: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with store.session() as session:
        for name, options in OPTIONS.items():
            path = folder / f"{name}.jsonl"
            export(session, project_id, "jsonl", path, options=options)
            out[name] = path.read_bytes()
    return out


def _digest(found: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(found):
        h.update(name.encode() + b"\0" + found[name] + b"\0")
    return h.hexdigest()


def frozen_exports(store: Store, project_id: int, folder: Path) -> dict[str, bytes]:
    """The exports a frozen digest is compared with: SQLite's only (skips on other backends)."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the frozen digest is SQLite's (the next test compares both paths on each backend)")
    return _exports(store, project_id, folder)


def once_and_back(
    store: Store, project_id: int, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The exports through the one read (``Provenance``), then through the reference path that
    reads each chunk's provenance back by queries."""
    (folder / "once").mkdir()
    (folder / "back").mkdir()
    once = _exports(store, project_id, folder / "once")
    monkeypatch.setattr(export_module, "Provenance", lambda: None)
    return once, _exports(store, project_id, folder / "back")


@pytest.fixture
def built(tmp_path: Path, backend_url: str) -> Iterator[tuple[Store, int]]:
    store, project_id = _project(tmp_path, backend_url)
    yield store, project_id
    store.close()


def test_native_export_writes_what_it_wrote_before_it_was_made_faster(
    built: tuple[Store, int], tmp_path: Path
) -> None:
    store, project_id = built
    found = frozen_exports(store, project_id, tmp_path)
    whole = found["whole"].decode()
    for carried in ('"sources"', '"adjudicator"', '"origin"', '"fragments"', '"actor"', '"tone"', '"genre"'):
        assert carried in whole, carried
    for carried in ('"rejections"', '"review_status"', '"comments"', '"updated_at"', '"as_of"'):
        assert carried in whole, carried
    assert _digest(found) == EXPECTED


def test_native_export_reads_once_what_reading_back_finds(
    built: tuple[Store, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's one read (``Provenance``) gives the bytes of the reference path, which reads
    each chunk's provenance back by queries (what a merge of a project database still does)."""
    store, project_id = built
    once, back = once_and_back(store, project_id, tmp_path, monkeypatch)
    for name in OPTIONS:
        assert once[name] == back[name], name
