"""Token-level κ and α: the labelling rule, scikit-learn's ``cohen_kappa_score`` and the
``krippendorff`` package on many random inputs (to 1e-9, with missing data for α), and
Krippendorff's published worked example."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest

from annotator.agreement import (
    OUTSIDE,
    Span,
    SpanTable,
    TokenGrid,
    TokenTable,
    nominal_alpha,
    pairwise_token_kappa,
    token_alpha,
    token_kappa,
)


def whitespace_tokens(text: str) -> list[tuple[int, int]]:
    """The simplest tokenizer: runs of non-blanks."""
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                out.append((start, i))
            start = None
        elif start is None:
            start = i
    return out


def naive_label(spans: list[Span], tok: tuple[int, int]) -> str:
    """The documented rule, written plainly: innermost containing span, then the first label."""
    inside = [s for s in spans if s.start <= tok[0] and tok[1] <= s.end]
    return min(inside, key=lambda s: (s.end - s.start, s.label)).label if inside else OUTSIDE


def random_case(
    rng: random.Random, annotators: int
) -> tuple[list[Span], dict[int, list[tuple[int, int]]], dict[str, list[int]]]:
    tokens: dict[int, list[tuple[int, int]]] = {}
    spans: list[Span] = []
    cover: dict[str, list[int]] = {f"r{a}": [] for a in range(annotators)}
    for d in range(rng.randint(1, 4)):
        pos, toks = 0, []
        for _ in range(rng.randint(1, 25)):
            pos += rng.randint(0, 2)  # tokens may touch
            w = rng.randint(1, 4)
            toks.append((pos, pos + w))
            pos += w
        tokens[d] = toks
        anchors = []
        for _ in range(rng.randint(0, 6)):
            i = rng.randrange(len(toks))
            j = min(len(toks) - 1, i + rng.randint(0, 4))
            anchors.append((toks[i][0], toks[j][1], rng.choice("ABC")))
        for a in range(annotators):
            if rng.random() < 0.25:
                continue  # missing: this annotator never saw the document
            cover[f"r{a}"].append(d)
            for s, e, lab in anchors:
                r = rng.random()
                if r < 0.25:
                    continue
                if r < 0.4:
                    lab = rng.choice("ABC")
                elif r < 0.55:
                    s = max(0, s + rng.randint(-3, 3))
                    e = max(s + 1, e + rng.randint(-3, 3))
                spans.append(Span(d, s, e, lab, f"r{a}"))
    return spans, tokens, cover


def reference_values(
    spans: list[Span], tokens: dict[int, list[tuple[int, int]]], cover: dict[str, list[int]]
) -> dict[str, list[str | None]]:
    """Each annotator's token labels, None where they did not annotate the document."""
    out: dict[str, list[str | None]] = {}
    for name, docs in cover.items():
        row: list[str | None] = []
        for d in sorted(tokens):
            mine = [s for s in spans if s.annotator == name and s.doc == d]
            row += [naive_label(mine, tok) if d in docs else None for tok in tokens[d]]
        out[name] = row
    return out


def test_token_labels_follow_the_documented_rule() -> None:
    text = "The minister said taxes will rise"
    tokens = {7: whitespace_tokens(text)}
    spans = [
        Span(7, 0, 12, "ACTOR", "a"),  # "The minister"
        Span(7, 13, 33, "CLAIM", "a"),  # "said taxes will rise"
        Span(7, 18, 33, "QUOTE", "a"),  # nested, shorter: wins on "taxes will rise"
        Span(7, 24, 33, "B", "a"),  # same length as the next one: the first label wins
        Span(7, 24, 33, "A", "a"),
        Span(7, 2, 9, "ACTOR", "b"),  # covers "The" and "minister" only partly: no token inside
    ]
    grid = TokenGrid(SpanTable.build(spans), tokens)
    labels = ("O", *grid.table.labels)
    got = {name: [labels[c] for c in grid.codes[i]] for i, name in enumerate(grid.table.annotators)}
    assert got["a"] == ["ACTOR", "ACTOR", "CLAIM", "QUOTE", "A", "A"]
    assert got["b"] == ["O"] * 6
    for name in ("a", "b"):
        mine = [s for s in spans if s.annotator == name]
        assert got[name] == [naive_label(mine, t) for t in tokens[7]]


def test_kappa_matches_scikit_learn_on_many_random_inputs() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(11)
    compared = 0
    for _ in range(300):
        spans, tokens, cover = random_case(rng, annotators=2)
        values = reference_values(spans, tokens, cover)
        ours = token_kappa(spans, tokens, "r0", "r1", annotated=cover)
        pairs = [
            (x, y) for x, y in zip(values["r0"], values["r1"], strict=True) if x is not None and y is not None
        ]
        assert ours.units == len(pairs)
        if not pairs:
            assert math.isnan(ours.overall)
            continue
        y0, y1 = [x for x, _ in pairs], [y for _, y in pairs]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = sklearn_metrics.cohen_kappa_score(y0, y1)
            for label, value in ours.by_label.items():
                binary = sklearn_metrics.cohen_kappa_score([v == label for v in y0], [v == label for v in y1])
                assert value == pytest.approx(binary, abs=1e-9, nan_ok=True)
        assert set(ours.by_label) == ({*y0, *y1} - {OUTSIDE})
        assert ours.overall == pytest.approx(want, abs=1e-9, nan_ok=True)
        compared += not math.isnan(want)
    assert compared > 200


def krippendorff_reference(rows: list[list[str | None]], domain: list[str]) -> float:
    krippendorff = pytest.importorskip("krippendorff")
    code = {v: i for i, v in enumerate(domain)}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows], dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0/0 when every pairable value is the same
            return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # "There has to be more than one value in the domain."
        return math.nan


def test_alpha_matches_the_krippendorff_package_with_missing_data() -> None:
    rng = random.Random(5)
    compared = 0
    for _ in range(300):
        annotators = rng.randint(2, 5)
        spans, tokens, cover = random_case(rng, annotators)
        values = reference_values(spans, tokens, cover)
        rows = [values[n] for n in sorted(values)]
        ours = token_alpha(spans, tokens, annotated=cover)
        present = {v for row in rows for v in row if v is not None}
        want = krippendorff_reference(rows, sorted(present))
        assert ours.overall == pytest.approx(want, abs=1e-9, nan_ok=True)
        for label, value in ours.by_label.items():
            binary = [[None if v is None else str(v == label) for v in row] for row in rows]
            assert value == pytest.approx(
                krippendorff_reference(binary, ["False", "True"]), abs=1e-9, nan_ok=True
            )
        assert ours.units == sum(sum(row[u] is not None for row in rows) >= 2 for u in range(len(rows[0])))
        compared += not math.isnan(want)
    assert compared > 200


# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Departmental Papers
# (ASC) 43, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43 — the
# reliability data of 4 observers × 12 units with missing values (section "C. Nominal data,
# any number of observers, missing data"); published nominal α = 0.743 (exactly 1 − 39/152).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_2011_worked_example() -> None:
    alpha = nominal_alpha(KRIPPENDORFF_2011)
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(1 - 39 / 152, abs=1e-12)


def test_krippendorff_2011_example_agrees_with_the_krippendorff_package() -> None:
    rows = [[None if v is None else str(v) for v in row] for row in KRIPPENDORFF_2011]
    want = krippendorff_reference(rows, [str(v) for v in range(1, 6)])
    assert nominal_alpha(KRIPPENDORFF_2011) == pytest.approx(want, abs=1e-12)


def test_krippendorff_2011_example_through_the_token_route() -> None:
    """Each unit a one-token document; a missing value is an observer who skipped that document."""
    spans = []
    cover: dict[str, list[int]] = {}
    for observer, row in zip("ABCD", KRIPPENDORFF_2011, strict=True):
        cover[observer] = [u for u, v in enumerate(row) if v is not None]
        spans += [Span(u, 0, 1, f"value{v}", observer) for u, v in enumerate(row) if v is not None]
    tokens = {u: [(0, 1)] for u in range(12)}
    result = token_alpha(spans, tokens, annotated=cover)
    assert result.overall == pytest.approx(1 - 39 / 152, abs=1e-12)
    assert result.units == 11  # unit 12 has a single value


def test_edge_cases() -> None:
    tokens = {0: whitespace_tokens("a b c d"), 1: whitespace_tokens("e f")}
    both = {"a": [0, 1], "b": [0, 1]}
    # No spans at all / all tokens O: nothing to explain, undefined.
    assert math.isnan(token_kappa([], tokens, "a", "b", annotated=both).overall)
    assert math.isnan(token_alpha([], tokens, annotated=both).overall)
    assert token_alpha([], tokens, annotated=both).by_label == {}
    # Perfect agreement.
    same = [Span(0, 0, 3, "X", n) for n in "ab"] + [Span(1, 2, 3, "Y", n) for n in "ab"]
    k = token_kappa(same, tokens, "a", "b")
    assert k.overall == 1.0 and k.by_label == {"X": 1.0, "Y": 1.0}
    assert token_alpha(same, tokens).overall == 1.0
    # One annotator: no pairable values.
    alone = token_alpha(same[:1], tokens)
    assert math.isnan(alone.overall) and alone.units == 0
    # An annotator with no shared document: nothing to compare.
    apart = [Span(0, 0, 1, "X", "a"), Span(1, 0, 1, "X", "b")]
    assert math.isnan(token_kappa(apart, tokens, "a", "b").overall)
    assert pairwise_token_kappa(same, tokens)[("a", "b")].overall == 1.0


def test_real_tokenizer_and_prebuilt_tables() -> None:
    from annotator.text import tokenize

    text = "„Wir schaffen das“, sagte Merkel am 31.08.2015 in Berlin."
    tokens = {"doc": tokenize(text)}
    quote = text.index("Wir"), text.index("“")
    spans = [
        Span("doc", *quote, "QUOTE", "x"),
        Span("doc", *quote, "QUOTE", "y"),
        Span("doc", text.index("Merkel"), text.index(" am"), "ACTOR", "x"),
    ]
    table, tt = SpanTable.build(spans), TokenTable.build(tokens)
    k = token_kappa(table, tt, "x", "y")
    assert k.by_label["QUOTE"] == 1.0 and 0 < k.overall < 1
    arrays = {"doc": np.array(tokens["doc"])}
    assert token_kappa(spans, arrays, "x", "y").overall == k.overall


def test_bad_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        TokenTable.build({0: [(0, 3), (2, 5)]})
    with pytest.raises(ValueError, match="start < end"):
        TokenTable.build({0: [(3, 3)]})
    with pytest.raises(ValueError, match="no tokens"):
        token_alpha([Span(5, 0, 1, "X", "a")], {0: [(0, 1)]})
    unsorted = TokenTable.build({0: [(4, 5), (0, 1)]})
    assert unsorted.start.tolist() == [0, 4]
    with pytest.raises(ValueError, match="one entry per unit"):
        nominal_alpha([[1, 2], [1]])
