"""Attribute values on spans and relations: parsing, checking, setting (one undoable step each).

A value is stored on its row (``Annotation.attributes`` / ``Relation.attributes``, a JSON object
by attribute name) as JSON of its kind: choice → "direct", multi → ["a", "b"] (in the
codebook's order), bool → true/false, number → 3 or 2.5, text → "one line". Setting checks the
value against the definition of the row's label (or relation type) first: a value outside the
choices, of the wrong type, an unknown attribute or a missing span is refused and nothing is
written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.attributes import AttributeInfo, info, siblings
from annotator.errors import NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Annotator,
    AttributeDef,
    Relation,
    Role,
    utcnow,
)
from annotator.tx import Tx
from annotator.undo import undoable
from annotator.undo.rows import Step

TEXT_LIMIT = 500
_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off"}


def parse_value(attr: AttributeInfo, text: str) -> Any:
    """A value typed as text (the CLI's VALUE, a CSV cell) as its kind's JSON value."""
    what = attr.qualified
    text = text.strip()
    if attr.kind == "bool":
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise ValidationError(f"{what} is yes/no: {text!r} is neither (yes, no, true, false, 1, 0)")
    if attr.kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(f"{what} is a number: {text!r} is not one") from None
        return check_value(attr, int(number) if number.is_integer() and "." not in text else number)
    if attr.kind == "multi":
        return check_value(attr, [p.strip() for p in text.split(",") if p.strip()])
    return check_value(attr, text)


def check_value(attr: AttributeInfo, value: Any) -> Any:
    """``value`` normalised for storing, or ValidationError naming the attribute and what it takes."""
    what = attr.qualified
    if attr.kind == "choice":
        if not isinstance(value, str) or value not in attr.choices:
            raise ValidationError(f"{what}: {value!r} is not one of {', '.join(attr.choices)}")
        return value
    if attr.kind == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise ValidationError(f"{what} takes a list of {', '.join(attr.choices)}, got {value!r}")
        wrong = [v for v in value if v not in attr.choices]
        if wrong:
            raise ValidationError(f"{what}: {wrong[0]!r} is not one of {', '.join(attr.choices)}")
        return [c for c in attr.choices if c in value]
    if attr.kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(f"{what} is yes/no (true or false), got {value!r}")
        return value
    if attr.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError(f"{what} is a number, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ValidationError(f"{what} is a short text, got {value!r}")
    if "\n" in value or "\r" in value or len(value) > TEXT_LIMIT:
        raise ValidationError(f"{what} is one line of at most {TEXT_LIMIT} characters")
    return value


def show_value(value: Any) -> str:
    """A stored value as a person reads it: direct, a+b, yes, 2.5."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "+".join(str(v) for v in value)
    return str(value)


def definitions_for(tx: Tx, scope: str, owner_id: int) -> dict[str, AttributeInfo]:
    """The attributes of one label (or relation type; scope "document": of a project's documents), by name."""
    rows = tx.session.scalars(
        select(AttributeDef).where(siblings(scope, owner_id)).order_by(AttributeDef.position)
    )
    return {a.name: info(tx.session, a) for a in rows}


def _row(tx: Tx, kind: str, row_id: int) -> Annotation | Relation:
    model: type[Annotation] | type[Relation] = Annotation if kind == "span" else Relation
    row = cast("Annotation | Relation | None", tx.session.get(model, row_id))
    if row is None:
        raise NotFoundError(f"no {kind} with id {row_id}")
    return row


def checked_values(
    tx: Tx, row: Annotation | Relation, values: dict[str, Any], where: str = ""
) -> dict[str, Any]:
    """A whole set of values (an import's ``"attributes"``) checked against the row's owner."""
    scope, owner = ("label", row.label_id) if isinstance(row, Annotation) else ("relation", row.type_id)
    known = definitions_for(tx, scope, owner)
    out = {}
    for name, value in values.items():
        if name not in known:
            raise NotFoundError(
                f"{where}no attribute {name!r} here (attributes: {', '.join(known) or 'none'})"
            )
        out[name] = check_value(known[name], value)
    return out


def set_value(tx: Tx, kind: str, row_id: int, name: str, value: Any) -> dict[str, Any]:
    """Set (``value`` None: clear) attribute ``name`` of span or relation ``row_id``.

    Checked first (the row exists and is the actor's to change, its label has ``name``, the
    value is of its kind); the row's version moves on and the audit log has before and after.
    Returns the row's values now.
    """
    row = _row(tx, kind, row_id)
    tx.check_owner(row.annotator_id, f"{kind} {row_id}")
    scope, owner = ("label", row.label_id) if isinstance(row, Annotation) else ("relation", row.type_id)
    known = definitions_for(tx, scope, owner)
    if name not in known:
        raise NotFoundError(
            f"{kind} {row_id} has no attribute {name!r} (its attributes: {', '.join(known) or 'none'})"
        )
    old = dict(row.attributes or {})
    new = dict(old)
    if value is None:
        new.pop(name, None)
    else:
        new[name] = check_value(known[name], value)
    if new == old:
        return new
    row.attributes = new or None
    if isinstance(row, Annotation):
        row.version += 1
        row.updated_at = utcnow()
    tx.session.flush()
    entity: Literal["annotation", "relation"] = "annotation" if kind == "span" else "relation"
    detail = {"attribute": known[name].qualified, "before": old.get(name), "after": new.get(name)}
    tx.record(entity, "updated", (row.id,), (row.document_id,), detail)
    return new


def set_value_step(tx: Tx, kind: str, row_id: int, name: str, value: Any) -> Step:
    """``set_value`` as one undoable step of the row's owner (a gold row: a review step)."""
    row = _row(tx, kind, row_id)
    gold = (
        tx.session.scalar(select(Annotator.role).where(Annotator.id == row.annotator_id)) == Role.GOLD.value
    )
    who = tx.actor.id if tx.actor is not None and tx.actor.id is not None else row.annotator_id
    verb = "Clear" if value is None else "Set"
    title = f"{verb} {name} of {kind} {row_id}"
    spans = [row.id] if isinstance(row, Annotation) else []
    relations = [row.id] if isinstance(row, Relation) else []
    if gold:
        with (
            tx.reviewing(),
            undoable(
                tx, title, [row.document_id], annotator_id=who, review=True, spans=spans, relations=relations
            ) as step,
        ):
            set_value(tx, kind, row_id, name, value)
        return step
    with undoable(tx, title, [row.document_id], annotator_id=who, spans=spans, relations=relations) as step:
        set_value(tx, kind, row_id, name, value)
    return step


def values_of_spans(
    session: Session, document_id: int, span_ids: Sequence[int] | None = None
) -> dict[int, dict[str, Any]]:
    """The values of a document's spans that have any (or of ``span_ids``), by span id: one
    query over the few rows with values, whatever the document's size."""
    query = select(Annotation.id, Annotation.attributes).where(Annotation.document_id == document_id)
    if span_ids is not None:
        query = query.where(Annotation.id.in_(list(span_ids)))
    else:
        query = query.where(Annotation.attributes.is_not(None))
    return {i: v for i, v in session.execute(query) if isinstance(v, dict) and v}
