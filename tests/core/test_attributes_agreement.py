"""Agreement per attribute: Cohen's κ per pair and Krippendorff's α over matched spans, in the
core, the ``annotator agree`` command (a real process) and the GUI panel's figures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotator.agreement.attributes import attribute_rows, attribute_summary
from annotator.agreement.data import Span
from annotator.agreement.tokens import nominal_alpha
from annotator.attributes import define_attribute
from annotator.attributes_values import set_value
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.review.agree import project_agreement
from annotator.review.figures import agreement_figures
from annotator.store import Store
from tests.cli_forms import run
from tests.core.helpers import add_doc, annotator_id, label_id

A = ["direct", "direct", "indirect", "indirect"]
B = ["direct", "direct", "indirect", "direct"]


def _values() -> dict[Span, dict[str, str]]:
    out: dict[Span, dict[str, str]] = {}
    for i, (a, b) in enumerate(zip(A, B, strict=True)):
        out[Span(1, i * 10, i * 10 + 5, "QUOTE", "a")] = {"type": a}
        out[Span(1, i * 10, i * 10 + 5, "QUOTE", "b")] = {"type": b}
    out[Span(1, 100, 105, "QUOTE", "a")] = {"type": "direct"}  # only a: no unit
    return out


def test_kappa_and_alpha_per_attribute() -> None:
    rows = {(r.metric, r.scope): r for r in attribute_rows(_values(), ["a", "b"])}
    pair = rows[("attribute_kappa", "pair")]
    # observed 3/4, chance 1/2·3/4 + 1/2·1/4 = 1/2: κ = (3/4 − 1/2) / (1 − 1/2) = 0.5
    assert (pair.label, pair.annotators, pair.n) == ("QUOTE.type", "a|b", 4)
    assert pair.value == pytest.approx(0.5)
    assert rows[("attribute_kappa", "mean")].value == pytest.approx(0.5)
    alpha = rows[("attribute_alpha", "all")]
    assert alpha.n == 4 and alpha.value == pytest.approx(nominal_alpha([A, B]))
    # 8 values (5 direct, 3 indirect), one unit split: α = 1 − 7 · 2 / (64 − 25 − 9) = 8/15
    assert alpha.value == pytest.approx(8 / 15)
    summary = attribute_summary(list(attribute_rows(_values(), ["a", "b"])))
    assert summary.splitlines()[1].split() == ["QUOTE.type", "0.500", f"{alpha.value:.3f}", "4"]


def _project(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, "One two three four five six seven eight nine ten eleven twelve.")
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        for i, (a, b) in enumerate(zip(A, B, strict=True)):
            for who, value in (("alice", a), ("bob", b)):
                span = create_span(tx, doc, i * 8, i * 8 + 3, quote, annotator_id(store, project.id, who))
                set_value(tx, "span", span.id, "type", value)


def test_project_agreement_and_panel_figures_carry_attribute_rows(store: Store, project: Project) -> None:
    _project(store, project)
    with store.session() as s:
        report = project_agreement(s, project.id)
        figures = agreement_figures(s, project.id)
    kappa = next(r for r in report.rows if r.metric == "attribute_kappa" and r.scope == "pair")
    assert (kappa.label, kappa.value) == ("QUOTE.type", pytest.approx(0.5))
    assert figures.by_attribute["QUOTE.type"]["kappa"] == pytest.approx(0.5)
    assert figures.by_attribute["QUOTE.type"]["n"] == 4


def test_agree_command_prints_a_table_per_attribute(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run("--db", db, *args)

    assert cli("init").returncode == 0
    (tmp_path / "a.txt").write_text(
        "One two three four five six seven eight nine ten eleven.", encoding="utf-8"
    )
    assert cli("import", str(tmp_path / "a.txt")).returncode == 0
    assert (
        cli(
            "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect"
        ).returncode
        == 0
    )
    for i, (a, b) in enumerate(zip(A, B, strict=True)):
        for who, value in (("alice", a), ("bob", b)):
            made = cli("annotate", "1", str(i * 8), str(i * 8 + 3), "QUOTE", "--annotator", who)
            assert made.returncode == 0, made.stderr
            assert cli("attributes", "set", made.stdout.strip(), "type", value).returncode == 0
    done = cli("agree", "--no-tokens")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("attribute "))
    assert lines[header + 1].split()[:2] == ["QUOTE.type", "0.500"]
    assert any("attribute_alpha" in line and "QUOTE.type" in line for line in lines)
