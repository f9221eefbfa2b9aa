"""The codebook in native JSONL: each document line lists the attributes its values use.

    "codebook": [{"label": "QUOTE", "name": "type", "type": "choice", "values": ["direct", "indirect"]},
                 {"relation": "speaker", "name": "certain", "type": "bool"},
                 {"document": true, "name": "genre", "type": "text"}]

Only lines with values carry it, and only the definitions those values use, so a line read alone (a
split, a merge, a restore into a fresh project) still says what its values mean; the import
creates what the project lacks and refuses a definition of another type
(``annotator.codebook_carry``). Plain records only: no database here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.records import DefinitionRecord, DocRecord

KINDS = ("choice", "multi", "bool", "number", "text")  # as annotator.attributes.KINDS
DOCUMENT = "document"


def used_names(record: DocRecord) -> set[tuple[str, str, str]]:
    """(scope, owner, name) of every attribute a value of ``record`` uses (an export's hot path:
    one small tuple per valued span, expanded once)."""
    shapes = {(span.label, *span.attributes) for span in record.spans if span.attributes}
    used = {("label", label, name) for label, *names in shapes for name in names}
    links = {(rel.type, *rel.attributes) for rel in record.relations if rel.attributes}
    used.update(("relation", kind, name) for kind, *names in links for name in names)
    for values in (record.attributes or {}).values():
        used.update((DOCUMENT, DOCUMENT, name) for name in values)
    return used


def definitions_json(record: DocRecord) -> dict[str, Any]:
    """``{"codebook": [...]}`` for a record that carries definitions, else nothing."""
    if not record.codebook:
        return {}
    out = []
    for d in record.codebook:
        item: dict[str, Any] = {DOCUMENT: True} if d.scope == DOCUMENT else {d.scope: d.owner}
        item["name"] = d.name
        item["type"] = d.kind
        if d.choices:
            item["values"] = d.choices
        out.append(item)
    return {"codebook": out}


def definitions_from_json(obj: dict[str, Any], path: Path | str, line: int) -> list[DefinitionRecord] | None:
    """The line's ``codebook`` as records (None when it has none); a malformed definition is an
    error naming the file and line. Whether it agrees with a project's codebook is the import's
    question (``annotator.codebook_carry.declare_definitions``)."""
    listed = obj.get("codebook")
    if listed is None:
        return None
    if not isinstance(listed, list):
        raise InputError(str(path), "'codebook' must be a list of attribute definitions", line)
    out = []
    for i, item in enumerate(listed):
        what = f"codebook item {i + 1}"
        if not isinstance(item, dict):
            raise InputError(str(path), f"{what} must be an object", line)
        scope = DOCUMENT if item.get(DOCUMENT) is True else "label" if "label" in item else "relation"
        owner = DOCUMENT if scope == DOCUMENT else item.get(scope)
        if not isinstance(owner, str) or not owner:
            raise InputError(str(path), f"{what} needs a 'label', a 'relation' or \"document\": true", line)
        name, kind, values = item.get("name"), item.get("type"), item.get("values", [])
        if not isinstance(name, str) or not name:
            raise InputError(str(path), f"{what}: 'name' must be a non-empty string", line)
        if kind not in KINDS:
            raise InputError(str(path), f"{what} ({name}): 'type' must be one of {', '.join(KINDS)}", line)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(str(path), f"{what} ({name}): 'values' must be a list of strings", line)
        out.append(DefinitionRecord(scope, owner, name, kind, list(values)))
    return out
