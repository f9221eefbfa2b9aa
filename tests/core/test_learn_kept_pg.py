"""Models kept in a PostgreSQL project's database (``trained_model``): trained, listed, unpacked
once into this machine's cache, refused when an archive reaches outside it, and named as
``NAME@VERSION`` by ``annotator suggest`` in a real process. Skipped without ``ANNOTATOR_TEST_PG``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, update

from annotator.errors import NotFoundError, ValidationError
from annotator.learn import archive
from annotator.learn.kept import (
    keep_with_project,
    kept_models,
    model_folder,
    next_version,
    train_for_project,
)
from annotator.learn.kept_rows import cache_home
from annotator.learn.model import load
from annotator.learn.train import train
from annotator.model import AuditEntry, Suggestion, TrainedModel
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.project import ProjectContext, open_for_commands
from annotator.store import open_store
from benchmarks.quotes_corpus import corpus
from tests.cli_forms import run
from tests.conftest import TEMPLATE, pg_database
from tests.core.test_learn_kept import tar_of, train_cli

if TYPE_CHECKING:
    from tests.core.pg_team import Team


@pytest.fixture
def pg_project(pg_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProjectContext]:
    """A PostgreSQL project with ana's labels on 12 made-up documents; the cache in ``tmp_path``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pg_database(TEMPLATE) as url:
        store = open_store(url)
        with store.transaction() as tx:
            project = create_project(tx, "Shared")
            import_records(tx, project.id, corpus(12, seed=4), annotator="ana")
        store.close()
        opened = open_for_commands(url, None)
        yield opened
        opened.store.close()


def _rows(project: ProjectContext) -> list[tuple[str, int, str]]:
    with project.store.session() as session:
        return [
            (r.name, r.version, r.digest)
            for r in session.scalars(select(TrainedModel).order_by(TrainedModel.id))
        ]


def test_training_keeps_the_model_in_the_database_and_the_cache_unpacks_it_once(
    pg_project: ProjectContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where it trains first
    done = train_for_project(
        pg_project, layer="annotator:ana", labels=["QUOTE", "ACTOR"], name="quotes", max_minutes=0.1
    )
    [(name, version, digest)] = _rows(pg_project)
    assert (name, version) == ("quotes", 1)
    cache = tmp_path / "cache" / "annotator" / "models"
    assert done.folder.is_relative_to(cache) and done.folder.name == f"quotes@1-{digest[:12]}"
    assert load(done.folder).source == "model:quotes@1"
    [kept] = kept_models(pg_project)
    assert (kept.key, kept.labels, kept.where) == ("quotes@1", ["QUOTE", "ACTOR"], "database")
    assert kept.trained_at and kept.figures is not None and kept.figures["documents"] > 0
    assert list((tmp_path / "tmp").iterdir()) == []  # the folder it trained into went
    folder = model_folder(pg_project, "quotes@1")
    assert folder == done.folder and load(folder).labels == ["QUOTE", "ACTOR"]
    # A second call reuses the unpacked folder: it does not read the archive again.
    with pg_project.store.transaction() as tx:
        tx.session.execute(update(TrainedModel).values(archive=b"not an archive any more"))
    assert model_folder(pg_project, "quotes@1") == folder
    assert next_version(pg_project, "quotes") == 2
    with pytest.raises(NotFoundError, match="quotes@2"):
        model_folder(pg_project, "quotes@2")


def test_training_into_a_folder_also_keeps_it_in_the_database(
    pg_project: ProjectContext, tmp_path: Path
) -> None:
    out = tmp_path / "mine" / "q"
    done = train_for_project(
        pg_project, layer="annotator:ana", labels=["QUOTE"], name="q", max_minutes=0.1, out=out
    )
    assert done.folder == out and (out / "model.json").is_file()
    [(name, version, digest)] = _rows(pg_project)
    assert (name, version) == ("q", 1) and digest == archive.digest(archive.pack(out))
    assert [m.key for m in kept_models(pg_project)] == ["q@1"]
    with pytest.raises(ValidationError, match="q@1 already"):
        keep_with_project(pg_project, out, "q", 1)
    assert keep_with_project(pg_project, out, "q", 2) == "the database as q@2"
    assert [m.key for m in kept_models(pg_project)] == ["q@2", "q@1"]
    with pg_project.store.session() as session:
        audit = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.entity == "trained_model").order_by(AuditEntry.id)
        ).all()
    assert [d["key"] for d in audit if d] == ["q@1", "q@2"]  # who kept which model


def test_an_archive_with_a_parent_member_is_refused_and_writes_nothing_outside_the_cache(
    pg_project: ProjectContext, tmp_path: Path
) -> None:
    data = tar_of(("model.json", None, b"{}"), ("../x", None, b"outside"), ("../../y", None, b"outside"))
    with pg_project.store.transaction() as tx:
        tx.session.add(
            TrainedModel(
                project_id=pg_project.id,
                name="evil",
                version=1,
                meta={"tiers": [["QUOTE"]]},
                archive=data,
                digest=archive.digest(data),
            )
        )
    assert [m.key for m in kept_models(pg_project)] == ["evil@1"]
    before = set(tmp_path.rglob("*"))
    with pytest.raises(ValidationError, match=r"'\.\./x'.*refused"):
        model_folder(pg_project, "evil@1")
    home = cache_home(pg_project)
    assert home.is_relative_to(tmp_path / "cache")
    new = set(tmp_path.rglob("*")) - before
    assert new and all(p == home or p in home.parents for p in new), sorted(new)
    assert list(home.iterdir()) == []  # the half-unpacked folder went too


def test_cli_train_keeps_it_and_suggest_names_it_in_a_real_process(
    pg_project: ProjectContext, tmp_path: Path
) -> None:
    url = pg_project.url
    trained = train_cli(url, tmp_path / "quotes")
    assert trained.returncode == 0, trained.stderr
    assert "kept with the project in the database as quotes@1" in trained.stdout
    assert (tmp_path / "quotes" / "model.json").is_file() and [r[:2] for r in _rows(pg_project)] == [
        ("quotes", 1)
    ]
    listed = run("--db", url, "models", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(m["key"], m["where"]) for m in json.loads(listed.stdout)] == [("quotes@1", "database")]
    suggested = run("--db", url, "suggest", "--model", "quotes@1", "--annotator", "ana", real=True)
    assert suggested.returncode == 0, suggested.stderr
    with pg_project.store.session() as session:
        stored = session.scalar(
            select(func.count()).select_from(Suggestion).where(Suggestion.source == "model:quotes@1")
        )
    assert stored and stored > 0
    assert list((tmp_path / "cache" / "annotator" / "models").rglob("quotes@1-*/model.json"))


def test_a_teammate_keeps_a_model_and_another_finds_it(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real logins (the README's grants): alice keeps a model, bob lists and loads it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "m"
    train(corpus(12, seed=4), out, labels=["QUOTE"], max_minutes=0.1)
    alice = open_for_commands(team.url_of("alice"), None)
    bob = open_for_commands(team.url_of("bob"), None)
    try:
        assert keep_with_project(alice, out, "m", next_version(alice, "m")) == "the database as m@1"
        assert [m.key for m in kept_models(bob)] == ["m@1"] and next_version(bob, "m") == 2
        assert load(model_folder(bob, "m@1")).labels == ["QUOTE"]
        with bob.store.session() as session:
            who = session.scalars(select(AuditEntry.login).where(AuditEntry.entity == "trained_model")).all()
        assert who == [team.names["alice"]]
    finally:
        alice.store.close()
        bob.store.close()
