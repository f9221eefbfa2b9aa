"""Issue 14, points 4-7 and 9: custom doccano columns, Label Studio flat lists and non-text tasks,
every skip reported, counts that say what is in the file, and the small ones (each on a small
file in the shape of the real one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import read_path
from tests.core.cli_run import new_project, run


def _read(path: Path, **options: str) -> tuple[list, ReadReport]:  # type: ignore[type-arg]
    reports: list[ReadReport] = []
    records = read_path(path, reports=reports, **options)
    return records, reports[0]


def test_doccano_custom_columns_with_text_and_label_field(tmp_path: Path) -> None:
    """doccano's own example of custom columns: ``column_data`` and ``column_label``."""
    path = tmp_path / "custom.jsonl"
    rows = [{"column_data": "Ada Lovelace wrote it.", "column_label": [[0, 12, "ACTOR"]], "source": "x"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    records, report = _read(path, fmt="doccano", text_field="column_data", label_field="column_label")
    assert [(s.start, s.end, s.label) for s in records[0].spans] == [(0, 12, "ACTOR")]
    assert records[0].meta == {"source": "x"}
    assert any("'source' is not doccano's" in reason for reason in report.notes)
    # recognised without --format once the label column is named
    records, _ = _read(path, text_field="column_data", label_field="column_label")
    assert len(records[0].spans) == 1


def test_doccano_labels_in_an_unknown_column_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"text": "Ada spoke.", "column_label": [[0, 3, "ACTOR"]], "label": []}) + "\n")
    records, report = _read(path, fmt="doccano")
    assert records[0].spans == []
    assert any("'column_label'" in r and "--label-field" in r for r in report.notes)


def test_label_studio_flat_task_list_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"text": "First story."}, {"text": "Second story.", "topic": "sport"}]))
    db = new_project(capsys, tmp_path)
    code, out, _ = run(capsys, "--db", db, "import", str(path))
    assert code == 0 and "2 document(s) added" in out
    records, _ = _read(path)
    assert records[1].meta == {"data": {"topic": "sport"}}


def test_label_studio_image_tasks_are_skipped_with_a_report(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    tasks = [
        {"id": 1, "data": {"image": "/data/upload/1/cat.jpg"}, "annotations": []},
        {"id": 2, "data": {"audio": "https://example.org/a.wav"}, "annotations": []},
        {"id": 3, "data": {"text": "A text task.", "lang": "en", "n": 3}, "annotations": []},
    ]
    path.write_text(json.dumps(tasks))
    records, report = _read(path)
    assert [r.text for r in records] == ["A text task."]
    assert report.skipped == {"tasks without text (image, audio, video, … tasks are not text documents)": 2}
    # unused data fields are kept, and written back into ``data`` on export
    assert records[0].meta == {"data": {"lang": "en", "n": 3}}
    from annotator.formats import labelstudio
    from annotator.formats.base import ExportReport

    out = tmp_path / "again.json"
    labelstudio.write(records, out, ExportReport(out))
    assert json.loads(out.read_text())[0]["data"] == {"lang": "en", "n": 3, "text": "A text task."}


def test_brat_txt_without_ann_is_reported_and_titles_come_from_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "story-one.txt").write_text("Ada spoke.\n")
    (folder / "story-one.ann").write_text("T1\tACTOR 0 3\tAda\n")
    (folder / "notes.txt").write_text("no annotations here\n")
    records, report = _read(folder)
    assert [r.title for r in records] == ["story-one"]
    assert report.skipped == {".txt files without a .ann beside them, not read (notes.txt)": 1}


def test_iob_documents_get_a_title_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "eng.testb.iob"
    path.write_text("-DOCSTART- O\n\nAda\tB-PER\nspoke\tO\n\n-DOCSTART- O\n\nBob\tB-PER\n")
    records = read_path(path)
    assert [r.title for r in records] == ["eng.testb 1", "eng.testb 2"]


def test_plain_doccano_export_counts_what_is_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    source = tmp_path / "in.jsonl"
    doc = {
        "text": "Ada said it works.",
        "spans": [
            {"id": "a", "start": 0, "end": 3, "label": "ACTOR"},
            {"id": "q", "start": 9, "end": 17, "label": "QUOTE"},
        ],
        "relations": [{"from": "a", "to": "q", "type": "SAYS"}],
    }
    source.write_text(json.dumps(doc) + "\n")
    assert run(capsys, "--db", db, "import", str(source), "--create-labels", "--annotator", "ann")[0] == 0
    code, out, _ = run(capsys, "--db", db, "export", "--format", "doccano", "-o", str(tmp_path / "out.jsonl"))
    assert code == 0
    assert "wrote 1 document(s), 2 span(s), 0 relation(s)" in out
    assert "left out 1: relations" in out


def test_export_to_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = new_project(capsys, tmp_path)
    (tmp_path / "a.txt").write_text("Title line\nBody.\n")
    run(capsys, "--db", db, "import", str(tmp_path / "a.txt"))
    code = main(["--db", db, "export", "--format", "doccano", "-o", "-"])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["text"] == "Title line\nBody.\n"
    assert "to standard output" in err
    assert not Path("-").exists()


def test_webanno_export_says_import_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = new_project(capsys, tmp_path)
    code, _out, err = run(capsys, "--db", db, "export", "--format", "webanno", "-o", str(tmp_path / "x.tsv"))
    assert code != 0 and "import only" in err


@pytest.mark.parametrize("command", ["import", "export"])
def test_conll_and_native_aliases_are_in_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "conll" in text and "native" in text


def test_import_as_conll_reads_iob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = new_project(capsys, tmp_path)
    path = tmp_path / "data.txt"
    path.write_text("Ada\tB-ACTOR\nspoke\tO\n")
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--format", "conll", "--annotator", "ann")
    assert code == 0 and "1 span(s) added" in out


def test_an_import_error_names_the_file_read_not_the_documents_source_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    path = tmp_path / "export.jsonl"
    doc = {
        "text": "Ada spoke.",
        "source_file": "original-article.txt",
        "spans": [{"start": 0, "end": 3, "label": "NOPE"}],
    }
    path.write_text(json.dumps(doc) + "\n")
    code, _out, err = run(capsys, "--db", db, "import", str(path), "--annotator", "ann")
    assert code != 0
    assert f"{path}:1: unknown label 'NOPE'" in err and "original-article.txt" not in err


def test_a_label_ending_in_a_newline_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"text": "Ada spoke.", "label": [[0, 3, "ACTOR\n"]]}) + "\n")
    code, _out, err = run(capsys, "--db", db, "import", str(path), "--create-labels", "--annotator", "ann")
    assert code != 0 and f"{path}:1" in err
    assert run(capsys, "--db", db, "docs", "--json")[1].strip() == "[]"
