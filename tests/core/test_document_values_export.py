"""Document labels in exports: a layer carries only its annotators' document values, the majority
layer the values most annotators chose, the who-said-what CSV the row annotator's, and a format
with no place for them says how many documents' values it left out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotator.attributes import define_attribute
from annotator.attributes_documents import NO_DOCUMENT_VALUES, set_document_value
from annotator.export import ExportOptions, export
from annotator.model import Project
from annotator.store import Store
from tests.core.helpers import annotator_id
from tests.core.whosaid_fixture import whosaid_project


def _coded(store: Store, project: Project) -> tuple[int, int, int]:
    fx = whosaid_project(store, project.id)
    alice, bob = annotator_id(store, project.id, "alice"), annotator_id(store, project.id, "bob")
    with store.transaction() as tx:
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
        define_attribute(tx, project.id, "", "topic", "text", scope="document")
        set_document_value(tx, fx.documents[0], alice, "genre", "news")
        set_document_value(tx, fx.documents[0], alice, "topic", "diplomacy")
        set_document_value(tx, fx.documents[0], bob, "genre", "news")
        set_document_value(tx, fx.documents[0], bob, "topic", "talks")
    return fx.documents[0], alice, bob


def _native(store: Store, project: Project, out: Path, layer: str) -> dict[int, object]:
    with store.session() as s:
        export(s, project.id, "jsonl", out, options=ExportOptions(layer=layer))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line.get("attributes") for line in lines if "text" in line}


def test_each_layer_carries_only_its_own_document_values(
    store: Store, project: Project, tmp_path: Path
) -> None:
    doc, _alice, _bob = _coded(store, project)
    assert _native(store, project, tmp_path / "all.jsonl", "all")[doc] == {
        "alice": {"genre": "news", "topic": "diplomacy"},
        "bob": {"genre": "news", "topic": "talks"},
    }
    assert _native(store, project, tmp_path / "bob.jsonl", "annotator:bob")[doc] == {
        "bob": {"genre": "news", "topic": "talks"}
    }
    assert _native(store, project, tmp_path / "maj.jsonl", "majority")[doc] == {"majority": {"genre": "news"}}


def test_whosaid_csv_has_the_row_annotators_document_values(
    store: Store, project: Project, tmp_path: Path
) -> None:
    _coded(store, project)
    out = tmp_path / "who.csv"
    with store.session() as s:
        export(s, project.id, "whosaid", out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["text"] == "We will talk."]
    found = {r["annotator"]: json.loads(r["document_attributes"]) for r in rows}
    assert found == {
        "alice": {"genre": "news", "topic": "diplomacy"},
        "bob": {"genre": "news", "topic": "talks"},
    }


def test_formats_without_a_place_for_them_report_it(store: Store, project: Project, tmp_path: Path) -> None:
    _coded(store, project)
    with store.session() as s:
        report = export(s, project.id, "doccano", tmp_path / "d.jsonl")
        native = export(s, project.id, "jsonl", tmp_path / "n.jsonl")
    assert report.left_out[NO_DOCUMENT_VALUES] == 1  # one document has values
    assert NO_DOCUMENT_VALUES not in native.left_out
