"""Actor-link agreement (registry actor κ/α, attribution κ/α) reports exactly what it reported
before it was made fast (issue 19: faster, not different).

Two proofs: the rows of a generated corpus with real disagreement against a frozen copy
(``tests/fixtures/actor_agreement_frozen.json``, written by the per-unit code before the change,
every value as its exact bits), and the rows of many random corpora (2 to 5 annotators, shared and
lone spans, duplicate spans, unlinked targets, several speaker links, link types in any case)
against that per-unit code, kept here as ``_old_actor_rows``, bit for bit.

``python -m tests.core.test_actor_agreement_frozen`` writes the file again (only when the figures
are meant to change).
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from annotator.agreement.actors import actor_rows, pair_kappa, sparse_alpha
from annotator.agreement.data import OVERALL, Rel, Span
from annotator.agreement.report import Row

FROZEN = Path(__file__).parent.parent / "fixtures" / "actor_agreement_frozen.json"

# The per-unit implementation before issue 19's speed work (agreement/actors.py at 9f0378e).
_CONTENT = ("QUOTE", "CLAIM")
_TYPES = ("speaker", "claimant")
_Units = dict[tuple[Any, int, int, str], dict[str, str]]


def _old_unit(span: Span) -> tuple[Any, int, int, str]:
    return (span.doc, span.start, span.end, span.label.upper())


def _old_identity(spans: Sequence[Span], links: Mapping[Span, int]) -> dict[str, _Units]:
    linked = {span.label for span in spans if span in links}
    out: dict[str, _Units] = defaultdict(lambda: defaultdict(dict))
    for span in spans:
        if span.label in linked:
            found = links.get(span)
            out[span.label.upper()][_old_unit(span)][span.annotator] = (
                "unlinked" if found is None else f"actor:{found}"
            )
    return out


def _old_attribution(
    spans: Iterable[Span], relations: Iterable[Rel], links: Mapping[Span, int]
) -> dict[str, _Units]:
    types = {t.casefold() for t in _TYPES}
    led: dict[Span, set[str]] = defaultdict(set)
    for rel in relations:
        if rel.type.casefold() in types:
            actor = links.get(rel.target)
            led[rel.source].add(
                f"actor:{actor}" if actor is not None else "span:{}:{}:{}:{}".format(*_old_unit(rel.target))
            )
    out: dict[str, _Units] = defaultdict(lambda: defaultdict(dict))
    for span in spans:
        label = span.label.upper()
        if label in _CONTENT:
            whom = led.get(span)
            out[label][_old_unit(span)][span.annotator] = "|".join(sorted(whom)) if whom else "no speaker"
    return out


def _old_rows(metric: str, label: str, units: _Units, names: Sequence[str]) -> Iterator[Row]:
    coded = list(units.values())
    kappas = []
    for a, b in combinations(names, 2):
        kappa, n = pair_kappa(coded, a, b)
        if n:
            kappas.append(kappa)
            yield Row(f"{metric}_kappa", "pair", f"{a}|{b}", label, kappa, n=n)
    shared = [c for c in coded if len(c) >= 2]
    finite = [k for k in kappas if not math.isnan(k)]
    everyone = "|".join(names)
    mean = sum(finite) / len(finite) if finite else math.nan
    yield Row(f"{metric}_kappa", "mean", everyone, label, mean, n=len(shared))
    yield Row(f"{metric}_alpha", "all", everyone, label, sparse_alpha(shared), n=len(shared))


def _old_actor_rows(
    spans: Sequence[Span], relations: Sequence[Rel], links: Mapping[Span, int], annotators: Sequence[str]
) -> Iterator[Row]:
    names = sorted(annotators)
    for label, units in sorted(_old_identity(spans, links).items()):
        yield from _old_rows("actor", label, units, names)
    types = {t.casefold() for t in _TYPES}
    if any(rel.type.casefold() in types for rel in relations):
        by_label = _old_attribution(spans, relations, links)
        both: _Units = {}
        for label in _CONTENT:
            if label in by_label:
                both.update(by_label[label])
                yield from _old_rows("attribution", label, by_label[label], names)
        yield from _old_rows("attribution", OVERALL, both, names)


def _corpus(seed: int, docs: int, people: int) -> tuple[list[Span], list[Rel], dict[Span, int], list[str]]:
    """Spans, relations and registry links of ``people`` annotators who partly agree."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(people)]
    actors = rng.randint(1, 6)
    spans: list[Span] = []
    rels: list[Rel] = []
    links: dict[Span, int] = {}
    for doc in range(docs):
        mentions = [
            (doc, 10 * i, 10 * i + 4, rng.choice(["ACTOR", "ACTOR", "PERSON", "org"])) for i in range(4)
        ]
        contents = [
            (doc, 100 + 10 * i, 105 + 10 * i, rng.choice(["QUOTE", "CLAIM", "quote", "NOTE"]))
            for i in range(5)
        ]
        truth = [rng.choice([None, *range(1, actors + 1)]) for _ in mentions]
        speakers = [rng.choice([None, 0, 1, 2, 3]) for _ in contents]
        for who in names:
            if rng.random() < 0.15:
                continue  # this annotator skipped the document
            mine = []
            for (d, s, e, label), actor in zip(mentions, truth, strict=True):
                if rng.random() < 0.25:
                    mine.append(None)
                    continue
                span = Span(d, s, e, label, who)
                spans.append(span)
                mine.append(span)
                chosen = actor if rng.random() < 0.7 else rng.choice([None, *range(1, actors + 1)])
                if chosen is not None:
                    links[span] = chosen
                if rng.random() < 0.03:
                    spans.append(span)  # the same span read twice
            for (d, s, e, label), speaker in zip(contents, speakers, strict=True):
                if rng.random() < 0.2:
                    continue
                span = Span(d, s, e, label, who)
                spans.append(span)
                targets = (
                    [speaker] if rng.random() < 0.75 else rng.sample([None, 0, 1, 2, 3], rng.randint(0, 2))
                )
                for target in targets:
                    if target is not None and mine[target] is not None:
                        kind = rng.choice(["speaker", "Speaker", "claimant", "CLAIMANT", "cites"])
                        rels.append(Rel(d, span, mine[target], kind, who))
                if rng.random() < 0.05 and mine[0] is not None:
                    rels.append(Rel(d, mine[0], span, "speaker", who))  # a source that is no content
    if rng.random() < 0.1:
        rels = [r._replace(type="cites") for r in rels]  # no speaker links at all
    return spans, rels, links, names


def _exact(rows: Iterable[Row]) -> list[list[Any]]:
    """Rows with every value as its exact bits (NaN equal to NaN)."""
    return [[r.metric, r.scope, r.annotators, r.label, r.value.hex(), r.n] for r in rows]


def _frozen_rows() -> list[list[Any]]:
    spans, rels, links, names = _corpus(20, 400, 3)
    return _exact(actor_rows(spans, rels, links, names))


def test_the_rows_are_exactly_the_frozen_ones() -> None:
    found = _frozen_rows()
    assert json.loads(FROZEN.read_text(encoding="utf-8")) == found
    assert {row[0] for row in found} == {
        "actor_kappa",
        "actor_alpha",
        "attribution_kappa",
        "attribution_alpha",
    }
    values = [float.fromhex(row[4]) for row in found]
    assert any(0.0 < v < 1.0 for v in values)  # real disagreement, not all 1.0


@pytest.mark.parametrize("people", [2, 3, 4, 5])
def test_many_random_corpora_match_the_per_unit_code_bit_for_bit(people: int) -> None:
    for seed in range(60):
        spans, rels, links, names = _corpus(1000 * people + seed, 1 + seed % 25, people)
        assert _exact(actor_rows(spans, rels, links, names)) == _exact(
            _old_actor_rows(spans, rels, links, names)
        ), seed


def test_no_spans_and_one_annotator_alone() -> None:
    lone = Span(1, 0, 4, "ACTOR", "a")
    for spans, rels, links in (([], [], {}), ([lone], [], {lone: 3})):
        assert _exact(actor_rows(spans, rels, links, ["a", "b"])) == _exact(
            _old_actor_rows(spans, rels, links, ["a", "b"])
        )


if __name__ == "__main__":
    FROZEN.write_text(json.dumps(_frozen_rows(), indent=1) + "\n", encoding="utf-8")
