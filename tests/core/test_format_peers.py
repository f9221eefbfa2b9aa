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


# Lines with spans or relations that are not the project's native JSONL: import must not take them
# for native (which reads relations as from/to and loses Prodigy's annotators).
PEER_LINES = {
    "prodigy": '{"text": "Ann met Bo.", "spans": [{"start": 0, "end": 3, "label": "P", "token_start": 0, '
    '"token_end": 0}, {"start": 8, "end": 10, "label": "P", "token_start": 2, "token_end": 2}], '
    '"relations": [{"head": 0, "child": 2, "label": "MET", '
    '"head_span": {"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": "P"}, '
    '"child_span": {"start": 8, "end": 10, "token_start": 2, "token_end": 2, "label": "P"}}]}',
    "doccano-relations": '{"text": "Ann met Bo.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, '
    '"label": "P"}, {"id": 2, "start_offset": 8, "end_offset": 10, "label": "P"}], '
    '"relations": [{"from_id": 1, "to_id": 2, "type": "MET"}]}',
    "native": '{"text": "Ann met Bo.", "spans": [{"id": 1, "start": 0, "end": 3, "label": "P", "annotator": "amy"}, '
    '{"id": 2, "start": 8, "end": 10, "label": "P", "annotator": "amy"}], '
    '"relations": [{"from": 1, "to": 2, "type": "MET", "annotator": "amy"}]}',
}


@pytest.mark.parametrize("fmt", sorted(PEER_LINES))
def test_auto_import_tells_peer_lines_from_native_ones(tmp_path: Path, fmt: str) -> None:
    from annotator.formats.sources import read_path

    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "A first line without spans."}\n' + PEER_LINES[fmt] + "\n", encoding="utf-8")
    reports: list[ReadReport] = []
    records = read_path(path, annotator="amy", reports=reports)
    (record,) = [r for r in records if r.spans]
    assert [record.text[s.start : s.end] for s in record.spans] == ["Ann", "Bo"]
    assert [r.type for r in record.relations] == ["MET"]
    assert bool(reports) == (fmt != "native")  # peer readers report what they read; native has no report


def test_peer_files_inside_a_folder_of_articles_keep_their_annotations(tmp_path: Path) -> None:
    from annotator.formats.sources import read_path

    (tmp_path / "article.txt").write_text("An article of its own.", encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text(PEER_LINES["prodigy"] + "\n", encoding="utf-8")
    reports: list[ReadReport] = []
    records = read_path(tmp_path, annotator="amy", reports=reports)
    assert sorted(len(r.spans) for r in records) == [0, 2]
    assert [len(r.relations) for r in records if r.spans] == [1]
    assert len(reports) == 1 and reports[0].spans == 2
