"""Issue 14: a token format never changes a span without saying so, and a text already in the
project takes the tokens a later file brings (or keeps its own, and the report says so)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.model import Document
from annotator.store import open_store
from annotator.tokens import unpack
from tests.core.cli_run import new_project, run

TEXT = "EU rejects the call. Mr. Smith said so."


def _project_with_edges(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """One document whose spans end on a space, start on one, and sit on whole words."""
    db = new_project(capsys, tmp_path)
    line = {
        "text": TEXT,
        "spans": [
            {"start": 0, "end": 11, "label": "QUOTE"},  # "EU rejects " (trailing space)
            {"start": 20, "end": 30, "label": "ACTOR"},  # " Mr. Smith" (leading space)
            {"start": 31, "end": 35, "label": "CLAIM"},  # "said": whole tokens, unchanged
        ],
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert run(capsys, "--db", db, "import", str(source), "--annotator", "ann")[0] == 0
    return db


@pytest.mark.parametrize("fmt", ["iob", "hf-jsonl"])
def test_a_token_export_names_every_span_it_trims_with_document_and_offsets(
    fmt: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _project_with_edges(capsys, tmp_path)
    out = tmp_path / f"out.{fmt}"
    code, said, _ = run(capsys, "--db", db, "export", "--format", fmt, "-o", str(out))
    assert code == 0
    assert f"to {out}" in said  # the file written, not "standard output"
    assert "left out 2: span edges on whitespace" in said
    assert "doc 1: 0–11 → 0–10 QUOTE; doc 1: 20–30 → 21–30 ACTOR" in said
    assert "CLAIM" not in said  # a span on whole tokens is not named


def test_sentence_examples_name_the_trim_in_document_offsets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _project_with_edges(capsys, tmp_path)
    out = tmp_path / "out.jsonl"
    code, said, _ = run(capsys, "--db", db, "export", "--format", "hf-jsonl", "--sentences", "-o", str(out))
    assert code == 0
    assert "doc 1 sentence 0: 0–11 → 0–10 QUOTE" in said
    assert "doc 1 sentence 1: 20–30 → 21–30 ACTOR" in said


# The same text as an IOB file would give it (tokens joined by spaces, sentences by a line
# break): first from a format without tokens, then from CoNLL-style IOB with its own tokens.
IOB_TEXT = "EU rejects U.S. call .\nMr. Smith said ."
IOB = "-DOCSTART-\tO\n\nEU\tB-ACTOR\nrejects\tO\nU.S.\tO\ncall\tO\n.\tO\n\nMr.\tO\nSmith\tO\nsaid\tO\n.\tO\n"


def _stored_tokens(db: str) -> tuple[list[tuple[int, int]] | None, list[int] | None]:
    store = open_store(db)
    try:
        with store.session() as s:
            return unpack(s.scalars(select(Document.tokens)).one())
    finally:
        store.close()


def _text_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    db = new_project(capsys, tmp_path)
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"text": IOB_TEXT, "label": []}) + "\n", encoding="utf-8")
    assert run(capsys, "--db", db, "import", str(plain), "--format", "doccano")[0] == 0
    assert _stored_tokens(db) == (None, None)
    return db


def _import_iob(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> tuple[Path, str]:
    """Import the text again as CoNLL-style IOB: the file and the import's report."""
    corpus = tmp_path / "corpus.conll"
    corpus.write_text(IOB, encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", str(corpus), "--annotator", "ann")
    assert code == 0
    return corpus, out


def test_a_text_already_here_without_tokens_takes_the_files_tokens(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _text_first(capsys, tmp_path)
    corpus, out = _import_iob(capsys, db, tmp_path)
    assert "0 document(s) added, 1 already present" in out
    assert "1 document(s) already present took the file's tokens and sentence breaks" in out
    tokens, sentences = _stored_tokens(db)
    assert tokens is not None and [IOB_TEXT[a:b] for a, b in tokens][2] == "U.S."  # one token, as in the file
    assert len(tokens) == 9 and sentences == [0, 5]
    # and exports use them: U.S. stays one token
    hf = tmp_path / "out.jsonl"
    assert run(capsys, "--db", db, "export", "--format", "hf-jsonl", "-o", str(hf))[0] == 0
    line = json.loads(hf.read_text(encoding="utf-8"))
    assert line["tokens"][2] == "U.S." and line["sentence_starts"] == [0, 5]
    # importing the same file again changes nothing and says nothing about tokens
    code, out, _ = run(capsys, "--db", db, "import", str(corpus), "--annotator", "ann")
    assert code == 0 and "tokens" not in out


def test_a_text_already_here_with_other_tokens_keeps_its_own_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _text_first(capsys, tmp_path)
    _import_iob(capsys, db, tmp_path)
    before = _stored_tokens(db)
    # A Prodigy task of the same text whose tokenizer cut "U.S." into "U.S" and "."
    at = IOB_TEXT.index("U.S.")
    cuts = [(a, b) for a, b in (before[0] or []) if (a, b) != (at, at + 4)] + [(at, at + 3), (at + 3, at + 4)]
    task = {
        "text": IOB_TEXT,
        "tokens": [
            {"text": IOB_TEXT[a:b], "start": a, "end": b, "id": i} for i, (a, b) in enumerate(sorted(cuts))
        ],
        "spans": [],
        "answer": "accept",
    }
    prodigy = tmp_path / "prodigy.jsonl"
    prodigy.write_text(json.dumps(task) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "--db", db, "import", str(prodigy), "--format", "prodigy", "--annotator", "ann"
    )
    assert code == 0
    assert "1 document(s) already present have other tokens than the file's; their own were kept" in out
    assert "prodigy.jsonl:1: document 1 keeps its own tokens" in out
    assert _stored_tokens(db) == before
