"""Compare my work with gold: each kind of difference, P/R/F1 against gold, gold hidden until
adjudication, the CLI in a real process; and the project guidelines document."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import AuditEntry, Label, Project
from annotator.ops.projects import create_project
from annotator.review.compare import Against
from annotator.review.compare_gold import compare_with_gold
from annotator.review.gold import set_review_status
from annotator.settings_project import get_guidelines, set_guidelines
from annotator.store import Store, open_store
from tests.cli_forms import run
from tests.core.gold_fixture import TEXT, adjudicated


def cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args, stdin=stdin)


def test_each_difference_from_gold_is_named_with_its_text(store: Store, project: Project) -> None:
    case = adjudicated(store, project.id)
    with store.session() as s:
        result = compare_with_gold(s, project.id, "alice")
    assert [d.id for d in result.documents] == [case.done]
    found = sorted((d.kind, d.text) for d in result.documents[0].differences)
    assert found == sorted(
        [
            (Against.LABEL, "the port will close"),
            (Against.EXTRA, "Unions"),
            (Against.BOUNDARIES, "called it a mistake"),
            (Against.MISSING, "Nobody"),
            (Against.RELATION_MISSING, "Leo Park said the port will close"),
            (Against.RELATION_EXTRA, "Leo Park said the port will close"),
        ]
    )
    label = next(d for d in result.documents[0].differences if d.kind == Against.LABEL)
    assert [m.label for m in label.layer("alice")] == ["CLAIM"]
    assert [m.label for m in label.layer(result.gold)] == ["QUOTE"]
    # Both layers whole, for the highlight: alice's four spans and gold's four.
    assert len(result.documents[0].mine) == 4 and len(result.documents[0].gold) == 4
    # Gold is the reference: 1 of alice's 4 spans is exactly in gold, 1 of gold's 4 is alice's.
    assert (result.spans.tp, result.spans.fp, result.spans.fn) == (1, 3, 3)
    assert result.spans.precision == pytest.approx(0.25) and result.spans.recall == pytest.approx(0.25)
    assert result.spans_overlap.tp == 2  # "it a mistake" overlaps with the same label
    assert (result.relations.tp, result.relations.fp, result.relations.fn) == (0, 1, 1)
    assert result.waiting == 1  # the unreviewed document is counted, not shown


def test_gold_stays_hidden_until_the_document_is_adjudicated(store: Store, project: Project) -> None:
    case = adjudicated(store, project.id)
    with store.session() as s, pytest.raises(ValidationError, match="not adjudicated yet"):
        compare_with_gold(s, project.id, "alice", [case.open])
    with store.transaction(actor=case.reviewer) as tx:
        set_review_status(tx, [case.open], "adjudicated")
    with store.session() as s:
        result = compare_with_gold(s, project.id, "alice")
    assert [d.id for d in result.documents] == [case.done, case.open]
    assert result.waiting == 0
    assert [d.kind for d in result.documents[1].differences] == [Against.EXTRA]
    with store.transaction(actor=case.reviewer) as tx:  # reopened for review: hidden again
        set_review_status(tx, [case.done], "in review")
    with store.session() as s:
        assert [d.id for d in compare_with_gold(s, project.id, "alice").documents] == [case.open]


def test_unknown_names_and_the_gold_layer_are_refused(store: Store, project: Project) -> None:
    adjudicated(store, project.id)
    with store.session() as s:
        with pytest.raises(NotFoundError, match=r"no annotator named 'zoe'.*alice"):
            compare_with_gold(s, project.id, "zoe")
        gold = compare_with_gold(s, project.id, "alice").gold
        with pytest.raises(ValidationError, match="gold layer itself"):
            compare_with_gold(s, project.id, gold)
        assert compare_with_gold(s, project.id, "riley").documents == []  # no work of riley's


def test_guidelines_are_stored_audited_and_checked(store: Store, project: Project) -> None:
    with store.session() as s:
        assert get_guidelines(s, project.id) == ""
    with store.transaction() as tx:
        assert set_guidelines(tx, project.id, "# Rules\r\n\nA *quote* is…\n")
    with store.transaction() as tx:
        assert not set_guidelines(tx, project.id, "# Rules\n\nA *quote* is…\n")  # unchanged
        with pytest.raises(ValidationError, match="line 3: a NUL"):
            set_guidelines(tx, project.id, "a\nb\nc\x00")
    with store.session() as s:
        assert get_guidelines(s, project.id) == "# Rules\n\nA *quote* is…\n"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "project")).all()
        assert any((a.detail or {}).get("setting") == "guidelines" for a in audit)


def _project_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    store = open_store(url)
    with store.transaction() as tx:
        project_id = create_project(tx, "P").id
    adjudicated(store, project_id)
    store.close()
    return url


def test_compare_gold_command_in_a_process(tmp_path: Path) -> None:
    url = _project_url(tmp_path)
    done = cli(url, "compare-gold", "--annotator", "alice", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["annotator"] == "alice" and data["waiting"] == 1
    assert data["spans"]["precision"] == 0.25 and data["relations"]["f1"] == 0.0
    kinds = {d["kind"]: d for d in data["documents"][0]["differences"]}
    assert kinds["missing"]["text"] == "Nobody" and kinds["missing"]["mine"] == []
    assert kinds["label differs"]["gold"][0]["label"] == "QUOTE"
    text = cli(url, "compare-gold", "--annotator", "alice")
    assert text.returncode == 0
    assert "spans (exact):     P 0.25 R 0.25 F1 0.25" in text.stdout
    assert "1 document(s) not adjudicated yet" in text.stdout
    assert "“Nobody”" in text.stdout
    refused = cli(url, "compare-gold", "--annotator", "alice", "--doc", "2")
    assert refused.returncode == 1 and "not adjudicated yet" in refused.stderr
    assert refused.stdout == ""
    unknown = cli(url, "compare-gold", "--annotator", "zoe")
    assert unknown.returncode == 1 and "no annotator named 'zoe'" in unknown.stderr


def test_guidelines_commands_in_a_process(tmp_path: Path) -> None:
    url = _project_url(tmp_path)
    rules = tmp_path / "rules.md"
    rules.write_text("# Coding rules\n\nMark **whole** quotes.\n", encoding="utf-8")
    done = cli(url, "guidelines", "set", str(rules))
    assert done.returncode == 0, done.stderr
    assert cli(url, "guidelines", "show").stdout == "# Coding rules\n\nMark **whole** quotes.\n"
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# ok\nfine\n\xff broken\n")
    refused = cli(url, "guidelines", "set", str(bad))
    assert refused.returncode == 1 and f"{bad}, line 3: not UTF-8 text" in refused.stderr
    assert cli(url, "guidelines", "show").stdout.startswith("# Coding rules")  # unchanged
    described = cli(url, "guidelines", "describe", "QUOTE", "--text", "Words *said*, e.g. “yes”.")
    assert described.returncode == 0, described.stderr
    assert (
        cli(url, "guidelines", "describe", "--relation", "speaker", "-", stdin="Who said it.").returncode == 0
    )
    shown = json.loads(cli(url, "guidelines", "show", "--json").stdout)
    entries = {(e["kind"], e["name"]): e["description"] for e in shown["labels"]}
    assert entries[("label", "QUOTE")] == "Words *said*, e.g. “yes”."
    assert entries[("relation", "speaker")] == "Who said it."
    missing = cli(url, "guidelines", "describe", "NOPE", "--text", "x")
    assert missing.returncode == 1 and "no label 'NOPE'" in missing.stderr
    store = open_store(url)
    with store.session() as s:
        assert s.scalar(select(Label.description).where(Label.name == "QUOTE")) == "Words *said*, e.g. “yes”."
    store.close()
    assert TEXT  # the fixture's text is ours, not a sample's
