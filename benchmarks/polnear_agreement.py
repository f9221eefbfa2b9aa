"""How far the model is from PolNeAR's own annotators: on the texts that several people annotated
(PolNeAR's agreement set: 20 texts, 5–6 annotators each, 16 of them in the train split), score
every annotator against every other, and the model against every annotator, with the measures
``annotator evaluate`` uses (``annotator.learn.evaluate``).

The benchmark's test figures score the model against one annotator's file per text; a target set
from other corpora (source exact F1 ≈ 0.82) means little unless people reach it on this one. So
``benchmarks.polnear`` trains the model without the 16 agreement texts of the train split and
scores it here against every annotator of the 20 texts, none of them seen in training, beside the
people against each other.

``python -m benchmarks.polnear PATH --people-only``: the people only (a second). This module
scores; ``benchmarks.polnear`` reads the corpus (``agreement_texts``) and trains.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from annotator.learn import evaluate as scoring
from annotator.learn.model import Model
from annotator.records import DocRecord

SCORED = ("QUOTE", "ACTOR")  # the labels scored: what benchmarks.polnear trains
LINK = ("speaker", "QUOTE")  # the link scored end to end: its type and the label it starts from


@dataclass
class Tally:
    """Counts over many (reference, other) pairs, turned into figures by ``figures``."""

    spans: dict[str, dict[str, int]]
    links: list[int]  # reference contents with a speaker whose link the other has; all of them
    pairs: int = 0

    @classmethod
    def new(cls) -> Tally:
        return cls(defaultdict(lambda: defaultdict(int)), [0, 0])

    def add(self, reference: DocRecord, spans: list[scoring.Span], links: list[Any]) -> None:
        """Score ``spans`` and ``links`` ((quote, speaker, type) triples) against ``reference``."""
        gold = [(s.start, s.end, s.label) for s in reference.spans if s.label in SCORED]
        scoring.tally_spans(self.spans, SCORED, gold, spans)
        for quote, speakers in scoring.reference_links(reference, LINK[0]).items():
            if quote[2] == LINK[1]:
                self.links[1] += 1
                self.links[0] += scoring.link_found(quote, speakers, links, LINK[0])
        self.pairs += 1

    def figures(self) -> dict[str, Any]:
        right, total = self.links
        return {
            "pairs": self.pairs,
            "labels": scoring.label_figures(self.spans, SCORED),
            "speaker_end_to_end": right / total if total else None,
        }


def _annotated(r: DocRecord) -> tuple[list[scoring.Span], list[Any]]:
    """An annotator's file as the (spans, links) a prediction would be."""
    by_key = {s.key: (s.start, s.end, s.label) for s in r.spans if s.key is not None}
    spans = [(s.start, s.end, s.label) for s in r.spans if s.label in SCORED]
    links = [(by_key[x.source], by_key[x.target], x.type) for x in r.relations]
    return spans, links


def people(texts: dict[tuple[str, str], list[DocRecord]]) -> dict[str, Any]:
    """Every annotator against every other on the same text (each ordered pair once)."""
    tally = Tally.new()
    for files in texts.values():
        for reference, other in itertools.permutations(files, 2):
            tally.add(reference, *_annotated(other))
    return tally.figures()


def model_against_people(model: Model, texts: dict[tuple[str, str], list[DocRecord]]) -> dict[str, Any]:
    """The model's labels of each text against every annotator's file of it."""
    tally = Tally.new()
    for files in texts.values():
        found = model.predict(files[0].text)
        spans = [(s.start, s.end, s.label) for s in found.spans]
        links = [(spans[x.source], spans[x.target], x.type) for x in found.relations]
        for reference in files:
            tally.add(reference, spans, links)
    return tally.figures()


def table(rows: dict[str, dict[str, Any]]) -> str:
    """One line per measure, one column per row of figures."""
    names = list(rows)
    lines = [f"{'measure':<22}" + "".join(f"{n:>26}" for n in names)]
    for label in SCORED:
        for kind in ("exact", "overlap"):
            cells = []
            for n in names:
                f = rows[n]["labels"][label][kind]
                cells.append(f"{f['f1']:.3f} (P {f['p']:.3f} R {f['r']:.3f})")
            lines.append(f"{label + ' ' + kind + ' F1':<22}" + "".join(f"{c:>26}" for c in cells))
    speaker = [rows[n]["speaker_end_to_end"] for n in names]
    lines.append(f"{'speaker end to end':<22}" + "".join(f"{s:>26.3f}" for s in speaker))
    lines.append(f"{'pairs scored':<22}" + "".join(f"{rows[n]['pairs']:>26}" for n in names))
    return "\n".join(lines)
