"""Token classification exports: CoNLL IOB2 text and HF JSONL, exact at span edges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.dataset.tokens import outermost
from annotator.errors import InputError
from annotator.formats import iob
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import tokenize
from tests.core.dataset_helpers import LABELS, news, records

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)

# Words that ``tokenize`` keeps whole: letters with combining marks, digits, single emoji / CJK /
# punctuation characters.
WORDS = st.one_of(
    st.text(alphabet="abcXYZéßЖωe\u0301\u0308", min_size=1, max_size=6).filter(
        lambda w: w[0] not in "\u0301\u0308"
    ),
    st.sampled_from(['"', ".", ",", "🎉", "👍🏽", "中", "«", "»", "42", "3.5", "don't"]),
)


@st.composite
def aligned(draw: Any) -> DocRecord:
    """Single-spaced tokens with non-overlapping token-aligned spans: what IOB holds exactly."""
    words = draw(st.lists(WORDS, min_size=1, max_size=15))
    text = " ".join(words)
    positions = []
    offset = 0
    for word in words:
        positions.append((offset, offset + len(word)))
        offset += len(word) + 1
    assume(tokenize(text) == positions)
    spans = []
    i = 0
    while i < len(words):
        if draw(st.booleans()):
            length = draw(st.integers(1, len(words) - i))
            spans.append(
                SpanRecord(positions[i][0], positions[i + length - 1][1], draw(st.sampled_from(LABELS)))
            )
            i += length
        else:
            i += 1
    return DocRecord(text=text, spans=spans)


def _spans(record: DocRecord) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in record.spans]


@SETTINGS
@given(st.lists(aligned(), min_size=1, max_size=4), st.booleans())
def test_iob_round_trips_token_aligned_spans(tmp_path: Path, docs: list[DocRecord], docstart: bool) -> None:
    out = tmp_path / "a.iob"
    report = ExportReport(out)
    iob.write_iob(docs, out, report, docstart=docstart)
    back = list(iob.read_iob(out))
    assert [(r.text, _spans(r)) for r in back] == [(d.text, _spans(d)) for d in docs]
    assert report.left_out == {}
    assert report.spans == sum(len(d.spans) for d in docs)


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=4))
def test_hf_jsonl_round_trips_outermost_spans_with_exact_offsets(
    tmp_path: Path, docs: list[DocRecord]
) -> None:
    out = tmp_path / "a.jsonl"
    report = ExportReport(out)
    iob.hf_writer(LABELS)(docs, out, report)
    written = [d for d in docs if tokenize(d.text)]
    back = list(iob.read_hf(out))
    assert [r.text for r in back] == [d.text for d in written]
    for doc, got in zip(written, back, strict=True):
        expected = []
        for s in outermost(doc.spans)[0]:
            inside = [t for t in tokenize(doc.text) if t[0] < s.end and t[1] > s.start]
            if inside:  # trimmed to the tokens it covers: whitespace is no token
                expected.append((max(s.start, inside[0][0]), min(s.end, inside[-1][1]), s.label))
        assert _spans(got) == expected


@SETTINGS
@given(records())
def test_every_token_lies_wholly_inside_or_outside_every_span(record: DocRecord) -> None:
    report = ExportReport(Path("x"))
    tokens, tags = iob.tag(record, report)
    for start, end in tokens:
        assert record.text[start:end].strip() == record.text[start:end]
        for s in record.spans:
            assert end <= s.start or start >= s.end or (s.start <= start and end <= s.end)
    kept, duplicates, overlapping = outermost(record.spans)
    left = report.left_out
    assert left.get(iob.DUPLICATE_REASON, 0) == duplicates
    assert left.get(iob.OVERLAP_REASON, 0) == overlapping
    assert left.get(iob.NO_RELATIONS, 0) == len(record.relations)
    assert report.spans + left.get(iob.WHITESPACE_SPAN, 0) == len(kept)
    assert sum(t.startswith("B-") for t in tags) == report.spans


def test_label_studio_errors_do_not_happen(tmp_path: Path) -> None:
    """The quote mark starts a QUOTE only when the span has it; a claim's period is never its token."""
    text = 'Mayor X said: "We will win." The council said taxes fell. "Never," she said.'
    record = news(
        text, ('"We will win."', "QUOTE"), ("Mayor X", "ACTOR"), ("taxes fell", "CLAIM"), ("Never", "QUOTE")
    )
    out = tmp_path / "a.iob"
    iob.write_iob([record], out, ExportReport(out))
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines() if line]
    tags = dict(enumerate(rows))
    first = [i for i, (_, t) in tags.items() if t.startswith("B-")]
    assert [rows[i] for i in first] == [
        ["Mayor", "B-ACTOR"],
        ['"', "B-QUOTE"],
        ["taxes", "B-CLAIM"],
        ["Never", "B-QUOTE"],
    ]
    fell = next(i for i, (tok, _) in tags.items() if tok == "fell")
    assert rows[fell] == ["fell", "I-CLAIM"] and rows[fell + 1] == [".", "O"]
    never = next(i for i, (tok, _) in tags.items() if tok == "Never")
    assert rows[never - 1] == ['"', "O"] and rows[never + 1] == [",", "O"]


def test_glued_tokens_are_split_at_span_edges() -> None:
    record = DocRecord(
        text="the well-known 3.5% rule", spans=[SpanRecord(4, 8, "CLAIM"), SpanRecord(15, 16, "ACTOR")]
    )
    tokens, tags = iob.tag(record, ExportReport(Path("x")))
    assert [(record.text[a:b], t) for (a, b), t in zip(tokens, tags, strict=True)] == [
        ("the", "O"),
        ("well", "B-CLAIM"),
        ("-known", "O"),
        ("3", "B-ACTOR"),
        (".5", "O"),
        ("%", "O"),
        ("rule", "O"),
    ]


def test_left_out_counts_are_reported_with_reasons(tmp_path: Path) -> None:
    record = news(
        'Mayor X said: "We will win."',
        ('"We will win."', "QUOTE"),
        ("We will win", "CLAIM"),
        ("Mayor X", "ACTOR"),
    )
    record.spans.append(SpanRecord(0, 7, "ACTOR", "bob", key="4"))
    record.spans.append(SpanRecord(13, 14, "CLAIM", "bob", key="5"))  # only the space before the quote
    record.relations.append(RelationRecord("1", "3", "speaker", "alice"))
    blank = DocRecord(text=" \n ")
    out = tmp_path / "a.iob"
    report = ExportReport(out)
    iob.write_iob([record, blank], out, report)
    assert report.documents == 1 and report.spans == 2 and report.relations == 0
    assert report.left_out == {
        iob.DUPLICATE_REASON: 1,
        iob.OVERLAP_REASON: 1,
        iob.NO_RELATIONS: 1,
        iob.NO_TOKEN: 1,
        iob.WHITESPACE_SPAN: 1,
    }
    assert "left out 1: relations" in report.summary()


def test_docstart_groups_sentences_into_documents(tmp_path: Path) -> None:
    sentences = [
        DocRecord(text="A b.", doc_id=1, meta={"sentence": 0}, spans=[SpanRecord(0, 1, "ACTOR")]),
        DocRecord(text="C d.", doc_id=1, meta={"sentence": 1}),
        DocRecord(text="E.", doc_id=2, meta={"sentence": 0}),
    ]
    out = tmp_path / "a.iob"
    iob.write_iob(sentences, out, ExportReport(out), docstart=True)
    assert out.read_text(encoding="utf-8").count("-DOCSTART-") == 2
    back = list(iob.read_iob(out))
    assert [r.text for r in back] == ["A b .\nC d .", "E ."]
    assert _spans(back[0]) == [(0, 1, "ACTOR")]


def test_reader_accepts_conll2003_columns_and_iob1_continuations(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n"
        "call NN I-NP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n",
        encoding="utf-8",
    )
    (record,) = iob.read_iob(path)
    assert record.text == "EU rejects German call\nPeter Blackburn"
    assert [(record.text[s.start : s.end], s.label) for s in record.spans] == [
        ("EU", "ORG"),
        ("German", "MISC"),
        ("Peter Blackburn", "PER"),
    ]


def test_reader_names_the_line_of_a_bad_tag(tmp_path: Path) -> None:
    path = tmp_path / "bad.iob"
    path.write_text("a\tO\nb\tX-FOO\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.iob:2: tag 'X-FOO'"):
        list(iob.read_iob(path))
    path.write_text("a\tO\nonlytoken\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":2: expected a token and a tag"):
        list(iob.read_iob(path))


def test_reader_takes_spacys_sentence_per_line_layout(tmp_path: Path) -> None:
    path = tmp_path / "s.iob"
    path.write_text(
        "Zoë|NNP|B-ACTOR Ng|NNP|I-ACTOR said|VBD|O :|:|O “|``|B-QUOTE No|UH|I-QUOTE .|.|I-QUOTE ”|''|I-QUOTE\n"
        "Prices|NNS|O fell|VBD|O .|.|O\n",
        encoding="utf-8",
    )
    first, second = iob.read_iob(path)
    assert first.text == "Zoë Ng said : “ No . ”" and second.text == "Prices fell ."
    assert [(first.text[s.start : s.end], s.label) for s in first.spans] == [
        ("Zoë Ng", "ACTOR"),
        ("“ No . ”", "QUOTE"),
    ]
    path.write_text("a|DT|O b|NN|O\nc|DT|O d|NN|Q-FOO\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"s.iob:2: tag 'Q-FOO'"):
        list(iob.read_iob(path))


def test_hf_label_file_and_unknown_labels(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    docs = [news("Jane Roe spoke.", ("Jane Roe", "ACTOR")), news("Prices fell.", ("Prices fell", "OTHER"))]
    iob.hf_writer(["CLAIM", "ACTOR"])(docs, out, ExportReport(out))
    labels = json.loads((tmp_path / "d.labels.json").read_text(encoding="utf-8"))
    assert labels["label_names"] == ["O", "B-CLAIM", "I-CLAIM", "B-ACTOR", "I-ACTOR", "B-OTHER", "I-OTHER"]
    assert labels["id2label"]["3"] == "B-ACTOR" and labels["label2id"]["I-OTHER"] == 6
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert first["tokens"] == ["Jane", "Roe", "spoke", "."] and first["ner_tags"] == [3, 4, 0, 0]
    assert second["ner_tags"] == [5, 6, 0]
    assert [_spans(r) for r in iob.read_hf(out)] == [[(0, 8, "ACTOR")], [(0, 11, "OTHER")]]


def test_hf_reader_without_offsets_joins_tokens_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    line = {
        "id": "1",
        "tokens": ["Jane", "Roe", "spoke"],
        "ner_tags": [1, 2, 0],
        "label_names": ["O", "B-A", "I-A"],
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (record,) = iob.read_hf(path)
    assert record.text == "Jane Roe spoke" and _spans(record) == [(0, 8, "A")]
    path.write_text(json.dumps({**line, "ner_tags": [7, 0, 0]}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="not in the label list"):
        list(iob.read_hf(path))


# GermEval 2014's shape (own sentences): a comment line, numbered tokens, outer and inner NER.
GERMEVAL = (
    "#\thttps://example.org/wiki/Rathaus [2020-01-02]\n"
    "1\tDas\tO\tO\n2\tKölner\tB-ORG\tB-LOCderiv\n3\tRathaus\tI-ORG\tO\n4\tschließt\tO\tO\n5\t.\tO\tO\n\n"
    "#\thttps://example.org/wiki/Ufer [2020-01-03]\n"
    "1\tAm\tO\tO\n2\tRhein\tB-LOC\tO\n3\t#\tO\tO\n"
)


def test_germeval_numbered_tokens_keep_both_entity_columns_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "germeval.tsv"
    path.write_text(GERMEVAL, encoding="utf-8")
    first, second = list(iob.read_iob(path))
    assert first.text == "Das Kölner Rathaus schließt ."  # the tokens, not the index column
    spans = sorted((first.text[s.start : s.end], s.label) for s in first.spans)
    assert spans == [("Kölner", "LOCderiv"), ("Kölner Rathaus", "ORG")]  # the nested one too
    assert first.meta == {"comment": "https://example.org/wiki/Rathaus [2020-01-02]"}
    assert second.text == "Am Rhein #" and second.meta["comment"].endswith("[2020-01-03]")


def test_conll_with_a_number_token_or_hash_token_is_not_germeval(tmp_path: Path) -> None:
    """The layout is the file's: CoNLL-2003 columns where a sentence is the token ``1``, and a
    ``#`` token tagged O, stay tokens."""
    path = tmp_path / "conll.txt"
    path.write_text("1 CD B-NP O\n\n# # B-NP O\nEU NNP I-NP B-ORG\n", encoding="utf-8")
    one, two = list(iob.read_iob(path))
    assert one.text == "1" and not one.spans
    assert two.text == "# EU" and [(s.start, s.label) for s in two.spans] == [(2, "ORG")]
