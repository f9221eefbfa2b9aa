"""A project's codebook as one JSON file, so a team shares its schema and guidelines.

The file (``annotator codebook export -o FILE``; the schema is in the README)::

    {"codebook": 1,
     "labels": [{"name": "QUOTE", "color": "#0072B2", "hotkey": "q", "description": "...",
                 "attributes": [{"name": "type", "type": "choice",
                                 "values": ["direct", "indirect"], "description": "..."}]}],
     "relation_types": [{"name": "speaker", "from": "QUOTE", "to": "ACTOR", "color": "#555555",
                         "hotkey": null, "description": "...", "attributes": [...]}],
     "document_attributes": [{"name": "genre", "type": "choice", "values": [...], ...}]}

Importing adds what the project lacks and updates changed colours, keys, descriptions and the
choices of attributes; it never removes anything. The whole file is checked first: bad input is
refused naming the place (``labels[2].hotkey``) and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.atomic import atomic_write
from annotator.attributes import (
    DOCUMENT,
    KINDS,
    check_choices,
    define_attribute,
    get_attribute,
    list_attributes,
    update_attribute,
)
from annotator.errors import AnnotatorError, InputError
from annotator.model import Label, RelationType
from annotator.ops.labels import add_label, add_relation_type, get_label, update_label
from annotator.tx import Tx

VERSION = 1


def _attributes(rows: list[Any], scope: str, owner: str) -> list[dict[str, Any]]:
    return [
        {"name": a.name, "type": a.kind, "values": list(a.choices), "description": a.description}
        for a in rows
        if a.scope == scope and a.owner == owner
    ]


def export_codebook(session: Session, project_id: int) -> dict[str, Any]:
    """The project's labels, relation types and attributes, in their order, as JSON values."""
    labels = list(
        session.scalars(select(Label).where(Label.project_id == project_id).order_by(Label.position))
    )
    types = list(
        session.scalars(
            select(RelationType).where(RelationType.project_id == project_id).order_by(RelationType.id)
        )
    )
    names = {label.id: label.name for label in labels}
    attrs = list_attributes(session, project_id)
    return {
        "codebook": VERSION,
        "labels": [
            {
                "name": lab.name,
                "color": lab.color,
                "hotkey": lab.hotkey,
                "description": lab.description,
                "attributes": _attributes(attrs, "label", lab.name),
            }
            for lab in labels
        ],
        "relation_types": [
            {
                "name": t.name,
                "from": names.get(t.from_label_id or -1),
                "to": names.get(t.to_label_id or -1),
                "color": t.color,
                "hotkey": t.hotkey,
                "description": t.description,
                "attributes": _attributes(attrs, "relation", t.name),
            }
            for t in types
        ],
        "document_attributes": _attributes(attrs, DOCUMENT, DOCUMENT),
    }


def write_codebook(session: Session, project_id: int, path: Path) -> dict[str, Any]:
    data = export_codebook(session, project_id)
    with atomic_write(path) as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return data


class _Bad(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")


def _text(item: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            raise _Bad(f"{where}.{key}", "is missing")
        return None
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f"must be text, got {value!r}")
    return value


def _check_item(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise _Bad(where, "must be an object")
    _text(item, "name", where, required=True)
    for key in ("color", "description", "from", "to"):
        _text(item, key, where)
    hotkey = _text(item, "hotkey", where)
    if hotkey is not None and hotkey != "" and (len(hotkey) != 1 or not hotkey.isalnum()):
        raise _Bad(f"{where}.hotkey", f"{hotkey!r} must be one letter or digit")
    _check_attributes(item.get("attributes", []), f"{where}.attributes")


def _check_attributes(attrs: Any, path: str) -> None:
    if not isinstance(attrs, list):
        raise _Bad(path, "must be a list")
    for j, attr in enumerate(attrs):
        at = f"{path}[{j}]"
        if not isinstance(attr, dict):
            raise _Bad(at, "must be an object")
        _text(attr, "name", at, required=True)
        _text(attr, "description", at)
        kind = _text(attr, "type", at, required=True)
        if kind not in KINDS:
            raise _Bad(f"{at}.type", f"{kind!r} is not one of {', '.join(KINDS)}")
        values = attr.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _Bad(f"{at}.values", "must be a list of texts")
        try:
            check_choices(kind, values, "values")
        except AnnotatorError as exc:
            raise _Bad(f"{at}.values", str(exc)) from None


def check_codebook(data: Any) -> None:
    """Refuse a malformed codebook, naming the place (``labels[2].hotkey``)."""
    if not isinstance(data, dict):
        raise _Bad("(top)", "a codebook is a JSON object")
    if data.get("codebook") != VERSION:
        raise _Bad(
            "codebook", f"must be {VERSION} (the version of this format), got {data.get('codebook')!r}"
        )
    for key in ("labels", "relation_types"):
        items = data.get(key, [])
        if not isinstance(items, list):
            raise _Bad(key, "must be a list")
        for i, item in enumerate(items):
            _check_item(item, f"{key}[{i}]")
    _check_attributes(data.get("document_attributes", []), "document_attributes")


@dataclass(slots=True)
class CodebookReport:
    """What an import changed, one line each ("added label CUE", "QUOTE: colour #a → #b")."""

    changes: list[str] = field(default_factory=list)


def _apply_attributes(
    tx: Tx, project_id: int, owner: str, scope: str, attrs: list[Any], path: str, report: CodebookReport
) -> None:
    have = {
        a.name: a for a in list_attributes(tx.session, project_id) if a.scope == scope and a.owner == owner
    }
    for j, attr in enumerate(attrs):
        at, name = f"{path}[{j}]", attr["name"]
        values, description = attr.get("values", []), attr.get("description")
        try:
            if name not in have:
                define_attribute(
                    tx,
                    project_id,
                    owner,
                    name,
                    attr["type"],
                    values,
                    description=description or "",
                    scope=scope,
                )
                report.changes.append(f"added attribute {owner}.{name} ({attr['type']})")
                continue
            old = have[name]
            if old.kind != attr["type"]:
                raise _Bad(f"{at}.type", f"{owner}.{name} is {old.kind} in the project, not {attr['type']}")
            row = get_attribute(tx.session, project_id, owner, name, scope)
            if old.kind in ("choice", "multi") and list(old.choices) != values:
                # Choices the project has and the file lacks stay: an import never removes.
                merged = list(values) + [c for c in old.choices if c not in values]
                if merged != list(old.choices):
                    update_attribute(tx, row, choices=merged)
                    report.changes.append(f"{owner}.{name}: values {', '.join(merged)}")
            if description is not None and description != old.description:
                update_attribute(tx, row, description=description)
                report.changes.append(f"{owner}.{name}: description")
        except AnnotatorError as exc:
            raise _Bad(at, str(exc)) from None


def _apply_fields(
    item: dict[str, Any], row: Label | RelationType, what: str, report: CodebookReport
) -> dict[str, Any]:
    changed = {}
    for key, current in (("color", row.color), ("hotkey", row.hotkey), ("description", row.description)):
        new = item.get(key)
        if key == "hotkey" and new == "":
            new = None
        if key in item and new != current and not (key == "color" and new is None):
            changed[key] = new
            report.changes.append(f"{what} {row.name}: {key} {current!r} → {new!r}")
    return changed


def apply_codebook(tx: Tx, project_id: int, data: Any) -> CodebookReport:
    """Apply a codebook (checked first); raises ``_Bad`` naming the place, leaving the caller's
    transaction to roll back."""
    check_codebook(data)
    report = CodebookReport()
    for i, item in enumerate(data.get("labels", [])):
        where = f"labels[{i}]"
        try:
            label = tx.session.scalar(
                select(Label).where(Label.project_id == project_id, Label.name == item["name"])
            )
            if label is None:
                label = add_label(
                    tx,
                    project_id,
                    item["name"],
                    color=item.get("color"),
                    hotkey=item.get("hotkey"),
                    description=item.get("description") or "",
                )
                report.changes.append(f"added label {label.name}")
            else:
                changed = _apply_fields(item, label, "label", report)
                if changed:
                    changed["hotkey"] = changed.get("hotkey", label.hotkey) or ""
                    update_label(tx, label, **changed)
        except _Bad:
            raise
        except AnnotatorError as exc:
            raise _Bad(where, str(exc)) from None
        _apply_attributes(
            tx, project_id, label.name, "label", item.get("attributes", []), f"{where}.attributes", report
        )
    for i, item in enumerate(data.get("relation_types", [])):
        where = f"relation_types[{i}]"
        try:
            rtype = tx.session.scalar(
                select(RelationType).where(
                    RelationType.project_id == project_id, RelationType.name == item["name"]
                )
            )
            if rtype is None:
                for end in ("from", "to"):
                    if item.get(end):
                        get_label(tx, project_id, item[end])
                rtype = add_relation_type(
                    tx,
                    project_id,
                    item["name"],
                    from_label=item.get("from"),
                    to_label=item.get("to"),
                    color=item.get("color"),
                    hotkey=item.get("hotkey"),
                    description=item.get("description") or "",
                )
                report.changes.append(f"added relation type {rtype.name}")
            else:
                changed = _apply_fields(item, rtype, "relation type", report)
                for key, value in changed.items():
                    setattr(rtype, key, value)
                if changed:
                    tx.session.flush()
                    tx.record(
                        "relation_type", "updated", (rtype.id,), detail={"name": rtype.name, "after": changed}
                    )
        except AnnotatorError as exc:
            raise _Bad(where, str(exc)) from None
        _apply_attributes(
            tx, project_id, rtype.name, "relation", item.get("attributes", []), f"{where}.attributes", report
        )
    documents = data.get("document_attributes", [])
    _apply_attributes(tx, project_id, DOCUMENT, DOCUMENT, documents, "document_attributes", report)
    return report


def import_codebook(tx: Tx, project_id: int, path: Path) -> CodebookReport:
    """Read and apply ``path``; InputError names the file and the place (line for bad JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read it: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    try:
        return apply_codebook(tx, project_id, data)
    except _Bad as exc:
        raise InputError(str(path), str(exc)) from None
