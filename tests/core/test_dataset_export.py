"""Dataset exports from a project: options checked, splits disjoint and stable, CLI wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

import annotator.export as export_module
from annotator.cli import main
from annotator.errors import NotFoundError, ValidationError
from annotator.export import NOT_ADJUDICATED, ExportOptions, export, records
from annotator.export_folder import MANIFEST
from annotator.formats import iob, native, spacy_docbin
from annotator.formats.base import ExportReport
from annotator.model import Annotation, Annotator, Document, Project, ReviewStatus
from annotator.ops.importer import import_records
from annotator.review.gold import GOLD_NAME, accept_spans, set_review_status
from annotator.store import Store
from tests.core.dataset_helpers import CORPUS, corpus_project, corpus_records


@pytest.fixture
def corpus(store: Store, project: Project) -> Project:
    """The corpus twice annotated (alice everything, bob everything but the claims), 3 documents new."""
    docs = corpus_records("alice")
    for i, record in enumerate(docs):
        bob = [s for s in corpus_records("bob")[i].spans if s.label != "CLAIM"]
        for span in bob:
            span.key = "b" + (span.key or "")
        record.spans += bob
        record.status = "new" if i < 3 else "done"
    with store.transaction() as tx:
        import_records(tx, project.id, docs)
    return project


def test_only_done_layers_and_labels(store: Store, corpus: Project) -> None:
    with store.session() as s:
        everything = list(records(s, corpus.id))
        assert len(everything) == len(CORPUS)
        done = list(records(s, corpus.id, ExportOptions(only_done=True)))
        assert len(done) == len(CORPUS) - 3
        majority = list(records(s, corpus.id, ExportOptions(layer="majority")))
        assert {sp.label for r in majority for sp in r.spans} == {"ACTOR", "QUOTE"}
        assert all(r.type == "speaker" for m in majority for r in m.relations)
        renamed = list(
            records(s, corpus.id, ExportOptions(layer="annotator:bob", rename={"QUOTE": "SPEECH"}))
        )
        assert {sp.label for r in renamed for sp in r.spans} == {"ACTOR", "SPEECH"}
        with pytest.raises(NotFoundError, match="no annotator named 'carol'"):
            list(records(s, corpus.id, ExportOptions(layer="annotator:carol")))
        with pytest.raises(ValidationError, match="no gold layer"):
            list(records(s, corpus.id, ExportOptions(layer="gold")))
        with pytest.raises(ValidationError, match="unknown label"):
            list(records(s, corpus.id, ExportOptions(labels=["SPEECH"])))
    with store.session() as s:
        doc_id, *_ = s.scalars(
            select(Document.id).where(Document.project_id == corpus.id).order_by(Document.id)
        )
        bob = s.scalars(select(Annotation.id).join(Annotator).where(Annotator.name == "bob")).all()
        first = s.scalars(
            select(Annotation.id).where(Annotation.id.in_(bob), Annotation.document_id == doc_id)
        )
        accepted = list(first)
    with store.transaction() as tx:
        accept_spans(tx, accepted)
        set_review_status(tx, [doc_id], ReviewStatus.ADJUDICATED)
    with store.session() as s:
        rep = ExportReport(Path("x"))
        gold = list(records(s, corpus.id, ExportOptions(layer="gold"), report=rep))
        done = list(records(s, corpus.id, ExportOptions(only_done=True)))
    assert [r.doc_id for r in gold] == [doc_id]  # the only adjudicated document
    assert {(sp.annotator, sp.label) for sp in gold[0].spans} == {(GOLD_NAME, "ACTOR"), (GOLD_NAME, "QUOTE")}
    assert rep.left_out == {NOT_ADJUDICATED: len(CORPUS) - 1}
    assert len(done) == len(CORPUS) - 2  # adjudicated counts as done


def test_split_export_writes_disjoint_parts_atomically(store: Store, corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "data"
    options = ExportOptions(split=(0.6, 0.2, 0.2), seed=3)
    with store.session() as s:
        report = export(s, corpus.id, "jsonl", out, options=options)
        export(s, corpus.id, "jsonl", tmp_path / "again", options=options)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "dev.jsonl", "test.jsonl", "train.jsonl"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
    ids = {name: {r.text for r in native.read(out / f"{name}.jsonl")} for name in ("train", "dev", "test")}
    assert all(ids[name] for name in ids)
    assert ids["train"].isdisjoint(ids["dev"]) and ids["dev"].isdisjoint(ids["test"])
    assert ids["train"].isdisjoint(ids["test"])
    assert len(ids["train"] | ids["dev"] | ids["test"]) == len(CORPUS)
    assert {n: (tmp_path / "again" / f"{n}.jsonl").read_text() for n in ids} == {
        n: (out / f"{n}.jsonl").read_text() for n in ids
    }
    assert report.documents == len(CORPUS) and set(report.parts) == {"train", "dev", "test"}
    assert "train:" in report.summary()


def test_split_export_into_a_file_is_refused(store: Store, corpus: Project, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("keep")
    with store.session() as s, pytest.raises(Exception, match="is a file"):
        export(s, corpus.id, "iob", tmp_path / "f", options=ExportOptions(split=(0.5, 0.5, 0.0)))
    assert (tmp_path / "f").read_text() == "keep"


def test_hf_split_has_one_label_file_in_project_order(store: Store, corpus: Project, tmp_path: Path) -> None:
    options = ExportOptions(split=(0.5, 0.5, 0.0), sentences=True, labels=["QUOTE", "ACTOR"])
    with store.session() as s:
        report = export(s, corpus.id, "hf-jsonl", tmp_path / "hf", options=options)
    assert sorted(p.name for p in (tmp_path / "hf").iterdir()) == [
        MANIFEST,
        "dev.jsonl",
        "labels.json",
        "train.jsonl",
    ]
    labels = json.loads((tmp_path / "hf" / "labels.json").read_text())
    assert labels["label_names"] == ["O", "B-QUOTE", "I-QUOTE", "B-ACTOR", "I-ACTOR"]
    assert report.left_out == {
        "relations linking a span whose label was not selected": len(CORPUS),
        iob.DUPLICATE_REASON: sum(1 for c in CORPUS if c[1]) + len(CORPUS),
        iob.NO_RELATIONS: sum(1 for c in CORPUS if c[1]),
    }


def test_spacy_export_uses_the_project_language_and_span_key(
    store: Store, corpus: Project, tmp_path: Path
) -> None:
    with store.session() as s:
        export(s, corpus.id, "spacy", tmp_path / "a.spacy", options=ExportOptions(span_key="claims"))
        with pytest.raises(Exception, match="--language xx"):
            export(s, corpus.id, "spacy", tmp_path / "b.spacy", options=ExportOptions(language="zz-nope"))
    got = list(spacy_docbin.read(tmp_path / "a.spacy", span_key="claims"))
    assert len(got) == len(CORPUS) and all(r.spans for r in got)
    assert not (tmp_path / "b.spacy").exists()


def test_cli_export_options(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus_project(db_url)
    out = tmp_path / "iob"
    code = main(
        ["--db", db_url, "export", "--format", "iob", "-o", str(out), "--layer", "annotator:alice",
         "--labels", "CLAIM,QUOTE", "--rename", "QUOTE=SPEECH", "--only-done", "--split", "0.7,0.3",
         "--seed", "5", "--sentences", "--docstart"]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "left out" in printed and "relations" in printed and "train:" in printed
    tags = {line.split("\t")[1] for p in out.iterdir() for line in p.read_text().splitlines() if "\t" in line}
    assert tags == {"O", "B-CLAIM", "I-CLAIM", "B-SPEECH", "I-SPEECH"}
    assert main(["--db", db_url, "export", "--format", "iob", "-o", str(out), "--rename", "X"]) == 1
    assert "OLD=NEW" in capsys.readouterr().err
    assert main(["--db", db_url, "export", "-o", str(out), "--split", "0.7,0.7"]) == 1
    assert "add up to 1" in capsys.readouterr().err


def test_split_of_a_folder_format_replaces_the_old_parts(
    store: Store, corpus: Project, tmp_path: Path
) -> None:
    out = tmp_path / "brat"
    with store.session() as s:
        for seed in (1, 2):
            export(s, corpus.id, "brat", out, options=ExportOptions(split=(0.5, 0.5, 0.0), seed=seed))
            texts = {n: {p.read_text() for p in (out / n).glob("*.txt")} for n in ("train", "dev")}
            assert texts["train"] and texts["dev"] and texts["train"].isdisjoint(texts["dev"])
            assert len(texts["train"] | texts["dev"]) == len(CORPUS)  # nothing left from the seed-1 export


@pytest.mark.parametrize(
    ("fmt", "options"), [("brat", ExportOptions()), ("spacy", ExportOptions(docs_per_file=2))]
)
def test_an_interrupted_folder_export_leaves_the_old_folder_as_it_was(
    store: Store,
    corpus: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    options: ExportOptions,
) -> None:
    out = tmp_path / "exports" / "out"
    with store.session() as s:  # an earlier export, and a file of the user's beside it
        export(s, corpus.id, fmt, out, options=options)
    (out / "keep.txt").write_text("old")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = export_module.to_record
    calls = []

    def failing(*args: object) -> object:
        calls.append(1)
        if len(calls) == 4:
            raise OSError("disk full")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "to_record", failing)
    with store.session() as s, pytest.raises(OSError, match="disk full"):
        export(s, corpus.id, fmt, out, options=options)
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # no staging folder left
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written half-way
    monkeypatch.setattr(export_module, "to_record", real)
    with store.session() as s:
        report = export(s, corpus.id, fmt, out, options=options)
    assert report.documents == len(CORPUS) and (out / "keep.txt").read_text() == "old"
    assert len(list(out.iterdir())) > 2
    with store.session() as s:  # into a new folder: moved in whole, with an ordinary folder's mode
        export(s, corpus.id, fmt, tmp_path / "exports" / "new", options=options)
    (tmp_path / "plain").mkdir()
    assert (tmp_path / "exports" / "new").stat().st_mode == (tmp_path / "plain").stat().st_mode
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["new", "out"]
