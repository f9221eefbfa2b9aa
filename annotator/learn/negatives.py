"""Rejected suggestions as training data (``annotator.suggest.rejected`` reads them).

Two kinds of "no": paragraphs of documents the layer has no labels in, which train a tier as
holding none of its labels, and rejected speaker links between spans a training document has,
which train the speaker classifier as "this actor did not say it".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from annotator.learn.tagger import empty_paragraphs
from annotator.records import DocRecord

if TYPE_CHECKING:
    from annotator.suggest.rejected import Rejections

Span = tuple[int, int, str]
Empty = list[tuple[str, list[tuple[int, int]]]]  # texts and their paragraphs known to hold no label


def empty_by_tier(
    rejected: Rejections | None, groups: Sequence[Sequence[str]], skip: Collection[int | None]
) -> tuple[list[Empty], dict[str, int]]:
    """Each tier's empty paragraphs, from the documents outside ``skip`` (those the layer labels,
    training or held out), and how many paragraphs and documents that is."""
    out: list[Empty] = [[] for _ in groups]
    paragraphs, documents = 0, set()
    for doc in rejected.documents if rejected else []:
        if doc.doc_id in skip:
            continue
        for i, group in enumerate(groups):
            ranges = empty_paragraphs(doc.text, doc.rejected, doc.kept, group)
            if ranges:
                out[i].append((doc.text, ranges))
                paragraphs += len(ranges)
                documents.add(doc.doc_id)
    return out, {"paragraphs": paragraphs, "documents": len(documents)} if paragraphs else {}


def refused_links(
    rejected: Rejections | None, records: Sequence[DocRecord]
) -> dict[int, list[tuple[Span, Span, str]]]:
    """The rejected links whose two ends are spans of a training document, by document id, and
    that the document does not itself link (its labels outrank a rejection)."""
    if not rejected or not rejected.links:
        return {}
    out: dict[int, list[tuple[Span, Span, str]]] = {}
    for record in records:
        refused = rejected.links.get(record.doc_id) if record.doc_id is not None else None
        if not refused:
            continue
        ends = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
        spans = set(ends.values())
        linked = {
            (ends[r.source], ends[r.target], r.type)
            for r in record.relations
            if r.source in ends and r.target in ends
        }
        kept = [x for x in refused if x[0] in spans and x[1] in spans and x not in linked]
        if kept:
            out[record.doc_id] = kept  # type: ignore[index]
    return out
