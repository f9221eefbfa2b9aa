"""Comments in native JSONL: a ``comments`` list per document, written and read back.

    "comments": [{"id": "<uid>", "target": "span", "span": 6, "kind": "comment",
                  "text": "Is this a claim?", "author": "alice", "time": "2026-03-14T10:02:00",
                  "state": "open"},
                 {"id": "<uid>", "thread": "<uid of the first>", "target": "span", "span": 6, ...}]

``target`` is "document", "span" (``span``: the span's id in the line) or "relation"
(``relation``: ``from``, ``to``, ``type``, ``annotator`` as in the line's relations). A reply names
its thread's first comment in ``thread``; the thread's state is the first comment's. ``was_on``
says what a comment whose span or relation is gone was on. Plain records only: no database here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.records import CommentRecord, DocRecord

TARGETS = ("document", "span", "relation")
KINDS = ("comment", "flag")
STATES = ("open", "resolved")


def _key(value: str | None) -> int | str | None:
    return int(value) if value is not None and value.isdigit() else value


def comments_json(record: DocRecord) -> dict[str, Any]:
    """``{"comments": [...]}`` for a record that has any, else nothing."""
    if not record.comments:
        return {}
    out = []
    for c in record.comments:
        item: dict[str, Any] = {"id": c.uid}
        if c.reply_to is not None:
            item["thread"] = c.reply_to
        item["target"] = c.target
        if c.target == "span":
            item["span"] = _key(c.span)
        elif c.target == "relation" and c.relation is not None:
            source, target, kind, owner = c.relation
            item["relation"] = {"from": _key(source), "to": _key(target), "type": kind, "annotator": owner}
        item.update(kind=c.kind, text=c.text, author=c.author, time=c.time, state=c.state)
        for name in ("updated_at", "resolved_by", "resolved_at", "was_on"):
            value = getattr(c, name)
            if value is not None:
                item[name] = value
        out.append(item)
    return {"comments": out}


def _str(obj: dict[str, Any], key: str, path: Path, line: int, what: str, required: bool = True) -> Any:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise InputError(str(path), f"{what}: {key!r} must be a non-empty string", line)
    return value


def _ref(value: Any, path: Path, line: int, what: str) -> str:
    if type(value) not in (int, str):
        raise InputError(str(path), f"{what}: a span id must be a number or a string", line)
    return str(value)


def comments_from_json(obj: dict[str, Any], record: DocRecord, path: Path, line: int) -> None:
    """Read a line's ``comments`` into ``record``; a bad one names the file, line and comment."""
    items = obj.get("comments") or []
    if not isinstance(items, list):
        raise InputError(str(path), "'comments' must be a list", line)
    keys = {s.key for s in record.spans if s.key is not None}
    uids: set[str] = set()
    for i, item in enumerate(items):
        what = f"comment {i + 1}"
        if not isinstance(item, dict):
            raise InputError(str(path), f"{what} must be an object", line)
        c = CommentRecord(
            uid=_str(item, "id", path, line, what),
            text=_str(item, "text", path, line, what),
            author=_str(item, "author", path, line, what),
            target=item.get("target", "document"),
            reply_to=_str(item, "thread", path, line, what, required=False),
            kind=item.get("kind", "comment"),
            state=item.get("state", "open"),
            time=_str(item, "time", path, line, what, required=False),
            updated_at=_str(item, "updated_at", path, line, what, required=False),
            resolved_by=_str(item, "resolved_by", path, line, what, required=False),
            resolved_at=_str(item, "resolved_at", path, line, what, required=False),
        )
        if c.uid in uids:
            raise InputError(str(path), f"{what}: id {c.uid!r} is used twice", line)
        uids.add(c.uid)
        for name, allowed in (("target", TARGETS), ("kind", KINDS), ("state", STATES)):
            if getattr(c, name) not in allowed:
                raise InputError(str(path), f"{what}: {name} must be one of {', '.join(allowed)}", line)
        was_on = item.get("was_on")
        if was_on is not None and not isinstance(was_on, dict):
            raise InputError(str(path), f"{what}: 'was_on' must be an object", line)
        c.was_on = was_on
        if c.target == "span":
            c.span = _ref(item.get("span"), path, line, what)
            if c.span not in keys:
                raise InputError(
                    str(path), f"{what} is on span {c.span!r}, which the line does not have", line
                )
        elif c.target == "relation":
            rel = item.get("relation")
            if not isinstance(rel, dict):
                raise InputError(str(path), f"{what}: 'relation' must be an object (from, to, type)", line)
            ends = (_ref(rel.get("from"), path, line, what), _ref(rel.get("to"), path, line, what))
            owner = _str(rel, "annotator", path, line, what, required=False)
            c.relation = (*ends, _str(rel, "type", path, line, what), owner)
            known = {(r.source, r.target, r.type, r.annotator) for r in record.relations}
            if c.relation not in known:
                raise InputError(str(path), f"{what} is on a relation the line does not have", line)
        record.comments.append(c)
    threads = {c.uid for c in record.comments}
    for i, c in enumerate(record.comments):
        if c.reply_to is not None and c.reply_to not in threads:
            raise InputError(str(path), f"comment {i + 1} replies to {c.reply_to!r}, not in this line", line)
