"""Deleting a kept model (a folder beside a SQLite file, a row of PostgreSQL), whose version is
never handed out again, and the cache of unpacked rows, which forgets what no row names any more.

Models here are folders with a ``model.json`` and a file: keeping, listing, deleting and
unpacking never load them (``test_learn_kept.py`` trains real ones)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from annotator.errors import NotFoundError
from annotator.learn import archive, kept_rows
from annotator.learn.kept import (
    DATABASE,
    delete_kept,
    keep_with_project,
    kept_models,
    model_folder,
    next_version,
)
from annotator.model import AuditEntry, TrainedModel
from annotator.ops.projects import create_project
from annotator.project import ProjectContext, open_for_commands
from annotator.store import open_store
from tests.cli_forms import run
from tests.conftest import TEMPLATE, pg_database


def fake_model(folder: Path, marker: str = "") -> Path:
    """A folder ``kept_models`` lists: a model.json with its labels and time, and one more file."""
    folder.mkdir(parents=True)
    meta = {"tiers": [["QUOTE"]], "trained_at": "2026-12-05T20:00:00"}
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "weights.bin").write_text(f"weights {marker}", encoding="utf-8")
    return folder


@pytest.fixture
def kept(backend_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProjectContext]:
    """A project (SQLite file or PostgreSQL) keeping q@1 and q@2; the cache in ``tmp_path``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = open_store(backend_url)
    with store.transaction() as tx:
        create_project(tx, "Kept")
    store.close()
    project = open_for_commands(backend_url, None)
    for version in (1, 2):
        keep_with_project(project, fake_model(tmp_path / f"m{version}", str(version)), "q", version)
    yield project
    project.store.close()


def _audited_deletions(project: ProjectContext) -> list[dict[str, object]]:
    with project.store.session() as session:
        query = select(AuditEntry.detail).where(
            AuditEntry.entity == "trained_model", AuditEntry.action == "deleted"
        )
        return [dict(d or {}) for d in session.scalars(query.order_by(AuditEntry.id))]


def test_deleting_the_newest_removes_it_and_its_number_is_never_reused(kept: ProjectContext) -> None:
    in_database = kept.store.engine.url.get_backend_name() == "postgresql"
    [newest, _older] = kept_models(kept)
    gone = delete_kept(kept, "q@2")
    assert gone == newest and gone.key == "q@2"
    assert (gone.where == DATABASE) is in_database
    assert [m.key for m in kept_models(kept)] == ["q@1"]
    if not in_database:
        home = Path(gone.where).parent
        assert sorted(p.name for p in home.iterdir()) == ["q@1"]  # no folder left aside either
    with kept.store.session() as session:
        assert session.scalars(select(TrainedModel.version)).all() == ([1] if in_database else [])
    assert next_version(kept, "q") == 3  # q@2 was handed out once: never again
    assert next_version(kept, "other") == 1
    [deletion] = _audited_deletions(kept)
    assert (deletion["key"], deletion["project"], deletion["version"]) == ("q@2", kept.id, 2)
    delete_kept(kept, "q@1")
    assert kept_models(kept) == [] and next_version(kept, "q") == 3


def test_an_unknown_key_is_refused_by_name_and_nothing_is_removed(kept: ProjectContext) -> None:
    before = kept_models(kept)
    for key in ("q@9", "nope@1", "q", "../q@1"):
        with pytest.raises(NotFoundError, match=f"no model {key} .*nothing was removed"):
            delete_kept(kept, key)
    assert kept_models(kept) == before and _audited_deletions(kept) == []
    assert model_folder(kept, "q@1").is_dir() and model_folder(kept, "q@2").is_dir()


def test_a_failed_commit_puts_the_folder_back(
    backend_url: str, kept: ProjectContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not backend_url.startswith("sqlite"):
        pytest.skip("folders are SQLite's")
    folder = model_folder(kept, "q@1")

    def refused(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(kept_rows, "forget", refused)
    with pytest.raises(RuntimeError, match="went away"):
        delete_kept(kept, "q@1")
    assert sorted(p.name for p in folder.parent.iterdir()) == ["q@1", "q@2"]
    assert (folder / "weights.bin").read_text() == "weights 1"


def test_the_cache_forgets_older_digests_and_deleted_models_only(
    kept: ProjectContext, tmp_path: Path
) -> None:
    """Rows on any database (a SQLite project has the table too): unpacking r@1 again after its
    archive changed removes the older copy and r@3's, deleted meanwhile; r@2's stays, and so does
    a temporary folder another process is unpacking into."""
    for version in (1, 2, 3):
        kept_rows.insert(kept, {"tiers": [["QUOTE"]]}, fake_model(tmp_path / f"r{version}"), "r", version)
    first = {v: model_folder(kept, f"r@{v}") for v in (1, 2, 3)}
    home = kept_rows.cache_home(kept)
    assert home.is_relative_to(tmp_path / "cache") and all(f.parent == home for f in first.values())
    busy = Path(tempfile.mkdtemp(prefix=".r@4.", dir=home))  # as kept_rows.unpacked names it
    (busy / "model.json").write_text("{}")
    delete_kept(kept, "r@3")
    assert not first[3].exists()  # deleting a row takes this machine's copy at once
    data = archive.pack(fake_model(tmp_path / "r1-new", "retrained"))
    with kept.store.transaction() as tx:
        tx.session.execute(
            update(TrainedModel)
            .where(TrainedModel.name == "r", TrainedModel.version == 1)
            .values(archive=data, digest=archive.digest(data))
        )
    again = model_folder(kept, "r@1")
    assert again != first[1] and (again / "weights.bin").read_text() == "weights retrained"
    assert sorted(p.name for p in home.iterdir()) == sorted([again.name, first[2].name, busy.name])
    assert (busy / "model.json").is_file()
    assert kept_rows.prune(kept) == []  # all that is left is named, or not the cache's


def test_cli_deletes_a_kept_model_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert run("--db", url, "init").returncode == 0
    project = open_for_commands(url, None)
    for version in (1, 2):
        keep_with_project(project, fake_model(tmp_path / f"m{version}"), "quotes", version)
    project.store.close()
    home = tmp_path / "p.db.models" / "project-1"
    unknown = run("--db", url, "models", "--delete", "quotes@7")
    assert unknown.returncode == 1 and "no model quotes@7" in unknown.stderr and unknown.stdout == ""
    assert sorted(p.name for p in home.iterdir()) == ["quotes@1", "quotes@2"]
    done = run("--db", url, "models", "--delete", "quotes@2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"deleted quotes@2 ({home / 'quotes@2'}); its version is not used again\n"
    listed = run("--db", url, "models", "--json")
    assert [m["key"] for m in json.loads(listed.stdout)] == ["quotes@1"]
    as_json = run("--db", url, "models", "--delete", "quotes@1", "--json")
    assert json.loads(as_json.stdout) == {"deleted": "quotes@1", "where": str(home / "quotes@1")}
    assert run("--db", url, "models").stdout.startswith("no models kept")
    project = open_for_commands(url, None)
    assert next_version(project, "quotes") == 3
    project.store.close()


def test_cli_deletes_a_row_and_this_machines_unpacked_copy(
    pg_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL, in a real process: the row goes, and so does the copy unpacked in the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the process inherits it
    with pg_database(TEMPLATE) as url:
        assert run("--db", url, "init").returncode == 0
        project = open_for_commands(url, None)
        keep_with_project(project, fake_model(tmp_path / "m"), "quotes", 1)
        unpacked = model_folder(project, "quotes@1")
        assert unpacked.is_relative_to(tmp_path / "cache")
        done = run("--db", url, "models", "--delete", "quotes@1", real=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "deleted quotes@1 (database); its version is not used again\n"
        assert kept_models(project) == [] and not unpacked.exists()
        assert next_version(project, "quotes") == 2
        project.store.close()
