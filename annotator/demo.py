"""The built-in demo project: short articles written for this project, labelled by two annotators."""

from __future__ import annotations

from importlib.resources import as_file

from annotator.formats import native
from annotator.model import Project, Role
from annotator.ops.importer import ImportResult, import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.resources import resource
from annotator.store import Store

DEMO_NAME = "Demo"


def create_demo(store: Store, name: str = DEMO_NAME) -> tuple[Project, ImportResult]:
    """Create the demo project (default schema) and import its articles and annotations."""
    with as_file(resource("demo", "articles.jsonl")) as path:
        records = list(native.read(path))
    for record in records:
        record.source_file = "demo/articles.jsonl"
    with store.transaction() as tx:
        project = create_project(tx, name)
        ensure_annotator(tx, project.id, "alice", Role.ANNOTATOR)
        ensure_annotator(tx, project.id, "bob", Role.ANNOTATOR)
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        result = import_records(tx, project.id, records)
    return project, result
