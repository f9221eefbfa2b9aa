"""What changed, and who started it: every core operation reports its changes here.

Views listen to the bus and refresh from the changes; a view skips changes whose ``origin`` is
itself (it has already updated). The bus is plain Python so the core stays free of Qt; the GUI
forwards it to a Qt signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Entity = Literal[
    "project",
    "label",
    "relation_type",
    "annotator",
    "document",
    "annotation",
    "relation",
    "assignment",
    "comment",
    "attribute",
    "suggestion",
    "actor",
    "trained_model",
]
Action = Literal["created", "updated", "deleted"]


@dataclass(frozen=True, slots=True)
class Change:
    entity: Entity
    action: Action
    ids: tuple[int, ...]
    document_ids: tuple[int, ...] = ()
    # What changed, for the audit log (e.g. {"before": {...}, "after": {...}}).
    detail: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(slots=True)
class ChangeSet:
    """The changes of one committed transaction."""

    changes: list[Change] = field(default_factory=list)
    origin: object | None = None
    actor: str | None = None

    def touches(self, entity: Entity) -> bool:
        return any(c.entity == entity for c in self.changes)

    def document_ids(self) -> set[int]:
        return {d for c in self.changes for d in c.document_ids}


Listener = Callable[[ChangeSet], None]


class ChangeBus:
    """Calls every listener with each committed ChangeSet, in subscription order."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, changeset: ChangeSet) -> None:
        if not changeset.changes:
            return
        for listener in list(self._listeners):
            listener(changeset)
