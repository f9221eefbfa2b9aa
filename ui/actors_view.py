"""The actor registry dock: every actor of the project with its mentions, quotes and claims.

A flat lazy table (``ui.tables.TableModel``) over the rows ``ProjectContext.list_actors`` reads,
re-read when the change bus says actors or spans changed. The filter box narrows by name, alias,
kind or external id as you type. Enter or a double-click jumps to the actor's first mention, again
to the next one; the buttons rename and edit, merge two selected actors, split mentions off to a
new actor, and import or export the registry as CSV (``ui.actors_dialogs``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from annotator.actors_reads import ActorRow
from annotator.events import ChangeSet
from ui.flow import FlowLayout
from ui.qt import (
    QAbstractItemView,
    QEvent,
    QHeaderView,
    QItemSelectionModel,
    QKeyEvent,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.tables import TableModel, configure_table

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Aliases", "Kind", "External id", "Mentions", "Quotes", "Claims")
COUNTS = (4, 5, 6)
PREFERRED = {1: 120, 2: 70, 3: 80} | {c: 62 for c in COUNTS}  # side columns' widths when there is room
GIVE_WAY = (3, 2, 1)  # hidden in this order when the dock is too narrow for every header
NAME_SHARE = 0.4


def _haystack(row: ActorRow) -> str:
    return " ".join([row.name, *row.aliases, row.kind or "", row.external_id or ""]).casefold()


class ActorModel(TableModel):
    """The registry's rows, those the filter keeps; Qt asks only for the cells it paints."""

    columns = COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section]  # the full name of an elided header in a narrow dock
        return super().headerData(section, orientation, role)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[ActorRow] = []
        self.rows: list[ActorRow] = []
        self.needle = ""

    def set_rows(self, rows: list[ActorRow]) -> None:
        self.beginResetModel()
        self.all = rows
        self.rows = [r for r in rows if self.needle in _haystack(r)] if self.needle else list(rows)
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.needle = text.strip().casefold()
        self.set_rows(self.all)

    def row_total(self) -> int:
        return len(self.rows)

    def actor_at(self, row: int) -> ActorRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, actor_id: int) -> int | None:
        return next((n for n, r in enumerate(self.rows) if r.id == actor_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.actor_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            cells = (
                row.name,
                ", ".join(row.aliases),
                row.kind or "",
                row.external_id or "",
                row.mentions,
                row.quotes,
                row.claims,
            )
            return cells[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in COUNTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            facts = [", ".join(row.aliases), row.kind or "", row.external_id or ""]
            counts = f"{row.mentions} mention(s), {row.quotes} quote(s), {row.claims} claim(s)"
            shown = " · ".join(f for f in [f"{row.name} (id {row.id})", *facts, counts] if f)
            return f"{shown}\nEnter or double-click: its mentions, one after the other"
        return None


class Host(Protocol):
    """What the panel needs from the window: the project, a way to show a span, and a voice."""

    project: Any

    def report(self, message: str) -> None: ...


class ActorPanel(QWidget):
    """The dock's widget: filter box, table, and the registry's actions."""

    def __init__(self, host: Host, reveal: Callable[[int, int, int, int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.reveal = reveal  # (document, span, start, end): open, select and scroll to a mention
        self.edits: Any = None  # ui.actors_dialogs.RegistryEdits, set by install()
        self._jump: tuple[int, int] | None = None  # (actor, index of the mention shown last)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter actors by name, alias, kind, id…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)  # ↓ goes to the list, Enter jumps from the filter box
        self.model = ActorModel(self)
        self._soon = QTimer(self)  # counts change with every span: read them once per burst
        self._soon.setSingleShot(True)
        self._soon.setInterval(250)
        self._soon.timeout.connect(self.refresh)
        self.table = ActorTable(self)
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.side = RegistryColumns(self.table)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.doubleClicked.connect(lambda index: self.jump(index.row()))
        buttons = QWidget(self)
        flow = FlowLayout(buttons, 4)
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (
            ("jump", "Next mention"),
            ("new", "New…"),
            ("edit", "Edit…"),
            ("merge", "Merge…"),
            ("split", "Split…"),
            ("import_csv", "Import CSV…"),
            ("export_csv", "Export CSV…"),
        ):
            button = QPushButton(text, buttons)
            button.clicked.connect(lambda _c=False, k=key: self.act(k))
            flow.addWidget(button)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the registry (the selection and the filter stay)."""
        project = self.host.project
        chosen = [a.id for a in self.selected()]
        self.model.set_rows(list(project.actors()) if project is not None else [])
        self.choose([r for a in chosen if (r := self.model.row_of(a)) is not None])

    def choose(self, rows: list[int]) -> None:
        """Select these rows, the first one current (what "edit" and "merge" act on first)."""
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in reversed(rows):
            selection.setCurrentIndex(self.model.index(row, 0), flags.Select | flags.Rows)

    _stale = True  # re-read when next shown (it is hidden, or the project changed)

    def mark_stale(self) -> None:
        """Re-read soon while shown (a burst of edits reads once), else when next shown."""
        self._stale = True
        if self.isVisible():
            self._stale = False
            self._soon.start()

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Actors, mentions or their quotes and claims changed: the counts change with them."""
        if any(changeset.touches(t) for t in ("actor", "annotation", "relation")):
            self.mark_stale()

    def showEvent(self, event: Any) -> None:
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.table.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.jump(max(0, self.table.currentIndex().row()))
                return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        if self.model.row_total():
            self.choose([0])

    def selected(self) -> list[ActorRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        current = self.table.currentIndex().row()
        if current in rows:  # the current row first: "merge" keeps it
            rows.remove(current)
            rows.insert(0, current)
        return [a for r in rows if (a := self.model.actor_at(r)) is not None]

    # --- acting -----------------------------------------------------------------------------

    def act(self, key: str) -> None:
        if key == "jump":
            self.jump(self.table.currentIndex().row())
        elif self.edits is not None:
            getattr(self.edits, key)()

    def jump(self, row: int) -> bool:
        """Show the actor's next mention (its first, the first time); True when there was one."""
        actor = self.model.actor_at(row)
        project = self.host.project
        if actor is None or project is None:
            return False
        mentions = list(project.actor_mentions(actor.id))
        if not mentions:
            self.host.report(f"{actor.name} has no mention yet")
            return False
        last = self._jump[1] if self._jump is not None and self._jump[0] == actor.id else -1
        n = (last + 1) % len(mentions)
        self._jump = (actor.id, n)
        m = mentions[n]
        self.reveal(m.document_id, m.span_id, m.start, m.end)
        self.host.report(f"{actor.name}: mention {n + 1} of {len(mentions)}")
        return True


class RegistryColumns(QObject):
    """Every header shown reads in full (a dock is narrow, 310 px by default): each side column is
    at least as wide as its header and grows towards ``PREFERRED`` when there is room, the name
    keeps ``NAME_SHARE`` of the width, and when that leaves too little, the external id, then the
    kind, then the aliases step aside (each row's tooltip still names them; a wider dock shows them)."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        table.viewport().installEventFilter(self)
        self.fit()

    def _needs(self) -> dict[int, int]:
        """Each side column's header width: Qt's size hint where the column is shown, otherwise
        the text's advance plus the most the style added to a shown one (the name is always shown)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        model = self.table.model()
        advance = {
            c: metrics.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal)))
            for c in range(len(COLUMNS))
        }
        hints = {c: header.sectionSizeHint(c) for c in advance if not self.table.isColumnHidden(c)}
        padding = max(hints[c] - advance[c] for c in hints)
        return {c: max(hints.get(c, 0), advance[c] + padding) for c in PREFERRED}

    def fit(self) -> None:
        width = self.table.viewport().width()
        if width <= 0 or self.table.model() is None:
            return
        need = self._needs()
        room = width - int(width * NAME_SHARE)
        shown = list(PREFERRED)
        for column in GIVE_WAY:
            if sum(need[c] for c in shown) <= room:
                break
            shown.remove(column)
        for column in PREFERRED:
            self.table.setColumnHidden(column, column not in shown)
        need = self._needs()  # Qt's own hints now for the columns just shown
        spare = room - sum(need[c] for c in shown) if len(shown) == len(PREFERRED) else 0  # else: to the name
        header = self.table.horizontalHeader()
        for column in shown:
            grow = max(0, min(PREFERRED[column] - need[column], spare))
            spare -= grow
            header.resizeSection(column, need[column] + grow)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


class ActorTable(QTableView):
    """Enter jumps (again: the next mention); Delete is not offered (an actor with mentions stays)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        panel = self.parentWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(panel, ActorPanel):
            panel.jump(self.currentIndex().row())
            return
        super().keyPressEvent(event)
