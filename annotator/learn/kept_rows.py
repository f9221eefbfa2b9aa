"""Models kept as rows of ``trained_model`` (a database with no folder beside it: PostgreSQL), and
the cache each machine unpacks them into.

A row holds the model's ``model.json`` (listed without reading the archive) and the folder packed
(``archive.py``). ``annotator.learn.model.load`` reads folders, so a row is unpacked once per
machine into ``<user cache>/annotator/models/<database>/project-<id>/NAME@VERSION-<digest>``: the
digest in the name means a folder there always holds that archive, and a second read reuses it.
It is unpacked into a temporary folder beside it and renamed, so two processes that race both
end up reading one complete folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from annotator.errors import ValidationError
from annotator.learn import archive
from annotator.model import TrainedModel

if TYPE_CHECKING:
    from annotator.project import ProjectContext


def rows(project: ProjectContext) -> list[tuple[str, int, dict[str, Any]]]:
    """(name, version, model.json) of every model the project's database keeps, newest first."""
    with project.store.session() as session:
        found = session.execute(
            select(TrainedModel.name, TrainedModel.version, TrainedModel.meta)
            .where(TrainedModel.project_id == project.id)
            .order_by(TrainedModel.created_at.desc(), TrainedModel.id.desc())
        ).all()
    return [(name, version, dict(meta or {})) for name, version, meta in found]


def highest(project: ProjectContext, name: str) -> int:
    """The highest version of ``name`` the database keeps (0: none)."""
    with project.store.session() as session:
        return (
            session.scalar(
                select(func.max(TrainedModel.version)).where(
                    TrainedModel.project_id == project.id, TrainedModel.name == name
                )
            )
            or 0
        )


def insert(project: ProjectContext, meta: dict[str, Any], folder: Path, name: str, version: int) -> None:
    """One row for the model in ``folder``, in one transaction (audited: who kept which model)."""
    data = archive.pack(folder)
    row = TrainedModel(
        project_id=project.id,
        name=name,
        version=version,
        meta=meta,
        archive=data,
        digest=archive.digest(data),
    )
    try:
        with project.store.transaction() as tx:
            tx.session.add(row)
            tx.session.flush()
            detail = {"key": f"{name}@{version}", "digest": row.digest, "bytes": len(data)}
            tx.record("trained_model", "created", (row.id,), detail=detail)
    except IntegrityError as exc:
        raise ValidationError(
            f"the project keeps a model {name}@{version} already (trained meanwhile?): train it again"
        ) from exc


def digest_of(project: ProjectContext, name: str, version: int) -> str | None:
    with project.store.session() as session:
        return session.scalar(select(TrainedModel.digest).where(*_the(project, name, version)))


def cache_home(project: ProjectContext) -> Path:
    """This machine's folder for the project's unpacked models: one per database (its URL without
    the password) and project."""
    from platformdirs import user_cache_dir

    database = project.store.engine.url.set(password=None).render_as_string(hide_password=False)
    key = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    return Path(user_cache_dir("annotator", appauthor=False)) / "models" / key / f"project-{project.id}"


def unpacked(project: ProjectContext, name: str, version: int, digest: str) -> Path:
    """The model's folder in the cache, unpacked from its row the first time."""
    home = cache_home(project)
    folder = home / f"{name}@{version}-{digest[:12]}"
    if folder.is_dir():
        return folder
    with project.store.session() as session:
        data = session.scalar(select(TrainedModel.archive).where(*_the(project, name, version)))
    if data is None or archive.digest(data) != digest:
        raise ValidationError(f"the model {name}@{version} changed or is damaged in the database: ask again")
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}@{version}.", dir=home))
    try:
        archive.unpack(data, work)
        os.rename(work, folder)
    except OSError:
        if not folder.is_dir():  # not another process that was faster
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def _the(project: ProjectContext, name: str, version: int) -> tuple[Any, ...]:
    return (
        TrainedModel.project_id == project.id,
        TrainedModel.name == name,
        TrainedModel.version == version,
    )
