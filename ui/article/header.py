"""Title, byline, date and source link above the article, aligned with the text column."""

from __future__ import annotations

import html
from datetime import date, datetime
from urllib.parse import urlparse

from annotator.queries import DocumentView
from ui.qt import QFont, QLabel, QPalette, Qt, QVBoxLayout, QWidget


def nice_date(value: str | None) -> str:
    """ISO dates as "12 March 2026"; anything else as found."""
    if not value:
        return ""
    try:
        parsed: date = datetime.fromisoformat(value).date()
    except ValueError:
        return value
    return f"{parsed.day} {parsed:%B %Y}"


def source_link(url: str | None) -> str:
    """A link to the source (web addresses only), shown as its host name."""
    if not url:
        return ""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return html.escape(url)
    host = parts.netloc.removeprefix("www.")
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(host)}&nbsp;↗</a>'


class ArticleHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = QLabel(self)
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.meta.setOpenExternalLinks(True)
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.meta.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        self._left = 48
        self._width = 640

    def set_font_family(self, family: QFont, point_size: float) -> None:
        font = QFont(family)
        font.setPointSizeF(point_size * 1.55)
        font.setWeight(QFont.Weight.Bold)
        self.title.setFont(font)
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, point_size * 0.8))
        self.meta.setFont(small)

    def show_document(self, doc: DocumentView | None) -> None:
        if doc is None:
            self.title.setText("No document")
            self.meta.setText("Import documents with File ▸ Import documents…")
            return
        self.title.setText(doc.title or f"Document {doc.id}")
        parts = []
        if doc.author:
            parts.append("By " + html.escape(doc.author))
        if doc.published:
            parts.append(html.escape(nice_date(doc.published)))
        if doc.source_url:
            parts.append(source_link(doc.source_url))
        parts.append(f"{len(doc.text):,} characters")
        parts.append(html.escape(doc.status))
        self.meta.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts))

    def align(self, left: int, width: int) -> None:
        """Sit over the text column of the view below."""
        self._left, self._width = left, width
        right = max(0, self.width() - left - width)
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(left, 28, right, 10)
