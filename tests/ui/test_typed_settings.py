"""Typed settings: one module owns every key; a hand-edited or older file never crashes the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ui import settings as prefs
from ui.article.view import DEFAULT_POINT_SIZE
from ui.main_window import MainWindow
from ui.qt import QSettings

Open = Callable[..., MainWindow]
UI = Path(__file__).parents[2] / "ui"


def test_a_file_with_values_of_the_wrong_type_opens_with_the_defaults(open_window: Open) -> None:
    raw = QSettings()
    raw.setValue("article/pointSize", "huge")
    raw.setValue("annotate/snap", "banana")
    raw.setValue("view/showAll", [1, 2])
    raw.setValue("window/geometry", "not a geometry")
    raw.setValue("recent/projects", 5)
    raw.setValue("export/choices", "{not json")
    raw.sync()
    window = open_window("Some article.", restore=True)
    assert window.pane.view.point_size == DEFAULT_POINT_SIZE
    assert window.actions_by_name["snap"].isChecked() and window.pane.controller.snap
    assert not window.actions_by_name["show_all"].isChecked()
    assert prefs.get(prefs.EXPORT_CHOICES) == {}


def test_an_unversioned_file_is_migrated_on_its_first_read() -> None:
    raw = QSettings()
    raw.remove(prefs.VERSION_KEY)
    raw.setValue("annotate/snap", "false")
    raw.setValue("view/showAll", "banana")
    raw.setValue("article/pointSize", "13.5")
    assert prefs.get(prefs.SNAP) is False
    again = QSettings()
    assert str(again.value(prefs.VERSION_KEY)) == str(prefs.SCHEMA_VERSION)
    assert not again.contains("view/showAll")  # junk is dropped: the default applies from now on
    assert float(str(again.value("article/pointSize"))) == 13.5
    assert prefs.get(prefs.POINT_SIZE) == 13.5


def test_a_newer_apps_file_is_read_but_not_rewritten() -> None:
    raw = QSettings()
    raw.setValue(prefs.VERSION_KEY, prefs.SCHEMA_VERSION + 1)
    raw.setValue("view/showAll", "banana")
    assert prefs.get(prefs.SHOW_ALL) is False
    assert QSettings().value("view/showAll") == "banana"
    assert str(QSettings().value(prefs.VERSION_KEY)) == str(prefs.SCHEMA_VERSION + 1)


def test_values_round_trip_in_their_type() -> None:
    prefs.put(prefs.SHORTCUTS, {"walk_next": ["J"]})
    prefs.put(prefs.LAST_DOCUMENT.at("abc"), 7)
    choices: dict[str, object] = {"fmt": "conll"}
    prefs.put(prefs.EXPORT_CHOICES, choices)
    QSettings().sync()
    assert prefs.get(prefs.SHORTCUTS) == {"walk_next": ["J"]}
    assert prefs.get(prefs.LAST_DOCUMENT.at("abc")) == 7
    assert prefs.get(prefs.LAST_DOCUMENT.at("other")) is None
    assert prefs.get(prefs.EXPORT_CHOICES) == {"fmt": "conll"}


def test_only_the_settings_module_opens_qsettings() -> None:
    offenders = {
        str(p.relative_to(UI))
        for p in UI.rglob("*.py")
        if p.name != "settings.py" and "QSettings()" in p.read_text(encoding="utf-8")
    }
    assert offenders == set()
