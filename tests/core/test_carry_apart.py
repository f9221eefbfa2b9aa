"""Issue 14: documents kept apart on import (same text, other labels) keep their review through a
native export and an import into a fresh project with ``--keep-annotators``: each decision comes
back on the document it was made on, not on its twin with the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from annotator.model import Annotation, Annotator, Document, Label, Rejection, Role
from annotator.ops.annotations import delete_spans
from annotator.review.gold import reject, set_review_status
from annotator.store import Actor, open_store
from tests.core.cli_run import new_project, run
from tests.core.test_import_whole import TSV

LABELS = ["PER", "LOC", "ORG"]


def _suite(folder: Path) -> Path:
    """INCEpTION's test-suite shape: one text in several files, labelled differently in each."""
    for n, label in enumerate(LABELS):
        (folder / "suite" / f"case{n}").mkdir(parents=True)
        (folder / "suite" / f"case{n}" / "reference.tsv").write_text(
            TSV.format(label=label), encoding="utf-8"
        )
    return folder / "suite"


def _review(db: str, twins_agree: bool) -> None:
    """riley, a reviewer, decides differently on each twin: case0's document is not reviewed,
    case1's LOC span is rejected (so it is in review), case2's document is adjudicated.
    ``twins_agree``: ann's labels on case1 and case2 are deleted first, so that those two twins
    now look alike (no labels of ann's)."""
    store = open_store(db)
    try:
        with store.session() as s:
            docs = _by_source(s)
            riley = s.scalars(select(Annotator.id).where(Annotator.name == "riley")).one()
            loc = s.scalars(select(Label.id).where(Label.name == "LOC")).one()
            spans = s.scalars(
                select(Annotation.id).where(Annotation.document_id.in_([docs["case1"], docs["case2"]]))
            ).all()
        if twins_agree:
            with store.transaction() as tx:
                delete_spans(tx, spans)
        with store.transaction(actor=Actor("riley", riley, Role.REVIEWER.value)) as tx:
            reject(tx, docs["case1"], loc, 9, 15)
            set_review_status(tx, [docs["case2"]], "adjudicated")
    finally:
        store.close()


def _by_source(s: Session) -> dict[str, int]:
    """Document ids by the suite case they were read from."""
    return {Path(str(f)).parent.name: d for d, f in s.execute(select(Document.id, Document.source_file))}


def _exported_suite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[str, Path]:
    """A project holding the suite (two documents kept apart), and its native export."""
    db = new_project(capsys, tmp_path)
    assert (
        run(capsys, "--db", db, "import", str(_suite(tmp_path)), "--create-labels", "--annotator", "ann")[0]
        == 0
    )
    export = tmp_path / "all.jsonl"
    assert run(capsys, "--db", db, "export", "--format", "jsonl", "-o", str(export))[0] == 0
    return db, export


def _cases(db: str) -> dict[str, int]:
    store = open_store(db)
    try:
        with store.session() as s:
            return _by_source(s)
    finally:
        store.close()


def _decisions(db: str) -> dict[str, tuple[str, list[tuple[int, int, str]]]]:
    """Each document, by the suite case it came from: its review status and rejections."""
    store = open_store(db)
    try:
        with store.session() as s:
            names = dict(s.execute(select(Label.id, Label.name)).all())
            out = {}
            for case, doc in _by_source(s).items():
                status = s.scalars(select(Document.review_status).where(Document.id == doc)).one()
                rejected = sorted(
                    (r.start, r.end, names[r.label_id])
                    for r in s.scalars(select(Rejection).where(Rejection.document_id == doc))
                )
                out[case] = (status, rejected)
            return out
    finally:
        store.close()


@pytest.mark.parametrize("twins_agree", [False, True], ids=["other-labels", "labels-now-alike"])
def test_kept_apart_documents_get_their_own_review_back(
    twins_agree: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    code, out, _ = run(
        capsys, "--db", db, "import", str(_suite(tmp_path)), "--create-labels", "--annotator", "ann"
    )
    assert code == 0 and "2 document(s) kept apart" in out
    run(capsys, "--db", db, "annotate", "1", "0", "5", "PER", "--annotator", "riley")
    assert run(capsys, "--db", db, "review", "role", "riley", "reviewer")[0] == 0
    _review(db, twins_agree)
    before = _decisions(db)
    assert before == {
        "case0": ("unreviewed", []),
        "case1": ("in review", [(9, 15, "LOC")]),
        "case2": ("adjudicated", []),
    }
    export = tmp_path / "all.jsonl"
    assert run(capsys, "--db", db, "export", "--format", "jsonl", "-o", str(export))[0] == 0
    fresh = new_project(capsys, tmp_path, "fresh.db")
    code, out, err = run(capsys, "--db", fresh, "import", str(export), "--keep-annotators", "--create-labels")
    assert code == 0, err
    assert "3 document(s) added" in out
    assert _decisions(fresh) == before
    # riley importing the export again finds each document again: nothing added, nothing doubled
    assert run(capsys, "--db", fresh, "review", "role", "riley", "reviewer")[0] == 0
    again = ("import", str(export), "--keep-annotators", "--annotator", "riley")
    code, out, err = run(capsys, "--db", fresh, *again)
    assert code == 0, err
    assert "0 document(s) added, 3 already present" in out
    assert _decisions(fresh) == before
    # and so does importing the suite's own files again (the documents keep their keys)
    code, out, err = run(
        capsys, "--db", fresh, "import", str(tmp_path / "suite"), "--annotator", "ann", "--create-labels"
    )
    assert code == 0, err
    assert "0 document(s) added" in out


@pytest.mark.parametrize("fmt", ["jsonl", "w3c", "prodigy", "labelstudio", "doccano", "spacy", "hf-jsonl"])
def test_kept_apart_documents_stay_apart_through_every_format(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three documents with one text and other labels come back as three, each with its label
    (W3C once gave them one source IRI, so they came back as one document with three labels)."""
    db = new_project(capsys, tmp_path)
    assert (
        run(capsys, "--db", db, "import", str(_suite(tmp_path)), "--create-labels", "--annotator", "ann")[0]
        == 0
    )
    out = tmp_path / f"out.{fmt}"
    assert run(capsys, "--db", db, "export", "--format", fmt, "-o", str(out))[0] == 0
    fresh = new_project(capsys, tmp_path, "fresh.db")
    code, said, err = run(
        capsys,
        "--db",
        fresh,
        "import",
        str(out),
        "--format",
        "native" if fmt == "jsonl" else fmt,
        "--annotator",
        "ann",
        "--create-labels",
    )
    assert code == 0, err
    assert "3 document(s) added" in said
    store = open_store(fresh)
    try:
        with store.session() as s:
            labels = sorted(label for _doc, label in s.execute(_labels_by_document()))
            documents = {doc for doc, _label in s.execute(_labels_by_document())}
    finally:
        store.close()
    assert labels == sorted(LABELS) and len(documents) == 3


def _labels_by_document() -> Select[tuple[int, str]]:
    return select(Annotation.document_id, Label.name).join(Label, Label.id == Annotation.label_id)


def test_a_teammates_work_on_kept_apart_documents_merges_onto_the_same_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lead hands out a native export; bob labels one twin; merging bob's export back puts
    each of his labels on the twin he labelled, never all of them on the first."""
    lead, handout = _exported_suite(capsys, tmp_path)
    bob = new_project(capsys, tmp_path, "bob.db")
    code, out, err = run(capsys, "--db", bob, "import", str(handout), "--annotator", "bob", "--create-labels")
    assert code == 0 and "3 document(s) added" in out, err
    case1 = _cases(bob)["case1"]
    assert run(capsys, "--db", bob, "annotate", str(case1), "0", "5", "LOC", "--annotator", "bob")[0] == 0
    work = tmp_path / "bob.jsonl"
    assert run(capsys, "--db", bob, "export", "--format", "jsonl", "-o", str(work))[0] == 0
    code, out, err = run(capsys, "--db", lead, "merge", str(work), "--annotator", "bob")
    assert code == 0, err
    store = open_store(lead)
    try:
        with store.session() as s:
            cases = {d: c for c, d in _by_source(s).items()}
            got = sorted(
                (cases[doc], a.start, a.end, label)
                for doc, label, a in s.execute(
                    select(Annotation.document_id, Label.name, Annotation)
                    .join(Label, Label.id == Annotation.label_id)
                    .join(Annotator, Annotator.id == Annotation.annotator_id)
                    .where(Annotator.name == "bob")
                )
            )
        assert len(cases) == 3
    finally:
        store.close()
    assert got == [
        ("case0", 9, 15, "PER"),
        ("case1", 0, 5, "LOC"),
        ("case1", 9, 15, "LOC"),
        ("case2", 9, 15, "ORG"),
    ]


def test_a_deleted_kept_apart_document_stays_deleted_and_its_twin_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _db, export = _exported_suite(capsys, tmp_path)
    fresh = new_project(capsys, tmp_path, "fresh.db")
    assert run(capsys, "--db", fresh, "import", str(export), "--annotator", "ann", "--create-labels")[0] == 0
    case1 = _cases(fresh)["case1"]
    assert run(capsys, "--db", fresh, "rm", str(case1))[0] == 0
    code, out, err = run(
        capsys, "--db", fresh, "import", str(export), "--annotator", "ann", "--create-labels"
    )
    assert code == 0, err
    assert "0 document(s) added, 2 already present" in out and "1 document(s) skipped: deleted" in out
    assert sorted(_cases(fresh)) == ["case0", "case2"]
