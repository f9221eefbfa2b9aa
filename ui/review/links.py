"""The relations of the selected gold span, to retype or delete them (each an undo step).

Beside the gold pane: select a gold span and its relations are listed here, each with its type
(a box of the types that fit its two ends) and a Delete button. R then a click in the gold pane
draws a new one (``ui.review.keys.GoldKeys``).
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.queries import RelationRow
from ui.qt import QApplication, QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget
from ui.review.panes import PaneSession
from ui.review.units import clear_layout, clip


class GoldLinks(QFrame):
    """One row per relation of the selected gold span: "from → to", its type, Delete."""

    def __init__(
        self,
        session: PaneSession,
        retype: Callable[[int, int], None],
        delete: Callable[[int], None],
        home: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.home = home  # where the keyboard goes when the row it was on is gone
        self._retype, self._delete = retype, delete
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 8)
        layout.addWidget(self.title)
        layout.addLayout(self.rows)
        self.types: dict[int, QComboBox] = {}
        self.deletes: dict[int, QPushButton] = {}
        session.selectionChanged.connect(lambda _id: self.refresh())
        session.relationsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the rows; keyboard focus stays on the same row's control (else the gold pane)."""
        focus = QApplication.focusWidget()
        had = next(
            (
                (rid, kind)
                for kind, widgets in (("type", self.types), ("delete", self.deletes))
                for rid, w in widgets.items()
                if w is focus
            ),
            None,
        )
        self._rebuild()
        if had is not None:
            again = (self.types if had[1] == "type" else self.deletes).get(had[0])
            (again or self.home).setFocus()

    def _rebuild(self) -> None:
        clear_layout(self.rows)
        self.types, self.deletes = {}, {}
        span = self.session.selected
        relations = self.session.relations_of_span(span) if span is not None else []
        if span is None:
            self.title.setText("<b>Gold relations</b> · select a gold span; R then a click links it")
            return
        self.title.setText(
            f"<b>Gold relations</b> of the selected span: {len(relations)}"
            + ("" if relations else " · R then a click on another gold span links it")
        )
        for relation in relations:
            self.rows.addWidget(self._row(relation))

    def _text(self, span_id: int) -> str:
        span = self.session.span(span_id)
        return clip(self.session.text[span[0] : span[1]], 24) if span is not None else "?"

    def _row(self, relation: RelationRow) -> QWidget:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(
            QLabel(f"“{self._text(relation.source_id)}” → “{self._text(relation.target_id)}”", row), 1
        )
        kinds = QComboBox(row)
        kinds.setToolTip("The relation's type (only types that fit its two spans)")
        project = self.session.project
        fitting = self.session.fitting_types(relation.source_id, relation.target_id) if project else []
        for type_id in fitting or [relation.type_id]:
            kind = project.relation_type(type_id) if project else None
            kinds.addItem(kind.name if kind else "?", type_id)
        kinds.setCurrentIndex(max(0, kinds.findData(relation.type_id)))
        kinds.activated.connect(lambda _i, r=relation.id, box=kinds: self._chosen(r, int(box.currentData())))
        remove = QPushButton("Delete", row)
        remove.setToolTip("Remove this relation from gold (its spans stay; Ctrl+Z undoes)")
        remove.clicked.connect(lambda _c=False, r=relation.id: self._delete(r))
        line.addWidget(kinds)
        line.addWidget(remove)
        self.types[relation.id], self.deletes[relation.id] = kinds, remove
        return row

    def _chosen(self, relation_id: int, type_id: int) -> None:
        current = self.session.relations.by_id.get(relation_id)
        if current is not None and current.type_id != type_id:
            self._retype(relation_id, type_id)
