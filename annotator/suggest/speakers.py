"""The speakers a model finds for quotes already labelled, cut to what is new: a pure step on
plain tuples, so worker processes (``annotator.learn.batch``) run it without a database.

``annotator.suggest.own`` reads each document's labels of one person and calls this, in this
process or, for many documents, in the workers on both cores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions

Span = tuple[int, int, str]


def speakers_of(model: Any, text: str, spans: Sequence[Span], linked: Iterable[Span]) -> Suggestions:
    """``model``'s links from the unlinked quotes among ``spans`` (a person's labels of the
    labels the model links; ``linked``: those already linked), with the spans they need. No
    unlinked quote: nothing, and the model is not run."""
    if not unlinked(model, spans, linked):
        return Suggestions()
    return only_new_links(model.predict(text, list(spans)), spans, set(linked))


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
