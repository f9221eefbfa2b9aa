"""Document-level attributes (scope "document"): each annotator's values per document, checked,
undoable, refused for another's, kept through deleting and restoring the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import undo as log
from annotator.attributes import define_attribute, delete_attribute, get_attribute, list_attributes
from annotator.attributes_documents import document_values, set_document_value, set_document_value_step
from annotator.errors import NotFoundError, ValidationError
from annotator.model import Project
from annotator.store import Actor, Store
from annotator.undo.log import delete_step
from tests.core.helpers import add_doc, annotator_id


def _setup(store: Store, project: Project) -> tuple[int, int, int]:
    doc = add_doc(store, project.id, "An opinion piece about the bridge.")
    with store.transaction() as tx:
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
    return doc, annotator_id(store, project.id, "alice"), annotator_id(store, project.id, "bob")


def _values(store: Store, doc: int) -> dict[tuple[int, int], dict[str, object]]:
    with store.session() as s:
        return document_values(s, [doc])


def test_each_annotator_codes_the_document_undoably(store: Store, project: Project) -> None:
    doc, alice, bob = _setup(store, project)
    with store.session() as s:
        assert [a.qualified for a in list_attributes(s, project.id)] == ["document.genre"]
    with store.transaction() as tx:
        set_document_value_step(tx, doc, alice, "genre", "opinion")
        set_document_value_step(tx, doc, bob, "genre", "news")
    assert _values(store, doc) == {(doc, alice): {"genre": "opinion"}, (doc, bob): {"genre": "news"}}
    with store.transaction() as tx:
        log.undo(tx, alice)
    assert _values(store, doc) == {(doc, bob): {"genre": "news"}}
    with store.transaction() as tx:
        log.redo(tx, alice)
    assert _values(store, doc)[(doc, alice)] == {"genre": "opinion"}
    with (
        pytest.raises(ValidationError, match="set on 2 document"),
        store.transaction() as tx,
    ):
        delete_attribute(tx, get_attribute(tx.session, project.id, "", "genre", "document"))


def test_bad_values_and_another_annotators_values_are_refused(store: Store, project: Project) -> None:
    doc, alice, bob = _setup(store, project)
    with pytest.raises(ValidationError, match="not one of news, opinion"), store.transaction() as tx:
        set_document_value(tx, doc, alice, "genre", "satire")
    with pytest.raises(NotFoundError, match="no attribute 'topic'"), store.transaction() as tx:
        set_document_value(tx, doc, alice, "topic", "x")
    with pytest.raises(NotFoundError, match="no document with id 999"), store.transaction() as tx:
        set_document_value(tx, 999, alice, "genre", "news")
    as_bob = Actor("bob", bob, "annotator")
    with pytest.raises(ValidationError, match="another annotator"), store.transaction(actor=as_bob) as tx:
        set_document_value_step(tx, doc, alice, "genre", "news")
    assert _values(store, doc) == {}


def test_deleting_the_document_and_undoing_keeps_its_values(store: Store, project: Project) -> None:
    doc, alice, _bob = _setup(store, project)
    with store.transaction() as tx:
        set_document_value(tx, doc, alice, "genre", "news")
    with store.transaction() as tx:
        delete_step(tx, [doc], "Delete document", alice)
    assert _values(store, doc) == {}
    with store.transaction() as tx:
        log.undo(tx, alice)
    assert _values(store, doc) == {(doc, alice): {"genre": "news"}}


def test_agreement_on_document_attributes(store: Store, project: Project) -> None:
    from annotator.review.agree import project_agreement

    doc, alice, bob = _setup(store, project)
    docs = [doc] + [add_doc(store, project.id, f"Another article, number {i}.") for i in range(3)]
    codes = {alice: ["news", "news", "opinion", "opinion"], bob: ["news", "news", "opinion", "news"]}
    with store.transaction() as tx:
        for who, values in codes.items():
            for d, value in zip(docs, values, strict=True):
                set_document_value(tx, d, who, "genre", value)
    with store.session() as s:
        rows = [r for r in project_agreement(s, project.id).rows if r.label == "document.genre"]
    kappa = next(r for r in rows if r.metric == "attribute_kappa" and r.scope == "pair")
    alpha = next(r for r in rows if r.metric == "attribute_alpha")
    assert (kappa.value, kappa.n) == (pytest.approx(0.5), 4)
    assert alpha.value == pytest.approx(8 / 15)


def test_native_round_trip_of_document_values(store: Store, project: Project, tmp_path: Path) -> None:
    import json

    from annotator.errors import InputError
    from annotator.export import export
    from annotator.formats import native
    from annotator.ops.importer import import_records
    from annotator.ops.projects import create_project

    doc, alice, bob = _setup(store, project)
    with store.transaction() as tx:
        set_document_value(tx, doc, alice, "genre", "opinion")
        set_document_value(tx, doc, bob, "genre", "news")
    with store.session() as s:
        export(s, project.id, "jsonl", tmp_path / "out.jsonl")
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert line["attributes"] == {"alice": {"genre": "opinion"}, "bob": {"genre": "news"}}
    with store.transaction() as tx:
        other = create_project(tx, "Other")
        define_attribute(tx, other.id, "", "genre", "choice", ["news", "opinion"], scope="document")
    with store.transaction() as tx:
        import_records(tx, other.id, native.read(tmp_path / "out.jsonl"), keep_annotators=True)
    with store.session() as s:
        export(s, other.id, "jsonl", tmp_path / "again.jsonl")
    assert (
        json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))["attributes"] == line["attributes"]
    )
    line["attributes"]["alice"]["genre"] = "satire"
    (tmp_path / "bad.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    with store.transaction() as tx:
        third = create_project(tx, "Third")
        define_attribute(tx, third.id, "", "genre", "choice", ["news", "opinion"], scope="document")
    expected = r"bad.jsonl:1: document values of alice: .*'satire' is not one of"
    with pytest.raises(InputError, match=expected), store.transaction() as tx:
        import_records(tx, third.id, native.read(tmp_path / "bad.jsonl"), keep_annotators=True)


def test_copying_a_project_to_another_database_keeps_its_codebook_and_values(
    store: Store, project: Project, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from annotator.attributes_values import set_value
    from annotator.dbcopy import copy_projects
    from annotator.model import Annotation
    from annotator.ops.annotations import create_span
    from annotator.store import open_store
    from tests.core.helpers import label_id

    doc, alice, _bob = _setup(store, project)
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        span = create_span(tx, doc, 0, 10, label_id(store, project.id, "QUOTE"), alice)
        set_value(tx, "span", span.id, "type", "direct")
        set_document_value(tx, doc, alice, "genre", "opinion")
    target = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    report = copy_projects(store, target)
    assert report.rows["attribute"] == 2 and report.rows["document_attribute"] == 1
    with target.session() as s:
        assert [a.qualified for a in list_attributes(s, 1)] == ["QUOTE.type", "document.genre"]
        assert list(document_values(s).values()) == [{"genre": "opinion"}]
        assert s.scalar(select(Annotation.attributes)) == {"type": "direct"}
    target.close()
