"""The label schema: span labels and relation types."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Label, Relation, RelationType
from annotator.names import check_name
from annotator.ops.annotations import relation_data, relation_records, span_records, spans_with_label
from annotator.resources import PALETTE
from annotator.store import Tx

_HEX = set("0123456789abcdefABCDEF")


def _check_color(color: str) -> str:
    if not (color.startswith("#") and len(color) in (4, 7, 9) and set(color[1:]) <= _HEX):
        raise ValidationError(f"colour {color!r} is not of the form #RRGGBB")
    return color


def _check_hotkey(tx: Tx, project_id: int, hotkey: str | None, label_id: int | None = None) -> str | None:
    if hotkey is None or hotkey == "":
        return None
    if len(hotkey) != 1 or not hotkey.isalnum():
        raise ValidationError(f"hotkey {hotkey!r} must be one letter or digit")
    hotkey = hotkey.lower()
    clash = tx.session.scalar(
        select(Label.name).where(Label.project_id == project_id, Label.hotkey == hotkey, Label.id != label_id)
    )
    if clash:
        raise ValidationError(f"hotkey {hotkey!r} is taken by label {clash}")
    return hotkey


def get_label(tx: Tx, project_id: int, name: str) -> Label:
    label = tx.session.scalar(select(Label).where(Label.project_id == project_id, Label.name == name))
    if label is None:
        known = ", ".join(tx.session.scalars(select(Label.name).where(Label.project_id == project_id)))
        raise NotFoundError(f"no label {name!r} (labels: {known or 'none'})")
    return label


def add_label(
    tx: Tx,
    project_id: int,
    name: str,
    *,
    color: str | None = None,
    hotkey: str | None = None,
    description: str = "",
) -> Label:
    name = check_name(name.strip(), "label")
    if not name:
        raise ValidationError("a label needs a name")
    if tx.session.scalar(select(Label.id).where(Label.project_id == project_id, Label.name == name)):
        raise ValidationError(f"label {name!r} exists already")
    count = tx.session.scalar(select(func.count()).where(Label.project_id == project_id)) or 0
    label = Label(
        project_id=project_id,
        name=name,
        color=_check_color(color or PALETTE[count % len(PALETTE)]),
        hotkey=_check_hotkey(tx, project_id, hotkey),
        description=description,
        position=count,
    )
    tx.session.add(label)
    tx.session.flush()
    tx.record("label", "created", (label.id,))
    return label


def update_label(
    tx: Tx,
    label: Label,
    *,
    name: str | None = None,
    color: str | None = None,
    hotkey: str | None = None,
    description: str | None = None,
) -> Label:
    """Rename, recolour, rebind or re-describe a label; spans keep it (they refer to its id).

    The audit entry records each changed field's value before and after (a rename: both names).
    """
    before = _label_fields(label)
    if name is not None and name.strip() != label.name:
        name = check_name(name.strip(), "label")
        if not name:
            raise ValidationError("a label needs a name")
        taken = select(Label.id).where(Label.project_id == label.project_id, Label.name == name)
        if tx.session.scalar(taken):
            raise ValidationError(f"label {name!r} exists already")
        label.name = name
    if color is not None:
        label.color = _check_color(color)
    if hotkey is not None:
        label.hotkey = _check_hotkey(tx, label.project_id, hotkey, label.id)
    if description is not None:
        label.description = description
    tx.session.flush()
    after = _label_fields(label)
    changed = [k for k in after if after[k] != before[k]]
    detail = {"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}}
    tx.record("label", "updated", (label.id,), detail={"name": label.name, **detail})
    return label


def _label_fields(label: Label) -> dict[str, str | None]:
    return {
        "name": label.name,
        "color": label.color,
        "hotkey": label.hotkey,
        "description": label.description,
    }


def remove_label(tx: Tx, label: Label, *, delete_annotations: bool = False) -> int:
    """Remove a label; refused while spans or relation types use it unless asked to delete those.

    Returns the number of spans deleted with it.
    """
    used = tx.session.scalar(select(func.count()).where(Annotation.label_id == label.id)) or 0
    types = list(
        tx.session.scalars(
            select(RelationType).where(
                or_(RelationType.from_label_id == label.id, RelationType.to_label_id == label.id)
            )
        )
    )
    if (used or types) and not delete_annotations:
        what = [f"{used} span(s)"] if used else []
        what += [f"relation type {t.name}" for t in types]
        raise ValidationError(
            f"label {label.name!r} is used by {', '.join(what)}; "
            "remove it with its annotations (--delete-annotations) or relabel them first"
        )
    for rtype in types:
        # A relation type tied to a removed label loses that restriction, not its relations.
        if rtype.from_label_id == label.id:
            rtype.from_label_id = None
        if rtype.to_label_id == label.id:
            rtype.to_label_id = None
    spans = spans_with_label(tx, label.id)
    span_ids = [s.id for s in spans]
    if span_ids:
        touching = or_(Relation.source_id.in_(span_ids), Relation.target_id.in_(span_ids))
        links = [relation_data(r) for r in tx.session.scalars(select(Relation).where(touching))]
        if links:
            records = relation_records(tx, links)
            tx.session.execute(delete(Relation).where(touching))
            tx.record("relation", "deleted", [r.id for r in links], details=records)
        records = span_records(tx, spans)
        tx.session.execute(delete(Annotation).where(Annotation.label_id == label.id))
        tx.record("annotation", "deleted", span_ids, details=records)
    tx.session.delete(label)
    tx.session.flush()
    tx.session.execute(
        update(Label)
        .where(Label.project_id == label.project_id, Label.position > label.position)
        .values(position=Label.position - 1)
    )
    tx.record("label", "deleted", (label.id,), detail=_label_fields(label))
    return len(span_ids)


def add_relation_type(
    tx: Tx,
    project_id: int,
    name: str,
    *,
    from_label: str | None = None,
    to_label: str | None = None,
    color: str | None = None,
    hotkey: str | None = None,
    description: str = "",
) -> RelationType:
    name = check_name(name.strip(), "relation type")
    if not name:
        raise ValidationError("a relation type needs a name")
    exists = select(RelationType.id).where(RelationType.project_id == project_id, RelationType.name == name)
    if tx.session.scalar(exists):
        raise ValidationError(f"relation type {name!r} exists already")
    rtype = RelationType(
        project_id=project_id,
        name=name,
        color=_check_color(color or "#555555"),
        hotkey=hotkey or None,
        description=description,
        from_label_id=get_label(tx, project_id, from_label).id if from_label else None,
        to_label_id=get_label(tx, project_id, to_label).id if to_label else None,
    )
    tx.session.add(rtype)
    tx.session.flush()
    tx.record("relation_type", "created", (rtype.id,))
    return rtype


def remove_relation_type(tx: Tx, rtype: RelationType, *, delete_relations: bool = False) -> int:
    used = [
        relation_data(r) for r in tx.session.scalars(select(Relation).where(Relation.type_id == rtype.id))
    ]
    if used and not delete_relations:
        raise ValidationError(f"relation type {rtype.name!r} is used by {len(used)} relation(s)")
    if used:
        records = relation_records(tx, used)
        tx.session.execute(delete(Relation).where(Relation.type_id == rtype.id))
        tx.record("relation", "deleted", [r.id for r in used], details=records)
    tx.session.delete(rtype)
    tx.session.flush()
    tx.record("relation_type", "deleted", (rtype.id,), detail={"name": rtype.name})
    return len(used)


def describe(tx: Tx, project_id: int, name: str, text: str, *, relation: bool = False) -> None:
    """Set a label's (or relation type's) description: its guideline, markdown, shown on hover."""
    from annotator.settings_project import check_guidelines

    text = check_guidelines(text, f"description of {name}")
    if not relation:
        update_label(tx, get_label(tx, project_id, name), description=text)
        return
    rtype = tx.session.scalar(
        select(RelationType).where(RelationType.project_id == project_id, RelationType.name == name)
    )
    if rtype is None:
        raise NotFoundError(f"no relation type {name!r}")
    if rtype.description != text:
        detail = {"name": name, "before": {"description": rtype.description}, "after": {"description": text}}
        rtype.description = text
        tx.session.flush()
        tx.record("relation_type", "updated", (rtype.id,), detail=detail)
