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
``n`` is the number of matched units. Each table is one array (unit × annotator → category code,
units in the order they first come), built with no Python step per span beyond the speaker links;
κ counts a pair's categories with ``bincount`` (no categories × categories table: a registry has
thousands of actors) and α sums its per-unit terms one after the other, so every figure is the
same float that ``pair_kappa`` and ``sparse_alpha`` (the per-unit definitions, kept) give.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import combinations, compress, repeat
from operator import is_not, itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

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
_Coded = tuple[list[Span], list[Any]]  # a table's spans and the category of each
_DOC, _START, _END, _LABEL, _WHO = (itemgetter(i) for i in range(5))
IntArray = npt.NDArray[np.int64]
_MISSING = object()


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


def _tables(spans: Sequence[Span], labels: Iterable[str]) -> Iterator[tuple[str, list[Span]]]:
    """The spans of each of ``labels`` (in capitals), the label in any case, in their order."""
    written = list(map(_LABEL, spans))
    cases = defaultdict(set)
    for label in set(written):
        cases[label.upper()].add(label)
    for label in labels:
        if label in cases:
            yield label, list(compress(spans, map(cases[label].__contains__, written)))


def _identity(spans: Sequence[Span], links: Mapping[Span, int]) -> dict[str, _Coded]:
    """Label → the spans and their registry actors (None: unlinked), for the labels with a
    linked span in ``spans`` (ACTOR, or another label a project's speaker links point to, such as
    PERSON), each label as it is written (not in capitals) on its own."""
    if not links:
        return {}
    found = list(map(links.get, spans, repeat(_MISSING)))
    linked = set(compress(map(_LABEL, spans), map(is_not, found, repeat(_MISSING))))
    by_label = dict(zip(spans, found, strict=True)) if linked else {}
    out: dict[str, _Coded] = {}
    for label, picked in _tables(spans, sorted({label.upper() for label in linked})):
        picked = [span for span in picked if span.label in linked]
        actors = [by_label[span] for span in picked]
        out[label] = (picked, [None if actor is _MISSING else actor for actor in actors])
    return out


def _attribution(
    spans: Sequence[Span], relations: Iterable[Rel], links: Mapping[Span, int]
) -> dict[str, _Coded]:
    """Content label → its spans and whom their speaker links lead to."""
    types = {t.casefold() for t in LINK_TYPES}
    speaking = {kind: kind.casefold() in types for kind in {rel.type for rel in relations}}
    get = links.get
    led: dict[Span, set[str]] = defaultdict(set)
    for _doc, source, target, kind, _who in relations:
        if speaking[kind]:
            actor = get(target)
            led[source].add(
                f"actor:{actor}"
                if actor is not None
                else f"span:{target.doc}:{target.start}:{target.end}:{target.label.upper()}"
            )
    whom = {
        span: "|".join(sorted(found)) if len(found) > 1 else next(iter(found)) for span, found in led.items()
    }
    return {
        label: (picked, list(map(whom.get, picked, repeat(NO_SPEAKER))))
        for label, picked in _tables(spans, CONTENT_LABELS)
    }


class _Codes:
    """Integer codes of a metric's categories and annotators (the names first, in their order)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.who: dict[str, int] = {name: i for i, name in enumerate(names)}
        self.cats: dict[Any, int] = {}

    def grid(self, coded: _Coded) -> IntArray:
        """Unit × annotator → category code (−1: not coded); units in the order they first come,
        and an annotator's later span of a unit replacing the earlier (as a dictionary's would)."""
        spans, cats = coded
        keys = list(zip(map(_DOC, spans), map(_START, spans), map(_END, spans), strict=True))
        units = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        rows = np.fromiter(map(units.__getitem__, keys), np.int64, len(keys))
        names = list(map(_WHO, spans))
        for name in dict.fromkeys(names):
            self.who.setdefault(name, len(self.who))
        for cat in dict.fromkeys(cats):
            self.cats.setdefault(cat, len(self.cats))
        codes = np.fromiter(map(self.cats.__getitem__, cats), np.int64, len(cats))
        columns = np.fromiter(map(self.who.__getitem__, names), np.int64, len(names))
        width = len(self.who)
        cells = (rows * width + columns)[::-1]
        kept, last = np.unique(cells, return_index=True)
        grid = np.full(len(units) * width, -1, np.int64)
        grid[kept] = codes[::-1][last]
        return grid.reshape(len(units), width)


def _figures(metric: str, label: str, grid: IntArray, names: Sequence[str]) -> Iterator[Row]:
    """κ per pair (pairs that share units), their mean, and α over all, for one unit table: the
    same integers as ``pair_kappa`` and ``sparse_alpha`` count, from columns, and α's per-unit
    terms summed in the same order, so every float is the same."""
    size = int(grid.max()) + 1 if grid.size else 0
    kappas = []
    for i, j in combinations(range(len(names)), 2):
        x, y = grid[:, i], grid[:, j]
        both = (x >= 0) & (y >= 0)
        n = int(np.count_nonzero(both))
        if not n:
            continue
        x, y = x[both], y[both]
        agree = int(np.count_nonzero(x == y))
        chance = int(np.bincount(x, minlength=size) @ np.bincount(y, minlength=size)) / (n * n)
        kappa = math.nan if chance >= 1.0 else (agree / n - chance) / (1.0 - chance)
        kappas.append(kappa)
        yield Row(f"{metric}_kappa", "pair", f"{names[i]}|{names[j]}", label, kappa, n=n)
    coders = np.count_nonzero(grid >= 0, axis=1)
    shared = grid[coders >= 2]
    m = coders[coders >= 2]
    finite = [k for k in kappas if not math.isnan(k)]
    everyone = "|".join(names)
    mean = sum(finite) / len(finite) if finite else math.nan
    yield Row(f"{metric}_kappa", "mean", everyone, label, mean, n=len(m))
    yield Row(f"{metric}_alpha", "all", everyone, label, _alpha(shared, m), n=len(m))


def _alpha(shared: IntArray, m: IntArray) -> float:
    """``sparse_alpha`` of the units in ``shared`` (each coded by ``m`` ≥ 2 annotators)."""
    same = m.copy()  # Σ_c n_uc²: each value with itself, and twice each equal pair
    for i, j in combinations(range(shared.shape[1]), 2):
        same += 2 * ((shared[:, i] == shared[:, j]) & (shared[:, i] >= 0))
    n = int(m.sum())
    # one addition after the other, as the per-unit loop did (np.sum would add pairwise)
    disagree = float(np.add.accumulate((m * m - same) / (m - 1))[-1]) if len(m) else 0.0
    totals = np.bincount(shared[shared >= 0])
    expected = n * n - int(totals @ totals)
    if n == 0 or expected == 0:
        return math.nan
    return 1.0 - (n - 1) * disagree / expected


def actor_rows(
    spans: Sequence[Span], relations: Sequence[Rel], links: Mapping[Span, int], annotators: Sequence[str]
) -> Iterator[Row]:
    """Actor identity rows for each label with a span of the selection linked to the registry,
    and attribution rows when the selection has speaker/claimant links."""
    names = sorted(annotators)
    codes = _Codes(names)
    for label, coded in sorted(_identity(spans, links).items()):
        yield from _figures("actor", label, codes.grid(coded), names)
    types = {t.casefold() for t in LINK_TYPES}
    if any(kind.casefold() in types for kind in {rel.type for rel in relations}):
        codes = _Codes(names)
        by_label = {
            label: codes.grid(coded) for label, coded in _attribution(spans, relations, links).items()
        }
        both = []
        for label in CONTENT_LABELS:
            if label in by_label:
                both.append(by_label[label])
                yield from _figures("attribution", label, by_label[label], names)
        width = len(codes.who)
        both = [np.pad(g, ((0, 0), (0, width - g.shape[1])), constant_values=-1) for g in both]
        yield from _figures(
            "attribution", OVERALL, np.vstack(both) if both else np.empty((0, width), np.int64), names
        )


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
