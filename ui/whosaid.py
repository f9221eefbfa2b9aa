"""Review ▸ Who said what…: quotes and claims per actor, outlet and month, as a table and a chart.

What ``annotator whosaid`` prints (annotator.whosaid), read once per layer on a worker thread and
grouped three ways without reading again; read again (once per burst) when quotes, links or actors
change, here or in another process (the CLI, a teammate). Double-clicking an actor (or outlet, or month) lists
the documents where its quotes are; activating one opens it in the main window. Export CSV writes
the table shown (the same columns as ``whosaid -o``), Export PNG the chart as drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.events import ChangeSet
from annotator.whosaid import GROUPINGS, Grouping, Said, WhoSaidRow, group
from annotator.whosaid_table import cells, columns, write_csv
from ui.file_dialogs import get_save_file_name
from ui.jobs import JobDialog, Progress, running, start
from ui.project import ProjectContext
from ui.qt import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.tables import Index, TableModel, configure_table
from ui.whosaid_chart import CountChart

TITLES = {"actor": "Per actor", "outlet": "Per outlet", "month": "Over time"}
DEFAULT_LAYER = "(default)"


class WhoSaidModel(TableModel):
    """The rows of one grouping; cells come from the same function as the CLI's table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by: Grouping = "actor"
        self.rows: list[WhoSaidRow] = []
        self.columns = columns(self.by)

    def show(self, rows: list[WhoSaidRow], by: Grouping) -> None:
        self.beginResetModel()
        self.rows, self.by, self.columns = rows, by, columns(by)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(cells(self.rows[index.row()], self.by)[index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            row = self.rows[index.row()]
            return f"{row.name}: double-click for the {len(row.documents)} document(s)"
        return None


class WhoSaidView(QDialog):
    def __init__(
        self,
        project: ProjectContext,
        open_document: Callable[[int], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whosaid")
        self.setWindowTitle("Who said what")
        self.project, self.open_document = project, open_document
        self.said: Said | None = None
        self.job: JobDialog | None = None
        self.by = QComboBox(self)
        for by in GROUPINGS:
            self.by.addItem(TITLES[by], by)
        self.layer = QComboBox(self)
        self.layer.addItems([DEFAULT_LAYER, "gold", "all"])
        self.layer.addItems([a.name for a in project.annotators() if a.role != "gold"])
        self.summary = QLabel("Reading…", self)
        self.model = WhoSaidModel(self)
        self.table = QTableView(self)
        configure_table(self.table)
        self.table.setModel(self.model)
        self.chart = CountChart(self)
        self.documents = QListWidget(self)
        self.documents_label = QLabel("Double-click a row for its documents", self)
        self.csv_button = QPushButton("Export &CSV…", self)
        self.png_button = QPushButton("Export &PNG…", self)
        self.refresh_button = QPushButton("&Refresh", self)
        for button in (self.csv_button, self.png_button, self.refresh_button):
            button.setAutoDefault(False)  # Enter in the lists opens a document, never an export
        self._layout()
        self.by.currentIndexChanged.connect(lambda _i: self.show_grouping())
        self.layer.currentTextChanged.connect(lambda _t: self.compute())
        self.table.doubleClicked.connect(self.list_documents)
        self.documents.itemActivated.connect(self._open)
        self.refresh_button.clicked.connect(self.compute)
        self.csv_button.clicked.connect(lambda: self._ask_and_export("CSV (*.csv)", ".csv", self.export_csv))
        self.png_button.clicked.connect(
            lambda: self._ask_and_export("PNG image (*.png)", ".png", self.export_png)
        )
        self._soon = QTimer(self)  # a burst of changes (an import, a merge) reads once
        self._soon.setSingleShot(True)
        self._soon.setInterval(500)
        self._soon.timeout.connect(self._read_again)
        self.resize(1100, 700)

    def _layout(self) -> None:
        top = QHBoxLayout()
        for text, widget in (("Group by:", self.by), ("Layer:", self.layer)):
            top.addWidget(QLabel(text, self))
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.csv_button)
        top.addWidget(self.png_button)
        side = QWidget(self)
        inner = QVBoxLayout(side)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.table, 3)
        inner.addWidget(self.documents_label)
        inner.addWidget(self.documents, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(side)
        split.addWidget(self.chart)
        split.setSizes([520, 580])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    @property
    def grouping(self) -> Grouping:
        return self.by.currentData()

    def compute(self) -> JobDialog:
        """Read the chosen layer on a worker thread; every grouping is drawn from that one read."""
        layer = None if self.layer.currentText() == DEFAULT_LAYER else self.layer.currentText()

        def work(progress: Progress) -> Said:
            progress.stage("Counting quotes and claims", 0)
            return self.project.who_said(layer)

        self.summary.setText("Reading…")
        self.job = start(self, "Who said what", work, self.show_said, self.summary.setText)
        return self.job

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Quotes, speaker links, actors or documents changed: the counts change with them."""
        if any(changeset.touches(t) for t in ("annotation", "relation", "actor", "document")):
            self._soon.start()

    def _read_again(self) -> None:
        if self.job is not None and running([self.job]):
            self._soon.start()  # after the read under way, not beside it
        elif self.isVisible():
            self.compute()

    def show_said(self, said: Said) -> None:
        self.said = said
        quotes = sum(1 for u in said.utterances if u.kind == "QUOTE")
        self.summary.setText(
            f"{quotes} quote(s) and {len(said.utterances) - quotes} claim(s) {_layer_words(said.layer)}"
        )
        self.show_grouping()

    def show_grouping(self) -> None:
        """Table and chart of the chosen grouping (no new read)."""
        if self.said is None:
            return
        by = self.grouping
        rows = group(self.said, by)
        self.model.show(rows, by)
        self.table.resizeColumnsToContents()
        self.documents.clear()
        self.documents_label.setText("Double-click a row for its documents")
        self.chart.set_data(
            [r.name for r in rows],
            {"quotes": [r.quotes for r in rows], "claims": [r.claims for r in rows]},
            horizontal=by != "month",
            title=f"Quotes and claims {TITLES[by].lower()}",
        )

    def list_documents(self, index: QModelIndex) -> None:
        """The documents where the double-clicked row's quotes and claims are, by title."""
        row = self.model.rows[index.row()]
        self.documents.clear()
        for doc in self.project.documents_by_id(list(row.documents)):
            item = QListWidgetItem(doc.title or f"Document {doc.id}", self.documents)
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
        what = (
            f"where {row.name} speaks" if self.grouping == "actor" else f"with quotes or claims in {row.name}"
        )
        self.documents_label.setText(f"Documents {what} ({len(row.documents)}): Enter opens one")

    def _open(self, item: QListWidgetItem) -> None:
        if self.open_document is not None:
            self.open_document(int(item.data(Qt.ItemDataRole.UserRole)))

    def export_csv(self, path: Path) -> None:
        write_csv(self.model.rows, self.model.by, path)

    def export_png(self, path: Path) -> None:
        if not self.chart.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")

    def _ask_and_export(self, name_filter: str, suffix: str, write: Callable[[Path], None]) -> None:
        name, _chosen = get_save_file_name(self, "Export", f"whosaid-{self.grouping}{suffix}", name_filter)
        if not name:
            return
        path = Path(name) if name.endswith(suffix) else Path(name + suffix)
        try:
            write(path)
        except OSError as exc:
            self.summary.setText(f"Not exported: {exc}")
            return
        self.summary.setText(f"Exported {path}")


def show_whosaid(
    parent: QWidget, project: ProjectContext | None, open_document: Callable[[int], None] | None = None
) -> WhoSaidView | None:
    """Open the view (None without a project) and start reading."""
    if project is None:
        return None
    view = WhoSaidView(project, open_document, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    signals = getattr(parent, "signals", None)  # the window's change bus: own and others' commits
    if signals is not None:
        signals.changed.connect(view.on_store_changed)
    view.show()
    view.compute()
    return view


def _layer_words(layer: str) -> str:
    """How the summary names the layer: "all" sums every annotator's own layer."""
    if layer == "all":
        return "in every annotator's own layer, summed"
    if layer == "gold":
        return "in the gold layer"
    return f"in {layer.removeprefix('annotator:')}'s layer"
