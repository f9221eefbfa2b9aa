"""The one table of actions: each action's id, text, default keys, context and handler.

The menus (ui/menus.py), Help ▸ Keys (ui/help.py) and key dispatch in the article and the review
view (ui/annotate.py, ui/review/keys.py) are all built from ``ACTIONS`` through ``keymap()``, so a
key is defined once and the three cannot drift. The user's own keys live in the typed settings
(``settings.SHORTCUTS``) and override the defaults everywhere.

Contexts: ``global`` keys work anywhere in the window (menu shortcuts); ``annotate`` keys are read
by the article, ``review`` keys by the annotators' panes and the disagreement list, ``gold`` keys
by the review view's gold pane. A key may serve one action per context, and a global key none else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ui.actions_table import ACTIONS, ActionSpec, Context
from ui.qt import QKeyCombination, QKeyEvent, QKeySequence, Qt

__all__ = ["ACTIONS", "ActionSpec", "Context", "KeyConflict", "Keymap", "keymap", "remap"]


class KeyConflict(ValueError):
    """Two actions on one key in one context."""


@dataclass(frozen=True)
class Keymap:
    """The keys of every action: the table's defaults with the user's overrides applied."""

    keys: dict[str, tuple[str, ...]]

    def of(self, action_id: str) -> tuple[str, ...]:
        return self.keys.get(action_id, ())

    def conflicts(self) -> list[str]:
        """Every clash, as a sentence naming the key and both actions."""
        bound = [(spec, normalise(key)) for spec in all_actions() for key in self.of(spec.id)]
        found: set[str] = set()
        for i, (a, key) in enumerate(bound):
            for b, other in bound[i + 1 :]:
                shared = a.context == b.context or "global" in (a.context, b.context)
                if key == other and a.id != b.id and shared:
                    where = "everywhere" if "global" in (a.context, b.context) else f"in {a.context}"
                    found.add(f"{key} would be both “{a.label}” and “{b.label}” ({where})")
        return sorted(found)

    def with_keys(self, action_id: str, keys: tuple[str, ...]) -> Keymap:
        if action_id not in BY_ID:
            raise KeyError(f"no action {action_id!r}")
        for key in keys:
            if not normalise(key):
                raise KeyConflict(f"{key!r} is not a key")
        changed = Keymap({**self.keys, action_id: tuple(keys)})
        clashes = changed.conflicts()
        if clashes:
            raise KeyConflict("; ".join(clashes))
        return changed

    @cached_property
    def _index(self) -> dict[tuple[str, str], ActionSpec]:
        return {(s.context, normalise(k)): s for s in reversed(all_actions()) for k in self.of(s.id)}

    def action_for(self, context: Context, key: str) -> ActionSpec | None:
        """The action ``key`` (portable text, e.g. ``Shift+Tab``) triggers in ``context``."""
        return self._index.get((context, normalise(key)))

    def find(self, context: Context, event: QKeyEvent) -> ActionSpec | None:
        """The action a key press triggers in ``context``, if any."""
        for key in event_keys(event):
            spec = self.action_for(context, key)
            if spec is not None:
                return spec
        return None


SHIFT_TOLERANT = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def event_keys(event: QKeyEvent) -> list[str]:
    """The key press as portable text; a letter, digit or Return pressed with Shift also counts
    as the plain key (Shift+R links like R, as it always did), after the exact one."""
    key = Qt.Key(event.key())
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if key == Qt.Key.Key_Backtab:
        key, mods = Qt.Key.Key_Tab, mods | Qt.KeyboardModifier.ShiftModifier
    if key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_unknown):
        return []
    found = [QKeySequence(QKeyCombination(mods, key)).toString(QKeySequence.SequenceFormat.PortableText)]
    text = event.text()
    plain_key = key in SHIFT_TOLERANT or (len(text) == 1 and text.isalnum())
    if mods == Qt.KeyboardModifier.ShiftModifier and plain_key:
        found.append(QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText))
    return found


def normalise(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)


def all_actions() -> list[ActionSpec]:
    return list(ACTIONS)


BY_ID: dict[str, ActionSpec] = {spec.id: spec for spec in all_actions()}


def defaults() -> Keymap:
    return Keymap({spec.id: spec.keys for spec in all_actions()})


_cache: tuple[str, Keymap] | None = None


def keymap() -> Keymap:
    """The keys in force: the defaults, with each stored override that is valid and clash-free."""
    global _cache
    from ui import settings

    stored: dict[str, list[str]] = settings.get(settings.SHORTCUTS)
    stamp = repr(sorted(stored.items()))
    if _cache is not None and _cache[0] == stamp:
        return _cache[1]
    current = defaults()
    for action_id, keys in sorted(stored.items()):
        try:
            current = current.with_keys(action_id, tuple(keys))
        except (KeyError, KeyConflict):
            continue  # a stale or clashing entry (file edited by hand): the default stays
    _cache = (stamp, current)
    return current


def remap(action_id: str, keys: tuple[str, ...]) -> Keymap:
    """Give ``action_id`` new keys and keep them; refused with ``KeyConflict`` on a clash."""
    return remap_many({action_id: keys})


def remap_many(changes: dict[str, tuple[str, ...]]) -> Keymap:
    """Several actions' new keys, checked together (two actions may swap keys) and kept all or none."""
    from ui import settings

    for action_id, keys in changes.items():
        if action_id not in BY_ID:
            raise KeyError(f"no action {action_id!r}")
        for key in keys:
            if not normalise(key):
                raise KeyConflict(f"{key!r} is not a key")
    changed = Keymap({**keymap().keys, **{a: tuple(k) for a, k in changes.items()}})
    clashes = changed.conflicts()
    if clashes:
        raise KeyConflict("; ".join(clashes))
    current: dict[str, list[str]] = settings.get(settings.SHORTCUTS)
    stored = dict(current)
    for action_id, keys in changes.items():
        if tuple(keys) == BY_ID[action_id].keys:
            stored.pop(action_id, None)
        else:
            stored[action_id] = list(keys)
    settings.put(settings.SHORTCUTS, stored)
    return changed


def keys_text(keys: list[str]) -> str:
    """Keys as Help ▸ Keys shows them: "Tab / Shift+Tab", and "1–9" for a run of digits."""
    if len(keys) > 2 and all(k.isdigit() for k in keys):
        numbers = [int(k) for k in keys]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{numbers[0]}–{numbers[-1]}"
    return " / ".join(keys)


def help_rows(current: Keymap | None = None) -> list[tuple[str, str]]:
    """One (keys, what they do) line per action or group of actions that has keys and help."""
    current = current or keymap()
    groups: dict[str, tuple[list[str], str]] = {}
    for spec in all_actions():
        keys = [normalise(k) for k in current.of(spec.id)]
        group = spec.group or spec.id
        if group in groups:
            groups[group][0].extend(keys)
        elif spec.help:
            groups[group] = (keys, spec.help)
    return [(keys_text(keys), text) for keys, text in groups.values() if keys]
