"""The label schema: span labels and relation types.

Every edit here is a small core operation; the CLI (``annotator labels``) and the schema editor
run them inside ``annotator.undo.schema_step`` so that each is an undoable step of whoever made it.
A label in use never vanishes silently: removing it is refused with the count (retire it instead,
or delete its spans explicitly), and a retired label stays on its spans, in the views and in
exports, while the palette, its key and "new span" offer it no more.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, update

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Label, Relation, RelationType
from annotator.names import check_name
from annotator.ops.annotations import relation_data, relation_records, span_records, spans_with_label
from annotator.resources import PALETTE
from annotator.store import Tx

_HEX = set("0123456789abcdefABCDEF")
Kind = type[Label] | type[RelationType]


def _check_color(color: str) -> str:
    if not (color.startswith("#") and len(color) in (4, 7, 9) and set(color[1:]) <= _HEX):
        raise ValidationError(f"colour {color!r} is not of the form #RRGGBB")
    return color


def _check_hotkey(tx: Tx, project_id: int, hotkey: str | None, label_id: int | None = None) -> str | None:
    """One letter or digit, not the key of another label in use (a retired label's key is free)."""
    if hotkey is None or hotkey == "":
        return None
    if len(hotkey) != 1 or not hotkey.isalnum():
        raise ValidationError(f"hotkey {hotkey!r} must be one letter or digit")
    hotkey = hotkey.lower()
    clash = tx.session.scalar(
        select(Label.name).where(
            Label.project_id == project_id,
            Label.hotkey == hotkey,
            Label.id != label_id,
            Label.retired.is_(False),
        )
    )
    if clash:
        raise ValidationError(f"hotkey {hotkey!r} is taken by label {clash}")
    return hotkey


def _what(kind: Kind) -> str:
    return "label" if kind is Label else "relation type"


def _check_new_name(tx: Tx, kind: Kind, project_id: int, name: str, own_id: int | None = None) -> str:
    """A name no other label (relation type) has, ignoring case: imports fold case
    (import_names.py), so ``Quote`` and ``quote`` side by side would be merged on the next import."""
    what = _what(kind)
    name = check_name(name.strip(), what)
    if not name:
        raise ValidationError(f"a {what} needs a name")
    others = tx.session.execute(select(kind.id, kind.name).where(kind.project_id == project_id)).all()
    for other_id, other in others:
        if other_id != own_id and other.casefold() == name.casefold():
            same = "" if other == name else f" (as {other!r}; names differ only in case)"
            raise ValidationError(f"{what} {name!r} exists already{same}")
    return name


def get_label(tx: Tx, project_id: int, name: str) -> Label:
    label = tx.session.scalar(select(Label).where(Label.project_id == project_id, Label.name == name))
    if label is None:
        known = ", ".join(tx.session.scalars(select(Label.name).where(Label.project_id == project_id)))
        raise NotFoundError(f"no label {name!r} (labels: {known or 'none'})")
    return label


def get_relation_type(tx: Tx, project_id: int, name: str) -> RelationType:
    query = select(RelationType).where(RelationType.project_id == project_id, RelationType.name == name)
    found = tx.session.scalar(query)
    if found is None:
        names = tx.session.scalars(select(RelationType.name).where(RelationType.project_id == project_id))
        raise NotFoundError(f"no relation type {name!r} (relation types: {', '.join(names) or 'none'})")
    return found


def by_id(tx: Tx, kind: Kind, row_id: int) -> Any:
    """A label or relation type by id (the schema editor holds ids), refused once it is gone."""
    row = tx.session.get(kind, row_id)
    if row is None:
        raise NotFoundError(f"the {_what(kind)} (id {row_id}) was deleted meanwhile")
    return row


def _count(tx: Tx, kind: Kind, project_id: int) -> int:
    return tx.session.scalar(select(func.count()).where(kind.project_id == project_id)) or 0


def add_label(
    tx: Tx,
    project_id: int,
    name: str,
    *,
    color: str | None = None,
    hotkey: str | None = None,
    description: str = "",
) -> Label:
    name = _check_new_name(tx, Label, project_id, name)
    count = _count(tx, Label, project_id)
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
    retired: bool | None = None,
) -> Label:
    """Rename, recolour, re-key, re-describe, retire or un-retire a label; spans keep it (they
    refer to its id). ``hotkey=""`` clears the key. Un-retiring is refused while its key has
    gone to another label. The audit entry records each changed field before and after."""
    before = _fields(label)
    if name is not None and name.strip() != label.name:
        label.name = _check_new_name(tx, Label, label.project_id, name, label.id)
    if color is not None:
        label.color = _check_color(color)
    if hotkey is not None:
        label.hotkey = _check_hotkey(tx, label.project_id, hotkey, label.id)
    if description is not None:
        label.description = description
    if retired is not None:
        if not retired and label.retired and label.hotkey:
            _check_hotkey(tx, label.project_id, label.hotkey, label.id)
        label.retired = retired
    _record_update(tx, "label", label, before)
    return label


def _fields(row: Label | RelationType) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": row.name,
        "color": row.color,
        "hotkey": row.hotkey,
        "description": row.description,
        "retired": bool(row.retired),
        "position": row.position,
    }
    if isinstance(row, RelationType):
        out |= {"from_label_id": row.from_label_id, "to_label_id": row.to_label_id}
    return out


def _record_update(tx: Tx, entity: str, row: Label | RelationType, before: dict[str, Any]) -> None:
    tx.session.flush()
    after = _fields(row)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return
    detail = {"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}}
    tx.record(entity, "updated", (row.id,), detail={"name": row.name, **detail})  # type: ignore[arg-type]


def move(tx: Tx, row: Label | RelationType, position: int) -> None:
    """Put a label (or relation type) at ``position`` (0-based, clamped) of its list; the others
    keep their order. The palette's 1-9 keys follow the labels' order."""
    kind: Kind = type(row)
    entity = "label" if kind is Label else "relation_type"
    query = select(kind).where(kind.project_id == row.project_id).order_by(kind.position, kind.id)
    found: list[Any] = list(tx.session.scalars(query))
    rows = [r for r in found if r.id != row.id]
    rows.insert(max(0, min(position, len(rows))), row)
    moved = [r.id for i, r in enumerate(rows) if r.position != i]
    for i, r in enumerate(rows):
        r.position = i
    tx.session.flush()
    if moved:
        tx.record(entity, "updated", moved, detail={"name": row.name, "position": rows.index(row)})  # type: ignore[arg-type]


def usage(tx: Tx, label: Label) -> tuple[int, list[str]]:
    """How many spans carry ``label``, and the relation types whose ends name it."""
    used = tx.session.scalar(select(func.count()).where(Annotation.label_id == label.id)) or 0
    ends = or_(RelationType.from_label_id == label.id, RelationType.to_label_id == label.id)
    return used, list(tx.session.scalars(select(RelationType.name).where(ends).order_by(RelationType.id)))


def remove_label(tx: Tx, label: Label, *, delete_annotations: bool = False) -> int:
    """Remove a label; refused while spans or relation types use it unless asked to delete those.

    Returns the number of spans deleted with it.
    """
    used, type_names = usage(tx, label)
    if (used or type_names) and not delete_annotations:
        what = [f"{used} span(s)"] if used else []
        what += [f"relation type {t}" for t in type_names]
        raise ValidationError(
            f"label {label.name!r} is used by {', '.join(what)}; retire it instead (its spans keep it), "
            "remove it with its annotations (--delete-annotations) or relabel them first"
        )
    ends = or_(RelationType.from_label_id == label.id, RelationType.to_label_id == label.id)
    for rtype in tx.session.scalars(select(RelationType).where(ends)):
        # A relation type tied to a removed label loses that restriction, not its relations.
        before = _fields(rtype)
        if rtype.from_label_id == label.id:
            rtype.from_label_id = None
        if rtype.to_label_id == label.id:
            rtype.to_label_id = None
        _record_update(tx, "relation_type", rtype, before)
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
    _delete_row(tx, label)
    return len(span_ids)


def _delete_row(tx: Tx, row: Label | RelationType) -> None:
    """Delete a label or relation type and close the gap in its list's positions."""
    kind: Kind = type(row)
    detail = _fields(row)
    tx.session.delete(row)
    tx.session.flush()
    later = list(
        tx.session.scalars(
            select(kind.id).where(kind.project_id == row.project_id, kind.position > row.position)
        )
    )
    if later:
        tx.session.execute(update(kind).where(kind.id.in_(later)).values(position=kind.position - 1))
    entity = "label" if kind is Label else "relation_type"
    tx.record(entity, "deleted", (row.id,), detail=detail)  # type: ignore[arg-type]


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
    name = _check_new_name(tx, RelationType, project_id, name)
    rtype = RelationType(
        project_id=project_id,
        name=name,
        color=_check_color(color or "#555555"),
        hotkey=hotkey or None,
        description=description,
        from_label_id=get_label(tx, project_id, from_label).id if from_label else None,
        to_label_id=get_label(tx, project_id, to_label).id if to_label else None,
        position=_count(tx, RelationType, project_id),
    )
    tx.session.add(rtype)
    tx.session.flush()
    tx.record("relation_type", "created", (rtype.id,))
    return rtype


ANY = ""  # ``ends`` value: no restriction on that end


def update_relation_type(
    tx: Tx,
    rtype: RelationType,
    *,
    name: str | None = None,
    color: str | None = None,
    description: str | None = None,
    from_label: str | None = None,
    to_label: str | None = None,
    retired: bool | None = None,
) -> RelationType:
    """Rename, recolour, re-describe, retire or restrict a relation type (``from_label``/``to_label``:
    a label name, or ``ANY``). A restriction that relations of the type would break is refused."""
    before = _fields(rtype)
    if name is not None and name.strip() != rtype.name:
        rtype.name = _check_new_name(tx, RelationType, rtype.project_id, name, rtype.id)
    if color is not None:
        rtype.color = _check_color(color)
    if description is not None:
        rtype.description = description
    if retired is not None:
        rtype.retired = retired
    for end, value in (("from_label_id", from_label), ("to_label_id", to_label)):
        if value is not None:
            setattr(rtype, end, get_label(tx, rtype.project_id, value).id if value != ANY else None)
    if (rtype.from_label_id, rtype.to_label_id) != (before["from_label_id"], before["to_label_id"]):
        _check_ends_fit(tx, rtype)
    _record_update(tx, "relation_type", rtype, before)
    return rtype


def _check_ends_fit(tx: Tx, rtype: RelationType) -> None:
    source, target = Annotation.__table__.alias("source"), Annotation.__table__.alias("target")
    misfit = [Relation.type_id == rtype.id]
    wrong = []
    if rtype.from_label_id is not None:
        wrong.append(source.c.label_id != rtype.from_label_id)
    if rtype.to_label_id is not None:
        wrong.append(target.c.label_id != rtype.to_label_id)
    if not wrong:
        return
    query = (
        select(func.count())
        .select_from(Relation)
        .join(source, source.c.id == Relation.source_id)
        .join(target, target.c.id == Relation.target_id)
        .where(*misfit, or_(*wrong))
    )
    count = tx.session.scalar(query) or 0
    if count:
        raise ValidationError(
            f"{count} relation(s) of type {rtype.name!r} link other labels; "
            "those ends would no longer fit (delete or retype them first, or add a new type)"
        )


def remove_relation_type(tx: Tx, rtype: RelationType, *, delete_relations: bool = False) -> int:
    used = [
        relation_data(r) for r in tx.session.scalars(select(Relation).where(Relation.type_id == rtype.id))
    ]
    if used and not delete_relations:
        raise ValidationError(
            f"relation type {rtype.name!r} is used by {len(used)} relation(s); retire it instead "
            "(its relations keep it) or remove it with its relations (--delete-annotations)"
        )
    if used:
        records = relation_records(tx, used)
        tx.session.execute(delete(Relation).where(Relation.type_id == rtype.id))
        tx.record("relation", "deleted", [r.id for r in used], details=records)
    _delete_row(tx, rtype)
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
