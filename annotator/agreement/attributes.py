"""Agreement on the codebook's attributes (QUOTE.type, ACTOR.role) over matched spans.

A *unit* is a span that several annotators marked exactly alike (same document, offsets and
label); an annotator codes an attribute on it when their span carries a value for it (a span
without the value is missing data, not a category). Values are nominal categories (a multi
value is the set chosen; numbers count as categories too). Per attribute:

* ``attribute_kappa``: Cohen's κ of each pair over the units both coded, and their mean;
* ``attribute_alpha``: Krippendorff's nominal α over all annotators (missing values allowed).

``n`` is the number of units the figure rests on.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.data import Span
from annotator.agreement.report import Row
from annotator.agreement.tokens import _kappa, nominal_alpha

__all__ = ["attribute_rows"]

UnitKey = tuple[Any, int, int, str]  # document, start, end, label


def _category(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _table(values: Mapping[Span, Mapping[str, Any]]) -> dict[str, dict[UnitKey, dict[str, str]]]:
    """attribute ("QUOTE.type") → unit → annotator → category."""
    out: dict[str, dict[UnitKey, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for span, found in values.items():
        for name, value in found.items():
            unit = (span.doc, span.start, span.end, span.label)
            out[f"{span.label}.{name}"][unit][span.annotator] = _category(value)
    return out


def _pair_kappa(units: Mapping[UnitKey, Mapping[str, str]], a: str, b: str) -> tuple[float, int]:
    both = [(coded[a], coded[b]) for coded in units.values() if a in coded and b in coded]
    if not both:
        return math.nan, 0
    categories = sorted({c for pair in both for c in pair})
    code = {c: i for i, c in enumerate(categories)}
    confusion = np.zeros((len(categories), len(categories)))
    for x, y in both:
        confusion[code[x], code[y]] += 1
    return _kappa(confusion), len(both)


def attribute_rows(values: Mapping[Span, Mapping[str, Any]], annotators: Sequence[str]) -> Iterator[Row]:
    """κ per pair and their mean, and α over all, for every attribute that has values."""
    names = sorted(annotators)
    for attribute, units in sorted(_table(values).items()):
        kappas = []
        for a, b in combinations(names, 2):
            kappa, n = _pair_kappa(units, a, b)
            if n:
                kappas.append(kappa)
                yield Row("attribute_kappa", "pair", f"{a}|{b}", attribute, kappa, n=n)
        shared = {u: c for u, c in units.items() if len(c) >= 2}
        finite = [k for k in kappas if not math.isnan(k)]
        mean = sum(finite) / len(finite) if finite else math.nan
        everyone = "|".join(names)
        yield Row("attribute_kappa", "mean", everyone, attribute, mean, n=len(shared))
        data = [[coded.get(who) for coded in shared.values()] for who in names]
        alpha = nominal_alpha(data) if shared else math.nan
        yield Row("attribute_alpha", "all", everyone, attribute, alpha, n=len(shared))


def attribute_summary(rows: Sequence[Row]) -> str:
    """One line per attribute: mean κ, α and the matched spans they rest on ("" without any)."""
    found: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        if row.metric.startswith("attribute_") and row.scope != "pair":
            found[row.label][row.metric] = row
    if not found:
        return ""

    def cell(row: Row | None) -> str:
        return "n/a" if row is None or math.isnan(row.value) else f"{row.value:.3f}"

    width = max(len("attribute"), *(len(name) for name in found))
    lines = [f"{'attribute':<{width}}  κ (mean of pairs)  α (all)  matched spans"]
    for name, figures in sorted(found.items()):
        kappa, alpha = figures.get("attribute_kappa"), figures.get("attribute_alpha")
        n = max((row.n or 0) for row in figures.values())
        lines.append(f"{name:<{width}}  {cell(kappa):>17}  {cell(alpha):>7}  {n:>13}")
    return "\n".join(lines)
