"""Agreement on who is who: the registry actor an ACTOR span links to, and the actor a quote or
claim is attributed to.

Units are matched like the attribute agreement's (``agreement.attributes``): spans that several
annotators marked exactly alike (same document, offsets and label). Two figures:

* **actor identity** (``actor_kappa`` per pair and their mean, ``actor_alpha`` over all; label
  ``ACTOR``, or any other label with a span of the selection linked, each on its own): on matched
  ACTOR spans, which registry actor each annotator linked the span to (``annotation.actor_id``,
  merges followed by the reader); *unlinked* is a category of its own.
* **attribution** (``attribution_kappa`` / ``attribution_alpha``; label ``QUOTE``, ``CLAIM`` and
  ``*`` for both together): on matched QUOTE/CLAIM spans, whom each annotator's ``speaker`` /
  ``claimant`` links lead to: the target span's registry actor, or, when that span is unlinked,
  the span itself by its position (two annotators pointing at the same unlinked mention agree).
  No link is the category "no speaker"; several links are coded as the set of whom they lead to.

κ is Cohen's over the units both annotators of a pair marked; α Krippendorff's nominal α over
every unit that at least two annotators marked (an annotator without the span is missing data).
``n`` is the number of matched units. Categories are counted sparsely (dictionaries, not a
categories × categories table: a registry has thousands of actors), one pass over the records.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

from annotator.agreement.data import OVERALL, Rel, Span
from annotator.agreement.report import Row

__all__ = [
    "CONTENT_LABELS",
    "LINK_TYPES",
    "actor_rows",
    "actor_summary",
    "pair_kappa",
    "sparse_alpha",
]

CONTENT_LABELS = ("QUOTE", "CLAIM")
LINK_TYPES = ("speaker", "claimant")
UNLINKED = "unlinked"
NO_SPEAKER = "no speaker"

UnitKey = tuple[Any, int, int, str]  # document, start, end, label
Units = dict[UnitKey, dict[str, str]]  # unit → annotator → category


def _unit(span: Span) -> UnitKey:
    return (span.doc, span.start, span.end, span.label.upper())


def pair_kappa(units: Iterable[Mapping[str, str]], a: str, b: str) -> tuple[float, int]:
    """Cohen's κ of ``a`` and ``b`` over the units both coded, and how many those are."""
    agree = n = 0
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for coded in units:
        x, y = coded.get(a), coded.get(b)
        if x is None or y is None:
            continue
        n += 1
        agree += x == y
        left[x] += 1
        right[y] += 1
    if not n:
        return math.nan, 0
    chance = sum(count * right[c] for c, count in left.items()) / (n * n)
    return (math.nan if chance >= 1.0 else (agree / n - chance) / (1.0 - chance)), n


def sparse_alpha(units: Iterable[Mapping[str, str]]) -> float:
    """Krippendorff's nominal α over units coded by two or more annotators:
    α = 1 − (n − 1) Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1) / (n² − Σ_c n_c²)."""
    n = 0
    disagree = 0.0
    totals: dict[str, int] = {}
    for coded in units:
        values = list(coded.values())
        m = len(values)
        if m < 2:
            continue
        n += m
        same = sum(x == y for x in values for y in values)  # Σ_c n_uc²: a unit has few coders
        disagree += (m * m - same) / (m - 1)
        for value in values:
            totals[value] = totals.get(value, 0) + 1
    expected = n * n - sum(c * c for c in totals.values())
    if n == 0 or expected == 0:
        return math.nan
    return 1.0 - (n - 1) * disagree / expected


def _identity(spans: Sequence[Span], links: Mapping[Span, int]) -> dict[str, Units]:
    """Label → unit → annotator → registry actor, for the labels with a linked span in ``spans``
    (ACTOR, or another label a project's speaker links point to, such as PERSON)."""
    linked = {span.label for span in spans if span in links}
    out: dict[str, Units] = defaultdict(lambda: defaultdict(dict))
    for span in spans:
        if span.label in linked:
            found = links.get(span)
            out[span.label.upper()][_unit(span)][span.annotator] = (
                UNLINKED if found is None else f"actor:{found}"
            )
    return out


def _attribution(
    spans: Iterable[Span], relations: Iterable[Rel], links: Mapping[Span, int]
) -> dict[str, Units]:
    """Content label → unit → annotator → whom their speaker links lead to."""
    types = {t.casefold() for t in LINK_TYPES}
    led: dict[Span, set[str]] = defaultdict(set)
    for rel in relations:
        if rel.type.casefold() in types:
            actor = links.get(rel.target)
            led[rel.source].add(
                f"actor:{actor}" if actor is not None else "span:{}:{}:{}:{}".format(*_unit(rel.target))
            )
    out: dict[str, Units] = defaultdict(lambda: defaultdict(dict))
    for span in spans:
        label = span.label.upper()
        if label in CONTENT_LABELS:
            whom = led.get(span)
            out[label][_unit(span)][span.annotator] = "|".join(sorted(whom)) if whom else NO_SPEAKER
    return out


def _rows(metric: str, label: str, units: Units, names: Sequence[str]) -> Iterator[Row]:
    """κ per pair (pairs that share units), their mean, and α over all, for one unit table."""
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
    yield Row(
        f"{metric}_kappa",
        "mean",
        everyone,
        label,
        sum(finite) / len(finite) if finite else math.nan,
        n=len(shared),
    )
    yield Row(f"{metric}_alpha", "all", everyone, label, sparse_alpha(shared), n=len(shared))


def actor_rows(
    spans: Sequence[Span], relations: Sequence[Rel], links: Mapping[Span, int], annotators: Sequence[str]
) -> Iterator[Row]:
    """Actor identity rows for each label with a span of the selection linked to the registry,
    and attribution rows when the selection has speaker/claimant links."""
    names = sorted(annotators)
    for label, units in sorted(_identity(spans, links).items()):
        yield from _rows("actor", label, units, names)
    types = {t.casefold() for t in LINK_TYPES}
    if any(rel.type.casefold() in types for rel in relations):
        by_label = _attribution(spans, relations, links)
        both: Units = {}
        for label in CONTENT_LABELS:
            if label in by_label:
                both.update(by_label[label])
                yield from _rows("attribution", label, by_label[label], names)
        yield from _rows("attribution", OVERALL, both, names)


def actor_summary(rows: Sequence[Row]) -> str:
    """The text under ``annotator agree``: one line per figure (mean κ, α, matched spans)."""
    found: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for row in rows:
        kind = row.metric.rsplit("_", 1)[0]
        if kind in ("actor", "attribution") and row.scope != "pair":
            found[(kind, row.label)][row.metric.rsplit("_", 1)[1]] = row
    if not found:
        return ""

    def cell(row: Row | None) -> str:
        return "n/a" if row is None or math.isnan(row.value) else f"{row.value:.3f}"

    titles = {"actor": "registry actor of", "attribution": "speaker's actor of"}
    lines = [f"{'actor links':<30}  κ (mean of pairs)  α (all)  matched spans"]
    order = {label: n for n, label in enumerate(CONTENT_LABELS)}  # QUOTE, CLAIM, then both together
    for (kind, label), figures in sorted(
        found.items(), key=lambda f: (f[0][0] != "actor", f[0][1] == OVERALL, order.get(f[0][1], -1), f[0][1])
    ):
        n = max((row.n or 0) for row in figures.values())
        name = f"{titles[kind]} {'QUOTE+CLAIM' if label == OVERALL else label}"
        lines.append(
            f"{name:<30}  {cell(figures.get('kappa')):>17}  {cell(figures.get('alpha')):>7}  {n:>13}"
        )
    return "\n".join(lines)
