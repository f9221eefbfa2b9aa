"""The agreement report: every metric in one table, as text, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import math

from annotator.agreement import OVERALL, Rel, Span, compute_agreement, label_confusion


def corpus() -> tuple[list[Span], list[Rel], dict[int, list[tuple[int, int]]], dict[int, int]]:
    spans = [
        Span(0, 0, 4, "ACTOR", "ann"),
        Span(0, 10, 20, "QUOTE", "ann"),
        Span(0, 0, 4, "ACTOR", "bea"),
        Span(0, 10, 18, "QUOTE", "bea"),
        Span(0, 0, 4, "ACTOR", "cem"),
        Span(1, 0, 4, "CLAIM", "ann"),
        Span(1, 0, 4, "CLAIM", "bea"),
    ]
    rels = [Rel(0, spans[1], spans[0], "SAID_BY", "ann"), Rel(0, spans[3], spans[2], "SAID_BY", "bea")]
    tokens = {0: [(0, 4), (5, 9), (10, 14), (15, 18), (19, 20)], 1: [(0, 4), (5, 8)]}
    return spans, rels, tokens, {0: 20, 1: 8}


def test_report_has_every_metric_for_pairs_means_and_all() -> None:
    spans, rels, tokens, lengths = corpus()
    report = compute_agreement(spans, relations=rels, tokens=tokens, doc_lengths=lengths)
    metrics = {(r.metric, r.scope) for r in report.rows}
    assert metrics == {
        ("span_f1_exact", "pair"),
        ("span_f1_exact", "mean"),
        ("span_f1_overlap", "pair"),
        ("span_f1_overlap", "mean"),
        ("relation_f1_exact", "pair"),
        ("relation_f1_exact", "mean"),
        ("relation_f1_overlap", "pair"),
        ("relation_f1_overlap", "mean"),
        ("token_kappa", "pair"),
        ("token_alpha", "all"),
        ("unitizing_alpha", "all"),
    }
    row = next(
        r for r in report.rows if (r.metric, r.annotators, r.label) == ("span_f1_overlap", "ann|bea", "QUOTE")
    )
    assert (row.value, row.tp, row.fp, row.fn) == (1.0, 1, 0, 0)
    exact = next(
        r for r in report.rows if (r.metric, r.annotators, r.label) == ("span_f1_exact", "ann|bea", OVERALL)
    )
    assert (exact.tp, exact.fp, exact.fn) == (2, 1, 1)
    alpha = next(r for r in report.rows if r.metric == "token_alpha" and r.label == OVERALL)
    assert alpha.annotators == "ann|bea|cem" and alpha.n == 7
    only_spans = compute_agreement(spans)
    assert {r.metric for r in only_spans.rows} == {"span_f1_exact", "span_f1_overlap"}


def test_text_csv_and_json_renderings() -> None:
    spans, rels, tokens, lengths = corpus()
    report = compute_agreement(spans, relations=rels, tokens=tokens, doc_lengths=lengths)
    text = report.table()
    lines = text.splitlines()
    assert lines[0].split() == [
        "metric",
        "scope",
        "annotators",
        "label",
        "value",
        "precision",
        "recall",
        "tp",
        "fp",
        "fn",
        "n",
    ]
    assert len(lines) == len(report.rows) + 1
    assert "n/a" in text  # precision when the second annotator has no span of a label
    out = io.StringIO()
    report.write_csv(out)
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(back) == len(report.rows)
    assert back[0]["metric"] == report.rows[0].metric
    assert float(back[0]["value"]) == report.rows[0].value
    data = json.loads(report.to_json())
    assert len(data["rows"]) == len(report.rows)
    assert report.csv_rows()[0].keys() == data["rows"][0].keys()


def test_confusion_matrix_renders() -> None:
    spans, *_ = corpus()
    m = label_confusion(spans, "ann", "bea")
    assert m.as_dict()["labels"] == ["ACTOR", "CLAIM", "QUOTE", "∅"]
    lines = m.table().splitlines()
    assert lines[0].split()[:3] == ["ann", "\\", "bea"]
    assert lines[1].split() == ["ACTOR", "1", "0", "0", "0"]
    assert sum(map(sum, m.counts)) == 3


def test_undefined_values_render_as_n_a_empty_and_null() -> None:
    report = compute_agreement([], tokens={0: [(0, 1)]}, annotated={"a": [0], "b": [0]})
    kappa = next(r for r in report.rows if r.metric == "token_kappa")
    assert math.isnan(kappa.value)  # every token is "O" for both
    assert "n/a" in report.table().splitlines()[1 + report.rows.index(kappa)]
    assert report.csv_rows()[report.rows.index(kappa)]["value"] == ""
    assert json.loads(report.to_json())["rows"][report.rows.index(kappa)]["value"] is None
