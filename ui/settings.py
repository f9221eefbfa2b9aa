"""Every app-wide preference in one place: its key, type, default and the settings' schema version.

The app reads and writes preferences only through these typed accessors (Anki's profile accessors,
napari's settings), never through raw ``QSettings`` strings. The file is the user's: a value of the
wrong type (hand-edited, or written by another version) falls back to the default instead of
crashing, and a file from before the schema version is migrated on its first read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from ui.qt import QByteArray, QSettings

T = TypeVar("T")

VERSION_KEY = "settings/version"
SCHEMA_VERSION = 1


class Invalid(ValueError):
    """A stored value that does not have the setting's type."""


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).strip().lower() in ("true", "1", "yes"):
        return True
    if str(raw).strip().lower() in ("false", "0", "no"):
        return False
    raise Invalid(raw)


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise Invalid(raw)
    try:
        return float(str(raw))
    except ValueError as exc:
        raise Invalid(raw) from exc


def _float(raw: object) -> float:
    value = _number(raw)
    if not 1 <= value <= 200:  # a point size outside this makes the article unreadable
        raise Invalid(raw)
    return value


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(raw)
    return raw.strip()


def _optional_text(raw: object) -> str | None:
    return _text(raw)


def _doc_id(raw: object) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise Invalid(raw)


def _bytes(raw: object) -> QByteArray | None:
    if isinstance(raw, QByteArray):
        return raw
    if isinstance(raw, bytes):
        return QByteArray(raw)
    raise Invalid(raw)


def _strings(raw: object) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]  # an INI file stores a one-item list as a string
    return [item for item in items if isinstance(item, str)]


def _json_object(raw: object) -> dict[str, object]:
    try:
        data = json.loads(str(raw))
    except ValueError as exc:
        raise Invalid(raw) from exc
    if not isinstance(data, dict):
        raise Invalid(raw)
    return data


def _shortcuts(raw: object) -> dict[str, list[str]]:
    """Action id → its keys; an entry of another shape is dropped, the others kept."""
    found: dict[str, list[str]] = {}
    for action, keys in _json_object(raw).items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            found[str(action)] = list(keys)
    return found


def _encode_json(value: object) -> object:
    return json.dumps(value, sort_keys=True)


def _same(value: object) -> object:
    return value


@dataclass(frozen=True)  # no slots: Setting[T](...) stores __orig_class__ on the instance
class Setting(Generic[T]):
    """One preference: where it is stored, its default, and how a stored value is read back."""

    key: str
    default: T
    parse: Callable[[object], T]
    encode: Callable[[T], object] = _same
    doc: str = ""

    def at(self, suffix: str) -> Setting[T]:
        """The same preference kept per project (or per other thing): ``key/suffix``."""
        return replace(self, key=f"{self.key}/{suffix}")


NAME = Setting[str | None]("annotator/name", None, _optional_text, doc="who is annotating")
GEOMETRY = Setting[QByteArray | None]("window/geometry", None, _bytes, doc="the window's place")
STATE = Setting[QByteArray | None]("window/state", None, _bytes, doc="docks and toolbars")
POINT_SIZE = Setting[float | None]("article/pointSize", None, _float, doc="article text size")
SHOW_ALL = Setting[bool]("view/showAll", False, _bool, doc="show other annotators' spans")
SNAP = Setting[bool]("annotate/snap", True, _bool, doc="snap selections to whole words")
ASK_ACTOR = Setting[bool]("annotate/askActor", True, _bool, doc="ask which actor a new ACTOR span names")
NEXT_UNCERTAIN = Setting[bool](
    "documents/nextUncertain", False, _bool, doc="Next document: the one the suggestions are least sure of"
)
SHOW_ALL_DOCUMENTS = Setting[bool](
    "documents/showAll", False, _bool, doc="list every document, not only my queue (assignments)"
)
LAST_DOCUMENT = Setting[int | None]("last_document", None, _doc_id, doc="per project: reopened next time")
RECENT = Setting[list[str]]("recent/projects", [], _strings, doc="recent projects, JSON each")
EXPORT_FOLDER = Setting[str](
    "export/folder", str(Path.home()), _text, doc="where the last export was written"
)
EXPORT_CHOICES = Setting[dict[str, object]](
    "export/choices", {}, _json_object, _encode_json, doc="the last export's choices"
)
EXPORT_PROJECT = Setting[dict[str, object]](
    "export/project", {}, _json_object, _encode_json, doc="per project: the last export's path, labels"
)


def _score(raw: object) -> float:
    """A suggestion score threshold, 0 to 1."""
    value = _number(raw)
    if not 0 <= value <= 1:
        raise Invalid(raw)
    return value


SUGGEST_THRESHOLD = Setting[float](
    "suggest/threshold", 0.8, _score, doc="accept all suggestions scored at least this (Alt+Return)"
)
SHORTCUTS = Setting[dict[str, list[str]]](
    "keys/shortcuts", {}, _shortcuts, _encode_json, doc="the user's own keys, by action id"
)

TYPED: tuple[Setting[Any], ...] = (  # checked by the migration; per-project keys are read lazily
    NAME,
    POINT_SIZE,
    SHOW_ALL,
    SNAP,
    SHOW_ALL_DOCUMENTS,
    NEXT_UNCERTAIN,
    EXPORT_FOLDER,
)


def _migrate(store: QSettings) -> None:
    """Bring a file from an older schema up to ``SCHEMA_VERSION``.

    Version 0 (no version key) stored booleans and numbers as the strings an INI file holds and
    could hold hand-edited junk: each known value is rewritten in its type, and one that does not
    parse is removed so that its default applies from now on.
    """
    raw_version = store.value(VERSION_KEY, 0)
    version = int(str(raw_version)) if str(raw_version).isdigit() else 0
    if version >= SCHEMA_VERSION:
        return  # a newer app's file: read it tolerantly, never rewrite it downwards
    if not store.allKeys():
        return  # nothing stored yet (a first start, or a throwaway --screenshot window): write nothing
    for setting in TYPED:
        if not store.contains(setting.key):
            continue
        try:
            store.setValue(setting.key, setting.encode(setting.parse(store.value(setting.key))))
        except (Invalid, TypeError, ValueError):
            store.remove(setting.key)
    store.setValue(VERSION_KEY, SCHEMA_VERSION)


def _store() -> QSettings:
    store = QSettings()
    if str(store.value(VERSION_KEY)) != str(SCHEMA_VERSION):
        _migrate(store)
    return store


def get(setting: Setting[T]) -> T:
    """The stored value, or the default when there is none or it has the wrong type."""
    store = _store()
    if not store.contains(setting.key):
        return setting.default
    try:
        return setting.parse(store.value(setting.key))
    except (Invalid, TypeError, ValueError):
        return setting.default


def put(setting: Setting[T], value: T) -> None:
    """Store ``value``; one already stored is not written again (each write syncs the file to
    disk, 13-27 ms here, and the app start restores several)."""
    store = _store()
    if store.contains(setting.key):
        try:
            if setting.parse(store.value(setting.key)) == value:
                return
        except (Invalid, TypeError, ValueError):
            pass  # unreadable: overwrite it
    store.setValue(setting.key, setting.encode(value))
