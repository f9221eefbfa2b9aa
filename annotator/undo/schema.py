"""Label-schema edits as undoable steps: labels and relation types, with what they took along.

The same step images the project's settings and guidelines (``project_setting``), so changing a
setting, the guidelines or a description, and importing a codebook, are schema steps too.

A project's labels and relation types are a few rows, so a schema step images all of them before
and after the edit (a reorder moves several). An edit that may delete spans or relations (removing
a label or type "with its annotations") names the labels and types first, and their spans,
relations and review rejections are imaged too, so undo puts everything back with the same ids.

Undo refuses what would make a label in use vanish: taking back the adding of a label that spans
carry since (the message gives the count), of a relation type that relations use, or a restore
whose name or key another label holds now.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from annotator.errors import ConflictError
from annotator.model import Annotation, Document, Label, ProjectSetting, Relation, RelationType
from annotator.tx import Tx
from annotator.undo import rows
from annotator.undo.rows import RowChange, Snapshot, Step

KIND = "schema"


def capture(
    session: Session,
    project_id: int,
    labels: Sequence[int],
    types: Sequence[int],
    also: Snapshot | None = None,
    doc_values: bool = False,
) -> Snapshot:
    """The project's labels, relation types and attribute definitions, and the rows carrying
    ``labels``/``types`` (``doc_values``: the document-level attribute values too)."""
    t = rows.TABLES
    out: Snapshot = {
        "label": rows._read(session, "label", t["label"].c.project_id == project_id),
        "relation_type": rows._read(session, "relation_type", t["relation_type"].c.project_id == project_id),
        "attribute": rows._read(session, "attribute", t["attribute"].c.project_id == project_id),
        # The team's settings and guidelines document (annotator.settings_project): a few rows.
        "project_setting": rows._read(
            session, "project_setting", t["project_setting"].c.project_id == project_id
        ),
    }
    if doc_values:
        docs = select(Document.id).where(Document.project_id == project_id)
        out["document_attribute"] = rows._read(
            session, "document_attribute", t["document_attribute"].c.document_id.in_(docs)
        )
    if labels:
        spans = rows._read(session, "annotation", t["annotation"].c.label_id.in_(labels))
        out["annotation"] = spans
        links, ids = t["relation"], list(spans)
        ends = [links.c.type_id.in_(types)] if types else []
        if ids:
            ends += [links.c.source_id.in_(ids), links.c.target_id.in_(ids)]
        out["relation"] = rows._read(session, "relation", or_(*ends)) if ends else {}
        out["rejection"] = rows._read(session, "rejection", t["rejection"].c.label_id.in_(labels))
    elif types:
        out["relation"] = rows._read(session, "relation", t["relation"].c.type_id.in_(types))
    if labels or types:
        refused = t["relation_rejection"].c
        on = [refused.type_id.in_(types)] if types else []
        if labels:
            on += [refused.source_label_id.in_(labels), refused.target_label_id.in_(labels)]
        out["relation_rejection"] = rows._read(session, "relation_rejection", or_(*on))
    for name, found in (also or {}).items():
        missing = [i for i in found if i not in out.setdefault(name, {})]
        if missing:
            out[name].update(rows._read(session, name, t[name].c.id.in_(missing)))
    return out


def changes(before: Snapshot, after: Snapshot) -> tuple[list[RowChange], tuple[int, ...]]:
    """The rows that differ, and the documents whose spans or relations are among them."""
    found = rows.diff(before, after)
    docs = {
        int(image["document_id"])
        for c in found
        if c.table not in rows.SCHEMA
        for image in (c.before, c.after)
        if image is not None
    }
    return found, tuple(sorted(docs))


def apply(tx: Tx, step: Step, *, undo: bool) -> None:
    """Undo or redo a schema step, after the checks no row-image comparison makes."""
    check(tx.session, step.changes, undo)
    rows.apply(tx, step.changes, undo=undo, owners=False)


def check(session: Session, changes: Sequence[RowChange], undo: bool) -> None:
    """Refuse to remove a label or type in use, or to restore a name or key now taken."""
    ours = {(c.table, c.id) for c in changes}
    for c in changes:
        then, image = c.side(not undo), c.side(undo)
        if c.table == "label" and image is None and then is not None:
            _refuse_if_used(session, c.id, then["name"], ours)
        if c.table == "relation_type" and image is None and then is not None:
            query = select(Relation.id).where(Relation.type_id == c.id)
            used = [i for i in session.scalars(query) if ("relation", i) not in ours]
            if used:
                raise ConflictError(
                    f"relation type {then['name']!r} is used by {len(used)} relation(s) made since; "
                    "retire it instead"
                )
        if c.table in ("label", "relation_type") and image is not None:
            _refuse_if_taken(session, c.table, c.id, image)
        if c.table == "project_setting" and image is not None and then is None:
            _refuse_if_set(session, c.id, image)


def _refuse_if_set(session: Session, row_id: int, image: rows.Image) -> None:
    """A setting row coming back while another row holds its key (set again since)."""
    same = (ProjectSetting.project_id == image["project_id"], ProjectSetting.key == image["key"])
    other = session.scalar(select(ProjectSetting.id).where(*same, ProjectSetting.id != row_id))
    if other is not None:
        raise ConflictError(f"the setting {image['key']!r} was set again since by someone else")


def _refuse_if_used(session: Session, label_id: int, name: str, ours: set[tuple[str, int]]) -> None:
    spans = [i for i in session.scalars(select(Annotation.id).where(Annotation.label_id == label_id))]
    spans = [i for i in spans if ("annotation", i) not in ours]
    if spans:
        raise ConflictError(
            f"label {name!r} is used by {len(spans)} span(s) made since; it cannot vanish "
            "(retire it instead: its spans keep it)"
        )
    ends = or_(RelationType.from_label_id == label_id, RelationType.to_label_id == label_id)
    rtype = session.scalar(select(RelationType.name).where(ends))
    if rtype is not None:
        raise ConflictError(f"label {name!r} is an end of relation type {rtype!r} since")


def _refuse_if_taken(session: Session, table: str, row_id: int, image: rows.Image) -> None:
    kind = Label if table == "label" else RelationType
    what = table.replace("_", " ")
    same_project = (kind.project_id == image["project_id"], kind.id != row_id)
    other = session.scalar(select(func.min(kind.id)).where(*same_project, kind.name == image["name"]))
    if other is not None:
        raise ConflictError(f"the name {image['name']!r} is another {what}'s (id {other}) since")
    if table == "label" and image.get("hotkey") and not image.get("retired"):
        holder = session.scalar(
            select(Label.name).where(*same_project, Label.hotkey == image["hotkey"], Label.retired.is_(False))
        )
        if holder is not None:
            raise ConflictError(f"the key {image['hotkey']!r} is label {holder!r}'s since")
