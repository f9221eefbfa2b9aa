"""Helpers of the import tests that compare two imports: a JSONL file, a project, its rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from annotator.ops.projects import create_project
from annotator.store import Store, open_store

TABLES = ("document", "annotation", "relation", "import_batch")


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    """``lines`` as a JSONL file (a str is written as it is: a blank or broken line)."""
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def new_store(tmp_path: Path, name: str) -> tuple[Store, int]:
    """A new SQLite project database in ``tmp_path`` and its project's id."""
    store = open_store(f"sqlite:///{tmp_path / name}")
    with store.transaction() as tx:
        project = create_project(tx, "p").id
    return store, project


def table_rows(store: Store, tables: tuple[str, ...] = TABLES, order: str = "rowid") -> dict[str, list[Any]]:
    """Every row of ``tables`` in the order written (``order``: "id" on PostgreSQL, which has no
    rowid), without their timestamps."""
    with store.engine.connect() as conn:
        return {
            table: [
                tuple(v for k, v in row._mapping.items() if k not in ("created_at", "updated_at"))
                for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
            ]
            for table in tables
        }
