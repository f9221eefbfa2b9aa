"""Hypothesis strategies and comparisons shared by the peer-format tests (test_format_*.py)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from annotator.records import DocRecord, RelationRecord, SpanRecord

# Pieces, not characters, so multi-code-point clusters appear whole as well as cut.
PIECES = [
    *"abZ1",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    ",",
    ".",
    '"',
    "\u201e",  # „
    "\u201c",  # “
    "\u00e9",  # é, precomposed
    "e\u0301",  # é, with a combining mark
    "\U0001f600",  # 😀
    "\U0001f44d\U0001f3fd",  # 👍🏽
    "\u6771\u4eac",  # 東京
    "\u00a0",
    "\u2028",
]
LABELS = ["QUOTE", "CLAIM", "ACTOR"]
TYPES = ["speaker", "claimant"]
ANNOTATORS = ["alice", "bob", "\u00c9mile \U0001f600", "x/y", None]

Span = tuple[int, int, str, str | None]


@st.composite
def documents(
    draw: st.DrawFn, annotators: list[str | None] = ANNOTATORS, same_layer: bool = True
) -> DocRecord:
    """A document with overlapping/nested spans by several annotators and relations between them;
    with ``same_layer`` a relation's ends and the relation share one annotator."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25)))
    record = DocRecord(
        text=text, title=draw(st.none() | st.just("A title")), doc_id=draw(st.none() | st.integers(1, 99))
    )
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        who = draw(st.sampled_from(annotators))
        record.spans.append(SpanRecord(start, end, draw(st.sampled_from(LABELS)), who, key=str(i + 1)))
    for _ in range(draw(st.integers(0, 4)) if record.spans else 0):
        a = draw(st.sampled_from(record.spans))
        pool = [s for s in record.spans if s.annotator == a.annotator] if same_layer else record.spans
        b = draw(st.sampled_from(pool))
        who = a.annotator if same_layer else draw(st.sampled_from(annotators))
        record.relations.append(RelationRecord(str(a.key), str(b.key), draw(st.sampled_from(TYPES)), who))
    return record


def corpora(**kwargs: Any) -> st.SearchStrategy[list[DocRecord]]:
    return st.lists(documents(**kwargs), min_size=1, max_size=3)


def canon(records: Iterable[DocRecord], annotator: Any = ...) -> dict[str, tuple[set[Span], set[Any]]]:
    """Per text: the set of spans as (start, end, label, annotator) and of relations as (source span,
    target span, type, annotator). Documents with the same text are merged (as the import does).
    ``annotator`` replaces every name, to compare formats that keep none."""
    out: dict[str, tuple[set[Span], set[Any]]] = {}
    for r in records:
        spans, rels = out.setdefault(r.text, (set(), set()))

        def key(s: SpanRecord) -> Span:
            return (s.start, s.end, s.label, s.annotator if annotator is ... else annotator)

        by_key = {s.key: key(s) for s in r.spans}
        spans.update(by_key.values())
        rels.update(
            (by_key[x.source], by_key[x.target], x.type, x.annotator if annotator is ... else annotator)
            for x in r.relations
        )
    return out


def fresh(tmp_path: Path) -> Path:
    """A new empty folder per hypothesis example (tmp_path is shared by all of them)."""
    return Path(tempfile.mkdtemp(dir=tmp_path))
