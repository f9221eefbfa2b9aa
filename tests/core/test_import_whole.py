"""Issue 14: what goes in comes out. Identical texts with other labels stay apart, and a bad file
among good ones can be left out with ``--skip-bad`` (each case on a small file in the real shape)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.formats.sources import read_path
from annotator.importing import import_each
from annotator.model import Annotation, Document, Project
from annotator.records import DocRecord, SpanRecord
from annotator.store import Store
from tests.core.cli_run import new_project, run

# WebAnno TSV 3 as INCEpTION writes it: the same sentence, labelled differently in two files.
TSV = """#FORMAT=WebAnno TSV 3.3
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value


#Text=Where 's Kishan ?
1-1\t0-5\tWhere\t_\t
1-2\t6-8\t's\t_\t
1-3\t9-15\tKishan\t{label}\t
1-4\t16-17\t?\t_\t
"""


def _docs(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--db", db, "docs", "--json")
    assert code == 0
    return list(json.loads(out))


def _spans(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> list[tuple[str, int, int, str]]:
    out = tmp_path / "all.jsonl"
    assert run(capsys, "--db", db, "export", "--format", "jsonl", "-o", str(out))[0] == 0
    found = []
    for line in out.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        found += [(doc["text"], s["start"], s["end"], s["label"]) for s in doc["spans"]]
    return sorted(found)


def test_a_suite_of_files_with_one_text_and_other_labels_gives_a_document_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    suite = tmp_path / "suite"
    for n, label in enumerate(["PER", "LOC", "ORG"]):
        (suite / f"case{n}").mkdir(parents=True)
        (suite / f"case{n}" / "reference.tsv").write_text(TSV.format(label=label), encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", str(suite), "--create-labels", "--annotator", "ann")
    assert code == 0
    assert "3 document(s) added" in out
    assert "2 document(s) kept apart" in out and "case1/reference.tsv" in out
    docs = _docs(capsys, db)
    assert len(docs) == 3
    # each document holds its own file's label, not all three stacked on "Kishan"
    assert _spans(capsys, db, tmp_path) == [("Where 's Kishan ?", 9, 15, x) for x in ("LOC", "ORG", "PER")]
    kishan = [d for d in docs if d["spans"] != 1]
    assert not kishan
    # importing the same suite again adds nothing: each kept-apart document is found again
    code, out, _ = run(capsys, "--db", db, "import", str(suite), "--create-labels", "--annotator", "ann")
    assert "0 document(s) added, 3 already present" in out and "kept apart" not in out
    assert len(_docs(capsys, db)) == 3


def test_a_sentence_repeated_with_other_labels_in_one_file_is_not_stacked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WNUT-17 repeats "Where ' s Kishan ?" with other tags; CoNLL-like IOB, one file."""
    db = new_project(capsys, tmp_path)
    corpus = tmp_path / "wnut.conll"
    corpus.write_text(
        "Where\tO\n'\tO\ns\tO\nKishan\tB-person\n?\tO\n\n"
        "Hello\tO\nthere\tO\n\n"
        "Where\tO\n'\tO\ns\tO\nKishan\tB-location\n?\tO\n\n"
        "Where\tO\n'\tO\ns\tO\nKishan\tB-person\n?\tO\n\n"
        "Where\tO\n'\tO\ns\tO\nKishan\tO\n?\tO\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", db, "import", str(corpus), "--create-labels", "--annotator", "ann")
    assert code == 0
    assert "4 document(s) added, 1 already present" in out  # the identical repeat is the same work
    assert "2 document(s) kept apart" in out  # other labels, and no labels
    labels = [s[3] for s in _spans(capsys, db, tmp_path) if s[0].startswith("Where")]
    assert sorted(labels) == ["location", "person"]  # one each, never both on one document
    apart = [d for d in _docs(capsys, db) if str(d["title"]).endswith("3")]
    assert apart and apart[0]["spans"] == 1


def test_one_file_per_annotator_shares_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An INCEpTION-like project export: the same text in one file per annotator, each file's
    labels kept under its annotator on one document (nobody's labels meet)."""
    db = new_project(capsys, tmp_path)
    folder = tmp_path / "export"
    folder.mkdir()
    for who, label in (("alice", "PER"), ("bob", "LOC")):
        task = {"text": "Where 's Kishan ?", "label": [[9, 15, label]]}
        (folder / f"{who}.jsonl").write_text(json.dumps(task) + "\n", encoding="utf-8")
    for who in ("alice", "bob"):
        code, out, _ = run(
            capsys, "--db", db, "import", str(folder / f"{who}.jsonl"), "--create-labels", "--annotator", who
        )
        assert code == 0, out
    assert len(_docs(capsys, db)) == 1
    assert [s[3] for s in _spans(capsys, db, tmp_path)] == ["LOC", "PER"]


def test_a_later_file_crossing_the_same_annotators_labels_becomes_its_own_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(
        json.dumps({"text": "Kishan Rao spoke.", "label": [[0, 6, "PER"]]}) + "\n", encoding="utf-8"
    )
    second.write_text(
        json.dumps({"text": "Kishan Rao spoke.", "label": [[0, 10, "ORG"]]}) + "\n", encoding="utf-8"
    )
    run(capsys, "--db", db, "import", str(first), "--create-labels", "--annotator", "ann")
    code, out, _ = run(capsys, "--db", db, "import", str(second), "--create-labels", "--annotator", "ann")
    assert code == 0 and "1 document(s) added" in out and "kept apart" in out
    # the same file again (a re-import of the same work) merges into its document
    code, out, _ = run(capsys, "--db", db, "import", str(first), "--create-labels", "--annotator", "ann")
    assert "0 document(s) added, 1 already present; 0 span(s) added, 1 already present" in out
    assert len(_docs(capsys, db)) == 2


def _good_and_bad(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        json.dumps({"text": "Alpha went home.", "label": [[0, 5, "ACTOR"]]}) + "\n"
    )
    (folder / "b.jsonl").write_text(
        json.dumps({"text": "Beta stayed.", "label": [[0, 4, "ACTOR"]]})
        + "\n"
        + json.dumps({"text": "Broken one.", "label": [[0, 40, "ACTOR"]]})
        + "\n"
    )
    (folder / "c.jsonl").write_text(json.dumps({"text": "Gamma left.", "label": [[0, 5, "ACTOR"]]}) + "\n")
    (folder / "d.jsonl").write_text(json.dumps({"text": "Delta.", "label": [[0, 5, "NOPE"]]}) + "\n")


def test_skip_bad_imports_the_good_files_and_lists_the_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    folder = tmp_path / "corpus"
    _good_and_bad(folder)
    # the default stays one transaction: a bad file imports nothing
    code, _out, err = run(capsys, "--db", db, "import", str(folder), "--annotator", "ann")
    assert code != 0 and "b.jsonl:2" in err
    assert _docs(capsys, db) == []
    code, out, _ = run(capsys, "--db", db, "import", str(folder), "--annotator", "ann", "--skip-bad")
    assert code == 0
    assert "2 document(s) added" in out
    assert "2 file(s) not imported" in out
    assert f"{folder / 'b.jsonl'}:2: span 0–40 lies outside the text" in out or "b.jsonl:2:" in out
    assert f"{folder / 'd.jsonl'}:1: unknown label 'NOPE'" in out
    # nothing half-imported from b.jsonl: its good first document is not in the project
    assert [s[0] for s in _spans(capsys, db, tmp_path)] == ["Alpha went home.", "Gamma left."]


def test_skip_bad_rolls_back_a_refused_file_whole_on_every_backend(store: Store, project: Project) -> None:
    """The savepoint per file: a file refused half-way (its second document) leaves nothing, on
    SQLite and PostgreSQL; the good files and the audit of them stay."""
    good = [DocRecord("Alpha went home.", spans=[SpanRecord(0, 5, "ACTOR")])]
    bad = [
        DocRecord("Beta stayed.", spans=[SpanRecord(0, 4, "ACTOR")]),
        DocRecord("Broken.", spans=[SpanRecord(0, 3, "NOPE")], line=2),
    ]
    with store.transaction() as tx:
        _batch, result, refused = import_each(
            tx, project.id, [(Path("a.jsonl"), good), (Path("b.jsonl"), bad)], "test", annotator="alice"
        )
    assert result.documents_added == 1 and result.spans_added == 1
    assert [(b.path, b.line) for b in refused] == [("b.jsonl", 2)] and "NOPE" in refused[0].reason
    with store.session() as session:
        assert session.scalars(select(Document.text)).all() == ["Alpha went home."]
        assert session.scalar(select(func.count()).select_from(Annotation)) == 1


def test_crlf_of_text_files_is_normalised_and_json_texts_keep_theirs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Title\r\nBody line.\r\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "One\r\nAda", "label": [[5, 8, "ACTOR"]]}) + "\n")
    [plain] = read_path(tmp_path / "a.txt")
    [doccano] = read_path(tmp_path / "b.jsonl")
    assert plain.text == "Title\nBody line.\n"
    assert doccano.text == "One\r\nAda" and doccano.text[5:8] == "Ada"
