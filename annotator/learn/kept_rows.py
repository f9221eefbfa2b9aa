"""Models kept as rows of ``trained_model`` (a database with no folder beside it: PostgreSQL), and
the cache each machine unpacks them into.

A row holds the model's ``model.json`` (listed without reading the archive) and the folder packed
(``archive.py``). ``annotator.learn.model.load`` reads folders, so a row is unpacked once per
machine into ``<user cache>/annotator/models/<database>/project-<id>/NAME@VERSION-<digest>``: the
digest in the name means a folder there always holds that archive, and a second read reuses it.
It is unpacked into a temporary folder beside it and renamed, so two processes that race both
end up reading one complete folder. Each unpack then clears the cache of what no row names any
more (``prune``: older digests, deleted models), never a temporary folder another process may be
unpacking into.

A deleted model (``forget``) leaves its deletion in the audit log, which nobody changes: its
version is never handed out again (``highest``), as scripts may still name ``quotes@3``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from annotator.errors import ValidationError
from annotator.learn import archive
from annotator.model import Annotator, AuditEntry, Role, TrainedModel

if TYPE_CHECKING:
    from annotator.project import ProjectContext
    from annotator.tx import Tx


def rows(project: ProjectContext) -> list[tuple[str, int, dict[str, Any]]]:
    """(name, version, model.json) of every model the project's database keeps, newest first."""
    with project.store.session() as session:
        found = session.execute(
            select(TrainedModel.name, TrainedModel.version, TrainedModel.meta)
            .where(TrainedModel.project_id == project.id)
            .order_by(TrainedModel.created_at.desc(), TrainedModel.id.desc())
        ).all()
    return [(name, version, dict(meta or {})) for name, version, meta in found]


# A folder of the cache: NAME@VERSION-<the archive's digest, 12 hex digits>. Temporary folders
# (``.NAME@VERSION.<random>``) never match.
_CACHED = re.compile(r"^[^.].*@\d+-[0-9a-f]{12}$")


def highest(project: ProjectContext, name: str) -> int:
    """The highest version of ``name`` the database keeps, or ever kept and deleted (0: none)."""
    with project.store.session() as session:
        kept = session.scalar(
            select(func.max(TrainedModel.version)).where(
                TrainedModel.project_id == project.id, TrainedModel.name == name
            )
        )
        deleted = session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.entity == "trained_model", AuditEntry.action == "deleted"
            )
        ).all()
    versions = [
        int(d["version"])
        for d in deleted
        if isinstance(d, dict) and d.get("project") == project.id and d.get("name") == name
    ]
    return max([kept or 0, *versions])


def forget(project: ProjectContext, name: str, version: int, where: str) -> None:
    """Delete the model's row, if the database keeps one, and record the deletion in the audit
    log (a folder's too: ``where`` says what went), in one transaction."""
    with project.store.transaction() as tx:
        found = tx.session.execute(
            select(TrainedModel.id, TrainedModel.digest).where(*_the(project, name, version))
        ).first()
        detail: dict[str, Any] = {
            "key": f"{name}@{version}",
            "project": project.id,
            "name": name,
            "version": version,
            "where": where,
        }
        if found is not None:
            _may_delete(tx, project.id, found.id, f"{name}@{version}")
            tx.session.execute(delete(TrainedModel).where(TrainedModel.id == found.id))
            detail["digest"] = found.digest
        tx.record("trained_model", "deleted", (found.id,) if found is not None else (), detail=detail)


def _may_delete(tx: Tx, project_id: int, model_id: int, key: str) -> None:
    """On a shared database a model is the team's: a login deletes one it kept, or any when it is a
    reviewer, or any while the project has no reviewer (the audit log says who kept it)."""
    if tx.login is None:
        return
    keeper = tx.session.scalar(
        select(AuditEntry.login)
        .where(
            AuditEntry.entity == "trained_model",
            AuditEntry.action == "created",
            AuditEntry.entity_id == model_id,
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )
    if keeper is None or keeper == tx.login:
        return
    reviewers = set(
        tx.session.scalars(
            select(Annotator.login).where(
                Annotator.project_id == project_id, Annotator.role == Role.REVIEWER.value
            )
        )
    )
    if reviewers and tx.login not in reviewers:
        raise ValidationError(
            f"{key} was kept by {keeper}: only that login or a reviewer deletes it; nothing was removed"
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
    prune(project)
    return folder


def prune(project: ProjectContext) -> list[str]:
    """Remove the cache's folders of the project that no row names any more (an older digest of a
    model, a deleted model); returns their names.

    The folders are listed before the rows are read: a folder is renamed into place only after its
    row was committed, so any folder seen here has its row among those read, unless it was deleted.
    Temporary folders (another process unpacking) are never touched, and a folder goes by a rename
    first, so no reader ever finds it half removed under its name.
    """
    home = cache_home(project)
    present = [p for p in home.iterdir() if _CACHED.match(p.name) and p.is_dir()] if home.is_dir() else []
    if not present:
        return []
    with project.store.session() as session:
        named = {
            f"{name}@{version}-{digest[:12]}"
            for name, version, digest in session.execute(
                select(TrainedModel.name, TrainedModel.version, TrainedModel.digest).where(
                    TrainedModel.project_id == project.id
                )
            )
        }
    removed = []
    for folder in present:
        if folder.name in named:
            continue
        trash = Path(tempfile.mkdtemp(prefix=f".gone-{folder.name}.", dir=home))
        try:
            os.replace(folder, trash / folder.name)
        except OSError:
            shutil.rmtree(trash, ignore_errors=True)
            continue  # another process removed it first
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(folder.name)
    return removed


def _the(project: ProjectContext, name: str, version: int) -> tuple[Any, ...]:
    return (
        TrainedModel.project_id == project.id,
        TrainedModel.name == name,
        TrainedModel.version == version,
    )
