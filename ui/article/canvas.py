"""What the overlay painter needs of the article view, as a Protocol: the painter draws on any
canvas that offers these, and the view imports the painter without the painter importing it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ui.qt import QColor, QFont, QPalette, QRectF, QTextLine

if TYPE_CHECKING:
    from annotator.queries import SpanTuple
    from ui.article.parts import SpanParts
    from ui.session import DocumentSession

# Per block: its top, its height, and its laid-out lines (line, first and last code point, x range).
LineCache = dict[int, tuple[float, float, list[tuple[QTextLine, int, int, float, float]]]]


class Canvas(Protocol):
    """The article view as the overlay painter sees it."""

    session: DocumentSession
    find_matches: list[tuple[int, int]]
    pending_source: int | None
    suggestions: list[tuple[int, int, int, int]]
    suggestion_selected: int | None
    unsaved: list[SpanTuple]  # labels waiting for the database (ui/pending.py): drawn dashed
    parts: SpanParts  # multi-part spans' parts (ui/article/parts.py)

    def font(self) -> QFont: ...

    def palette(self) -> QPalette: ...

    @property
    def point_size(self) -> float: ...

    def visible_blocks(self, rect: QRectF | None = None) -> range: ...

    def range_rects(self, start: int, end: int, cache: LineCache | None = None) -> list[QRectF]: ...

    def stroke_color(self, label_id: int) -> QColor: ...

    def relation_color(self, type_id: int) -> QColor: ...

    def relation_name(self, type_id: int) -> str: ...
