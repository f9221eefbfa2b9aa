"""Inter-annotator agreement over plain records (no database, no Qt), fast enough for 10,000
documents × 3 annotators: span and relation F1, token-level Cohen's κ and Krippendorff's α,
Krippendorff's unitizing αU, a label confusion matrix, and a report for the CLI.

Conventions are documented where they apply: coverage in ``data``, matching in ``spans``, token
labelling in ``tokens``, the continuum in ``unitizing``, rows in ``report``.
"""

from annotator.agreement.data import (
    NO_SPAN,
    OUTSIDE,
    OVERALL,
    Annotated,
    DocId,
    Match,
    Rel,
    Span,
    SpanTable,
    TokenTable,
)
from annotator.agreement.report import AgreementReport, Row, compute_agreement
from annotator.agreement.spans import (
    ConfusionMatrix,
    Counts,
    PairF1,
    PairwiseF1,
    label_confusion,
    pairwise_relation_f1,
    pairwise_span_f1,
    relation_f1,
    span_f1,
)
from annotator.agreement.tokens import (
    Coefficient,
    TokenGrid,
    nominal_alpha,
    pairwise_token_kappa,
    token_alpha,
    token_kappa,
)
from annotator.agreement.unitizing import UnitizingAlpha, unitizing_alpha

__all__ = [
    "NO_SPAN",
    "OUTSIDE",
    "OVERALL",
    "AgreementReport",
    "Annotated",
    "Coefficient",
    "ConfusionMatrix",
    "Counts",
    "DocId",
    "Match",
    "PairF1",
    "PairwiseF1",
    "Rel",
    "Row",
    "Span",
    "SpanTable",
    "TokenGrid",
    "TokenTable",
    "UnitizingAlpha",
    "compute_agreement",
    "label_confusion",
    "nominal_alpha",
    "pairwise_relation_f1",
    "pairwise_span_f1",
    "pairwise_token_kappa",
    "relation_f1",
    "span_f1",
    "token_alpha",
    "token_kappa",
    "unitizing_alpha",
]
