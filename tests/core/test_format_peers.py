"""The registry of peer formats: every writer's output is recognised and read back by its reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats import peers
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport, annotator_filename, annotator_from_filename
from annotator.records import DocRecord, RelationRecord, SpanRecord

RECORD = DocRecord(
    "\u201cYes,\u201d said Ann \U0001f600.",
    spans=[SpanRecord(0, 6, "QUOTE", "amy", key="1"), SpanRecord(12, 15, "ACTOR", "amy", key="2")],
    relations=[RelationRecord("1", "2", "speaker", "amy")],
)


@pytest.mark.parametrize("fmt", sorted(peers.READERS.keys() & peers.WRITERS.keys()))
def test_each_export_is_sniffed_and_read_back(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export{peers.SUFFIXES[fmt]}"
    report = ExportReport(out)
    peers.writer(fmt)([RECORD], out, report)
    assert peers.writes_folder(fmt) == out.is_dir()
    assert peers.sniff(out) == ("doccano-relations" if fmt == "doccano-relations" else fmt)
    read_report = ReadReport(out)
    (record,) = peers.reader(fmt, annotator="amy", report=read_report)(out)
    assert record.text == RECORD.text
    assert {(s.start, s.end, s.label, s.annotator) for s in record.spans} == {
        (0, 6, "QUOTE", "amy"),
        (12, 15, "ACTOR", "amy"),
    }
    assert len(record.relations) == (0 if fmt == "doccano" else 1)
    assert read_report.documents == 1


def test_options_are_checked() -> None:
    assert peers.writer("brat", by_annotator=True) is not peers.WRITERS["brat"]
    with pytest.raises(ValueError, match="no option"):
        peers.writer("prodigy", by_annotator=True)
    with pytest.raises(ValueError, match="unknown format"):
        peers.reader("whosaid")
    assert peers.writes_folder("doccano", by_annotator=True)


def test_sniff_leaves_other_files_alone(tmp_path: Path) -> None:
    native = tmp_path / "native.jsonl"
    native.write_text('{"text": "a", "spans": [{"start": 0, "end": 1, "label": "X"}], "hash": "h"}\n')
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert peers.sniff(native) is None and peers.sniff(broken) is None and peers.sniff(tmp_path) is None
    (tmp_path / "per-user").mkdir()
    (tmp_path / "per-user" / "amy.jsonl").write_text('{"text": "a", "label": [[0, 1, "X"]]}\n')
    assert peers.sniff(tmp_path / "per-user") == "doccano"


@pytest.mark.parametrize("name", ["alice", "x/y", ".hidden", "a%b", "Émile 😀", "", "CON:"])
def test_annotator_file_names_read_back(name: str) -> None:
    filename = annotator_filename(name)
    assert "/" not in filename and not filename.startswith(".") and filename
    assert annotator_from_filename(filename, None) == name
    assert annotator_from_filename(annotator_filename(None), "fallback") == "fallback"
