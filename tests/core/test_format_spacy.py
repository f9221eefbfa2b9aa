"""spaCy DocBin export: exact token boundaries, every span in doc.spans, relations in user_data."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from spacy.tokens import Doc, DocBin, Span

from annotator.errors import AnnotatorError, InputError
from annotator.formats import docbin_stream, spacy_docbin
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.dataset_helpers import news, records, shape

NLP = spacy.blank("en")


def roundtrip(record: DocRecord, report: ExportReport | None = None) -> DocRecord:
    """Through a DocBin's bytes, as ``spacy train`` would read them."""
    docbin = DocBin(store_user_data=True)
    docbin.add(spacy_docbin.to_doc(NLP, record, "sc", report or ExportReport(Path("x"))))
    (doc,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(NLP.vocab)
    return spacy_docbin.from_doc(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_docbin_holds_everything_the_project_has(record: DocRecord) -> None:
    assert shape(roundtrip(record)) == shape(record)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_every_span_is_an_exact_token_range_and_ents_never_overlap(record: DocRecord) -> None:
    report = ExportReport(Path("x"))
    doc = spacy_docbin.to_doc(NLP, record, "sc", report)
    assert doc.text == record.text
    for span, original in zip(doc.spans["sc"], record.spans, strict=True):
        assert (span.start_char, span.end_char, span.label_) == (original.start, original.end, original.label)
    ends = [(e.start, e.end) for e in doc.ents]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))
    assert len(doc.ents) + sum(report.left_out.values()) == len(record.spans)


def test_quote_marks_and_periods_outside_a_span_are_never_in_its_tokens() -> None:
    record = news(
        'Mayor X said:"We will win." He added: "Taxes fell." Taxes fell.',
        ("We will win", "CLAIM"),
        ('"Taxes fell."', "QUOTE"),
        ("Mayor X", "ACTOR"),
    )
    record.spans.append(SpanRecord(52, 62, "CLAIM", "alice", key="9"))  # the last "Taxes fell", no period
    doc = spacy_docbin.to_doc(NLP, record, "sc", ExportReport(Path("x")))
    claim, quote, actor, last = doc.spans["sc"]
    assert [t.text for t in claim] == ["We", "will", "win"]
    assert quote[0].text == '"' and quote[-1].text == '"'
    assert [t.text for t in actor] == ["Mayor", "X"]
    assert last[-1].text == "fell"
    assert doc[last.end].text == "."


def test_a_span_edge_inside_a_spacy_token_splits_the_token() -> None:
    # spaCy keeps "said:" and "U.S." whole; spans end inside them.
    record = DocRecord(
        text='He said:"no" in the U.S.', spans=[SpanRecord(3, 7, "CLAIM"), SpanRecord(20, 23, "ACTOR")]
    )
    doc = spacy_docbin.to_doc(NLP, record, "sc", ExportReport(Path("x")))
    assert [t.text for t in doc.spans["sc"][0]] == ["said"]
    assert [t.text for t in doc.spans["sc"][1]] == ["U.S"]


def test_a_span_with_surrounding_whitespace_keeps_it() -> None:
    record = DocRecord(text="one two  three", spans=[SpanRecord(3, 8, "ACTOR"), SpanRecord(7, 9, "CLAIM")])
    doc = spacy_docbin.to_doc(NLP, record, "sc", ExportReport(Path("x")))
    assert [s.text for s in doc.spans["sc"]] == [" two ", "  "]
    assert doc.text == record.text


def test_overlaps_stay_in_spans_and_are_reported_for_ents() -> None:
    record = news(
        'Mayor X said: "We will win."',
        ('"We will win."', "QUOTE"),
        ("We will win", "CLAIM"),
        ("Mayor X", "ACTOR"),
    )
    record.spans.append(SpanRecord(0, 7, "ACTOR", "bob", key="4"))
    report = ExportReport(Path("x"))
    doc = spacy_docbin.to_doc(NLP, record, "sc", report)
    assert len(doc.spans["sc"]) == 4
    assert [(e.text, e.label_) for e in doc.ents] == [("Mayor X", "ACTOR"), ('"We will win."', "QUOTE")]
    assert sorted(report.left_out.values()) == [1, 1]
    assert any("overlapping" in reason and "doc.ents" in reason for reason in report.left_out)
    assert any("same offsets" in reason for reason in report.left_out)


def test_relations_layout_in_user_data() -> None:
    record = news('Mayor X said: "We will win."', ('"We will win."', "QUOTE"), ("Mayor X", "ACTOR"))
    record.relations.append(RelationRecord("1", "2", "speaker", "alice"))
    doc = spacy_docbin.to_doc(NLP, record, "quotes", ExportReport(Path("x")))
    data = doc.user_data["annotator"]
    assert data["span_key"] == "quotes"
    assert data["relations"] == [{"head": 0, "child": 1, "label": "speaker", "annotator": "alice"}]
    head = doc.spans["quotes"][data["relations"][0]["head"]]
    assert head.text == '"We will win."' and head.id_ == "1"


def test_writer_and_reader_through_files(tmp_path: Path) -> None:
    docs = [news(f"Minister {i} said prices fell.", (f"Minister {i}", "ACTOR")) for i in range(5)]
    report = ExportReport(tmp_path / "a.spacy")
    spacy_docbin.writer("en")(iter(docs), tmp_path / "a.spacy", report)
    assert report.documents == 5 and report.spans == 5
    assert [shape(r) for r in spacy_docbin.read(tmp_path / "a.spacy")] == [shape(d) for d in docs]
    parts = ExportReport(tmp_path / "parts")
    spacy_docbin.writer("en", docs_per_file=2)(iter(docs), tmp_path / "parts", parts)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [
        "part-00000.spacy",
        "part-00001.spacy",
        "part-00002.spacy",
    ]
    assert [shape(r) for r in spacy_docbin.read(tmp_path / "parts")] == [shape(d) for d in docs]


@pytest.mark.parametrize("count", [0, 1, 15, 16, 300, 70_000])
@pytest.mark.parametrize("in_memory", [docbin_stream.STRINGS_IN_MEMORY, 40])
def test_streamed_file_is_byte_for_byte_what_spacy_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int, in_memory: int
) -> None:
    """Counts cross msgpack's header sizes (fixarray < 16, array16 < 65536, array32); a small
    ``in_memory`` sends the distinct strings through the temporary SQLite table."""
    monkeypatch.setattr(docbin_stream, "STRINGS_IN_MEMORY", in_memory)
    texts = ['Zoë 😀 said: "Prices fell."', "Le ministre a parlé.", "北京 🇩🇪 spoke  twice\n"]
    streamed, spacys = docbin_stream.StreamingDocBin(tmp_path), DocBin(store_user_data=True)
    for i in range(count if count < 1000 else 300):
        record = news(texts[i % 3] + f" #{i}", ("said" if i % 3 == 0 else texts[i % 3][:2], "ACTOR"))
        doc = spacy_docbin.to_doc(NLP, record, "sc", ExportReport(Path("x")))
        doc.cats = {"done": float(i % 2)}
        streamed.add(doc)
        spacys.add(doc)
    if count >= 1000:  # many strings: the string list needs array32's header
        extra = Doc(NLP.vocab, words=[f"w{i}" for i in range(count)])
        streamed.add(extra)
        spacys.add(extra)
    if count:  # span groups under two keys (packed once), a kb_id, no user data
        extra = Doc(NLP.vocab, words=["Ana", "Lee", "spoke"], spaces=[True, True, False])
        extra.spans["a"] = extra.spans["b"] = [Span(extra, 0, 2, "ACTOR", kb_id="Q1", span_id="x")]
        extra.spans["c"] = [Span(extra, 2, 3, "CLAIM")]
        extra.ents = [Span(extra, 0, 2, "ACTOR")]
        streamed.add(extra)
        spacys.add(extra)
    assert len(streamed) == len(spacys)
    streamed.write(tmp_path / "s.spacy")
    assert zlib.decompress((tmp_path / "s.spacy").read_bytes()) == zlib.decompress(spacys.to_bytes())
    back = list(DocBin().from_disk(tmp_path / "s.spacy").get_docs(NLP.vocab))
    assert [d.text for d in back] == [d.text for d in spacys.get_docs(NLP.vocab)]
    assert list(tmp_path.iterdir()) == [tmp_path / "s.spacy"]  # no spool file left behind


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    def failing() -> Iterator[DocRecord]:
        yield news("Minister Ana said prices fell.", ("Minister Ana", "ACTOR"))
        raise AnnotatorError("the database went away")

    with pytest.raises(AnnotatorError, match="went away"):
        spacy_docbin.writer("en")(failing(), tmp_path / "a.spacy", ExportReport(tmp_path / "a.spacy"))
    assert list(tmp_path.iterdir()) == []


def test_reader_takes_a_foreign_docbin_with_ents_only(tmp_path: Path) -> None:
    doc = Doc(NLP.vocab, words=["Jane", "Roe", "spoke", "."], spaces=[True, True, False, False])
    doc.ents = [Span(doc, 0, 2, "ACTOR")]
    doc.spans["sc"] = [Span(doc, 0, 2, "ACTOR"), Span(doc, 0, 3, "CLAIM")]
    DocBin(docs=[doc]).to_disk(tmp_path / "f.spacy")
    (record,) = spacy_docbin.read(tmp_path / "f.spacy")
    assert record.text == "Jane Roe spoke."
    assert [(s.start, s.end, s.label) for s in record.spans] == [(0, 8, "ACTOR"), (0, 14, "CLAIM")]


def test_reader_reports_a_file_that_is_not_a_docbin(tmp_path: Path) -> None:
    (tmp_path / "bad.spacy").write_bytes(b"not a docbin")
    with pytest.raises(InputError, match="not a spaCy DocBin"):
        list(spacy_docbin.read(tmp_path / "bad.spacy"))


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(AnnotatorError, match="--language xx"):
        spacy_docbin.blank("zz-not-a-language")
