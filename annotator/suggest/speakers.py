"""The speakers a model finds for quotes already labelled, cut to what is new: a pure step on
plain tuples, so worker processes (``annotator.learn.batch``) run it without a database.

``annotator.suggest.own`` reads each document's labels of one person and calls this, in this
process or, for many documents, in the workers on both cores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions

Span = tuple[int, int, str]
Parts = Mapping[Span, Sequence[tuple[int, int]]]  # a multi-part span (by its hull) -> its parts


def speakers_of(
    model: Any, text: str, spans: Sequence[Span], linked: Iterable[Span], parts: Parts | None = None
) -> Suggestions:
    """``model``'s links from the unlinked quotes among ``spans`` (a person's labels of the
    labels the model links, each by its hull; ``linked``: those already linked), with the spans
    they need. No unlinked quote: nothing, and the model is not run.

    ``parts``: the parts of the multi-part spans among them. The model is given each part, as it
    was trained (``learn.parts``): given the hull of "The plan, Ed said, will work" it could not
    find Ed, who is inside it. A part's link comes back as the whole span's (the best part's)."""
    if not unlinked(model, spans, linked):
        return Suggestions()
    if not parts:
        return only_new_links(model.predict(text, list(spans)), spans, set(linked))
    given, whole = _split(spans, parts)
    return only_new_links(_joined(model.predict(text, given), whole), spans, set(linked))


def _split(spans: Sequence[Span], parts: Parts) -> tuple[list[Span], dict[Span, Span]]:
    """``spans`` with each multi-part one replaced by its parts, and each part's whole span."""
    given: list[Span] = []
    whole: dict[Span, Span] = {}
    plain = set(spans)
    for span in spans:
        for start, end in parts.get(span) or ((span[0], span[1]),):
            part = (start, end, span[2])
            given.append(part)
            if part != span and part not in plain:
                whole[part] = span
    return given, whole


def _joined(found: Suggestions, whole: Mapping[Span, Span]) -> Suggestions:
    """``found`` with each part put back as its whole span: a whole span's link of each type is
    its best-scored part's."""
    spans: list[SpanSuggestion] = []
    index: dict[Span, int] = {}
    moved: list[int] = []
    for s in found.spans:
        key = whole.get((s.start, s.end, s.label), (s.start, s.end, s.label))
        if key not in index:
            index[key] = len(spans)
            spans.append(SpanSuggestion(*key, s.score))
        moved.append(index[key])
    best: dict[tuple[int, str], RelationSuggestion] = {}
    for r in found.relations:
        source, target = moved[r.source], moved[r.target]
        if source == target:
            continue
        held = best.get((source, r.type))
        if held is None or r.score > held.score:
            best[(source, r.type)] = RelationSuggestion(source, target, r.type, r.score)
    return Suggestions(spans, sorted(best.values(), key=lambda r: (r.source, r.type)))


def unlinked(model: Any, spans: Sequence[Span], linked: Iterable[Span]) -> list[Span]:
    """The spans among ``spans`` that ``model`` links from (its quotes) and that have no link yet."""
    done = set(linked)
    sources = {k.source_label for k in model.linkers}
    return [s for s in spans if s[2] in sources and s not in done]


def only_new_links(found: Suggestions, given: Sequence[Span], linked: set[Span]) -> Suggestions:
    """What the model adds to the person's labels: the links from their unlinked quotes, with the
    spans those links need (their own spans come back at the same offsets, so accepting a link
    reuses them)."""
    spans = [(s.start, s.end, s.label) for s in found.spans]
    unlinked = set(given) - linked
    keep = [r for r in found.relations if spans[r.source] in unlinked]
    wanted = sorted({i for r in keep for i in (r.source, r.target)})
    index = {old: new for new, old in enumerate(wanted)}
    return Suggestions(
        [SpanSuggestion(*found.spans[i]) for i in wanted],
        [RelationSuggestion(index[r.source], index[r.target], r.type, r.score) for r in keep],
    )
