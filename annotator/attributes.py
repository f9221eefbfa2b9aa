"""The codebook's typed attributes: definitions per label and per relation type.

QUOTE.type = direct / indirect / mixed, ACTOR.role, CLAIM.stance: a definition names its owner (a
label, or a relation type), its kind, its choices, a description (the guideline shown to coders)
and its order. Values live on the spans and relations themselves (``Annotation.attributes``, by
attribute name; see ``annotator.attributes_values``), so they are owned, undone, reviewed, merged
and exported with their row. Definitions are the project's schema, audited like labels.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    AttributeDef,
    Document,
    DocumentAttribute,
    Label,
    Relation,
    RelationType,
)
from annotator.names import check_name
from annotator.tx import Tx

KINDS = ("choice", "multi", "bool", "number", "text")
"""choice (one of), multi (several of), bool (yes/no), number, text (short, one line)."""
SCOPES = ("label", "relation", "document")
DOCUMENT = "document"  # how document-level attributes are named: document.genre


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    """A definition as plain values, for the faces (the GUI never holds ORM rows)."""

    id: int
    scope: str
    owner_id: int
    owner: str
    name: str
    kind: str
    choices: tuple[str, ...]
    description: str
    position: int

    @property
    def qualified(self) -> str:
        """``QUOTE.type``: how errors and the codebook name it."""
        return f"{self.owner}.{self.name}"


def canonical(values: Any) -> str:
    """A span's values as one comparable text (review compares readings by it); "" for none."""
    return (
        json.dumps(values, sort_keys=True, ensure_ascii=False) if isinstance(values, dict) and values else ""
    )


def agreeing(session: Session, document_id: int, groups: Sequence[Sequence[int]]) -> list[int]:
    """The span ids of the ``groups`` (spans of the document on the same offsets with the same
    label) whose attribute values and registry actor are the same too: what review counts as agreed."""
    query = select(Annotation.id, Annotation.attributes, Annotation.actor_id).where(
        Annotation.document_id == document_id,
        or_(Annotation.attributes.is_not(None), Annotation.actor_id.is_not(None)),
    )
    values = (
        {i: canonical({**(v or {}), **({"@actor": a} if a else {})}) for i, v, a in session.execute(query)}
        if groups
        else {}
    )
    return [i for group in groups if len({values.get(j, "") for j in group}) == 1 for i in group]


def info(session: Session, attr: AttributeDef) -> AttributeInfo:
    owner: str | None = DOCUMENT
    if attr.scope == DOCUMENT:
        owner_id = attr.project_id
    elif attr.scope == "relation":
        owner_id = attr.relation_type_id or 0
        owner = session.scalar(select(RelationType.name).where(RelationType.id == owner_id))
    else:
        owner_id = attr.label_id or 0
        owner = session.scalar(select(Label.name).where(Label.id == owner_id))
    return AttributeInfo(
        attr.id,
        attr.scope,
        owner_id,
        owner or "?",
        attr.name,
        attr.kind,
        tuple(attr.choices or ()),
        attr.description,
        attr.position,
    )


def list_attributes(session: Session, project_id: int) -> list[AttributeInfo]:
    """Every definition of the project: label attributes in label order, then relation types'."""
    query = (
        select(AttributeDef, Label.position, RelationType.id)
        .outerjoin(Label, Label.id == AttributeDef.label_id)
        .outerjoin(RelationType, RelationType.id == AttributeDef.relation_type_id)
        .where(AttributeDef.project_id == project_id)
    )
    rows = list(session.execute(query).all())
    rows.sort(key=lambda r: (SCOPES.index(r[0].scope), r[1] or 0, r[2] or 0, r[0].position, r[0].id))
    return [info(session, r[0]) for r in rows]


class _Parent(NamedTuple):
    id: int
    name: str


def _owner(session: Session, project_id: int, scope: str, owner: str) -> _Parent:
    """The label or relation type named ``owner``; for document attributes, the project."""
    if scope == DOCUMENT:
        return _Parent(project_id, DOCUMENT)
    model: type[Label] | type[RelationType] = Label if scope == "label" else RelationType
    found = cast(
        "Label | RelationType | None",
        session.scalar(select(model).where(model.project_id == project_id, model.name == owner)),
    )
    if found is None:
        what = "label" if scope == "label" else "relation type"
        known = ", ".join(session.scalars(select(model.name).where(model.project_id == project_id)))
        raise NotFoundError(f"no {what} {owner!r} ({what}s: {known or 'none'})")
    return _Parent(found.id, found.name)


def siblings(scope: str, owner_id: int) -> Any:
    """The definitions of one owner (a label, a relation type, or the project's documents)."""
    if scope == DOCUMENT:
        return and_(AttributeDef.project_id == owner_id, AttributeDef.scope == DOCUMENT)
    return (AttributeDef.label_id if scope == "label" else AttributeDef.relation_type_id) == owner_id


def _owner_id(attr: AttributeDef) -> int:
    if attr.scope == DOCUMENT:
        return attr.project_id
    return (attr.label_id if attr.scope == "label" else attr.relation_type_id) or 0


def get_attribute(
    session: Session, project_id: int, owner: str, name: str, scope: str = "label"
) -> AttributeDef:
    """The definition ``owner.name``; NotFoundError lists the owner's attributes."""
    parent = _owner(session, project_id, scope, owner)
    attr = session.scalar(select(AttributeDef).where(siblings(scope, parent.id), AttributeDef.name == name))
    if attr is None:
        known = ", ".join(session.scalars(select(AttributeDef.name).where(siblings(scope, parent.id))))
        raise NotFoundError(f"{owner} has no attribute {name!r} (attributes: {known or 'none'})")
    return attr


def check_choices(kind: str, choices: Sequence[str], what: str) -> list[str]:
    """Choices of a choice/multi attribute: at least one, unique, printable, no commas (the CLI's
    ``--values a,b`` and a multi value's text separate them)."""
    if kind not in KINDS:
        raise ValidationError(f"{what}: type {kind!r} is not one of {', '.join(KINDS)}")
    cleaned = [c.strip() for c in choices]
    if kind not in ("choice", "multi"):
        if any(cleaned):
            raise ValidationError(f"{what}: a {kind} attribute takes no --values (only choice and multi do)")
        return []
    if not cleaned or not all(cleaned):
        raise ValidationError(f"{what}: a {kind} attribute needs its values, e.g. --values a,b,c")
    for c in cleaned:
        check_name(c, "value")
        if "," in c:
            raise ValidationError(f"{what}: value {c!r} may not contain a comma")
    twice = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if twice:
        raise ValidationError(f"{what}: value {twice[0]!r} is listed twice")
    return cleaned


def _check_new_name(
    session: Session, scope: str, owner_id: int, name: str, what: str, own_id: int | None = None
) -> str:
    """A name no sibling has, ignoring case (imports fold case, see import_names.py)."""
    name = check_name(name.strip(), "attribute")
    if not name or "." in name or "=" in name or ";" in name:
        raise ValidationError(f"attribute name {name!r} must be non-empty, without '.', '=' or ';'")
    for other_id, other in session.execute(
        select(AttributeDef.id, AttributeDef.name).where(siblings(scope, owner_id))
    ):
        if other_id != own_id and other.casefold() == name.casefold():
            same = "" if other == name else f" (as {other!r}; names differ only in case)"
            raise ValidationError(f"{what} has an attribute {name!r} already{same}")
    return name


def define_attribute(
    tx: Tx,
    project_id: int,
    owner: str,
    name: str,
    kind: str,
    choices: Sequence[str] = (),
    *,
    description: str = "",
    scope: str = "label",
) -> AttributeDef:
    """Add ``owner.name`` (owner: a label, with scope "relation" a relation type, with scope
    "document" nothing: the attribute describes whole documents), last in order."""
    if scope not in SCOPES:
        raise ValidationError(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    parent = _owner(tx.session, project_id, scope, owner)
    name = _check_new_name(tx.session, scope, parent.id, name, parent.name)
    cleaned = check_choices(kind, choices, f"{parent.name}.{name}")
    count = tx.session.scalar(select(func.count()).where(siblings(scope, parent.id))) or 0
    attr = AttributeDef(
        project_id=project_id,
        scope=scope,
        label_id=parent.id if scope == "label" else None,
        relation_type_id=parent.id if scope == "relation" else None,
        name=name,
        kind=kind,
        choices=cleaned,
        description=description,
        position=count,
    )
    tx.session.add(attr)
    tx.session.flush()
    tx.record("attribute", "created", (attr.id,), detail={"attribute": f"{parent.name}.{name}", "kind": kind})
    return attr


def _values_table(scope: str) -> Any:
    return {"label": Annotation, "relation": Relation}.get(scope, DocumentAttribute)


def _carriers(session: Session, attr: AttributeDef) -> list[tuple[int, dict[str, Any]]]:
    """(row id, values) of the spans, relations or documents that hold a value of ``attr``."""
    model = _values_table(attr.scope)
    if attr.scope == DOCUMENT:
        docs = select(Document.id).where(Document.project_id == attr.project_id)
        where = model.document_id.in_(docs)
    else:
        where = (model.label_id if attr.scope == "label" else model.type_id) == _owner_id(attr)
    query = select(model.id, model.attributes).where(where, model.attributes.is_not(None))
    return [(i, v) for i, v in session.execute(query) if isinstance(v, dict) and attr.name in v]


def usage(session: Session, attr: AttributeDef) -> int:
    """How many spans (or relations) carry a value of ``attr``."""
    return len(_carriers(session, attr))


def _rewrite(tx: Tx, attr: AttributeDef, change: Any) -> int:
    """Rewrite each carrier's values with ``change(values) -> values``; all or nothing (on
    PostgreSQL row-level security hides teammates' rows from an update: that refuses)."""
    model = _values_table(attr.scope)
    carriers = _carriers(tx.session, attr)
    for row_id, values in carriers:
        result = tx.session.execute(
            update(model).where(model.id == row_id).values(attributes=change(dict(values))),
            execution_options={"synchronize_session": False},
        )
        if getattr(result, "rowcount", 1) != 1:
            raise ValidationError(
                f"{len(carriers)} spans carry {attr.name}, some of them a teammate's that you may not "
                "change; ask the project's owner (the database admin) to do it"
            )
    return len(carriers)


def update_attribute(
    tx: Tx,
    attr: AttributeDef,
    *,
    name: str | None = None,
    description: str | None = None,
    choices: Sequence[str] | None = None,
    position: int | None = None,
) -> AttributeDef:
    """Rename (values follow), re-describe, reorder, or change the choices of a definition.

    A choice that values still use cannot be dropped (the count is named); renaming a choice is
    dropping one and adding another, so it is refused the same way while in use.
    """
    parent = info(tx.session, attr).owner
    before = _fields(attr)
    if choices is not None:
        cleaned = check_choices(attr.kind, choices, f"{parent}.{attr.name}")
        dropped = set(attr.choices or ()) - set(cleaned)
        used = [
            v
            for _i, values in _carriers(tx.session, attr)
            for v in (values[attr.name] if isinstance(values[attr.name], list) else [values[attr.name]])
            if v in dropped
        ]
        if used:
            raise ValidationError(
                f"{parent}.{attr.name}: value {sorted(set(used))[0]!r} is used by {len(used)} span(s); "
                "change those first"
            )
        attr.choices = cleaned
    if name is not None and name.strip() != attr.name:
        new = _check_new_name(tx.session, attr.scope, _owner_id(attr), name, parent, attr.id)
        old = attr.name

        def renamed(values: dict[str, Any]) -> dict[str, Any]:
            return {(new if k == old else k): v for k, v in values.items()}

        _rewrite(tx, attr, renamed)
        attr.name = new
    if description is not None:
        attr.description = description
    if position is not None:
        attr.position = position
    tx.session.flush()
    after = _fields(attr)
    changed = [k for k in after if after[k] != before[k]]
    detail = {"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}}
    tx.record("attribute", "updated", (attr.id,), detail={"attribute": f"{parent}.{attr.name}", **detail})
    return attr


def _fields(attr: AttributeDef) -> dict[str, Any]:
    """What the audit log compares before and after a change of a definition."""
    return {
        "name": attr.name,
        "description": attr.description,
        "choices": list(attr.choices or []),
        "position": attr.position,
    }


def delete_attribute(tx: Tx, attr: AttributeDef) -> None:
    """Remove a definition; refused while spans carry it (the message names how many)."""
    what = info(tx.session, attr).qualified
    used = usage(tx.session, attr)
    if used:
        rows = {"label": "span(s)", "relation": "relation(s)"}.get(attr.scope, "document(s)")
        raise ValidationError(f"{what} is set on {used} {rows}; clear those values first")
    tx.session.delete(attr)
    tx.session.flush()
    tx.record("attribute", "deleted", (attr.id,), detail={"attribute": what})


def describe_attribute(tx: Tx, attribute_id: int, text: str) -> None:
    """Give the attribute ``attribute_id`` a new description (its guideline)."""
    attr = tx.session.get(AttributeDef, attribute_id)
    if attr is None:
        raise NotFoundError(f"no attribute with id {attribute_id}")
    update_attribute(tx, attr, description=text)
