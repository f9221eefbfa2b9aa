"""Models kept with the project, versioned as ``NAME@VERSION``: folders beside a SQLite file, rows
of the database elsewhere.

``<db>.models/project-<id>/quotes@3/`` holds a copy of each model trained from a SQLite project. A
shared PostgreSQL database has no folder beside it, so it keeps each model as a row of
``trained_model`` (``kept_rows.py``) that every teammate's machine lists and unpacks once into
its cache. The faces go through ``kept_models``, ``model_folder``, ``keep_with_project`` and
``delete_kept``, whichever the database: the app's training dialog, ``annotator models [--delete]``
and ``--model NAME@VERSION`` of ``suggest`` and ``evaluate``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from annotator.errors import NotFoundError, ValidationError
from annotator.learn import kept_rows

if TYPE_CHECKING:
    from annotator.learn.train import Flag, TrainResult
    from annotator.project import ProjectContext

# NAME@VERSION: a name never holds a path separator (it names a folder inside the models home)
_VERSIONED = re.compile(r"^(?P<name>[^/\\]+)@(?P<version>\d+)$")
DATABASE = "database"  # KeptModel.where of a model the database keeps


@dataclass(frozen=True)
class KeptModel:
    """A model kept with the project, as the faces list it."""

    name: str
    version: int
    labels: list[str]
    trained_at: str  # model.json's trained_at ("" if absent)
    figures: dict[str, Any] | None  # model.json's held-out figures, when it has them
    where: str  # its folder (SQLite) or "database"

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def models_home(url: str, project_id: int) -> Path | None:
    """Where a project's models are kept as folders, or None when the database is not a file
    (then they are rows of the database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).with_name(Path(parsed.database).name + ".models") / f"project-{project_id}"


def next_version(project: ProjectContext, name: str) -> int:
    """One more than the highest version of ``name`` kept with the project (folders or rows), or
    deleted from it (the audit log remembers: a number is never handed out twice)."""
    home = models_home(project.url, project.id)
    versions = [
        int(m["version"])
        for p in (home.iterdir() if home is not None and home.is_dir() else ())
        if (m := _VERSIONED.match(p.name)) and m["name"] == name
    ]
    return max(max(versions, default=0), kept_rows.highest(project, name)) + 1


def keep(model: Path, home: Path, name: str, version: int) -> Path:
    """Copy the model folder into the project's home as ``NAME@VERSION``."""
    target = home / f"{name}@{version}"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copytree(model, target)
    return target


def keep_with_project(project: ProjectContext, folder: Path, name: str, version: int) -> str:
    """Keep the model in ``folder`` with the project as ``NAME@VERSION``: a copy in the models home
    beside a SQLite file, else one row of the database (one transaction). Says where."""
    if not _VERSIONED.match(f"{name}@{version}"):
        raise ValidationError(f"a kept model's name holds no path separator, not {name!r}")
    home = models_home(project.url, project.id)
    if home is not None:
        return str(keep(folder, home, name, version))
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    kept_rows.insert(project, meta, folder, name, version)
    return f"the database as {name}@{version}"


def _described(meta: dict[str, Any], name: str, version: int, where: str) -> KeptModel:
    figures = meta.get("figures")
    return KeptModel(
        name=name,
        version=version,
        labels=[label for tier in meta.get("tiers", []) for label in tier],
        trained_at=str(meta.get("trained_at") or ""),
        figures=figures if isinstance(figures, dict) else None,
        where=where,
    )


def kept_models(project: ProjectContext) -> list[KeptModel]:
    """The models kept with the project, newest first (by when they were trained, then version)."""
    home = models_home(project.url, project.id)
    found: dict[str, KeptModel] = {}
    for folder in sorted(home.iterdir()) if home is not None and home.is_dir() else ():
        meta_file = folder / "model.json"
        if (m := _VERSIONED.match(folder.name)) and meta_file.is_file():
            try:
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # not a model (load names what is wrong when it is asked for)
            if isinstance(meta, dict):
                found[folder.name] = _described(meta, m["name"], int(m["version"]), str(folder))
    for name, version, meta in kept_rows.rows(project):
        found.setdefault(f"{name}@{version}", _described(meta, name, version, DATABASE))
    return sorted(found.values(), key=lambda k: (k.trained_at, k.version), reverse=True)


def model_folder(project: ProjectContext, key: str) -> Path:
    """The folder of the kept model ``NAME@VERSION``, which ``annotator.learn.model.load`` reads:
    its folder in the models home, or its row unpacked into this machine's cache."""
    m = _VERSIONED.match(key)
    if m is not None:
        home = models_home(project.url, project.id)
        if home is not None and (home / key / "model.json").is_file():
            return home / key
        name, version = m["name"], int(m["version"])
        digest = kept_rows.digest_of(project, name, version)
        if digest is not None:
            return kept_rows.unpacked(project, name, version, digest)
    raise NotFoundError(f"no model {key} is kept with the project (`annotator models` lists them)")


def delete_kept(project: ProjectContext, key: str) -> KeptModel:
    """Remove the kept model ``NAME@VERSION`` (its folder beside a SQLite file, its row of the
    database, both if both exist) and say what went; audited, and its version is never reused.
    An unknown key is refused by name and nothing is removed.

    The folder is first renamed aside, then the deletion committed, then the folder removed: a
    failed commit puts it back, and nobody finds a half-removed model under its name."""
    found = next((m for m in kept_models(project) if m.key == key), None)
    if found is None:
        raise NotFoundError(
            f"no model {key} is kept with the project (`annotator models` lists them); nothing was removed"
        )
    home = models_home(project.url, project.id)
    folder = home / key if home is not None and (home / key).is_dir() else None
    aside = None
    if folder is not None:
        aside = Path(tempfile.mkdtemp(prefix=f".deleting-{key}.", dir=folder.parent)) / key
        os.replace(folder, aside)
    try:
        kept_rows.forget(project, found.name, found.version, found.where)
    except BaseException:
        if folder is not None and aside is not None:
            os.replace(aside, folder)
            aside.parent.rmdir()
        raise
    if aside is not None:
        shutil.rmtree(aside.parent, ignore_errors=True)
    kept_rows.prune(project)  # this machine's unpacked copy, if any
    return found


def model_argument(project: ProjectContext, text: str) -> Path:
    """What ``--model X`` names: the folder X when there is one, else the kept model X
    (``NAME@VERSION``); anything else stays the path, which the caller refuses by name."""
    path = Path(text)
    if path.exists() or not _VERSIONED.match(text):
        return path
    try:
        return model_folder(project, text)
    except NotFoundError:
        raise NotFoundError(
            f"{text}: no model folder there, nor a model kept with the project by that name "
            "(`annotator models` lists them)"
        ) from None


def train_for_project(
    project: ProjectContext,
    *,
    layer: str,
    labels: list[str] | None,
    name: str,
    max_minutes: float = 10.0,
    seed: int = 0,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: Flag | None = None,
    parser: str | None = None,
    learn_rejections: bool = True,
) -> TrainResult:
    """Train from a layer of the project and keep the model with it as ``NAME@VERSION``; what the
    app's training dialog runs. Beside a SQLite file the model is trained into its models home
    (or only into ``out``, when given); elsewhere it is kept in the database, and written to
    ``out`` too when given (without ``out`` the result's folder is the unpacked copy in the
    cache). ``parser``: an installed spaCy pipeline the source pass reads parses from
    (``syntax.py``). ``learn_rejections``: the layer's rejected suggestions teach "no" too
    (``annotator.suggest.rejected``)."""
    from annotator.export import ExportOptions, records
    from annotator.learn.train import train
    from annotator.suggest.rejected import people_layer, rejections

    people_layer(layer)
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValidationError(f"a model name is letters, digits, '.', '-' or '_', not {name!r}")
    home = models_home(project.url, project.id)
    version = next_version(project, name) if out is None or home is None else 1
    scratch = Path(tempfile.mkdtemp(prefix="annotator-train-")) if out is None and home is None else None
    if out is None:
        out = home / f"{name}@{version}" if home is not None else Path(str(scratch)) / name
    try:
        with project.store.session() as session:
            found = list(records(session, project.id, ExportOptions(layer=layer, labels=labels)))
            labelled = {r.doc_id for r in found if r.spans}
            rejected = rejections(session, project.id, layer, labelled) if learn_rejections else None
        result = train(
            found,
            out,
            labels=labels,
            layer=layer,
            seed=seed,
            max_minutes=max_minutes,
            name=name,
            version=version,
            progress=progress,
            cancel=cancel,
            parser=parser,
            rejected=rejected,
        )
        if home is None:
            keep_with_project(project, result.folder, name, version)
            if scratch is not None:
                result = replace(result, folder=model_folder(project, f"{name}@{version}"))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return result
