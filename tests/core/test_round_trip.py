"""Issue 14: import → export → import over every format that reads back what it writes.

Documents in the shape of a CoNLL corpus (its own tokens, sentence breaks, tokens a tokenizer
would cut) with spans (overlapping ones, ones whose edge falls inside a token or on the whitespace
beside it) and relations go into a project, out in a format and into a fresh project. What comes
back is what went in, except exactly what the export's report says the format could not hold or
had to change (a span trimmed to token edges is named with its document and old/new offsets).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from annotator.dataset.tokens import split_at
from annotator.export import ExportOptions, export, records
from annotator.formats import native
from annotator.formats.base import ExportReport, Trim
from annotator.importing import import_paths
from annotator.ops.projects import create_project
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.store import Store, open_store
from annotator.tokens import NO_TOKENS, SPLIT

WORDS = [
    "U.S.",
    "'s",
    "--",
    "Mr.",
    "EU",
    "rejects",
    "German",
    "call",
    ".",
    ",",
    "New",
    "York",
    "é",
    "🎉",
    "中文",
]
RELATION = {"QUOTE": "speaker", "CLAIM": "claimant"}  # the default schema: QUOTE/CLAIM → ACTOR

# Export format → import format. whosaid (CSV of quotes) and WebAnno TSV go one way only.
FORMATS = {
    "jsonl": "native",
    "spacy": "spacy",
    "iob --docstart": "iob",
    "iob": "iob",
    "hf-jsonl": "hf-jsonl",
    "prodigy": "prodigy",
    "doccano": "doccano",
    "brat": "brat",
    "labelstudio": "labelstudio",
    "w3c": "w3c",
}
TOKEN_TEXT = {"iob", "iob --docstart"}  # the text is rebuilt from the tokens
CUTTING = {"spacy", "hf-jsonl", "prodigy", *TOKEN_TEXT}  # tokens cut at span edges
# Whitespace is no token (and a brat fragment holds no line break): spans come back without it.
TRIMMING = {"hf-jsonl", "brat", *TOKEN_TEXT}


@st.composite
def corpus_doc(draw: Any, number: int) -> DocRecord:
    """A document as an IOB reader builds it: tokens joined by spaces, sentences by line breaks."""
    sentences = draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=1, max_size=3)
    )
    sentences[0] = [f"D{number}", *sentences[0]]  # texts differ: identical texts would merge
    text = ""
    tokens: list[tuple[int, int]] = []
    starts: list[int] = []
    for words in sentences:
        text += "\n" if text else ""
        starts.append(len(tokens))
        for word in words:
            text += " " if tokens and text[-1] != "\n" else ""
            tokens.append((len(text), len(text) + len(word)))
            text += word
    spans: list[SpanRecord] = []
    for _ in range(draw(st.integers(0, 5))):
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(i, min(i + 2, len(tokens) - 1)))
        start = _edge(draw, text, tokens[i], at_end=False)
        end = _edge(draw, text, tokens[j], at_end=True)
        label = draw(st.sampled_from(["CLAIM", "QUOTE", "ACTOR"]))
        if (
            start < end
            and text[start:end].strip()
            and (start, end, label) not in {(s.start, s.end, s.label) for s in spans}
        ):
            spans.append(SpanRecord(start, end, label, "ann", key=str(len(spans) + 1)))
    relations = []
    for source in spans:
        targets = [s for s in spans if s.label == "ACTOR" and s is not source]
        if source.label in RELATION and targets and draw(st.booleans()):
            target = draw(st.sampled_from(targets))
            assert source.key is not None and target.key is not None
            relations.append(RelationRecord(source.key, target.key, RELATION[source.label], "ann"))
    return DocRecord(text=text, tokens=tokens, sentences=starts, spans=spans, relations=relations)


def _edge(draw: Any, text: str, token: tuple[int, int], at_end: bool) -> int:
    """A span edge at ``token``: on its edge, inside it, or on the whitespace beside it."""
    edge = token[1] if at_end else token[0]
    kind = draw(st.sampled_from(["token", "token", "inside", "whitespace"]))
    if kind == "inside" and token[1] - token[0] > 1:
        return int(draw(st.integers(token[0] + 1, token[1] - 1)))
    beside = edge if at_end else edge - 1
    if kind == "whitespace" and 0 <= beside < len(text) and text[beside].isspace():
        return edge + 1 if at_end else edge - 1
    return edge


@st.composite
def corpora(draw: Any) -> list[DocRecord]:
    return [draw(corpus_doc(n)) for n in range(draw(st.integers(1, 2)))]


@dataclass
class Doc:
    """A document as compared: words, sentence starts (word indices), spans and relations, with
    offsets as word indices for the formats that rebuild the text from the tokens."""

    text: str
    words: list[str] | None
    sentences: list[int] | None
    spans: Counter[tuple[int, int, str]]
    relations: Counter[tuple[tuple[int, int, str], tuple[int, int, str], str]]


def view(record: DocRecord, by_words: bool, tokens: list[tuple[int, int]] | None = None) -> Doc:
    tokens = tokens if tokens is not None else record.tokens
    words = None if tokens is None else [record.text[a:b] for a, b in tokens]
    firsts = {a: i for i, (a, _b) in enumerate(tokens or [])}
    lasts = {b: i for i, (_a, b) in enumerate(tokens or [])}

    def at(s: SpanRecord) -> tuple[int, int, str]:
        # An edge off the tokens (a span the format left out) as a negative index: no word matches it.
        if by_words:
            return (firsts.get(s.start, -1 - s.start), lasts.get(s.end, -1 - s.end), s.label)
        return (s.start, s.end, s.label)

    keys = {s.key: at(s) for s in record.spans}
    sentences = record.sentences
    if tokens is not None and record.tokens and tokens is not record.tokens:  # starts after the splits
        sentences = [firsts[record.tokens[i][0]] for i in record.sentences or [0]]
    return Doc(
        record.text,
        words,
        sentences,
        Counter(at(s) for s in record.spans),
        Counter((keys[r.source], keys[r.target], r.type) for r in record.relations),
    )


def trimmed(record: DocRecord, trims: list[Trim]) -> DocRecord:
    """``record`` with the spans the report names as trimmed at their new offsets."""
    new = {(t.old[0], t.old[1], t.label): t.new for t in trims}
    spans = [
        SpanRecord(*new.get((s.start, s.end, s.label), (s.start, s.end)), s.label, s.annotator, key=s.key)
        for s in record.spans
    ]
    return DocRecord(
        record.text, spans=spans, relations=record.relations, tokens=record.tokens, sentences=record.sentences
    )


def round_trip(
    store: Store, docs: list[DocRecord], fmt: str, folder: Path
) -> tuple[list[DocRecord], ExportReport, dict[str, int]]:
    name, *flags = fmt.split()
    with store.transaction() as tx:
        first, second = (
            create_project(tx, f"in {folder.name}").id,
            create_project(tx, f"back {folder.name}").id,
        )
    source = folder / "source.jsonl"
    native.write(docs, source, ExportReport(source))
    import_paths(store, first, [source], fmt="native", annotator="ann", create_labels=True)
    out = folder / f"out-{name}"
    with store.session() as s:
        report = export(s, first, name, out, options=ExportOptions(docstart="--docstart" in flags))
        ids = {r.text: r.doc_id for r in records(s, first) if r.doc_id is not None}
    import_paths(store, second, [out], fmt=FORMATS[fmt], annotator="ann", create_labels=True)
    with store.session() as s:
        return list(records(s, second)), report, ids


def lost(report: ExportReport, start: str) -> int:
    """Count of the report's reasons that begin with ``start`` ("spans …", "relations …"; spaCy's
    note that ``doc.ents`` holds fewer spans than ``doc.spans`` loses nothing)."""
    return sum(
        n
        for reason, n in report.left_out.items()
        if reason.startswith(start) and "all are in doc.spans" not in reason
    )


@pytest.fixture(scope="module")
def scratch() -> Iterator[tuple[Store, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/rt.db")
        yield store, Path(folder)
        store.close()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_import_export_import_keeps_all_but_what_the_report_names(
    fmt: str, scratch: tuple[Store, Path]
) -> None:
    store, base = scratch
    count = iter(range(10**6))

    @settings(
        max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.generate]
    )
    @given(corpora())
    def check(docs: list[DocRecord]) -> None:
        folder = base / f"{fmt.replace(' ', '_')}-{next(count)}"
        folder.mkdir()
        back, report, ids = round_trip(store, docs, fmt, folder)
        by_words = fmt in TOKEN_TEXT
        reasons = set(report.left_out)
        assert len(back) == len(docs)
        if not by_words:
            back.sort(key=lambda r: [d.text for d in docs].index(r.text))
        spans_lost = relations_lost = split = breaks_lost = trims = 0
        for doc, again in zip(docs, back, strict=True):
            edges = {e for s in doc.spans for e in (s.start, s.end)} if fmt in CUTTING else set()
            cut = split_at(doc.tokens or [], edges)
            split += sum(1 for a, b in doc.tokens or [] if any(a < e < b for e in edges))
            named = [t for t in report.trimmed if t.document == f"doc {ids[doc.text]}"]
            trims += len(named)
            for t in named:  # the report names the span as it went in, and as it was written
                assert (t.old[0], t.old[1], t.label) in {(s.start, s.end, s.label) for s in doc.spans}
                assert t.old[0] <= t.new[0] < t.new[1] <= t.old[1]  # only whitespace taken off
                assert not doc.text[t.old[0] : t.new[0]].strip() and not doc.text[t.new[1] : t.old[1]].strip()
            want, got = view(trimmed(doc, named), by_words, cut), view(again, by_words)
            assert got.spans <= want.spans and got.relations <= want.relations
            spans_lost += (want.spans - got.spans).total()
            relations_lost += (want.relations - got.relations).total()
            if NO_TOKENS in reasons:  # the format has no place for tokens
                assert again.text == doc.text and again.tokens is None
                continue
            assert got.words == want.words
            assert set(got.sentences or [0]) <= set(want.sentences or [0])
            breaks_lost += len(set(want.sentences or [0]) - set(got.sentences or [0]))
            if not by_words:
                assert again.text == doc.text
        assert lost(report, "spans") == spans_lost
        assert lost(report, "relations") == relations_lost
        assert lost(report, SPLIT) == (0 if NO_TOKENS in reasons else split)
        assert lost(report, NO_TOKENS) in (0, sum(1 for d in docs if d.tokens))
        assert lost(report, "sentence breaks") == breaks_lost
        assert lost(report, "span edges") == trims == len(report.trimmed)
        if fmt not in TRIMMING:
            assert not report.trimmed

    check()
