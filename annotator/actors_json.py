"""Actors in native JSONL: an ``actors`` list per document and an ``actor`` on each linked span.

    "actors": [{"id": 3, "name": "Antony Blinken", "aliases": ["Blinken"], "kind": "person",
                "external_id": "Q312", "attributes": {"party": "D"}}],
    "spans": [{"id": 11, "start": 0, "end": 14, "label": "ACTOR", "actor": 3, ...}]

Each line lists the registry actors its spans name, so a line read alone (a split, a merge of one
file) still says who they are; an import matches them by external id, else canonical name (see
``annotator.actors_carry``). Plain records only: no database here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.records import ActorRecord, DocRecord


def _key(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def actors_json(record: DocRecord) -> dict[str, Any]:
    """``{"actors": [...]}`` for a record whose spans name any, else nothing."""
    if not record.actors:
        return {}
    out = []
    for a in record.actors:
        item: dict[str, Any] = {"id": _key(a.key), "name": a.name}
        if a.aliases:
            item["aliases"] = a.aliases
        for name in ("kind", "external_id", "attributes"):
            value = getattr(a, name)
            if value:
                item[name] = value
        out.append(item)
    return {"actors": out}


def span_actor_json(item: dict[str, Any], actor: str | None) -> None:
    if actor is not None:
        item["actor"] = _key(actor)


def _text(obj: dict[str, Any], key: str, path: Path, line: int, what: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(str(path), f"{what}: {key!r} must be a string", line)
    return value


def actors_from_json(
    obj: dict[str, Any], spans: list[dict[str, Any]], record: DocRecord, path: Path, line: int
) -> None:
    """The line's ``actors`` into ``record.actors``, and each span's ``actor`` onto its record;
    a span naming an actor the line does not list is an error naming the line."""
    listed = obj.get("actors")
    if listed is None:
        listed = []
    if not isinstance(listed, list):
        raise InputError(str(path), "'actors' must be a list", line)
    keys: set[str] = set()
    for i, item in enumerate(listed):
        what = f"actor {i + 1}"
        if not isinstance(item, dict):
            raise InputError(str(path), f"{what} must be an object", line)
        key, name = item.get("id"), item.get("name")
        if not isinstance(key, int | str) or isinstance(key, bool):
            raise InputError(str(path), f"{what} has no 'id'", line)
        if not isinstance(name, str) or not name.strip():
            raise InputError(str(path), f"{what}: 'name' must be a non-empty string", line)
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InputError(str(path), f"{what}: 'aliases' must be a list of strings", line)
        attributes = item.get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            raise InputError(str(path), f"{what}: 'attributes' must be an object", line)
        keys.add(str(key))
        record.actors.append(
            ActorRecord(
                str(key),
                name,
                list(aliases),
                _text(item, "kind", path, line, what),
                _text(item, "external_id", path, line, what),
                attributes or None,
            )
        )
    for i, (span, kept) in enumerate(zip(spans, record.spans, strict=False)):
        if not isinstance(span, dict) or span.get("actor") is None:
            continue
        actor = span["actor"]
        if not isinstance(actor, int | str) or isinstance(actor, bool) or str(actor) not in keys:
            raise InputError(
                str(path), f"span {i + 1}: 'actor' {actor!r} is not in the line's 'actors'", line
            )
        kept.actor = str(actor)
