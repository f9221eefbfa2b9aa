"""Multi-part spans as their parts, for learning and scoring.

A quote interrupted by its speaker ("The plan, Ed said, will work") is one multi-part span in the
project: its hull covers the speaker and the cue. A tagger trained on the hull would learn to
swallow them, and the linker would look for the speaker inside the quote. So training and
evaluation see each part as a span of the label, each with the span's links (to the first part
of a multi-part target), as attribution corpora score contents by fragments
(``benchmarks.polnear`` reads PolNeAR that way).
"""

from __future__ import annotations

from dataclasses import replace

from annotator.records import DocRecord


def as_parts(record: DocRecord) -> DocRecord:
    """``record`` with every multi-part span split into its parts (the record itself if none)."""
    if not any(s.fragments for s in record.spans):
        return record
    spans = []
    parts: dict[str, list[str]] = {}
    for span in record.spans:
        if not span.fragments:
            spans.append(span)
            continue
        keys = parts.setdefault(span.key, []) if span.key is not None else []
        for n, (start, end) in enumerate(span.fragments):
            key = None if span.key is None else f"{span.key}#{n}"
            spans.append(
                replace(span, start=start, end=end, text=record.text[start:end], key=key, fragments=None)
            )
            if key is not None:
                keys.append(key)
    relations = [
        replace(r, source=source, target=parts.get(r.target, [r.target])[0])
        for r in record.relations
        for source in parts.get(r.source, [r.source])
    ]
    return replace(record, spans=spans, relations=relations)
