"""Krippendorff's αU: DKPro Agreement's published test values reproduced, and the vectorised
computation checked against a plain segment-by-segment implementation on random inputs."""

from __future__ import annotations

import math
import random
from itertools import permutations

import pytest

from annotator.agreement import DocId, Span, unitizing_alpha


def study(units: list[tuple[int, int, int, str]], begin: int = 0, doc: DocId = 0) -> list[Span]:
    """DKPro's ``addUnit(offset, length, rater, category)`` calls as spans (rater i → "ri")."""
    return [Span(doc, o - begin, o - begin + n, c, f"r{r}") for o, n, r, c in units]


# dkpro/dkpro-statistics, dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/agreement/
# unitizing/Krippendorff2004Test.java: Krippendorff (2004: p. 254), continuum begin 150, length 300.
KRIPPENDORFF_2004 = [
    (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"), (400, 20, 1, "c"),
    (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"), (300, 50, 1, "k"),
]  # fmt: skip


def test_dkpro_krippendorff_2004() -> None:
    r = unitizing_alpha(study(KRIPPENDORFF_2004, begin=150), {0: 300})
    assert r.observed["c"] == pytest.approx(0.0144, abs=1e-4)
    assert r.expected["c"] == pytest.approx(0.0532, abs=1e-4)
    assert r.by_label["c"] == pytest.approx(0.7286, abs=1e-4)
    assert r.observed["k"] == pytest.approx(0.0, abs=1e-4)
    assert r.expected["k"] == pytest.approx(0.0490, abs=1e-4)
    assert r.by_label["k"] == pytest.approx(1.0, abs=1e-4)
    assert r.overall == pytest.approx(0.8591, abs=5e-4)
    assert (r.length, r.docs_used, r.docs_excluded) == (300, 1, 0)


# Same place, Krippendorff1995Test.java: the example of Krippendorff (1995: p. 57), four categories
# A–D coded by two raters on a continuum of 24, optionally stretched (DKPro's ``createExample``).
KRIPPENDORFF_1995 = [
    (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
    (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
    (6, 3, 1, "B"), (9, 1, 1, "B"),
    (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"),
    (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
    (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"), (0, 4, 1, "D"),
    (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
]  # fmt: skip


def krippendorff_1995(stretch: float, categories: str = "ABCD") -> tuple[list[Span], dict[int, int]]:
    units = [
        (int(o * stretch), int(n * stretch), r, c) for o, n, r, c in KRIPPENDORFF_1995 if c in categories
    ]
    return study(units), {0: int(24 * stretch)}


def test_dkpro_krippendorff_1995_agreement() -> None:
    r = unitizing_alpha(*krippendorff_1995(1))
    for label, d_o in {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}.items():
        assert r.observed[label] == pytest.approx(d_o, abs=1e-5)
    r = unitizing_alpha(*krippendorff_1995(1200000 / 24))
    for label, d_e in {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}.items():
        assert r.expected[label] == pytest.approx(d_e, abs=0.005)
    for label, alpha in {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}.items():
        assert r.by_label[label] == pytest.approx(alpha, abs=0.02)


@pytest.mark.parametrize(
    ("stretch", "d_e", "d_e_tolerance", "alpha"),
    [
        (12 / 24, 0.05494, 1e-5, 0.494),
        (120 / 24, 0.08234, 0.005, 0.663),
        (1200 / 24, 0.08600, 0.005, 0.677),
        (12000 / 24, 0.08638, 0.005, 0.678),
        (120000 / 24, 0.08642, 0.005, 0.679),
        (1200000 / 24, 0.08642, 0.005, 0.679),
    ],
)
def test_dkpro_krippendorff_1995_varying_lengths(
    stretch: float, d_e: float, d_e_tolerance: float, alpha: float
) -> None:
    # DKPro's tolerances: the 1995 paper's expected disagreement differs slightly from the 2004 formula.
    r = unitizing_alpha(*krippendorff_1995(stretch, "C"))
    assert r.observed["C"] == pytest.approx(0.02777, abs=1e-5)
    assert r.expected["C"] == pytest.approx(d_e, abs=d_e_tolerance)
    assert r.by_label["C"] == pytest.approx(alpha, abs=0.02)


def test_dkpro_unitizing_agreement_test() -> None:
    # Same place, UnitizingAgreementTest.java: r0 -11111111-, r1 --1-1-1--- on a continuum of 10.
    r = unitizing_alpha(study([(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")]), {0: 10})
    assert r.observed["A"] == pytest.approx(0.9100, abs=1e-4)
    assert r.expected["A"] == pytest.approx(0.5351, abs=1e-4)
    assert r.by_label["A"] == pytest.approx(-0.7003, abs=1e-4)
    # testSingleAnnotationUnit: three raters, one unit of length 1 → 0; testEmptyAnnotationSet → NaN.
    three = {"r0": [0], "r1": [0], "r2": [0]}
    single = unitizing_alpha(study([(0, 1, 0, "X")]), {0: 20}, annotated=three)
    assert single.overall == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(unitizing_alpha([], {0: 20}, annotated=three).overall)


def segments(units: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """One rater's continuum: units and the gaps between them."""
    out, pos = [], 0
    for s, e in sorted(units):
        if s > pos:
            out.append((pos, s, False))
        out.append((s, e, True))
        pos = e
    if pos < length:
        out.append((pos, length, False))
    return out


def union(units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(units):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def delta2(x: tuple[int, int, bool], y: tuple[int, int, bool]) -> int:
    """Krippendorff's (2004) segment distance, as DKPro's ``measureDistance``."""
    (s1, e1, u1), (s2, e2, u2) = x, y
    if u1 and u2 and s1 < e2 and s2 < e1:
        return (s1 - s2) ** 2 + (e1 - e2) ** 2
    if u1 and not u2 and s2 <= s1 and e1 <= e2:
        return (e1 - s1) ** 2
    if u2 and not u1 and s1 <= s2 and e2 <= e1:
        return (e2 - s2) ** 2
    return 0


def reference_alpha_u(
    spans: list[Span], lengths: dict[int, int], raters: list[str], label: str
) -> tuple[float, float]:
    """(D_o, D_e) for one label, segment by segment, per document."""
    total = sum(lengths.values())
    per = {
        (r, d): segments(
            union([(s.start, s.end) for s in spans if (s.annotator, s.doc, s.label) == (r, d, label)]), n
        )
        for r in raters
        for d, n in lengths.items()
    }
    pairs = sum(
        delta2(x, y)
        for r1, r2 in permutations(raters, 2)
        for d in lengths
        for x in per[r1, d]
        for y in per[r2, d]
    )
    d_o = pairs / (len(raters) * (len(raters) - 1) * total**2)
    units = [e - s for segs in per.values() for s, e, u in segs if u]
    gaps = [e - s for segs in per.values() for s, e, u in segs if not u]
    n = len(units)
    expected = sum(
        (n - 1) * (2 * x**3 - 3 * x**2 + x) / 3 + x * x * sum(g - x + 1 for g in gaps if g >= x)
        for x in units
    )
    d_e = (
        2
        / total
        * expected
        / (len(raters) * total * (len(raters) * total - 1) - sum(x * (x - 1) for x in units))
    )
    return d_o, d_e


def test_matches_a_segment_by_segment_computation_on_random_data() -> None:
    rng = random.Random(3)
    for _ in range(150):
        raters = [f"r{i}" for i in range(rng.randint(2, 4))]
        lengths = {d: rng.randint(1, 60) for d in range(rng.randint(1, 4))}
        spans = []
        for d, n in lengths.items():
            for r in raters:
                for _ in range(rng.randint(0, 5)):
                    s = rng.randrange(n)
                    spans.append(Span(d, s, min(n, s + rng.randint(1, 15)), rng.choice("XY"), r))
        cover = {r: list(lengths) for r in raters}
        got = unitizing_alpha(spans, lengths, annotated=cover)
        for label in sorted({s.label for s in spans}):
            d_o, d_e = reference_alpha_u(spans, lengths, raters, label)
            assert got.observed[label] == pytest.approx(d_o, rel=1e-12, abs=1e-15)
            assert got.expected[label] == pytest.approx(d_e, rel=1e-12, abs=1e-15)
            assert got.by_label[label] == pytest.approx(1 - d_o / d_e, rel=1e-9)
        # Document order does not matter: gaps end at document edges.
        renamed: dict[DocId, DocId] = {d: f"z{len(lengths) - d}" for d in lengths}
        moved = [s._replace(doc=renamed[s.doc]) for s in spans]
        again = unitizing_alpha(
            moved,
            {renamed[d]: n for d, n in lengths.items()},
            annotated={r: list(renamed.values()) for r in raters},
        )
        assert again.overall == pytest.approx(got.overall, rel=1e-12, nan_ok=True)


def test_overlapping_spans_of_one_label_count_as_their_union() -> None:
    lengths = {0: 30}
    base = [Span(0, 0, 10, "X", "a"), Span(0, 2, 12, "X", "b")]
    split = [Span(0, 0, 6, "X", "a"), Span(0, 4, 10, "X", "a"), Span(0, 2, 12, "X", "b")]
    assert unitizing_alpha(split, lengths).overall == unitizing_alpha(base, lengths).overall
    touching = [Span(0, 0, 5, "X", "a"), Span(0, 5, 10, "X", "a"), Span(0, 0, 10, "X", "b")]
    assert unitizing_alpha(touching, lengths).overall < 1.0


def test_edge_cases_and_coverage() -> None:
    same = [Span(d, 3, 9, "X", n) for d in (0, 1) for n in "ab"]
    perfect = unitizing_alpha(same, {0: 20, 1: 20})
    assert perfect.overall == 1.0 and perfect.by_label == {"X": 1.0}
    assert math.isnan(unitizing_alpha([Span(0, 0, 3, "X", "a")], {0: 10}).overall)  # one annotator
    assert math.isnan(unitizing_alpha([], {0: 10}).overall)  # no spans
    # A document only one annotator annotated is left out and counted.
    partial = unitizing_alpha([*same, Span(2, 0, 4, "X", "a")], {0: 20, 1: 20, 2: 20})
    assert (partial.docs_used, partial.docs_excluded, partial.length) == (2, 1, 40)
    assert partial.overall == 1.0


def test_bad_input_is_refused() -> None:
    spans = [Span(0, 0, 5, "X", "a"), Span(0, 0, 25, "X", "b")]
    with pytest.raises(ValueError, match="past the end"):
        unitizing_alpha(spans, {0: 20})
    with pytest.raises(ValueError, match="no length"):
        unitizing_alpha(spans, {1: 20})
