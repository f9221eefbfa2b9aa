"""`annotator db copy` carries a project's trained models: folders beside a SQLite source become
rows of the destination, rows (PostgreSQL's) are copied as rows, and both list and load there."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.dbcopy import copy_projects
from annotator.learn.kept import delete_kept, keep_with_project, kept_models, model_folder, next_version
from annotator.ops.projects import create_project
from annotator.project import ProjectContext, open_for_commands
from annotator.store import open_store


def _model(folder: Path, version: int) -> Path:
    """A model folder as `annotator train` leaves it (only what keeping and listing read)."""
    folder.mkdir(parents=True)
    meta = f'{{"name": "quotes", "version": {version}, "tiers": [["QUOTE", "ACTOR"]], "trained_at": "2026-12-0{version}"}}'
    (folder / "model.json").write_text(meta, encoding="utf-8")
    (folder / "tier-0.crfsuite").write_bytes(bytes(range(256)) * version)
    return folder


def _project(url: str, name: str = "Kept") -> ProjectContext:
    store = open_store(url)
    with store.transaction() as tx:
        create_project(tx, name)
    store.close()
    return open_for_commands(url, name)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_models_kept_beside_sqlite_travel_to_the_destination_and_back(
    tmp_path: Path, backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # where rows are unpacked
    source = _project(f"sqlite:///{tmp_path / 'a.db'}")
    for version in (1, 2):
        keep_with_project(source, _model(tmp_path / f"m{version}", version), "quotes", version)
    dst = open_store(backend_url)
    report = copy_projects(source.store, dst)
    assert report.rows["trained_model"] == 2
    dst.close()
    there = open_for_commands(backend_url, "Kept")
    assert [m.key for m in kept_models(there)] == ["quotes@2", "quotes@1"]
    assert _files(model_folder(there, "quotes@2")) == _files(tmp_path / "m2")
    back_url = f"sqlite:///{tmp_path / 'b.db'}"
    back = open_store(back_url)
    assert copy_projects(there.store, back).rows["trained_model"] == 2  # now rows: copied as rows
    back.close()
    again = open_for_commands(back_url, "Kept")
    assert [m.key for m in kept_models(again)] == ["quotes@2", "quotes@1"]
    assert _files(model_folder(again, "quotes@1")) == _files(tmp_path / "m1")
    for project in (source, there, again):
        project.store.close()


def test_a_deleted_models_version_is_not_handed_out_again_after_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = _project(f"sqlite:///{tmp_path / 'a.db'}")
    for version in (1, 2):
        keep_with_project(source, _model(tmp_path / f"m{version}", version), "quotes", version)
    delete_kept(source, "quotes@2")
    assert next_version(source, "quotes") == 3
    dst_url = f"sqlite:///{tmp_path / 'b.db'}"
    _project(dst_url, "Other").store.close()  # the copied project gets another id there
    dst = open_store(dst_url)
    copy_projects(source.store, dst, ["Kept"])
    dst.close()
    there = open_for_commands(dst_url, "Kept")
    assert there.id != source.id
    assert [m.key for m in kept_models(there)] == ["quotes@1"]
    assert next_version(there, "quotes") == 3
    for project in (source, there):
        project.store.close()
