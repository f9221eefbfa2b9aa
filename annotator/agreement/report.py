"""One table of agreement figures for ``annotator agree``: text, CSV rows and JSON.

Each row is one number: a metric for one scope (a pair of annotators, the mean over all pairs,
or all annotators together) and one label (``OVERALL`` = all labels). NaN (undefined) prints as
"n/a", is empty in CSV and ``null`` in JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from itertools import combinations
from typing import IO, Literal

from annotator import csvsafe
from annotator.agreement.data import OVERALL, Annotated, DocLengths, Match, Rel, Span, SpanTable
from annotator.agreement.spans import PairwiseF1, _pairwise_relations, _relations, pairwise_span_f1
from annotator.agreement.tokens import Coefficient, TokenGrid, Tokens
from annotator.agreement.unitizing import UnitizingAlpha, unitizing_alpha

__all__ = ["AgreementReport", "Row", "compute_agreement"]

Scope = Literal["pair", "mean", "all"]
MATCHES: tuple[Match, ...] = ("exact", "overlap")


@dataclass(frozen=True, slots=True)
class Row:
    """One figure. P/R and tp/fp/fn only for F1 rows of a pair; ``n`` is what the figure rests on:
    documents compared (F1 of a pair), tokens (κ, α) or characters (αU)."""

    metric: str
    scope: Scope
    annotators: str
    """``a|b`` for a pair, all names joined by ``|`` for "mean" and "all"."""
    label: str
    value: float
    precision: float | None = None
    recall: float | None = None
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None
    n: int | None = None


FIELDS = tuple(f.name for f in fields(Row))


def _names(names: Iterable[str]) -> str:
    return "|".join(names)


def f1_rows(result: PairwiseF1) -> Iterator[Row]:
    """Per-pair rows (with counts) and mean-over-pairs rows of a pairwise F1 result."""
    metric = f"{result.kind}_f1_{result.match}"
    for (a, b), pair in result.pairs.items():
        for label in (OVERALL, *pair.by_label):
            c = pair.counts(label)
            yield Row(
                metric,
                "pair",
                _names((a, b)),
                label,
                c.f1,
                c.precision,
                c.recall,
                c.tp,
                c.fp,
                c.fn,
                pair.docs,
            )
    if len(result.pairs) > 1:
        for label in (OVERALL, *result.labels):
            yield Row(metric, "mean", _names(result.annotators), label, result.mean_f1(label))


def coefficient_rows(result: Coefficient, scope: Scope) -> Iterator[Row]:
    names = _names(result.annotators)
    yield Row(result.name, scope, names, OVERALL, result.overall, n=result.units)
    for label, value in sorted(result.by_label.items()):
        yield Row(result.name, scope, names, label, value, n=result.units)


def unitizing_rows(result: UnitizingAlpha) -> Iterator[Row]:
    names = _names(result.annotators)
    yield Row("unitizing_alpha", "all", names, OVERALL, result.overall, n=result.length)
    for label, value in sorted(result.by_label.items()):
        yield Row("unitizing_alpha", "all", names, label, value, n=result.length)


def _csv_value(value: object) -> object:
    """A CSV cell: text as is (the writer neutralises it), a number as a number, NaN/None empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


def _cell(value: object, text: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a" if text else ""
        return f"{value:.3f}" if text else repr(value)
    return str(value)


@dataclass(frozen=True)
class AgreementReport:
    """The rows ``compute_agreement`` produced, renderable three ways."""

    rows: tuple[Row, ...]

    def table(self) -> str:
        """Aligned plain-text table (numbers to 3 decimals) for the terminal."""
        cells = [list(FIELDS)] + [[_cell(getattr(r, f), True) for f in FIELDS] for r in self.rows]
        widths = [max(len(row[k]) for row in cells) for k in range(len(FIELDS))]
        numeric = {"value", "precision", "recall", "tp", "fp", "fn", "n"}
        return "\n".join(
            "  ".join(
                c.rjust(w) if f in numeric else c.ljust(w)
                for c, w, f in zip(row, widths, FIELDS, strict=True)
            ).rstrip()
            for row in cells
        )

    def csv_rows(self) -> list[dict[str, str]]:
        """Rows keyed by ``FIELDS`` with full-precision numbers, ready for ``csv.DictWriter``."""
        return [{f: _cell(getattr(r, f), False) for f in FIELDS} for r in self.rows]

    def write_csv(self, stream: IO[str], *, raw: bool = False) -> None:
        """The rows as CSV: names and labels neutralised against formulas (unless ``raw``),
        figures written as numbers (a negative κ stays a number)."""
        writer = csvsafe.writer(stream, raw=raw)
        writer.writerow(FIELDS)
        for r in self.rows:
            writer.writerow([_csv_value(getattr(r, f)) for f in FIELDS])

    def as_dicts(self) -> list[dict[str, object]]:
        """JSON-ready rows: NaN becomes None."""
        return [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in asdict(r).items()}
            for r in self.rows
        ]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps({"rows": self.as_dicts()}, indent=indent, ensure_ascii=False)


def compute_agreement(
    spans: Iterable[Span] | SpanTable,
    *,
    relations: Sequence[Rel] = (),
    tokens: Tokens | None = None,
    doc_lengths: DocLengths | None = None,
    annotated: Annotated | None = None,
) -> AgreementReport:
    """Every metric the inputs allow: span F1 (exact, overlap) always; relation F1 when relations
    are given; token κ per pair and token α when tokens are given; αU when lengths are given."""
    t = SpanTable.of(spans, annotated)
    rows: list[Row] = []
    for match in MATCHES:
        rows += f1_rows(pairwise_span_f1(t, match=match))
    if relations:
        rels = _relations(t, relations)
        for match in MATCHES:
            rows += f1_rows(_pairwise_relations(t, rels, match))
    if tokens is not None:
        grid = TokenGrid(t, tokens)
        for a, b in combinations(range(len(t.annotators)), 2):
            rows += coefficient_rows(grid.kappa(a, b), "pair")
        rows += coefficient_rows(grid.alpha(), "all")
    if doc_lengths is not None:
        rows += unitizing_rows(unitizing_alpha(t, doc_lengths))
    return AgreementReport(tuple(rows))
