"""Review ▸ Compare my work with gold…: where my spans and relations differ from gold, read-only.

Only adjudicated documents are listed (the core leaves the others out and says how many wait),
so nobody sees gold before the reviewer has finished. Each document lists its missing, extra,
boundary, label and relation differences with their text; choosing one shows it in both layers,
mine above and gold below, each pane highlighting all of its layer's spans. The summary is my
P/R/F1 against gold. Computed on a worker thread (ui.jobs), like the agreement figures.
"""

from __future__ import annotations

from annotator.review.compare import Mark
from annotator.review.compare_gold import DocumentComparison, GoldComparison, GoldDifference
from annotator.text import OffsetMap
from ui.article.colors import stroke, tint
from ui.jobs import JobDialog, Progress, start
from ui.project import ProjectContext
from ui.qt import (
    QColor,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    Qt,
    QTextCharFormat,
    QTextCursor,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE = Qt.ItemDataRole.UserRole


def _figure(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}"


def summary_text(result: GoldComparison) -> str:
    s, o, r = result.spans, result.spans_overlap, result.relations
    lines = [
        f"<b>{len(result.documents)}</b> adjudicated document(s) of {result.annotator}'s compared with gold.",
        f"Spans: precision <b>{_figure(s.precision)}</b>, recall <b>{_figure(s.recall)}</b>, "
        f"F1 <b>{_figure(s.f1)}</b> ({s.tp} as in gold, {s.fp} extra, {s.fn} missing); "
        f"F1 with overlapping boundaries {_figure(o.f1)}.",
        f"Relations: precision {_figure(r.precision)}, recall {_figure(r.recall)}, F1 {_figure(r.f1)}.",
    ]
    if result.waiting:
        lines.append(
            f"<i>{result.waiting} document(s) not adjudicated yet: hidden until the review is finished.</i>"
        )
    return "<br>".join(lines)


def _marks(marks: list[Mark]) -> str:
    return ", ".join(f"{m.label} {m.start}–{m.end}" for m in marks) or "—"


class LayerPane(QTextEdit):
    """One layer of a document, read-only: its spans tinted, the chosen difference outlined."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(title.lower())
        self.setReadOnly(True)
        self.setPlaceholderText(title)
        self.colors: dict[str, QColor] = {}
        self.offsets = OffsetMap("")
        self.spans: list[QTextEdit.ExtraSelection] = []

    def show_layer(self, text: str, marks: list[Mark]) -> None:
        if self.toPlainText() != text:
            self.setPlainText(text)
            self.offsets = OffsetMap(text)
        self.spans = [
            self._selection(m.start, m.end, tint(self._color(m.label), self.palette())) for m in marks
        ]
        self.setExtraSelections(self.spans)

    def _color(self, label: str) -> QColor:
        return self.colors.get(label, QColor("#0072B2"))

    def _selection(self, start: int, end: int, background: QColor) -> QTextEdit.ExtraSelection:
        chosen = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        chosen.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        chosen.format = fmt
        return chosen

    def point_at(self, start: int, end: int, label: str | None) -> None:
        """Select ``start``–``end`` (the difference) and scroll it into view."""
        outline = self._selection(start, end, tint(self._color(label or ""), self.palette(), 0.6))
        outline.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        outline.format.setUnderlineColor(stroke(self._color(label or ""), self.palette()))
        self.setExtraSelections([*self.spans, outline])
        self.setTextCursor(outline.cursor)
        self.ensureCursorVisible()

    def selected_cp(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return self.offsets.to_cp(cursor.selectionStart()), self.offsets.to_cp(cursor.selectionEnd())


class CompareGoldView(QDialog):
    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_gold")
        self.setWindowTitle("My work against gold")
        self.project = project
        self.comparison: GoldComparison | None = None
        self.job: JobDialog | None = None
        self.shown_doc: int | None = None
        self.who = QComboBox(self)
        names = [a.name for a in project.annotators() if a.role != "gold"]
        self.who.addItems(names)
        self.who.setCurrentText(project.actor.name)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Difference", "Text", "Mine", "Gold"])
        for column, width in enumerate((140, 200, 110)):
            self.tree.setColumnWidth(column, width)
        self.mine = LayerPane("Mine", self)
        self.gold = LayerPane("Gold", self)
        colors = {lab.name: QColor(lab.color) for lab in project.labels}
        self.mine.colors = self.gold.colors = colors
        panes = QSplitter(Qt.Orientation.Vertical, self)
        for title, pane in (("Mine", self.mine), ("Gold", self.gold)):
            box = QWidget(panes)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(QLabel(f"<b>{title}</b>", box))
            inner.addWidget(pane)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.tree)
        split.addWidget(panes)
        split.setSizes([600, 480])
        top = QHBoxLayout()
        top.addWidget(QLabel("Annotator:", self))
        top.addWidget(self.who)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.who.currentTextChanged.connect(lambda _name: self.compute())
        self.tree.currentItemChanged.connect(lambda item, _old: self._jump(item))
        self.resize(1100, 720)

    def compute(self) -> JobDialog:
        """Compare on a worker thread; the list fills when it is done."""
        name = self.who.currentText()

        def work(progress: Progress) -> GoldComparison:
            progress.stage("Comparing with gold", 0)
            return self.project.compare_with_gold(name)

        self.summary.setText("Comparing…")
        self.job = start(self, "Comparing with gold", work, self.show_result, self._failed)
        return self.job

    def _failed(self, message: str) -> None:
        self.summary.setText(message)

    def show_result(self, result: GoldComparison) -> None:
        self.comparison = result
        self.summary.setText(summary_text(result))
        self.tree.clear()
        self.shown_doc = None
        first: QTreeWidgetItem | None = None
        for doc in result.documents:
            head = QTreeWidgetItem(
                [f"{doc.title or f'Document {doc.id}'}", f"{len(doc.differences)} difference(s)"]
            )
            head.setData(0, ROLE, (doc, None))
            self.tree.addTopLevelItem(head)
            for diff in doc.differences:
                text = " ".join(diff.text.split())
                item = QTreeWidgetItem(
                    [diff.kind.value, text if len(text) <= 80 else text[:79] + "…", *self._readings(diff)]
                )
                item.setToolTip(1, diff.text)
                item.setData(0, ROLE, (doc, diff))
                head.addChild(item)
                first = first or item
            head.setExpanded(True)
        if not result.documents:
            empty = "No adjudicated document with your work yet." if not result.waiting else ""
            self.summary.setText(summary_text(result) + (f"<br>{empty}" if empty else ""))
        if first is not None:
            self.tree.setCurrentItem(first)

    def _readings(self, diff: GoldDifference) -> list[str]:
        assert self.comparison is not None
        if diff.unit.links:
            mine = [lk for lk in diff.unit.links if lk.annotator == self.comparison.annotator]
            gold = [lk for lk in diff.unit.links if lk.annotator == self.comparison.gold]
            return [", ".join(lk.type for lk in mine) or "—", ", ".join(lk.type for lk in gold) or "—"]
        return [_marks(diff.layer(self.comparison.annotator)), _marks(diff.layer(self.comparison.gold))]

    def _jump(self, item: QTreeWidgetItem | None) -> None:
        """Show the item's document in both layers and point at its difference."""
        if item is None:
            return
        doc, diff = item.data(0, ROLE)
        self._show_document(doc)
        if diff is None:
            return
        assert self.comparison is not None
        for pane, layer in ((self.mine, self.comparison.annotator), (self.gold, self.comparison.gold)):
            marks = diff.layer(layer)
            pane.point_at(diff.start, diff.end, marks[0].label if marks else None)

    def _show_document(self, doc: DocumentComparison) -> None:
        if self.shown_doc == doc.id:
            return
        text = self.project.document(doc.id).text
        self.mine.show_layer(text, doc.mine)
        self.gold.show_layer(text, doc.gold)
        self.shown_doc = doc.id


def show_compare_gold(parent: QWidget, project: ProjectContext | None) -> CompareGoldView | None:
    """Open the view on the current annotator's work (None without a project)."""
    if project is None:
        return None
    view = CompareGoldView(project, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    view.compute()
    return view
