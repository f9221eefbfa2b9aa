"""Labels whose training spans (almost) never cross a line break are cut at line breaks when
decoded.

Hardly any PolNeAR content spans two paragraphs (3 of 26,395 in the train split, where annotators
slipped; none of the 2,515 of dev), yet the tagger runs a content on into the next paragraph,
where another attribution often begins ("... the deal.⏎⏎Trump charges that ..."). A model records
the labels at most ``MAX_CROSSING`` of whose training spans (or parts of a multi-part span) hold a
line break (``one_line`` in ``model.json``); decoding cuts such a span into its lines' pieces,
each then linked on its own. On PolNeAR's dev split (the tagger's output cached): content exact
F1 0.441 → 0.454, overlap 0.846 → 0.843, source exact 0.692 → 0.694, speaker end to end 0.649 →
0.663. A corpus that labels quotes across paragraphs as one span keeps them whole; models without
the entry decode as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from annotator.learn.tagger import Tagged
from annotator.records import DocRecord

LINES = "one_line"
# Crossing spans a label may have and still be cut: PolNeAR's train split (every annotator's
# file) has 3 contents of 26,395 that run over a line break, its dev split none.
MAX_CROSSING = 0.001
_BREAKS = re.compile(r"\n+")


def one_line_labels(records: Iterable[DocRecord], labels: Sequence[str]) -> list[str]:
    """The ``labels`` some training span carries and at most ``MAX_CROSSING`` of whose training
    spans cross a line (an annotator's slip is not a convention)."""
    seen: Counter[str] = Counter()
    crossing: Counter[str] = Counter()
    for record in records:
        for span in record.spans:
            seen[span.label] += 1
            parts = span.fragments or [(span.start, span.end)]
            if any("\n" in record.text[a:b] for a, b in parts):
                crossing[span.label] += 1
    return [label for label in labels if seen[label] and crossing[label] <= MAX_CROSSING * seen[label]]


def cut_lines(text: str, tagged: Sequence[Tagged], labels: frozenset[str]) -> list[Tagged]:
    """``tagged`` with each span of ``labels`` that holds a line break cut into its lines' pieces
    (their edges trimmed of spaces; empty pieces dropped), in text order."""
    out: list[Tagged] = []
    for t in tagged:
        if t.label not in labels or "\n" not in text[t.start : t.end]:
            out.append(t)
            continue
        start = t.start
        for gap in [*_BREAKS.finditer(text, t.start, t.end), None]:
            end = gap.start() if gap is not None else t.end
            piece = text[start:end]
            if piece.strip():
                a = start + len(piece) - len(piece.lstrip())
                b = end - (len(piece) - len(piece.rstrip()))
                out.append(Tagged(a, b, t.label, t.score))
            if gap is not None:
                start = gap.end()
    return sorted(out, key=lambda x: (x.start, x.end))
