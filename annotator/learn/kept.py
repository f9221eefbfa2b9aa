"""Models kept with the project, versioned: ``NAME@VERSION`` folders beside a SQLite file.

``<db>.models/project-<id>/quotes@3/`` — a copy of each trained model, so a project carries the
models trained from it (and which labels, layer and figures each had). A shared PostgreSQL
database keeps none yet: the model stays only in the folder given to ``train``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from annotator.learn.train import Flag, TrainResult
    from annotator.project import ProjectContext

_VERSIONED = re.compile(r"^(?P<name>.+)@(?P<version>\d+)$")


def models_home(url: str, project_id: int) -> Path | None:
    """Where a project's models are kept, or None when the database is not a file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).with_name(Path(parsed.database).name + ".models") / f"project-{project_id}"


def next_version(home: Path | None, name: str) -> int:
    if home is None or not home.is_dir():
        return 1
    versions = [
        int(m["version"]) for p in home.iterdir() if (m := _VERSIONED.match(p.name)) and m["name"] == name
    ]
    return max(versions, default=0) + 1


def keep(model: Path, home: Path, name: str, version: int) -> Path:
    """Copy the model folder into the project's home as ``NAME@VERSION``."""
    target = home / f"{name}@{version}"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copytree(model, target)
    return target


def kept(home: Path | None) -> list[dict[str, object]]:
    """The kept models, newest first: name, version, folder, labels, trained_at."""
    if home is None or not home.is_dir():
        return []
    out = []
    for folder in home.iterdir():
        meta_file = folder / "model.json"
        if _VERSIONED.match(folder.name) and meta_file.is_file():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            labels = [label for tier in meta.get("tiers", []) for label in tier]
            out.append(
                {
                    "name": meta.get("name"),
                    "version": meta.get("version"),
                    "folder": str(folder),
                    "labels": labels,
                    "trained_at": meta.get("trained_at"),
                }
            )
    return sorted(out, key=lambda m: str(m["trained_at"]), reverse=True)


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
) -> TrainResult:
    """Train from a layer of the project straight into its models home as ``NAME@VERSION`` (or
    into ``out``, which a PostgreSQL project needs); what the app's training dialog runs.
    ``parser``: an installed spaCy pipeline the source pass reads parses from (``syntax.py``)."""
    from annotator.errors import ValidationError
    from annotator.export import ExportOptions, records
    from annotator.learn.train import train

    if not re.fullmatch(r"[\w.-]+", name):
        raise ValidationError(f"a model name is letters, digits, '.', '-' or '_', not {name!r}")
    home = models_home(project.url, project.id)
    version = next_version(home, name) if out is None else 1
    if out is None:
        if home is None:
            raise ValidationError("a PostgreSQL project keeps no model files: choose a folder for the model")
        out = home / f"{name}@{version}"
    with project.store.session() as session:
        found = list(records(session, project.id, ExportOptions(layer=layer, labels=labels)))
    return train(
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
    )
