"""Agreement inputs: plain span/relation records and their columnar (numpy) form.

Every metric works on columns rather than on objects so that 10,000 documents × 3 annotators take
seconds; build a ``SpanTable`` / ``TokenTable`` once and pass it to several metrics to pay the
conversion only once.

Coverage: an annotator who did not annotate a document must not count as having marked nothing in
it. ``annotated`` maps each annotator to the documents they annotated; when it is omitted, an
annotator is taken to have annotated exactly the documents where they have at least one span.
When it is given it is complete: annotators missing from it are dropped, and spans in documents
outside an annotator's coverage are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, count
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "NO_SPAN",
    "OUTSIDE",
    "OVERALL",
    "Annotated",
    "DocId",
    "DocLengths",
    "Match",
    "Rel",
    "Span",
    "SpanTable",
    "TokenMap",
    "TokenTable",
]

DocId = int | str
Match = Literal["exact", "overlap"]
Annotated = Mapping[str, Iterable[DocId]]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
TokenBounds = Sequence[tuple[int, int]] | IntArray
# Keyed by document id; Any because Mapping keys are invariant (a dict[int, ...] is no Mapping[DocId, ...]).
TokenMap = Mapping[Any, TokenBounds]
DocLengths = Mapping[Any, int]

OVERALL = "*"
"""The label under which a metric over all labels together is reported."""
OUTSIDE = "O"
"""The token-level value of a token that no span covers."""
NO_SPAN = "∅"
"""Row/column of the confusion matrix for a span the other annotator has no counterpart for."""


class Span(NamedTuple):
    """One annotator's labelled span: code point offsets into the document text, end exclusive."""

    doc: DocId
    start: int
    end: int
    label: str
    annotator: str
    # A multi-part span's parts (annotator.fragments; start/end are their hull); None: one part.
    parts: tuple[tuple[int, int], ...] | None = None


class Rel(NamedTuple):
    """One annotator's relation between two spans; only the endpoints' (start, end, label) count."""

    doc: DocId
    source: Span
    target: Span
    type: str
    annotator: str


def doc_sort_key(doc: DocId) -> tuple[bool, int | str]:
    """Integer ids first, then string ids, so mixed keys still sort deterministically."""
    return (isinstance(doc, str), doc)


def expand_ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """All (owner, index) pairs with ``lo[owner] <= index < hi[owner]``, without a Python loop."""
    counts = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    firsts = np.cumsum(counts) - counts
    index = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(firsts - lo, counts)
    return owner, index


def _codes(values: Sequence[object], order: Sequence[object]) -> IntArray:
    position = {v: i for i, v in enumerate(order)}
    return np.fromiter(map(position.__getitem__, values), dtype=np.int64, count=len(values))


def group_ids(*columns: IntArray) -> IntArray:
    """Dense ids, equal exactly where every column is equal: a vectorised tuple dictionary."""
    if len(columns[0]) == 0:
        return np.empty(0, dtype=np.int64)
    lows = [int(c.min()) for c in columns]
    sizes = [int(c.max()) - low + 1 for c, low in zip(columns, lows, strict=True)]
    if math.prod(sizes) < 2**62:
        # The tuples fit one integer: a single sort instead of a lexicographic one.
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for col, low, size in zip(columns, lows, sizes, strict=True):
            key = key * size + (col - low)
        return np.unique(key, return_inverse=True)[1].astype(np.int64)
    order = np.lexsort(columns[::-1])
    new = np.zeros(len(order), dtype=np.bool_)
    for col in columns:
        ranked = col[order]
        new[1:] |= ranked[1:] != ranked[:-1]
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(new)
    return ids


@dataclass(frozen=True, eq=False)
class SpanTable:
    """Spans as parallel integer columns; documents, labels and annotators as sorted code books."""

    docs: tuple[DocId, ...]
    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    ann: IntArray
    covered: BoolArray
    """``covered[a, d]``: annotator ``a`` annotated document ``d``."""
    matches: dict[tuple[int, int, bool], tuple[IntArray, IntArray]] = field(default_factory=dict, repr=False)
    """Overlap matchings already computed from these (immutable) columns, shared by the metrics."""
    pieces: Mapping[int, tuple[tuple[int, int], ...]] = field(default_factory=dict, repr=False)
    """The parts of the multi-part spans, by row (``agreement.parts``: they count as one unit)."""

    @classmethod
    def build(cls, spans: Iterable[Span], annotated: Annotated | None = None) -> SpanTable:
        """Columns from records; ValueError on a span with ``start < 0`` or ``end <= start``."""
        rows = list(spans)
        cover = None if annotated is None else {a: set(ds) for a, ds in annotated.items()}
        if cover is not None:
            rows = [s for s in rows if s.doc in cover.get(s.annotator, ())]
        doc_col, start_col, end_col, label_col, ann_col = (list(map(itemgetter(k), rows)) for k in range(5))
        doc_set = set(doc_col)
        if cover is not None:
            for ds in cover.values():
                doc_set.update(ds)
        docs = tuple(sorted(doc_set, key=doc_sort_key))
        labels = tuple(sorted(set(label_col)))
        annotators = tuple(sorted(cover if cover is not None else set(ann_col)))
        start = np.array(start_col, dtype=np.int64)
        end = np.array(end_col, dtype=np.int64)
        bad = np.nonzero((start < 0) | (end <= start))[0]
        if len(bad):
            raise ValueError(f"span needs 0 <= start < end: {rows[int(bad[0])]!r}")
        doc = _codes(doc_col, docs)
        ann = _codes(ann_col, annotators)
        covered = np.zeros((len(annotators), len(docs)), dtype=np.bool_)
        if cover is None:
            covered[ann, doc] = True
        else:
            doc_pos = {d: i for i, d in enumerate(docs)}
            for a, name in enumerate(annotators):
                covered[a, [doc_pos[d] for d in cover[name]]] = True
        try:  # (no Python step per span: most have one part)
            parts = list(map(itemgetter(5), rows))
        except IndexError:  # a record without the parts field
            parts = [s.parts if len(s) > 5 else None for s in rows]
        pieces = dict(zip(compress(count(), parts), filter(None, parts), strict=False))
        return cls(
            docs, labels, annotators, doc, start, end, _codes(label_col, labels), ann, covered, pieces=pieces
        )

    @classmethod
    def of(cls, spans: Iterable[Span] | SpanTable, annotated: Annotated | None = None) -> SpanTable:
        """Accept either records or an already built table (which carries its own coverage)."""
        if isinstance(spans, SpanTable):
            if annotated is not None:
                raise ValueError("a SpanTable already carries its coverage; pass annotated to build()")
            return spans
        return cls.build(spans, annotated)

    def code(self, annotator: str) -> int:
        """Index of ``annotator``; ValueError names the known ones."""
        try:
            return self.annotators.index(annotator)
        except ValueError:
            raise ValueError(f"unknown annotator {annotator!r}; known: {list(self.annotators)}") from None

    def rows(self, annotator: int, docs: BoolArray) -> IntArray:
        """Row numbers of one annotator's spans inside the documents selected by ``docs``."""
        return np.nonzero((self.ann == annotator) & docs[self.doc])[0]

    def shared(self, a: int, b: int) -> BoolArray:
        """Documents both annotators annotated: the only ones a pairwise comparison may use."""
        return self.covered[a] & self.covered[b]


@dataclass(frozen=True, eq=False)
class TokenTable:
    """Token boundaries of many documents (sorted like ``SpanTable.docs``), flat and laid out on
    one line: document i occupies ``base[i] .. base[i] + extent[i]`` (its last token end), with a
    gap to the next, so one ``searchsorted`` serves all documents."""

    docs: tuple[DocId, ...]
    index: Mapping[DocId, int]
    owner: IntArray
    """Document index of each token."""
    base: IntArray
    extent: IntArray
    start: IntArray
    """Global start of each token (``base[owner] + local start``)."""
    end: IntArray

    @classmethod
    def build(cls, tokens: TokenMap) -> TokenTable:
        """From per-document ``(start, end)`` pairs (lists, or n × 2 arrays for speed); ValueError
        on an empty or negative token, or on tokens that overlap within a document."""
        docs = tuple(sorted(tokens, key=doc_sort_key))
        sizes = np.fromiter(map(len, map(tokens.__getitem__, docs)), dtype=np.int64, count=len(docs))
        if any(isinstance(tokens[d], np.ndarray) for d in docs):
            flat = np.concatenate([np.asarray(tokens[d], dtype=np.int64).reshape(-1) for d in docs])
        else:
            pairs = chain.from_iterable(map(tokens.__getitem__, docs))
            flat = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * int(sizes.sum()))
        flat = flat.astype(np.int64).reshape(-1, 2)
        owner = np.repeat(np.arange(len(docs), dtype=np.int64), sizes)
        start, end = flat[:, 0], flat[:, 1]
        if np.any((owner[1:] == owner[:-1]) & (start[1:] < start[:-1])):
            order = np.lexsort((start, owner))
            start, end = start[order], end[order]
        if np.any(end <= start) or np.any(start < 0):
            raise ValueError("every token needs 0 <= start < end")
        if np.any((owner[1:] == owner[:-1]) & (start[1:] < end[:-1])):
            raise ValueError("tokens of a document must not overlap")
        extent = np.zeros(len(docs), dtype=np.int64)
        np.maximum.at(extent, owner, end)
        base = np.concatenate([[0], np.cumsum(extent + 1)[:-1]]).astype(np.int64)
        index = {d: i for i, d in enumerate(docs)}
        return cls(docs, index, owner, base, extent, base[owner] + start, base[owner] + end)

    @classmethod
    def of(cls, tokens: TokenMap | TokenTable) -> TokenTable:
        return tokens if isinstance(tokens, TokenTable) else cls.build(tokens)
