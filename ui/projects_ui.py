"""Choosing where a project lives: open a SQLite file or a database URL, create one, recent list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ui import settings
from ui.file_dialogs import get_open_file_name, get_save_file_name
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QWidget,
)

MAX_RECENT = 8
SQLITE_FILTER = "Annotator projects (*.db *.sqlite *.sqlite3);;All files (*)"


@dataclass(frozen=True, slots=True)
class Location:
    url: str
    project: str | None = None

    @property
    def label(self) -> str:
        where = self.url.removeprefix("sqlite:///")
        return f"{self.project} — {where}" if self.project else where


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def recent() -> list[Location]:
    items = settings.get(settings.RECENT)
    found: list[Location] = []
    for item in items:
        try:
            data = json.loads(str(item))
            found.append(Location(str(data["url"]), data.get("project")))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def remember(location: Location) -> None:
    items = [loc for loc in recent() if loc != location]
    items.insert(0, location)
    settings.put(
        settings.RECENT, [json.dumps({"url": loc.url, "project": loc.project}) for loc in items[:MAX_RECENT]]
    )


def ask_open_file(parent: QWidget | None) -> Location | None:
    path, _ = get_open_file_name(parent, "Open project", "", SQLITE_FILTER)
    return Location(sqlite_url(path)) if path else None


def ask_open_url(parent: QWidget | None) -> Location | None:
    url, ok = QInputDialog.getText(
        parent, "Open database", "Database URL (e.g. postgresql://user@host/annotations):"
    )
    return Location(url.strip()) if ok and url.strip() else None


def ask_project(parent: QWidget | None, names: list[str]) -> str | None:
    name, ok = QInputDialog.getItem(
        parent, "Choose project", "This database holds several projects:", names, 0, False
    )
    return name if ok else None


class NewProjectDialog(QDialog):
    """A name, and where to keep it: a new SQLite file, the open database, or a database URL."""

    def __init__(self, current_url: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Newsroom 2026")
        self.where = QComboBox(self)
        self.where.addItem("A new SQLite file…", "file")
        if current_url:
            self.where.addItem("The open database", "current")
        self.where.addItem("A database URL", "url")
        self.path = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Keep it in", self.where)
        form.addRow("File or URL", row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        browse.clicked.connect(self._browse)
        self.where.currentIndexChanged.connect(self._where_changed)
        self._current = current_url
        self._where_changed()

    def _where_changed(self) -> None:
        kind = self.where.currentData()
        self.path.setEnabled(kind != "current")
        self.path.setPlaceholderText("postgresql://…" if kind == "url" else "projects/newsroom.db")

    def _browse(self) -> None:
        path, _ = get_save_file_name(self, "New project file", "", SQLITE_FILTER)
        if path:
            self.where.setCurrentIndex(self.where.findData("file"))
            self.path.setText(path)

    def location(self) -> Location | None:
        name = self.name.text().strip()
        kind = self.where.currentData()
        if not name:
            return None
        if kind == "current":
            return Location(self._current or "", name)
        target = self.path.text().strip()
        if not target:
            return None
        return Location(target if kind == "url" else sqlite_url(target), name)
