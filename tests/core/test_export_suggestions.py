"""Issue 15: suggestions exported as their own layer (``--layer suggestions``), never mixed with
labels; personal suggestions go only to their person; a native file of them does not import as
anyone's labels (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.errors import AnnotatorError, NotFoundError, ValidationError
from annotator.export import ExportOptions, export
from annotator.export_suggestions import OTHERS, SCORES_LOST
from annotator.importing import import_paths
from annotator.model import Annotation, Document, Project
from annotator.ops.annotations import create_span
from annotator.ops.projects import create_project
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.rules import SpanSuggestion, Suggestions
from annotator.suggest.store import listing
from tests.core.helpers import add_doc, annotator_id, label_id
from tests.core.test_suggestions import QUOTE, TEXT, VARGA, decide, fake_engine, who

LAYER = ExportOptions(layer="suggestions")
# Every format that takes a layer, and what in its file shows the suggested quote.
FORMATS = {
    "jsonl": "QUOTE",
    "iob": "B-QUOTE",
    "hf-jsonl": None,  # tag numbers (their names in a file beside): the report's counts say it
    "spacy": None,  # binary: as hf-jsonl
    "brat": "QUOTE",
    "labelstudio": "QUOTE",
    "doccano": "QUOTE",
    "doccano-relations": "QUOTE",
    "prodigy": "QUOTE",
    "w3c": "QUOTE",
    "whosaid": "bridge opens",
}


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    """TEXT with alice's own label (an ACTOR at "Critics") and the rules' three suggestions."""
    doc_id = add_doc(store, project.id, TEXT)
    with store.transaction(actor=who(store, project, "alice")) as tx:
        create_span(
            tx, doc_id, 39, 46, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
        )
    engines.run(store, project.id, fake_engine(), [doc_id])
    return doc_id


def lines(store: Store, project: Project, out: Path, options: ExportOptions) -> list[dict[str, object]]:
    export(store.session(), project.id, "jsonl", out, options=options)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_layer_holds_the_suggestions_alone_and_all_holds_none(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    [line] = lines(store, project, tmp_path / "s.jsonl", LAYER)
    spans = line["spans"]
    assert isinstance(spans, list)
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in spans] == [
        (*VARGA, "ACTOR", "Varga"),
        (*QUOTE, "QUOTE", TEXT[slice(*QUOTE)]),
    ]
    assert {(s["annotator"], s["origin"]) for s in spans} == {("rules@1", "suggestion:rules@1")}
    assert [s["score"] for s in spans] == [0.9, 0.6]
    with store.session() as s:  # the ids are the suggestions' (what `annotator accept` takes)
        assert [s["id"] for s in spans] == [row.id for row in listing(s, project.id).spans]
    [rel] = line["relations"]  # type: ignore[misc]
    assert (rel["from"], rel["to"], rel["type"], rel["score"]) == (
        spans[1]["id"],
        spans[0]["id"],
        "speaker",
        0.7,
    )
    [everyone] = lines(store, project, tmp_path / "all.jsonl", ExportOptions())
    assert [(s["start"], s["annotator"]) for s in everyone["spans"]] == [(39, "alice")]  # type: ignore[union-attr]
    assert all("score" not in s for s in everyone["spans"]) and everyone["relations"] == []  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_that_takes_a_layer_takes_the_suggestions(
    store: Store, project: Project, doc: int, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"out-{fmt}"
    report = export(store.session(), project.id, fmt, out, options=LAYER)
    assert (report.documents, report.spans) == (1, 2)  # the two suggestions, not alice's label
    assert report.left_out.get(SCORES_LOST) == (None if fmt == "jsonl" else 3)
    shown = FORMATS[fmt]
    if shown is not None:
        files = [p for p in out.rglob("*") if p.is_file()] if out.is_dir() else [out]
        written = "".join(p.read_text(encoding="utf-8") for p in files)
        assert shown in written and "alice" not in written


def test_one_source_is_kept_and_a_source_without_suggestions_is_refused(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    def quotes(text: str) -> Suggestions:
        return Suggestions(spans=[SpanSuggestion(*QUOTE, "QUOTE", 0.8)], relations=[])

    engines.run(store, project.id, engines.Engine("model:quotes@3", quotes), [doc])
    [line] = lines(store, project, tmp_path / "m.jsonl", ExportOptions(layer="suggestions:model:quotes@3"))
    assert [(s["label"], s["annotator"], s["score"]) for s in line["spans"]] == [  # type: ignore[union-attr]
        ("QUOTE", "model:quotes@3", 0.8)
    ]
    [both] = lines(store, project, tmp_path / "b.jsonl", LAYER)
    assert len(both["spans"]) == 3  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match=r"'rules@2'.*sources: model:quotes@3, rules@1"):
        export(
            store.session(),
            project.id,
            "jsonl",
            tmp_path / "x.jsonl",
            options=ExportOptions(layer="suggestions:rules@2"),
        )
    assert not (tmp_path / "x.jsonl").exists()


def test_a_project_without_suggestions_is_refused(store: Store, project: Project, tmp_path: Path) -> None:
    add_doc(store, project.id, TEXT)
    with pytest.raises(ValidationError, match="no suggestions to export"):
        export(store.session(), project.id, "jsonl", tmp_path / "x.jsonl", options=LAYER)


def test_accepted_and_rejected_suggestions_stay_in_the_layer(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    """Decisions are each person's: the machine's layer is what it proposed, whatever anyone said."""
    with store.session() as s:
        actor, quote = listing(s, project.id).spans
    decide(store, project, "alice", [actor.id], [], True)
    decide(store, project, "bob", [quote.id], [], False)
    [line] = lines(store, project, tmp_path / "s.jsonl", LAYER)
    assert [s["id"] for s in line["spans"]] == [actor.id, quote.id]  # type: ignore[union-attr]
    assert len(line["relations"]) == 1  # type: ignore[arg-type]
    [everyone] = lines(store, project, tmp_path / "all.jsonl", ExportOptions())
    accepted = [s for s in everyone["spans"] if s.get("origin")]  # type: ignore[union-attr]
    assert [(s["annotator"], s["start"], "score" in s) for s in accepted] == [("alice", 0, False)]


def test_personal_suggestions_go_only_to_their_person(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    alice = annotator_id(store, project.id, "alice")

    def speaker(text: str) -> Suggestions:
        return Suggestions(spans=[SpanSuggestion(39, 46, "ACTOR", 0.5)], relations=[])

    own = dataclasses.replace(engines.Engine("model:quotes@3 for alice", speaker), for_annotator=alice)
    engines.run(store, project.id, own, [doc])
    report = export(store.session(), project.id, "jsonl", tmp_path / "team.jsonl", options=LAYER)
    assert report.spans == 2 and report.left_out[OTHERS] == 1
    for person, count in (("alice", 3), ("bob", 2)):
        options = ExportOptions(layer="suggestions", annotator=person)
        [line] = lines(store, project, tmp_path / f"{person}.jsonl", options)
        assert len(line["spans"]) == count, person  # type: ignore[arg-type]
    [mine] = lines(
        store, project, tmp_path / "a.jsonl", ExportOptions(layer="suggestions", annotator="alice")
    )
    assert ("model:quotes@3 for alice", 0.5) in [(s["annotator"], s["score"]) for s in mine["spans"]]  # type: ignore[union-attr]
    with pytest.raises(NotFoundError, match="no annotator named 'zed'"):
        export(
            store.session(),
            project.id,
            "jsonl",
            tmp_path / "z.jsonl",
            options=ExportOptions(layer="suggestions", annotator="zed"),
        )
    with pytest.raises(ValidationError, match="--annotator goes with --layer suggestions"):
        export(
            store.session(),
            project.id,
            "jsonl",
            tmp_path / "z.jsonl",
            options=ExportOptions(annotator="alice"),
        )


def test_labels_and_sentences_keep_the_scores(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    [quotes] = lines(
        store, project, tmp_path / "q.jsonl", ExportOptions(layer="suggestions", labels=["QUOTE"])
    )
    assert [(s["label"], s["score"], s["origin"]) for s in quotes["spans"]] == [  # type: ignore[union-attr]
        ("QUOTE", 0.6, "suggestion:rules@1")
    ]
    assert quotes["relations"] == []  # its speaker was not selected
    found = lines(store, project, tmp_path / "s.jsonl", ExportOptions(layer="suggestions", sentences=True))
    scored = [(s["label"], s["score"]) for line in found for s in line["spans"]]  # type: ignore[union-attr]
    assert scored == [("ACTOR", 0.9), ("QUOTE", 0.6)]


def test_a_native_file_of_suggestions_is_not_imported_as_labels(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    out = tmp_path / "s.jsonl"
    export(store.session(), project.id, "jsonl", out, options=LAYER)
    with store.transaction() as tx:
        other = create_project(tx, "Elsewhere").id
    for keep in (False, True):
        with pytest.raises(AnnotatorError, match=r"s\.jsonl:1: span 0–5 'ACTOR' is a suggestion"):
            import_paths(store, other, [out], annotator="alice", keep_annotators=keep, create_labels=True)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document).where(Document.project_id == other)) == 0
        assert s.scalar(select(func.count()).select_from(Annotation)) == 1  # alice's own label alone
