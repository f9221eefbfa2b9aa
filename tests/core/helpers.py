"""Small helpers for core tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, select

import annotator.store
from annotator.model import Annotator, Label
from annotator.ops.importer import import_records
from annotator.records import DocRecord
from annotator.store import Store


def add_doc(store: Store, project_id: int, text: str, **fields: object) -> int:
    with store.transaction() as tx:
        result = import_records(tx, project_id, [DocRecord(text=text, **fields)])  # type: ignore[arg-type]
    return result.document_ids[0]


def label_id(store: Store, project_id: int, name: str) -> int:
    with store.session() as s:
        return s.scalars(select(Label.id).where(Label.project_id == project_id, Label.name == name)).one()


def annotator_id(store: Store, project_id: int, name: str) -> int:
    with store.session() as s:
        return s.scalars(
            select(Annotator.id).where(Annotator.project_id == project_id, Annotator.name == name)
        ).one()


def upgrade_to(conn: Connection, revision: str) -> None:
    """Migrate the database ``conn`` is open on up to ``revision`` (not head), in its transaction."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(annotator.store.__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
