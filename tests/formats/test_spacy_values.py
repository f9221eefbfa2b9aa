"""spaCy DocBin: two annotators' values at the same offsets stay apart, and errors on import
name the ``.spacy`` file read (and the document in it), not the file a document came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import InputError
from annotator.export import ExportOptions, export
from annotator.importing import import_paths
from annotator.model import Annotation, Annotator, Document, Project
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.formats.test_brat_events import ANN, _folder


@pytest.fixture
def two(store: Store, project: Project, tmp_path: Path) -> Project:
    """alice and bob label the same text alike, but call the first quote direct and mixed."""
    import_paths(store, project.id, [_folder(tmp_path / "a", ANN)], fmt="brat", annotator="alice")
    bob = ANN.replace("type T3 direct", "type T3 mixed")
    import_paths(store, project.id, [_folder(tmp_path / "b", bob)], fmt="brat", annotator="bob")
    return project


def test_span_extension_keeps_each_annotators_values(store: Store, two: Project, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin, Span

    out = tmp_path / "out.spacy"
    with store.session() as s:
        left = export(s, two.id, "spacy", out).left_out
    assert any(k.startswith("places where spans at the same offsets have different") for k in left)
    for name in ("attributes", "attributes_of"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    who = {x["key"]: x["annotator"] for x in doc.user_data["annotator"]["spans"]}
    quotes = [sp for sp in doc.spans["sc"] if sp.text == '"will reopen in May"']
    assert sorted((who[sp.id_], sp._.attributes_of[sp.id_]["type"]) for sp in quotes) == [
        ("alice", "direct"),
        ("bob", "mixed"),
    ]
    assert [sp._.attributes for sp in quotes] == [None, None]  # not one annotator's value for both
    agreed = [sp._.attributes for sp in doc.spans["sc"] if sp.text == '"costs rose"']
    assert agreed == [{"type": "mixed"}, {"type": "mixed"}]


def test_two_annotators_values_come_back_apart(store: Store, two: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.spacy"
    with store.session() as s:
        export(s, two.id, "spacy", out)
    with store.transaction() as tx:
        other = create_project(tx, "Other")
    import_paths(store, other.id, [out], fmt="spacy")
    with store.session() as s:
        rows = s.execute(
            select(Annotator.name, Annotation.attributes)
            .join(Annotator, Annotator.id == Annotation.annotator_id)
            .join(Document, Document.id == Annotation.document_id)
            .where(Document.project_id == other.id, Annotation.start == 31)
        ).all()
    assert sorted((n, v["type"]) for n, v in rows) == [("alice", "direct"), ("bob", "mixed")]


def test_import_error_names_the_spacy_file_and_document(store: Store, two: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.spacy"
    with store.session() as s:
        export(s, two.id, "spacy", out, options=ExportOptions(rename={"QUOTE": "Zitat"}))
    with store.transaction() as tx:
        other = create_project(tx, "Other")
    with pytest.raises(InputError) as caught:
        import_paths(store, other.id, [out], fmt="spacy", annotator="carol")
    assert caught.value.path == f"{out} (document 1)"
    assert "unknown label 'Zitat'" in str(caught.value) and "doc.txt" not in str(caught.value)
