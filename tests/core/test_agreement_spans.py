"""Span F1 (exact and overlap), label confusion and relation F1, against hand-worked examples and
a deliberately naive reference implementation on many random inputs."""

from __future__ import annotations

import math
import random
from collections import Counter
from itertools import combinations

import pytest

from annotator.agreement import (
    NO_SPAN,
    OVERALL,
    DocId,
    Rel,
    Span,
    SpanTable,
    label_confusion,
    pairwise_relation_f1,
    pairwise_span_f1,
    relation_f1,
    span_f1,
)

Ident = tuple[DocId, int, int, str]
RelKey = tuple[str, Ident, Ident]


def ident(s: Span) -> Ident:
    return (s.doc, s.start, s.end, s.label)


def naive_match(a: list[Span], b: list[Span], same_label: bool) -> list[tuple[Span, Span]]:
    """All candidate pairs, sorted by the documented preference, taken greedily."""
    cands = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            shared = min(x.end, y.end) - max(x.start, y.start)
            if x.doc == y.doc and shared > 0 and (x.label == y.label or not same_label):
                shift = abs(x.start - y.start) + abs(x.end - y.end)
                key = (
                    -shared,
                    x.label != y.label,
                    shift,
                    x.start,
                    x.end,
                    y.start,
                    y.end,
                    x.label,
                    y.label,
                    i,
                    j,
                )
                cands.append((key, i, j))
    cands.sort()
    used_a, used_b, out = set(), set(), []
    for _, i, j in cands:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((a[i], b[j]))
    return out


def shared_docs(spans: list[Span], a: str, b: str) -> set[DocId]:
    return {s.doc for s in spans if s.annotator == a} & {s.doc for s in spans if s.annotator == b}


def naive_counts(spans: list[Span], a: str, b: str, match: str) -> dict[str, tuple[int, int, int]]:
    docs = shared_docs(spans, a, b)
    sa = [s for s in spans if s.annotator == a and s.doc in docs]
    sb = [s for s in spans if s.annotator == b and s.doc in docs]
    if match == "exact":
        common = Counter(map(ident, sa)) & Counter(map(ident, sb))
        tp = Counter({lab: 0 for lab in {s.label for s in sa + sb}})
        for k, n in common.items():
            tp[k[3]] += n
    else:
        tp = Counter(x.label for x, _ in naive_match(sa, sb, same_label=True))
    na, nb = Counter(s.label for s in sa), Counter(s.label for s in sb)
    return {lab: (tp[lab], nb[lab] - tp[lab], na[lab] - tp[lab]) for lab in set(na) | set(nb)}


def random_spans(rng: random.Random, annotators: int = 3, docs: int = 4, per: int = 6) -> list[Span]:
    out = []
    for d in range(docs):
        base = []
        for _ in range(per):
            s = rng.randrange(0, 40)
            base.append((s, s + rng.randint(1, 8), rng.choice("ABC")))
        for a in range(annotators):
            if rng.random() < 0.15:
                continue  # this annotator did not annotate the document
            for s, e, lab in base:
                r = rng.random()
                if r < 0.2:
                    continue
                if r < 0.35:
                    lab = rng.choice("ABC")
                elif r < 0.5:
                    s, e = max(0, s + rng.randint(-2, 2)), e + rng.randint(-2, 2)
                    e = max(e, s + 1)
                elif r < 0.55:
                    out.append(Span(d, s, e, lab, f"ann{a}"))  # an exact duplicate
                out.append(Span(d, s, e, lab, f"ann{a}"))
    return out


def test_exact_match_counts_per_label_and_micro_overall() -> None:
    spans = [
        Span(1, 0, 5, "ACTOR", "ann"),
        Span(1, 10, 20, "CLAIM", "ann"),
        Span(1, 30, 40, "QUOTE", "ann"),
        Span(1, 0, 5, "ACTOR", "bob"),
        Span(1, 10, 21, "CLAIM", "bob"),  # boundary differs: no exact match
        Span(1, 30, 40, "CLAIM", "bob"),  # label differs
        Span(1, 50, 60, "QUOTE", "bob"),
    ]
    r = span_f1(spans, "ann", "bob")
    assert r.by_label["ACTOR"].tp == 1 and r.by_label["ACTOR"].f1 == 1.0
    c = r.by_label["CLAIM"]
    assert (c.tp, c.fp, c.fn) == (0, 2, 1)
    q = r.by_label["QUOTE"]
    assert (q.tp, q.fp, q.fn) == (0, 1, 1)
    o = r.overall
    assert (o.tp, o.fp, o.fn) == (1, 3, 2)
    assert o.precision == pytest.approx(1 / 4)
    assert o.recall == pytest.approx(1 / 3)
    assert o.f1 == pytest.approx(2 / 7)
    swapped = span_f1(spans, "bob", "ann")
    assert (swapped.overall.precision, swapped.overall.recall) == (o.recall, o.precision)
    assert r.counts(OVERALL) == o and math.isnan(r.counts("NOPE").f1)


def test_overlap_match_is_one_to_one_and_prefers_the_largest_overlap() -> None:
    spans = [
        Span("d", 0, 10, "CLAIM", "a"),
        Span("d", 8, 20, "CLAIM", "a"),
        Span("d", 2, 12, "CLAIM", "b"),  # overlaps a[0:10] by 8 and a[8:20] by 4
        Span("d", 30, 35, "CLAIM", "a"),
        Span("d", 33, 40, "QUOTE", "b"),  # overlaps but with another label
    ]
    r = span_f1(spans, "a", "b", match="overlap")
    assert (r.by_label["CLAIM"].tp, r.by_label["CLAIM"].fp, r.by_label["CLAIM"].fn) == (1, 0, 2)
    assert (r.by_label["QUOTE"].tp, r.by_label["QUOTE"].fp) == (0, 1)
    confusion = label_confusion(spans, "a", "b")
    assert confusion.labels == ("CLAIM", "QUOTE", NO_SPAN)
    assert confusion.get("CLAIM", "CLAIM") == 1
    assert confusion.get("CLAIM", "QUOTE") == 1  # matched regardless of label
    assert confusion.get("CLAIM", NO_SPAN) == 1
    assert confusion.get(NO_SPAN, NO_SPAN) == 0


def test_ties_go_to_the_smaller_boundary_shift() -> None:
    spans = [
        Span(0, 10, 20, "X", "a"),
        Span(0, 10, 20, "X", "b"),
        Span(0, 5, 25, "X", "b"),  # same overlap (10) but shifted boundaries
    ]
    matched = naive_match([spans[0]], spans[1:], same_label=True)
    assert matched == [(spans[0], spans[1])]
    r = span_f1(spans, "a", "b", match="overlap")
    assert (r.overall.tp, r.overall.fp, r.overall.fn) == (1, 1, 0)


def test_only_documents_both_annotated_are_compared() -> None:
    spans = [Span(1, 0, 4, "X", "a"), Span(1, 0, 4, "X", "b"), Span(2, 0, 4, "X", "a")]
    r = span_f1(spans, "a", "b")
    assert (r.overall.tp, r.overall.fp, r.overall.fn, r.docs) == (1, 0, 0, 1)
    told = span_f1(spans, "a", "b", annotated={"a": [1, 2], "b": [1, 2]})
    assert (told.overall.tp, told.overall.fn, told.docs) == (1, 1, 2)
    # Spans outside the declared coverage are ignored.
    partial = span_f1(spans, "a", "b", annotated={"a": [1], "b": [1]})
    assert (partial.overall.tp, partial.overall.fn) == (1, 0)


def test_exact_and_overlap_agree_with_the_naive_reference_on_random_data() -> None:
    rng = random.Random(20240605)
    for _ in range(300):
        spans = random_spans(rng, annotators=rng.randint(2, 4), docs=rng.randint(1, 4))
        table = SpanTable.build(spans)
        for match in ("exact", "overlap"):
            result = pairwise_span_f1(table, match=match)
            for (a, b), pair in result.pairs.items():
                got = {lab: (c.tp, c.fp, c.fn) for lab, c in pair.by_label.items()}
                assert got == naive_counts(spans, a, b, match), (match, a, b)


def test_confusion_matrix_matches_the_naive_reference_on_random_data() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = random_spans(rng, annotators=2)
        names = sorted({s.annotator for s in spans})
        if len(names) < 2:
            continue
        a, b = names
        docs = shared_docs(spans, a, b)
        sa = [s for s in spans if s.annotator == a and s.doc in docs]
        sb = [s for s in spans if s.annotator == b and s.doc in docs]
        pairs = naive_match(sa, sb, same_label=False)
        want = Counter((x.label, y.label) for x, y in pairs)
        left_a = Counter(map(ident, sa)) - Counter(ident(x) for x, _ in pairs)
        left_b = Counter(map(ident, sb)) - Counter(ident(y) for _, y in pairs)
        for k, n in left_a.items():
            want[(k[3], NO_SPAN)] += n
        for k, n in left_b.items():
            want[(NO_SPAN, k[3])] += n
        m = label_confusion(spans, a, b)
        got = Counter({(x, y): m.get(x, y) for x in m.labels for y in m.labels if m.get(x, y)})
        assert got == want
        assert sum(map(sum, m.counts)) == len(pairs) + sum(left_a.values()) + sum(left_b.values())


def test_more_than_two_annotators_give_every_pair_a_matrix_and_a_mean() -> None:
    spans = [
        Span(0, 0, 5, "X", "a"),
        Span(0, 0, 5, "X", "b"),
        Span(0, 0, 5, "X", "c"),
        Span(0, 10, 15, "X", "a"),
        Span(0, 10, 15, "X", "b"),
    ]
    r = pairwise_span_f1(spans)
    assert list(r.pairs) == [("a", "b"), ("a", "c"), ("b", "c")]
    f_ab, f_ac = 1.0, 2 / 3
    assert r.pairs[("a", "c")].overall.f1 == pytest.approx(f_ac)
    assert r.mean_f1() == pytest.approx((f_ab + 2 * f_ac) / 3)
    grid = r.matrix()
    assert grid[0][1] == grid[1][0] == 1.0
    assert grid[1][2] == pytest.approx(f_ac)
    assert all(math.isnan(grid[i][i]) for i in range(3))
    assert r.labels == ("X",)


def test_edge_cases_no_spans_perfect_agreement_one_annotator() -> None:
    nothing = pairwise_span_f1([])
    assert nothing.pairs == {} and math.isnan(nothing.mean_f1())
    alone = pairwise_span_f1([Span(0, 0, 3, "X", "a")])
    assert alone.annotators == ("a",) and alone.pairs == {}
    empty_docs = span_f1([], "a", "b", annotated={"a": [0], "b": [0]})
    assert math.isnan(empty_docs.overall.f1) and math.isnan(empty_docs.overall.precision)
    same = [Span(0, 0, 3, "X", n) for n in "ab"] + [Span(0, 5, 9, "Y", n) for n in "ab"]
    for match in ("exact", "overlap"):
        r = span_f1(same, "a", "b", match=match)
        assert r.overall.f1 == r.by_label["X"].f1 == r.by_label["Y"].f1 == 1.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="start < end"):
        SpanTable.build([Span(0, 5, 5, "X", "a")])
    with pytest.raises(ValueError, match="unknown annotator"):
        span_f1([Span(0, 0, 1, "X", "a")], "a", "zed")
    with pytest.raises(ValueError, match="match must be"):
        span_f1([], "a", "b", match="fuzzy")  # type: ignore[arg-type]
    table = SpanTable.build([])
    with pytest.raises(ValueError, match="coverage"):
        span_f1(table, "a", "b", annotated={"a": []})


def naive_relations(
    rels: list[Rel], spans: list[Span], a: str, b: str, match: str
) -> dict[str, tuple[int, ...]]:
    docs = shared_docs(spans, a, b)
    ra = [r for r in rels if r.annotator == a and r.doc in docs]
    rb = [r for r in rels if r.annotator == b and r.doc in docs]
    align: dict[Ident, Ident] = {}
    if match == "overlap":
        sa = [s for s in spans if s.annotator == a and s.doc in docs]
        sb = [s for s in spans if s.annotator == b and s.doc in docs]
        align = {ident(y): ident(x) for x, y in naive_match(sa, sb, same_label=True)}

    def key_b(r: Rel) -> RelKey | None:
        if match == "exact":
            return (r.type, ident(r.source), ident(r.target))
        s, t = align.get(ident(r.source)), align.get(ident(r.target))
        return None if s is None or t is None else (r.type, s, t)

    from_a: Counter[RelKey] = Counter((r.type, ident(r.source), ident(r.target)) for r in ra)
    from_b: Counter[RelKey] = Counter(k for r in rb if (k := key_b(r)) is not None)
    tp: Counter[str] = Counter()
    for k, n in (from_a & from_b).items():
        tp[k[0]] += n
    na, nb = Counter(r.type for r in ra), Counter(r.type for r in rb)
    return {t: (tp[t], nb[t] - tp[t], na[t] - tp[t]) for t in set(na) | set(nb)}


def test_relation_f1_with_exact_and_overlap_endpoints() -> None:
    q_a, actor_a = Span(0, 0, 10, "QUOTE", "a"), Span(0, 20, 25, "ACTOR", "a")
    q_b, actor_b = Span(0, 0, 12, "QUOTE", "b"), Span(0, 20, 25, "ACTOR", "b")
    spans = [q_a, actor_a, q_b, actor_b]
    rels = [Rel(0, q_a, actor_a, "SAID_BY", "a"), Rel(0, q_b, actor_b, "SAID_BY", "b")]
    exact = relation_f1(rels, "a", "b", spans=spans)
    assert (exact.overall.tp, exact.overall.fp, exact.overall.fn) == (0, 1, 1)
    loose = relation_f1(rels, "a", "b", spans=spans, match="overlap")
    assert loose.by_label["SAID_BY"].f1 == 1.0 and loose.kind == "relation"
    # Without spans, the relations' own endpoints are aligned.
    assert relation_f1(rels, "a", "b", match="overlap").overall.tp == 1
    other_type = [*rels[:1], rels[1]._replace(type="ABOUT")]
    r = relation_f1(other_type, "a", "b", spans=spans, match="overlap")
    assert (r.by_label["SAID_BY"].fn, r.by_label["ABOUT"].fp, r.overall.tp) == (1, 1, 0)


def test_relation_f1_agrees_with_the_naive_reference_on_random_data() -> None:
    rng = random.Random(99)
    for _ in range(200):
        spans = random_spans(rng, annotators=3)
        rels = []
        for name in {s.annotator for s in spans}:
            for d in {s.doc for s in spans if s.annotator == name}:
                mine = [s for s in spans if s.annotator == name and s.doc == d]
                for _ in range(rng.randint(0, 4)):
                    x, y = rng.choice(mine), rng.choice(mine)
                    rels.append(Rel(d, x, y, rng.choice(["SAYS", "ABOUT"]), name))
        for match in ("exact", "overlap"):
            result = pairwise_relation_f1(rels, spans=spans, match=match)
            names = sorted({s.annotator for s in spans})
            assert set(result.pairs) == set(combinations(names, 2))
            for (a, b), pair in result.pairs.items():
                got = {t: (c.tp, c.fp, c.fn) for t, c in pair.by_label.items()}
                assert got == naive_relations(rels, spans, a, b, match), (match, a, b)
