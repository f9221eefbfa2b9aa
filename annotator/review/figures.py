"""Agreement figures shaped for the GUI's panel: the main coefficients, per-label values for the
bar chart, and label confusion matrices for each pair of annotators.

Computed in one pass over the selection (the panel runs this on a worker thread).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy.orm import Session

from annotator.agreement import (
    OVERALL,
    AgreementReport,
    ConfusionMatrix,
    Span,
    compute_agreement,
    label_confusion,
)
from annotator.agreement.actors import actor_rows
from annotator.agreement.attributes import attribute_rows
from annotator.review.agree import Selection, load
from annotator.review.agree_actors import actor_links
from annotator.text import tokenize

# What the bar chart shows per label, in this order.
CHART_METRICS = ("span_f1_exact", "span_f1_overlap", "token_kappa", "unitizing_alpha")
METRIC_NAMES = {
    "span_f1_exact": "F1 exact",
    "span_f1_overlap": "F1 overlap",
    "relation_f1_exact": "Relation F1 exact",
    "relation_f1_overlap": "Relation F1 overlap",
    "token_kappa": "Cohen's κ (tokens)",
    "token_alpha": "Krippendorff's α (tokens)",
    "unitizing_alpha": "Krippendorff's αU",
}


@dataclass(slots=True)
class Figures:
    annotators: tuple[str, ...]
    documents: int
    spans: int
    labels: list[str] = field(default_factory=list)
    overall: dict[str, float] = field(default_factory=dict)
    by_label: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[tuple[str, str], ConfusionMatrix] = field(default_factory=dict)
    report: AgreementReport | None = None
    # Per attribute ("QUOTE.type"): mean κ over pairs, α over all, and the matched spans (n).
    by_attribute: dict[str, dict[str, float]] = field(default_factory=dict)
    # The same for actor links (agreement.actors): "actor ACTOR", "attribution QUOTE", "attribution *".
    by_actor: dict[str, dict[str, float]] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def summarize(report: AgreementReport) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Overall value and per-label values of each metric: a pair's value when there is one pair,
    else the mean over pairs (F1 and κ); α and αU are over all annotators at once."""
    values: dict[tuple[str, str], list[float]] = {}
    means: dict[tuple[str, str], float] = {}
    for row in report.rows:
        key = (row.metric, row.label)
        if row.scope == "mean":
            means[key] = row.value
        else:
            values.setdefault(key, []).append(row.value)
    merged = {key: means.get(key, _mean(found)) for key, found in values.items()}
    merged.update(means)
    overall = {metric: v for (metric, label), v in merged.items() if label == OVERALL}
    by_label: dict[str, dict[str, float]] = {}
    for (metric, label), v in merged.items():
        if label != OVERALL and metric.startswith(("span", "token", "unitizing")):
            by_label.setdefault(label, {})[metric] = v
    return overall, by_label


def agreement_figures(
    session: Session,
    project_id: int,
    annotators: Sequence[str] | None = None,
    documents: Sequence[int] | None = None,
    *,
    stage: Callable[[str], None] | None = None,
) -> Figures:
    """Everything the agreement panel shows for the chosen annotators and documents."""
    step = stage or (lambda _text: None)
    step("Reading spans")
    values: dict[Span, Any] = {}
    spans, relations, texts = load(session, project_id, Selection(annotators, documents), values)
    names = tuple(sorted({s.annotator for s in spans} | set(annotators or ())))
    step("Computing agreement")
    tokens = {doc: tokenize(text) for doc, text in texts.items()}
    lengths = {doc: len(text) for doc, text in texts.items()}
    report = compute_agreement(spans, relations=relations, tokens=tokens, doc_lengths=lengths)
    overall, by_label = summarize(report)
    result = Figures(names, len(texts), len(spans), sorted(by_label), overall, by_label, report=report)
    for row in attribute_rows(values, sorted(set(names) | {s.annotator for s in values})):
        if row.scope != "pair":
            found = result.by_attribute.setdefault(row.label, {"n": float(row.n or 0)})
            found["kappa" if row.metric == "attribute_kappa" else "alpha"] = row.value
    for row in actor_rows(spans, relations, actor_links(session, project_id), names):
        if row.scope != "pair":
            kind, coefficient = row.metric.rsplit("_", 1)
            found = result.by_actor.setdefault(f"{kind} {row.label}", {"n": float(row.n or 0)})
            found[coefficient] = row.value
    step("Comparing labels")
    for a, b in combinations(names, 2):
        if any(s.annotator == a for s in spans) and any(s.annotator == b for s in spans):
            result.confusion[(a, b)] = label_confusion(spans, a, b)
    return result
