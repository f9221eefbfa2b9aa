"""Label Studio writes each codebook kind its own way (text areas for short texts, numbers,
choices for choice, multi-choice and yes/no) and reads every one of them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.attributes import define_attribute
from annotator.attributes_values import set_value
from annotator.errors import InputError
from annotator.formats import labelstudio
from annotator.importing import import_paths
from annotator.model import Annotation, Document, DocumentAttribute, Project
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.formats.test_exports_carry import _export, filled  # noqa: F401  (fixture)

# Real Label Studio exports kept outside the repository (see /work/shared/formats/SOURCES.md).
SHARED = Path("/work/shared/formats/label_studio")
QUOTE = '"will reopen in May"'
NOTE = "paraphrased, then quoted"  # a comma: no choice could hold it


def _valued(store: Store, project: Project) -> None:
    """QUOTE.note (text), QUOTE.weight (number), QUOTE.topics (multi) on the first quote."""
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "note", "text")
        define_attribute(tx, project.id, "QUOTE", "weight", "number")
        define_attribute(tx, project.id, "QUOTE", "topics", "multi", ["city", "money", "transport"])
        quote = tx.session.scalar(select(Annotation.id).where(Annotation.text == QUOTE))
        assert quote is not None
        set_value(tx, "span", quote, "note", NOTE)
        set_value(tx, "span", quote, "weight", 2.5)
        set_value(tx, "span", quote, "topics", ["transport"])


def _values(store: Store, project: Project) -> dict[str, object]:
    with store.session() as s:
        docs = select(Document.id).where(Document.project_id == project.id)
        return dict(
            s.execute(
                select(Annotation.text, Annotation.attributes).where(
                    Annotation.document_id.in_(docs), Annotation.attributes.is_not(None)
                )
            ).all()
        )


def test_each_kind_is_written_as_its_label_studio_control(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
) -> None:
    _valued(store, filled)
    out = tmp_path / "tasks.json"
    _export(store, filled, "labelstudio", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    result = [r for t in tasks for a in t["annotations"] for r in a["result"]]
    region = next(r["id"] for r in result if r["type"] == "labels" and r["value"]["text"] == QUOTE)
    on_quote = {r["from_name"]: r for r in result if r.get("id") == region and r["type"] != "labels"}
    assert on_quote["note"]["type"] == "textarea" and on_quote["note"]["value"]["text"] == [NOTE]
    assert on_quote["weight"]["type"] == "number" and on_quote["weight"]["value"]["number"] == 2.5
    assert on_quote["topics"]["type"] == "choices" and on_quote["topics"]["value"]["choices"] == ["transport"]
    assert on_quote["type"]["type"] == "choices" and on_quote["type"]["value"]["choices"] == ["direct"]
    config = (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8")
    assert '<TextArea name="note" toName="text" perRegion="true"' in config
    assert '<Number name="weight" toName="text" perRegion="true"' in config
    assert 'name="topics"' in config and 'choice="multiple"' in config
    assert '<Choices name="type" toName="text" perRegion="true"' in config and 'choice="single"' in config


def _round_trip(
    store: Store, project: Project, tmp_path: Path, codebook: tuple[tuple[str, str, str, list[str]], ...] = ()
) -> tuple[dict[str, object], Project, str]:
    """Export ``project`` with values to Label Studio, import it into a new project that has
    ``codebook``; the values before, the new project, the import's summary."""
    _valued(store, project)
    before = _values(store, project)
    out = tmp_path / "tasks.json"
    _export(store, project, "labelstudio", out)
    with store.transaction() as tx:
        other = create_project(tx, "Other")
        for label, name, kind, choices in codebook:
            define_attribute(tx, other.id, label, name, kind, choices)
    return before, other, import_paths(store, other.id, [out], fmt="labelstudio", annotator="bob").summary()


def test_values_of_every_kind_come_back_into_a_fresh_project(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
) -> None:
    before, other, summary = _round_trip(store, filled, tmp_path)
    assert "QUOTE.note (text)" in summary and "QUOTE.weight (number)" in summary
    assert "QUOTE.topics (multi: transport)" in summary
    assert "ACTOR.named (bool)" in summary  # the config's yes/no control tells it
    assert _values(store, other) == before


def test_values_come_back_into_a_project_that_has_the_codebook(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A yes/no attribute the project has takes "yes" back as yes."""
    codebook = (
        ("ACTOR", "named", "bool", []),
        ("QUOTE", "type", "choice", ["direct", "indirect", "mixed"]),
        ("QUOTE", "note", "text", []),
        ("QUOTE", "weight", "number", []),
        ("QUOTE", "topics", "multi", ["city", "money", "transport"]),
    )
    before, other, summary = _round_trip(store, filled, tmp_path, codebook)
    assert "attribute(s) the codebook lacked" not in summary
    assert _values(store, other) == before


def test_whole_task_choices_of_a_real_export_are_document_values(store: Store, project: Project) -> None:
    """A real export's task-level ``choices`` (a sentiment) is its annotator's document value."""
    path = SHARED / "converter_tests" / "csv_test_history.json"
    if not path.is_file():
        pytest.skip("the shared Label Studio samples are not here")
    (record,) = labelstudio.read(path)
    assert record.attributes == {"sergei@heartex.e2e": {"sentiment": "Positive"}}
    summary = import_paths(store, project.id, [path], fmt="labelstudio", annotator="bob").summary()
    assert "document.sentiment (choice: Positive)" in summary
    assert _document_values(store, project) == [{"sentiment": "Positive"}]


def _document_values(store: Store, project: Project) -> list[object]:
    """Every document value row of the project, in the database's order."""
    with store.session() as s:
        docs = select(Document.id).where(Document.project_id == project.id)
        return list(
            s.scalars(select(DocumentAttribute.attributes).where(DocumentAttribute.document_id.in_(docs)))
        )


def test_a_file_with_only_task_choices_makes_the_document_attribute(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """A task whose only result is a whole-task choice (no region) still creates the document
    attribute the codebook lacks (a batch with document values alone was skipped)."""
    task = {
        "data": {"text": "The ferry timetable changes on Monday."},
        "annotations": [
            {
                "completed_by": {"email": "dee@example.org"},
                "result": [
                    {
                        "type": "choices",
                        "value": {"choices": ["Neutral"]},
                        "from_name": "tone",
                        "to_name": "text",
                    }
                ],
            }
        ],
    }
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    summary = import_paths(store, project.id, [path], fmt="labelstudio", annotator="bob").summary()
    assert "document.tone (choice: Neutral)" in summary
    assert _document_values(store, project) == [{"tone": "Neutral"}]


def test_a_bad_number_result_names_file_and_line(tmp_path: Path) -> None:
    task = {
        "data": {"text": "Ana said yes."},
        "annotations": [
            {
                "result": [
                    {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": 0, "end": 3, "text": "Ana", "labels": ["ACTOR"]}},
                    {"id": "r1", "type": "number", "from_name": "weight", "to_name": "text",
                     "value": {"start": 0, "end": 3, "number": "many"}},
                ]
            }
        ],
    }  # fmt: skip
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task], indent=1), encoding="utf-8")
    with pytest.raises(InputError, match=r"tasks.json:\d+: result 'weight' on region 'r1'"):
        list(labelstudio.read(path))
