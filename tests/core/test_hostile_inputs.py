"""A corpus of hostile files: each is refused with file, line and reason, and nothing is imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main

GOOD = '{"text": "A perfectly fine first document."}\n'


CASES: dict[str, tuple[str, str | bytes, str]] = {
    # name: (file name, content, expected fragment of the message)
    "malformed json": ("a.jsonl", GOOD + '{"text": nope}\n', "a.jsonl:2: malformed JSON"),
    "truncated last line": ("b.jsonl", GOOD + '{"text": "cut off', "b.jsonl:2: truncated"),
    "offset out of range": (
        "c.jsonl",
        GOOD
        + json.dumps(
            {"text": "short", "spans": [{"start": 0, "end": 99, "label": "ACTOR", "annotator": "a"}]}
        )
        + "\n",
        "c.jsonl:2: span 0–99 lies outside",
    ),
    "end before start": (
        "d.jsonl",
        GOOD
        + json.dumps({"text": "short", "spans": [{"start": 3, "end": 3, "label": "ACTOR", "annotator": "a"}]})
        + "\n",
        "d.jsonl:2: span 3–3 is empty or reversed",
    ),
    "span text mismatch": (
        "e.jsonl",
        GOOD
        + json.dumps(
            {
                "text": "short",
                "spans": [{"start": 0, "end": 2, "label": "ACTOR", "text": "xx", "annotator": "a"}],
            }
        )
        + "\n",
        "e.jsonl:2: span 0–2: its text 'xx' does not match",
    ),
    "unknown label": (
        "f.jsonl",
        GOOD
        + json.dumps({"text": "short", "spans": [{"start": 0, "end": 2, "label": "PLACE", "annotator": "a"}]})
        + "\n",
        "f.jsonl:2: unknown label 'PLACE'",
    ),
    "relation to missing span": (
        "g.jsonl",
        GOOD
        + json.dumps({"text": "short", "spans": [], "relations": [{"from": 1, "to": 2, "type": "speaker"}]})
        + "\n",
        "g.jsonl:2: relation 'speaker' refers to a missing span",
    ),
    "non-utf8 bytes": ("h.txt", b"caf\xe9 \xff\xfe\x00\x81 broken " * 3, "h.txt"),
    "empty file": ("i.txt", b"", "i.txt: empty file"),
    "binary file": ("j.txt", bytes(range(256)) * 20, "j.txt"),
    "deeply nested json": (
        "k.jsonl",
        '{"text": "a", "meta": ' + "[" * 50_000 + "]" * 50_000 + "}\n",
        "k.jsonl:1",
    ),
    "csv without text column": ("l.csv", "title,body\nHello,World\n", "l.csv"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_and_imports_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, content, expected = CASES[case]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    # Keeping the file's names (a fresh project may): the error is about the input itself.
    assert main(["--db", db, "import", "--keep-annotators", str(path)]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert err.startswith("annotator: error:")
    assert main(["--db", db, "docs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_unknown_label_is_created_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        json.dumps(
            {"text": "In Lyon.", "spans": [{"start": 3, "end": 7, "label": "PLACE", "annotator": "a"}]}
        )
        + "\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'h.db'}"
    main(["--db", db, "init"])
    assert main(["--db", db, "import", str(path), "--create-labels", "--annotator", "a"]) == 0
    capsys.readouterr()
    main(["--db", db, "stats", "--json"])
    assert json.loads(capsys.readouterr().out)["spans_by_label"]["PLACE"] == 1


def test_utf16_with_bom_is_decoded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("\ufeffZürich: „Wir schaffen das“, sagte sie. 😀".encode("utf-16-le"))
    db = f"sqlite:///{tmp_path / 'h.db'}"
    main(["--db", db, "init"])
    assert main(["--db", db, "import", str(path)]) == 0
    out_file = tmp_path / "out.jsonl"
    main(["--db", db, "export", "-o", str(out_file)])
    assert (
        json.loads(out_file.read_text(encoding="utf-8"))["text"]
        == "Zürich: „Wir schaffen das“, sagte sie. 😀"
    )


def test_html_script_is_never_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Harbour deal</title><script>document.title='pwned'; var secret = 'SCRIPT-TEXT';</script>"
        "</head><body><article><h1>Harbour deal</h1>"
        + "".join(
            f"<p>The port authority said on Monday that paragraph {i} of the deal was final.</p>"
            for i in range(6)
        )
        + "<script>alert('SCRIPT-TEXT')</script></article></body></html>",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'h.db'}"
    main(["--db", db, "init"])
    assert main(["--db", db, "import", str(path)]) == 0
    out_file = tmp_path / "out.jsonl"
    main(["--db", db, "export", "-o", str(out_file)])
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert "SCRIPT-TEXT" not in doc["text"] and "port authority" in doc["text"]


@pytest.mark.slow
def test_fifty_megabyte_single_line_is_handled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"text": "word " * 10_000_000}) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    main(["--db", db, "init"])
    capsys.readouterr()
    code = main(["--db", db, "import", str(path)])
    captured = capsys.readouterr()
    if code == 0:
        main(["--db", db, "docs", "--json"])
        assert len(json.loads(capsys.readouterr().out)) == 1
    else:
        assert "huge.jsonl" in captured.err
