"""Sentence-level examples: long articles become sentences, with span offsets re-based.

The splitter is deliberately simple and language-light (no model, deterministic, fast):

* a line break always ends a sentence (news text keeps one paragraph per line);
* ``. ! ? …`` (and runs of them), followed by any closing quotes/brackets, end a sentence when
  whitespace follows and the next word does not start with a lower-case letter, unless the word
  before a single period is a known abbreviation ("Mr.", "Gen.", "e.g.") or an initial ("J.");
* CJK full stops ``。！？`` end a sentence without needing whitespace.

A sentence boundary never falls inside a span: sentences a span crosses are kept together, so no
span is cut. Relations between spans of different sentences cannot be held by sentence examples
and are reported as left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.tokens import sentence_spans, within

CROSSING = "relations between spans in different sentences (sentence examples hold one sentence)"

_CLOSERS = "\"'”’»›)]}」』"
_OPENERS = "\"'“‘«‹([{「『„‚"
_END = re.compile(rf"(?:[.!?…‼⁇⁈⁉]+)[{re.escape(_CLOSERS)}]*(?=\s)|[。！？]+[{re.escape(_CLOSERS)}]*")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "hon",
        "rev",
        "no",
        "nos",
        "vol",
        "pp",
        "fig",
        "approx",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "cf",
        "al",
        "ca",
    ]
)
_WORD_BEFORE = re.compile(r"(\S+)\.$")
_NEXT = re.compile(rf"\s*[{re.escape(_OPENERS)}]*(\S)")


def _is_abbreviation(text: str, period: int) -> bool:
    """Whether the single period at ``period`` ends an abbreviation, an initial or "U.S."."""
    match = _WORD_BEFORE.search(text, max(0, period - 30), period + 1)
    if match is None:
        return False
    word = match.group(1).lstrip(_OPENERS)
    parts = word.split(".")
    return word.lower() in _ABBREVIATIONS or all(len(p) == 1 and p.isalpha() for p in parts)


def _candidates(text: str) -> Iterator[int]:
    """Positions where a sentence may end (the index just after its last character)."""
    for match in _END.finditer(text):
        end = match.end()
        if match.group(0)[0] in "。！？":
            yield end
            continue
        terminal = match.group(0).rstrip(_CLOSERS)
        if terminal == "." and _is_abbreviation(text, match.start()):
            continue
        following = _NEXT.match(text, end)
        if following is not None and following.group(1).islower():
            continue
        yield end
    for match in re.finditer(r"\n", text):
        yield match.start()


def sentence_bounds(text: str, spans: Sequence[SpanRecord] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, whitespace trimmed, never cutting one of ``spans``."""
    inside = [(s.start, s.end) for s in spans]
    cuts = sorted(
        {c for c in _candidates(text) if not any(start < c < end for start, end in inside)} | {len(text)}
    )
    bounds: list[tuple[int, int]] = []
    begin = 0
    for cut in cuts:
        start, end = begin, cut
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        # Whitespace that a span holds stays in its sentence.
        for s_start, s_end in inside:
            if begin <= s_start < cut:
                start, end = min(start, s_start), max(end, s_end)
        if end > start:
            bounds.append((start, end))
        begin = cut
    return bounds


def split_sentences(record: DocRecord, report: ExportReport) -> Iterator[DocRecord]:
    """One record per sentence; ``meta`` gains ``sentence`` (index) and ``offset`` (in the document)."""
    bounds = stored_bounds(record) or sentence_bounds(record.text, record.spans)
    where: dict[str, int] = {}
    per_sentence: list[list[SpanRecord]] = [[] for _ in bounds]
    starts = [b[0] for b in bounds]
    for span in record.spans:
        index = _find(starts, span.start)
        start = bounds[index][0]
        per_sentence[index].append(
            SpanRecord(
                span.start - start,
                span.end - start,
                span.label,
                span.annotator,
                span.text,
                span.key,
                attributes=span.attributes,
                actor=span.actor,
                fragments=[(a - start, b - start) for a, b in span.fragments] if span.fragments else None,
                origin=span.origin,  # a suggestion's (the suggestions layer); labels' come with ``enrich``
                score=span.score,
            )
        )
        if span.key is not None:
            where[span.key] = index
    relations: list[list[RelationRecord]] = [[] for _ in bounds]
    crossing = 0
    for rel in record.relations:
        a, b = where.get(rel.source), where.get(rel.target)
        if a is None or a != b:
            crossing += 1
        else:
            relations[a].append(rel)
    if crossing:
        report.leave_out(CROSSING, crossing)
    for index, (start, end) in enumerate(bounds):
        own_tokens, own_starts = within(record, start, end)
        yield replace(
            record,
            tokens=own_tokens,
            sentences=own_starts,
            text=record.text[start:end],
            meta={**record.meta, "sentence": index, "offset": start},
            spans=per_sentence[index],
            relations=relations[index],
        )


def stored_bounds(record: DocRecord) -> list[tuple[int, int]] | None:
    """The source's own sentences (when the document came with them), those a span crosses joined."""
    stored = sentence_spans(record)
    if not stored:
        return None
    bounds: list[tuple[int, int]] = []
    edges = sorted((s.start, s.end) for s in record.spans)
    for start, end in stored:
        if bounds and any(a < start < b for a, b in edges):
            bounds[-1] = (bounds[-1][0], end)
        else:
            bounds.append((start, end))
    return bounds


def _find(starts: list[int], position: int) -> int:
    """Index of the sentence holding ``position`` (the last one starting at or before it)."""
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= position:
            lo = mid
        else:
            hi = mid
    return lo
