"""Teammates' links that a deletion takes with it: asked about before, told about after.

Deleting a span deletes the relations that touch it, whoever drew them. A person deleting their
own span is first told whose links go with it (the app asks for a second Delete); the teammate
whose link went is told when the change reaches their app (from the audit row, which names the
link's owner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Boolean, Select, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from annotator.events import ChangeSet
from annotator.model import Annotation, Annotator, Label, Relation, RelationType

SHOWN_CHARS = 30


@dataclass(frozen=True, slots=True)
class OthersLink:
    relation_id: int
    owner: str
    type: str
    source: str  # "QUOTE “text”"
    target: str

    def describe(self) -> str:
        return f"{self.owner}'s {self.type} link ({self.source} → {self.target})"


def _end(label: str | None, text: str | None) -> str:
    shown = (text or "")[:SHOWN_CHARS] + ("…" if text and len(text) > SHOWN_CHARS else "")
    return f"{label or '?'} “{shown}”"


def _others_query() -> Select[Any]:
    """The query of ``others_links``, built once: building and keying this seven-table join took
    ~4 ms of every Delete on the GUI thread (issue 19); its values are bound at each call."""
    source, target = aliased(Annotation), aliased(Annotation)
    source_label, target_label = aliased(Label), aliased(Label)
    spans: BindParameter[list[int]] = bindparam("spans", expanding=True)
    return (
        select(Relation.id, Annotator.name, RelationType.name, source_label.name, source.text)
        .add_columns(target_label.name, target.text)
        .join(Annotator, Annotator.id == Relation.annotator_id)
        .join(RelationType, RelationType.id == Relation.type_id)
        .join(source, source.id == Relation.source_id)
        .join(target, target.id == Relation.target_id)
        .join(source_label, source_label.id == source.label_id)
        .join(target_label, target_label.id == target.label_id)
        .where(or_(Relation.source_id.in_(spans), Relation.target_id.in_(spans)))
        .where(or_(bindparam("anyone", type_=Boolean), Relation.annotator_id != bindparam("me")))
        .order_by(Relation.id)
    )


_OTHERS: Select[Any] | None = None


def others_links(session: Session, span_ids: Sequence[int], annotator_id: int | None) -> list[OthersLink]:
    """Relations touching ``span_ids`` that belong to someone other than ``annotator_id``."""
    global _OTHERS
    if not span_ids:
        return []
    if _OTHERS is None:
        _OTHERS = _others_query()
    values = {"spans": list(span_ids), "anyone": annotator_id is None, "me": annotator_id or 0}
    return [
        OthersLink(rid, owner, kind, _end(sl, st), _end(tl, tt))
        for rid, owner, kind, sl, st, tl, tt in session.execute(_OTHERS, values)
    ]


def links_taken_from(changeset: ChangeSet, me: str) -> list[str]:
    """What of ``me``'s links another person's change deleted, said for ``me``'s window."""
    if changeset.actor in (None, me):
        return []
    lines = []
    for change in changeset.changes:
        detail: dict[str, Any] = change.detail or {}
        if change.entity != "relation" or change.action != "deleted" or detail.get("annotator") != me:
            continue
        source, target = detail.get("source") or {}, detail.get("target") or {}
        lines.append(
            f"{changeset.actor} deleted a span your {detail.get('type') or 'relation'} link used: "
            f"{_end(source.get('label'), source.get('text'))} → {_end(target.get('label'), target.get('text'))} "
            "is gone (Edit ▸ Span history shows it)"
        )
    return lines
