"""Effort saved when the quotes are labelled already: linking each to its speaker by hand, or
with the suggestions of ``annotator suggest --model DIR --my-quotes`` (``annotator.suggest.own``).

The simulated annotator has labelled every reference quote. By hand, each linked quote takes its
speaker span (once per speaker span, however many quotes it said) and the link. With the
suggestions, a right speaker is one action (accepting it brings the link to the quote), a speaker
whose edges need moving two (accept, drag an edge), a wrong one a rejection and then the work by
hand; a quote left without a suggestion is linked by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.learn.model import Model
from annotator.records import DocRecord
from annotator.suggest.rules import Suggestions

Span = tuple[int, int, str]


def _links(record: DocRecord, quote_label: str) -> dict[Span, Span]:
    """Each reference quote's speaker span."""
    keys = {s.key: (s.start, s.end, s.label) for s in record.spans}
    return {
        keys[r.source]: keys[r.target]
        for r in record.relations
        if r.source in keys and r.target in keys and keys[r.source][2] == quote_label
    }


def actions(record: DocRecord, found: Suggestions | None, quote_label: str = "QUOTE") -> int:
    """What linking the record's quotes to their speakers takes, given ``found`` (or by hand)."""
    links = _links(record, quote_label)
    made: set[Span] = set()  # speaker spans the annotator has made so far
    count = 0
    proposed: dict[Span, Span] = {}
    if found is not None:
        spans = [(s.start, s.end, s.label) for s in found.spans]
        proposed = {spans[r.source]: spans[r.target] for r in found.relations}
    for quote, speaker in sorted(links.items()):
        guess = proposed.pop(quote, None)
        if guess == speaker:
            count += 1
        elif guess is not None and guess[2] == speaker[2] and guess[0] < speaker[1] and speaker[0] < guess[1]:
            count += 2  # accept and drag an edge (or, the speaker made already: reject, link by hand)
        else:
            count += (guess is not None) + (speaker not in made) + 1
        made.add(speaker)
    return count + len([q for q in proposed if q[2] == quote_label])  # links to quotes without one


def speakers_effort(
    model: Model, records: Sequence[DocRecord], quote_label: str = "QUOTE"
) -> tuple[float, float]:
    """Actions per document to link the labelled quotes: by hand, and with the suggestions."""
    by_hand = helped = 0
    for record in records:
        quotes = [(s.start, s.end, s.label) for s in record.spans if s.label == quote_label]
        by_hand += actions(record, None, quote_label)
        helped += actions(record, model.predict(record.text, quotes), quote_label)
    n = max(len(records), 1)
    return by_hand / n, helped / n
