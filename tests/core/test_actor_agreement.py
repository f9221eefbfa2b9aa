"""Agreement on actor links (agreement.actors): which registry actor matched ACTOR spans link to,
and whose actor matched quotes and claims are attributed to, hand-computed on a small case, in
the core, over a project (merges followed) and in ``annotator agree`` (a real process)."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from annotator.actors import add_actor, link_span, merge_actors
from annotator.agreement.actors import actor_rows, actor_summary, pair_kappa, sparse_alpha
from annotator.agreement.data import Rel, Span
from annotator.agreement.report import Row
from annotator.agreement.tokens import nominal_alpha
from annotator.model import Project, RelationType
from annotator.ops.annotations import create_span
from annotator.ops.relations import create_relation
from annotator.review.agree import project_agreement
from annotator.review.figures import agreement_figures
from annotator.store import Store
from tests.cli_forms import run
from tests.core.helpers import add_doc, annotator_id, label_id

# ACTOR units (start 0, 10, 20, 30): a's and b's registry actor (None: unlinked).
ACTORS_A = [1, 1, None, 2]
ACTORS_B = [1, 2, None, 2]
# Speaker of QUOTE units (start 100, 110, 120, 130): the ACTOR unit each links to (None: no link).
SPEAKER_A = [0, 2, 1, None]
SPEAKER_B = [0, 2, 1, 3]


def _records() -> tuple[list[Span], list[Rel], dict[Span, int]]:
    spans: list[Span] = []
    rels: list[Rel] = []
    links: dict[Span, int] = {}
    for who, actors, speakers in (("a", ACTORS_A, SPEAKER_A), ("b", ACTORS_B, SPEAKER_B)):
        mentions = [Span(1, i * 10, i * 10 + 5, "ACTOR", who) for i in range(4)]
        spans += mentions
        links.update({m: actor for m, actor in zip(mentions, actors, strict=True) if actor is not None})
        for i, target in enumerate(speakers):
            quote = Span(1, 100 + i * 10, 105 + i * 10, "QUOTE", who)
            spans.append(quote)
            if target is not None:
                rels.append(Rel(1, quote, mentions[target], "speaker", who))
        claim = Span(1, 200, 205, "CLAIM", who)  # both: claimant actor 2
        spans.append(claim)
        rels.append(Rel(1, claim, mentions[3], "claimant", who))
    lone = Span(1, 50, 55, "ACTOR", "a")  # only a marked it: no unit
    spans.append(lone)
    links[lone] = 1
    return spans, rels, links


def _by(rows: list[Row]) -> dict[tuple[str, str, str], Row]:
    return {(r.metric, r.scope, r.label): r for r in rows}


def test_actor_identity_kappa_and_alpha_by_hand() -> None:
    spans, rels, links = _records()
    rows = _by(list(actor_rows(spans, rels, links, ["a", "b"])))
    pair = rows[("actor_kappa", "pair", "ACTOR")]
    # agree 3/4; a: 1 ×2, unlinked, 2; b: 1, 2 ×2, unlinked → chance (2·1 + 1·1 + 1·2)/16 = 5/16
    # κ = (12/16 − 5/16) / (11/16) = 7/11
    assert (pair.annotators, pair.n) == ("a|b", 4)
    assert pair.value == pytest.approx(7 / 11)
    alpha = rows[("actor_alpha", "all", "ACTOR")]
    # 8 values: 1 ×3, 2 ×3, unlinked ×2; one unit split: α = 1 − 7·2 / (64 − 22) = 2/3
    assert (alpha.n, alpha.value) == (4, pytest.approx(2 / 3))
    coded = [[a if a is not None else "unlinked" for a in row] for row in (ACTORS_A, ACTORS_B)]
    assert alpha.value == pytest.approx(nominal_alpha(coded))  # None there would be missing data


def test_attribution_by_actor_or_by_the_unlinked_span() -> None:
    spans, rels, links = _records()
    rows = _by(list(actor_rows(spans, rels, links, ["a", "b"])))
    quote = rows[("attribution_kappa", "pair", "QUOTE")]
    # q0 actor 1 = actor 1; q1 the same unlinked mention; q2 actor 1 ≠ 2; q3 no speaker ≠ actor 2.
    # agree 2/4; a: actor1 ×2, span, none; b: actor1, span, actor2 ×2 → chance 3/16; κ = 5/13
    assert (quote.n, quote.value) == (4, pytest.approx(5 / 13))
    # 8 values: actor1 ×3, span ×2, actor2 ×2, none ×1: α = 1 − 7·4 / (64 − 18) = 9/23
    assert rows[("attribution_alpha", "all", "QUOTE")].value == pytest.approx(9 / 23)
    claim = rows[("attribution_kappa", "pair", "CLAIM")]
    assert claim.n == 1 and math.isnan(claim.value)  # one category only: κ undefined
    both = rows[("attribution_kappa", "pair", "*")]
    # agree 3/5; a: actor1 ×2, span, none, actor2; b: actor1, span, actor2 ×3 → chance 6/25: 9/19
    assert (both.n, both.value) == (5, pytest.approx(9 / 19))
    text = actor_summary(list(rows.values())).splitlines()
    assert text[0].startswith("actor links") and len(text) == 5
    assert text[1].split()[-3:] == ["0.636", "0.667", "4"]  # registry actor of ACTOR
    assert [line.split()[3] for line in text[1:]] == ["ACTOR", "QUOTE", "CLAIM", "QUOTE+CLAIM"]


def test_an_unlinked_target_counts_by_its_position() -> None:
    a_quote, b_quote = Span(1, 0, 5, "QUOTE", "a"), Span(1, 0, 5, "QUOTE", "b")
    here, there = Span(1, 10, 12, "ACTOR", "a"), Span(1, 20, 22, "ACTOR", "b")
    rels = [Rel(1, a_quote, here, "speaker", "a"), Rel(1, b_quote, there, "speaker", "b")]
    spans = [a_quote, b_quote, here, there]
    rows = _by(list(actor_rows(spans, rels, {}, ["a", "b"])))
    # two different unlinked mentions: a disagreement; one split unit: α = 1 − 1·2 / (4 − 2) = 0
    assert rows[("attribution_alpha", "all", "QUOTE")].value == pytest.approx(0.0)
    assert ("actor_kappa", "pair", "ACTOR") not in rows  # nothing linked: no identity figure
    same = [
        Rel(1, a_quote, here, "speaker", "a"),
        Rel(1, b_quote, here._replace(annotator="b"), "speaker", "b"),
    ]
    rows = _by(list(actor_rows([*spans, here._replace(annotator="b")], same, {}, ["a", "b"])))
    # the same unlinked mention: they agree, on one category only (α undefined, not 0)
    assert math.isnan(rows[("attribution_alpha", "all", "QUOTE")].value)


def test_identity_per_linked_label_and_none_without_links() -> None:
    spans = [Span(1, 0, 4, label, who) for label in ("PERSON", "ACTOR") for who in "ab"]
    rows = _by(list(actor_rows(spans, [], {spans[0]: 7, spans[1]: 7}, ["a", "b"])))
    assert rows[("actor_alpha", "all", "PERSON")].n == 1  # a project whose speakers are PERSON spans
    assert not any(label == "ACTOR" for _m, _s, label in rows)  # no ACTOR span linked: no figure
    assert not any(metric.startswith("attribution") for metric, _s, _l in rows)  # no speaker links


def test_sparse_coefficients_match_the_dense_ones_with_missing_values() -> None:
    a = ["x", "y", None, "x", "z", "y"]
    b = ["x", "y", "y", None, "z", "x"]
    c = ["x", None, "y", "x", "y", "y"]
    units = [
        {k: v for k, v in zip("abc", col, strict=True) if v is not None} for col in zip(a, b, c, strict=True)
    ]
    assert sparse_alpha(units) == pytest.approx(nominal_alpha([a, b, c]))
    kappa, n = pair_kappa(units, "a", "b")
    # a|b coded together: x/x, y/y, z/z, y/x → agree 3/4; chance (1·2 + 2·1 + 1·1)/16 = 5/16
    assert (n, kappa) == (4, pytest.approx((12 / 16 - 5 / 16) / (11 / 16)))


def _project(store: Store, project: Project) -> dict[str, int]:
    doc = add_doc(store, project.id, "Anna said yes. Bert said no. Anna and Bert left at noon today.")
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    with store.transaction() as tx:
        ids = {n: add_actor(tx, project.id, n).id for n in ("Anna", "Anna B", "Bert")}
        speaker = next(
            t.id for t in tx.session.query(RelationType).filter_by(project_id=project.id, name="speaker")
        )
        for who, first, second in (("alice", "Anna", "Bert"), ("bob", "Anna B", "Bert")):
            person = annotator_id(store, project.id, who)
            for (start, end, q_start, q_end), name in zip(
                ((0, 4, 10, 13), (15, 19, 25, 27)), (first, second), strict=True
            ):
                mention = create_span(tx, doc, start, end, actor, person)
                link_span(tx, mention.id, ids[name])
                said = create_span(tx, doc, q_start, q_end, quote, person)
                create_relation(tx, said.id, mention.id, speaker, person)
    return ids


def test_project_agreement_follows_merges_and_the_panel_gets_the_rows(store: Store, project: Project) -> None:
    ids = _project(store, project)
    with store.session() as s:
        before = _by(list(project_agreement(s, project.id).rows))
    # Anna/Anna B, Bert/Bert: agree 1/2, chance 1/4 → κ = 1/3
    assert before[("actor_kappa", "pair", "ACTOR")].value == pytest.approx(1 / 3)
    with store.transaction() as tx:
        merge_actors(tx, ids["Anna"], ids["Anna B"])  # the same person: now they agree
    with store.session() as s:
        after = _by(list(project_agreement(s, project.id).rows))
        figures = agreement_figures(s, project.id)
    assert after[("actor_alpha", "all", "ACTOR")].n == 2
    assert after[("actor_kappa", "pair", "ACTOR")].value == pytest.approx(1.0)
    assert after[("attribution_kappa", "pair", "QUOTE")].value == pytest.approx(1.0)
    assert figures.by_actor["actor ACTOR"] == {
        "n": 2.0,
        "kappa": pytest.approx(1.0),
        "alpha": pytest.approx(1.0),
    }
    assert figures.by_actor["attribution QUOTE"]["n"] == 2.0


def test_agree_command_prints_the_actor_lines_and_json_keys(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        done = run("--db", db, *args)
        assert done.returncode == 0, done.stderr
        return done

    cli("init")
    (tmp_path / "a.txt").write_text("Anna said yes. Bert said no, firmly.", encoding="utf-8")
    cli("import", str(tmp_path / "a.txt"))
    actors = {name: cli("actors", "add", name).stdout.strip() for name in ("Anna", "Bert")}
    for who, target in (("alice", "Anna"), ("bob", "Bert")):
        mention = cli("annotate", "1", "0", "4", "ACTOR", "--annotator", who).stdout.strip()
        cli("actors", "link", mention, actors[target])
    done = cli("agree", "--no-tokens", "--json", str(tmp_path / "a.json"))
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("actor links"))
    assert lines[header + 1].split()[:4] == ["registry", "actor", "of", "ACTOR"]
    import json

    rows = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["rows"]
    kappa = next(r for r in rows if r["metric"] == "actor_kappa" and r["scope"] == "pair")
    assert (kappa["label"], kappa["n"], kappa["value"]) == (
        "ACTOR",
        1,
        0.0,
    )  # one unit, split: no better than chance
    alpha = next(r for r in rows if r["metric"] == "actor_alpha")
    assert alpha["n"] == 1
