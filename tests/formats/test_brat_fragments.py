"""brat discontinuous spans are multi-part spans: ``T1 Quote 0 5;16 23`` in and out exactly;
formats that cannot hold parts say how many they wrote as their hull; native JSONL keeps them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import AnnotatorError
from annotator.export import ExportOptions, export
from annotator.formats import brat
from annotator.formats.peerkit import ReadReport
from annotator.fragments_export import AS_HULL
from annotator.importing import import_paths
from annotator.model import Annotation, Document, Project
from annotator.ops.projects import create_project
from annotator.store import Store

TEXT = "Taxes, he said, go down. Prices, she added,\nwill fall\nnext year.\n"
ANN = (
    "T1\tQUOTE 0 5;16 23\tTaxes go down\n"
    "T2\tACTOR 7 9\the\n"
    "T3\tQUOTE 25 31;44 53;54 63\tPrices will fall next year\n"
    "T4\tACTOR 33 36\tshe\n"
    "R1\tspeaker Arg1:T1 Arg2:T2\t\n"
    "R2\tspeaker Arg1:T3 Arg2:T4\t\n"
)


def _folder(path: Path) -> Path:
    path.mkdir()
    (path / "doc1.txt").write_text(TEXT, encoding="utf-8", newline="\n")
    (path / "doc1.ann").write_text(ANN, encoding="utf-8", newline="\n")
    return path


def test_the_reader_makes_one_span_of_several_parts(tmp_path: Path) -> None:
    (record,) = brat.read(_folder(tmp_path / "in"), annotator="ann", report=ReadReport(tmp_path))
    first, _he, second, _she = record.spans
    assert (first.start, first.end, first.fragments) == (0, 23, [(0, 5), (16, 23)])
    # Parts apart only by a line break are one part (brat cuts every span at line breaks).
    assert second.fragments == [(25, 31), (44, 63)]
    assert [(r.source, r.target) for r in record.relations] == [("T1", "T2"), ("T3", "T4")]


def test_import_then_export_is_byte_identical(store: Store, project: Project, tmp_path: Path) -> None:
    import_paths(
        store, project.id, [_folder(tmp_path / "in")], fmt="brat", annotator="ann", create_labels=True
    )
    with store.session() as s:
        parts = {a.text[:5]: a.fragments for a in s.scalars(select(Annotation))}
    assert parts["Taxes"] == [[0, 5], [16, 23]] and parts["he"] is None
    with store.session() as s:
        report = export(s, project.id, "brat", tmp_path / "out")
    (ann,) = (tmp_path / "out").glob("*.ann")
    assert ann.read_bytes() == ANN.encode()
    assert ann.with_suffix(".txt").read_bytes() == TEXT.encode()
    assert AS_HULL not in report.left_out


def test_a_fragment_outside_the_text_fails_the_import_naming_it(store: Store, tmp_path: Path) -> None:
    with store.transaction() as tx:
        pid = create_project(tx, "Other").id
    path = tmp_path / "bad.jsonl"
    span = {"start": 0, "end": 60, "label": "QUOTE", "fragments": [[0, 5], [55, 70]]}
    path.write_text(json.dumps({"text": TEXT, "spans": [span]}) + "\n", encoding="utf-8")
    with pytest.raises(
        AnnotatorError, match=r"bad.jsonl:1: span 0–60: fragment 2 \(55–70\) lies outside the text \(0–65\)"
    ):
        import_paths(store, pid, [path], fmt="native", annotator="ann", create_labels=True)
    with store.session() as s:
        assert s.scalars(select(Annotation)).all() == []


@pytest.mark.parametrize("fmt", ["doccano", "iob"])
def test_formats_without_parts_report_the_hulls(
    store: Store, project: Project, tmp_path: Path, fmt: str
) -> None:
    import_paths(
        store, project.id, [_folder(tmp_path / "in")], fmt="brat", annotator="ann", create_labels=True
    )
    with store.session() as s:
        report = export(s, project.id, fmt, tmp_path / f"out.{fmt}")
    assert report.left_out[AS_HULL] == 2
    assert f"left out 2: {AS_HULL}" in report.summary()


def test_native_jsonl_carries_the_parts_back(store: Store, project: Project, tmp_path: Path) -> None:
    import_paths(
        store, project.id, [_folder(tmp_path / "in")], fmt="brat", annotator="ann", create_labels=True
    )
    with store.session() as s:
        export(s, project.id, "jsonl", tmp_path / "out.jsonl")
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [s.get("fragments") for s in line["spans"]][:2] == [[[0, 5], [16, 23]], None]
    with store.transaction() as tx:
        again = create_project(tx, "Again").id
    import_paths(store, again, [tmp_path / "out.jsonl"], fmt="native", create_labels=True)
    with store.session() as s:
        query = select(Annotation.fragments).join(Document).where(Document.project_id == again)
        found = sorted(f for f in s.scalars(query) if f)
    assert found == [[[0, 5], [16, 23]], [[25, 31], [44, 63]]]


def test_a_label_selection_keeps_the_parts(store: Store, project: Project, tmp_path: Path) -> None:
    import_paths(
        store, project.id, [_folder(tmp_path / "in")], fmt="brat", annotator="ann", create_labels=True
    )
    with store.session() as s:
        export(s, project.id, "jsonl", tmp_path / "q.jsonl", options=ExportOptions(labels=["QUOTE"]))
    line = json.loads((tmp_path / "q.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [s["fragments"] for s in line["spans"]] == [[[0, 5], [16, 23]], [[25, 31], [44, 63]]]
