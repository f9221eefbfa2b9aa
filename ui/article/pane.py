"""The article pane: header, text and find bar, one calm page."""

from __future__ import annotations

from collections.abc import Callable

from ui.annotate import AnnotationController
from ui.article.header import ArticleHeader
from ui.article.view import ArticleView
from ui.attributes_document import DocumentValuesLine
from ui.commands import EditContext
from ui.find import FindBar
from ui.qt import QPalette, QResizeEvent, QUndoStack, QVBoxLayout, QWidget
from ui.session import DocumentSession


class ArticlePane(QWidget):
    def __init__(
        self,
        session: DocumentSession,
        stack: QUndoStack,
        context: Callable[[], EditContext | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.header = ArticleHeader(self)
        self.view = ArticleView(session, self)
        self.controller = AnnotationController(self.view, stack, context)
        self.find_bar = FindBar(self.view, self.controller, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self.view.columnChanged.connect(self.header.align)
        self.view.zoomChanged.connect(self._zoomed)
        session.reset.connect(lambda: self.header.show_document(session.doc))
        session.statusChanged.connect(lambda _s: self.header.show_document(session.doc))
        self._zoomed(self.view.point_size)
        self.header.show_document(None)
        self.document_values = DocumentValuesLine(  # ui/attributes_document.py
            session, self.header, self.controller.edit_document_attributes
        )

    def _zoomed(self, size: float) -> None:
        self.header.set_font_family(self.view.font(), size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.header.align(self.header._left, self.header._width)
