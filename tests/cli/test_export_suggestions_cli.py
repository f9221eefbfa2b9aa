"""``annotator export --layer suggestions`` in real processes (the CLI contract, issue 15): the
machine's layer, one source, whose own suggestions go out, and a native file of suggestions that
``annotator import`` refuses. On PostgreSQL each login's own suggestions are theirs alone."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.model import Annotation, Document, Project
from annotator.ops.projects import ensure_annotator
from annotator.store import open_store
from annotator.suggest import engines
from annotator.suggest.rules import SpanSuggestion, Suggestions
from tests.cli_forms import run
from tests.core.cli_run import run as run_here
from tests.core.helpers import add_doc
from tests.core.pg_team import Team
from tests.core.test_suggest_pg_team import PERSONAL, suggested
from tests.core.test_suggestions import TEXT, fake_engine

__all__ = ["suggested"]  # (the PostgreSQL team's fixture, used below)


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    """A project with a document, the rules' suggestions on it, and a suggestion made from
    alice's own labels (hers alone)."""
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert cli(url, "init").returncode == 0
    store = open_store(url)
    with store.session() as s:
        project_id = s.scalars(select(Project.id)).one()
    doc = add_doc(store, project_id, TEXT)
    with store.transaction() as tx:
        alice = ensure_annotator(tx, project_id, "alice").id
        ensure_annotator(tx, project_id, "bob")
    engines.run(store, project_id, fake_engine(), [doc])

    def speaker(_text: str) -> Suggestions:
        return Suggestions(spans=[SpanSuggestion(39, 46, "ACTOR", 0.5)], relations=[])

    own = dataclasses.replace(engines.Engine("model:quotes@3 for alice", speaker), for_annotator=alice)
    engines.run(store, project_id, own, [doc])
    store.close()
    yield url


def spans_of(path: Path) -> list[tuple[str, str, float]]:
    [line] = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    return [(s["label"], s["annotator"], s["score"]) for s in line["spans"]]


def test_export_the_suggestions_layer_then_one_source(url: str, tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    done = cli(url, "export", "--layer", "suggestions", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert spans_of(out) == [("ACTOR", "rules@1", 0.9), ("QUOTE", "rules@1", 0.6)]  # not alice's own
    assert "wrote 1 document(s), 2 span(s), 1 relation(s)" in done.stdout
    assert "left out 1: suggestions made from another annotator's labels" in done.stdout
    done = cli(
        url, "export", "--layer", "suggestions:rules@1", "--format", "iob", "-o", str(tmp_path / "s.iob")
    )
    assert done.returncode == 0, done.stderr
    assert "B-QUOTE" in (tmp_path / "s.iob").read_text(encoding="utf-8")
    assert "left out 3: scores of suggestions (only native JSONL carries them)" in done.stdout
    done = cli(url, "export", "--layer", "suggestions:rules@9", "-o", str(tmp_path / "none.jsonl"))
    assert done.returncode == 1 and not (tmp_path / "none.jsonl").exists()
    assert "no suggestions from 'rules@9' in the project (sources: rules@1)" in done.stderr


def test_annotator_adds_their_own_suggestions_and_goes_with_the_layer_only(url: str, tmp_path: Path) -> None:
    out = tmp_path / "alice.jsonl"
    done = cli(url, "export", "--layer", "suggestions", "--annotator", "alice", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert ("ACTOR", "model:quotes@3 for alice", 0.5) in spans_of(out) and len(spans_of(out)) == 3
    assert "left out" not in done.stdout
    done = cli(
        url, "export", "--layer", "suggestions", "--annotator", "bob", "-o", str(tmp_path / "bob.jsonl")
    )
    assert done.returncode == 0 and len(spans_of(tmp_path / "bob.jsonl")) == 2, done.stderr
    done = cli(url, "export", "--annotator", "alice", "-o", str(tmp_path / "all.jsonl"))
    assert done.returncode == 1 and "--annotator goes with --layer suggestions" in done.stderr
    done = cli(url, "export", "--layer", "suggestions", "--annotator", "zed", "-o", str(tmp_path / "z.jsonl"))
    assert done.returncode == 1 and "no annotator named 'zed'" in done.stderr


def test_import_refuses_a_native_file_of_suggestions(url: str, tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    assert cli(url, "export", "--layer", "suggestions", "-o", str(out)).returncode == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli(other, "init").returncode == 0
    done = cli(other, "import", "--annotator", "carol", str(out))
    assert done.returncode == 1
    assert "s.jsonl:1: span 0–5 'ACTOR' is a suggestion" in done.stderr and "not a label" in done.stderr
    store = open_store(other)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0
    store.close()


def test_on_postgresql_each_login_exports_its_own_suggestions(
    suggested: tuple[Team, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    team, _alice = suggested
    for who, count in (("alice", 4), ("bob", 2)):
        out = tmp_path / f"{who}.jsonl"
        code, _out, err = run_here(
            capsys, "--db", team.url_of(who), "export", "--layer", "suggestions", "-o", str(out)
        )
        assert code == 0, err
        sources = [source for _label, source, _score in spans_of(out)]
        assert len(sources) == count and (PERSONAL in sources) == (who == "alice"), who
    code, _out, err = run_here(
        capsys,
        "--db",
        team.url_of("bob"),
        "export",
        "--layer",
        "suggestions",
        "--annotator",
        team.names["alice"],
        "-o",
        str(tmp_path / "x.jsonl"),
    )
    assert code == 1 and "you are logged in to the database as" in err
