"""brat standoff: checked T lines, fragments at line breaks, skipped line kinds reported, per-annotator folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.errors import InputError
from annotator.formats import brat
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.peer_fixtures import canon, corpora, fresh

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _as_brat_holds_them(records: list[DocRecord]) -> tuple[list[DocRecord], dict[str, int]]:
    """The records as brat can hold them: spans trimmed of edge line breaks, all-break spans (and
    their relations) gone; and what the writer must report for that."""
    out, left = [], {}
    for r in records:
        spans, keys = [], set()
        for s in r.spans:
            frags = brat.fragments(r.text, s.start, s.end)
            if not frags:
                left[brat.ONLY_BREAKS] = left.get(brat.ONLY_BREAKS, 0) + 1
                continue
            if (frags[0][0], frags[-1][1]) != (s.start, s.end):
                left[brat.TRIMMED] = left.get(brat.TRIMMED, 0) + 1  # named with examples
            spans.append(SpanRecord(frags[0][0], frags[-1][1], s.label, s.annotator, key=s.key))
            keys.add(s.key)
        rels = [x for x in r.relations if x.source in keys and x.target in keys]
        if len(rels) < len(r.relations):
            left[brat.DANGLING] = left.get(brat.DANGLING, 0) + len(r.relations) - len(rels)
        out.append(DocRecord(r.text, spans=spans, relations=rels))
    return out, left


def _reasons(report: ExportReport) -> dict[str, int]:
    """The report's reasons without the examples some name (``reason: example; …``)."""
    out: dict[str, int] = {}
    for reason, count in report.left_out.items():
        out[reason.split(": ")[0]] = out.get(reason.split(": ")[0], 0) + count
    return out


@SETTINGS
@given(corpora())
def test_per_annotator_folders_round_trip(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "brat"
    report = ExportReport(out)
    brat.write(records, out, report, by_annotator=True)
    expected, left = _as_brat_holds_them(records)
    assert _reasons(report) == left
    assert len(report.trimmed) == left.get(brat.TRIMMED, 0)
    assert canon(brat.read(out, by_annotator=True)) == canon(expected)


@SETTINGS
@given(corpora(same_layer=False))
def test_merged_folder_reports_lost_annotators(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "brat"
    report = ExportReport(out)
    brat.write(records, out, report)
    expected, left = _as_brat_holds_them(records)
    named = sum(s.annotator is not None for r in records for s in r.spans)
    named += sum(x.annotator is not None for r in records for x in r.relations)
    if named:
        left[brat.LOST_ANNOTATORS] = named
    assert _reasons(report) == left
    assert canon(brat.read(out, annotator="me")) == canon(expected, annotator="me")


def _doc(folder: Path, text: str, ann: str, name: str = "d") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder / f"{name}.ann"


def test_a_t_line_whose_text_is_not_at_its_offsets_names_file_and_line(tmp_path: Path) -> None:
    ann = _doc(tmp_path, "\U0001f600 Ann spoke.", "T1\tACTOR 2 5\tAnn\nT2\tACTOR 3 6\tAnn\n")
    with pytest.raises(InputError) as err:
        list(brat.read(tmp_path))
    assert (err.value.path, err.value.line) == (str(ann), 2)
    assert "'Ann' does not match the document at 3 6 ('nn ')" in err.value.reason


def test_crlf_text_keeps_its_offsets(tmp_path: Path) -> None:
    _doc(tmp_path, "Line one.\r\nAnn said: yes.", "T1\tACTOR 11 14\tAnn\n")
    (record,) = brat.read(tmp_path, annotator="a")
    assert record.text[11:14] == "Ann" and "\r\n" in record.text


def test_discontinuous_spans(tmp_path: Path) -> None:
    text = "It is\na test, not a quiz."
    ann = "T1\tCLAIM 3 5;6 12\tis a test\nT2\tCLAIM 0 2;14 17\tIt not\nR1\tspeaker Arg1:T2 Arg2:T1\t\n"
    _doc(tmp_path, text, ann)
    report = ReadReport(tmp_path)
    (record,) = brat.read(tmp_path, annotator="a", report=report)
    # Parts apart only by a line break are one part; parts apart by words make a multi-part span.
    assert [(record.text[s.start : s.end], s.key, s.fragments) for s in record.spans] == [
        ("is\na test", "T1", None),
        ("It is\na test, not", "T2", [(0, 2), (14, 17)]),
    ]
    assert [(r.source, r.target) for r in record.relations] == [("T2", "T1")]
    assert len(report.notes) == 2


def test_fragments_listed_out_of_order_with_their_text_in_that_order(tmp_path: Path) -> None:
    """PolNeAR writes some contents as "1127 1248;936 998" with the text in that order."""
    text = "First part here. Some words between. Second part there."
    ann = "T1\tQUOTE 37 54;0 15\tSecond part there First part here\n"
    _doc(tmp_path, text, ann)
    report = ReadReport(tmp_path)
    (record,) = brat.read(tmp_path, annotator="a", report=report)
    (span,) = record.spans
    assert (span.start, span.end, span.fragments) == (0, 54, [(0, 15), (37, 54)])
    assert any("out of order" in note for note in report.notes)
    # a text matching neither order is still refused, naming the line
    _doc(tmp_path, text, "T1\tQUOTE 37 54;0 15\tSecond part here\n")
    with pytest.raises(InputError, match="does not match"):
        list(brat.read(tmp_path, annotator="a", report=ReadReport(tmp_path)))


def test_a_t_line_whose_text_runs_on_over_line_breaks_is_read_whole(tmp_path: Path) -> None:
    """PolNeAR writes a content's paragraph break into the .ann as it is."""
    text = "Ed said the plan works.\n\nIt will pay for itself. Then more."
    ann = "T1\tQUOTE 8 48\tthe plan works.\n\nIt will pay for itself.\nT2\tACTOR 0 2\tEd\n"
    _doc(tmp_path, text, ann)
    report = ReadReport(tmp_path)
    (record,) = brat.read(tmp_path, annotator="a", report=report)
    assert [(s.start, s.end, s.label, s.key) for s in record.spans] == [
        (8, 48, "QUOTE", "T1"),
        (0, 2, "ACTOR", "T2"),
    ]
    assert any("runs on over line breaks" in note for note in report.notes)
    # a next line that does not make the document's text is not swallowed: the T line is refused
    _doc(tmp_path, text, "T1\tQUOTE 8 48\tthe plan works.\nIt will pay\n")
    with pytest.raises(InputError, match=r"d\.ann:1: T1: its text"):
        list(brat.read(tmp_path, annotator="a", report=ReadReport(tmp_path)))


def test_other_line_kinds_are_skipped_and_reported(tmp_path: Path) -> None:
    """Events other than attributions, attributes of them and notes are skipped and reported;
    the span's attribute, normalisation and equivalence are read (tests/formats/test_brat_events.py)."""
    ann = (
        "T1\tActor 0 3\tAnn\nT2\tSay 4 8\tsaid\nE1\tSay:T2 Agent:T1\nA1\tNegated E1\nA2\tLevel T1 High\n"
        "N1\tReference T1 Wiki:1\tAnn\n#1\tAnnotatorNotes T1\tcheck\n*\tAlias T1 T2\nR1\tAbout Arg1:E1 Arg2:T1\n"
    )
    _doc(tmp_path, "Ann said so.", ann)
    report = ReadReport(tmp_path)
    (record,) = brat.read(tmp_path, annotator="a", report=report)
    assert len(record.spans) == 2 and record.relations == []
    assert report.skipped == {
        "brat events (E lines) other than attributions": 1,
        "brat attributes of relations or of events other than attributions": 1,
        "brat notes (# lines)": 1,
        "brat relations to something other than a text span": 1,
    }
    assert record.spans[0].attributes == {"Level": "High"}
    assert record.spans[0].actor is not None and record.spans[0].actor.external_id == "Wiki:1"


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        ("T1\tActor 0 3\tAnn\nT2\tActor zero 3\tAnn\n", 2, "expected 'LABEL START END"),
        ("T1\tActor 0 99\tAnn\n", 1, "not a range"),
        ("T1\tActor 0 3\tAnn\n\nR1\tspeaker Arg1:T1 Arg2:T9\n", 3, "'T9', which is not defined"),
        ("T1\tActor 0 3\tAnn\nR1\tspeaker T1 T1\n", 2, "expected 'TYPE Arg1:ID Arg2:ID'"),
        ("X1\twhat\n", 1, "unknown annotation line"),
    ],
)
def test_malformed_ann_names_file_and_line(tmp_path: Path, ann: str, line: int, reason: str) -> None:
    path = _doc(tmp_path, "Ann said so.", ann)
    with pytest.raises(InputError) as err:
        list(brat.read(tmp_path))
    assert (err.value.path, err.value.line) == (str(path), line)
    assert reason in err.value.reason


def test_writer_splits_at_line_breaks_writes_conf_and_renames_spaced_types(tmp_path: Path) -> None:
    record = DocRecord(
        "Ann said:\n\u201cyes\u201d",
        doc_id=4,
        spans=[SpanRecord(0, 3, "PUBLIC FIGURE", "a", key="1"), SpanRecord(4, 15, "QUOTE", "a", key="2")],
        relations=[RelationRecord("2", "1", "speaker", "a")],
    )
    out = tmp_path / "out"
    report = ExportReport(out)
    brat.write([record], out, report)
    assert (out / "doc4.ann").read_text(encoding="utf-8") == (
        "T1\tPUBLIC_FIGURE 0 3\tAnn\nT2\tQUOTE 4 9;10 15\tsaid: \u201cyes\u201d\nR1\tspeaker Arg1:T2 Arg2:T1\t\n"
    )
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]\nPUBLIC_FIGURE\nQUOTE\n" in conf and "speaker\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert report.left_out["type 'PUBLIC FIGURE' written as 'PUBLIC_FIGURE' (brat types have no spaces)"] == 1


def test_a_document_without_annotations_reads_back(tmp_path: Path) -> None:
    brat.write([DocRecord("Nothing here.")], tmp_path / "out", ExportReport(tmp_path))
    (record,) = brat.read(tmp_path / "out")
    assert record.text == "Nothing here." and record.spans == []
