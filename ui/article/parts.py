"""Multi-part spans in the article: which spans have parts, and how they are drawn as one.

Each part gets the span's background (the highlighter tints the parts, never the words between
them); the overlay joins consecutive parts with a thin dotted line in the span's colour under the
text, and the selected span is outlined part by part, joined the same way but solid, so the
eye reads them as one span. Parts gathered by Ctrl+drag for a span not labelled yet are drawn
dashed until the label key makes the span.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotator.fragments import parts_of
from ui.article.index import END, ID, START

if TYPE_CHECKING:
    from annotator.queries import SpanTuple
    from ui.session import DocumentSession

Part = tuple[int, int]
BY_ID_AT_MOST = 500  # spans whose parts are read by id; more (an import, a filter): the whole document


class SpanParts:
    """The parts of the open document's multi-part spans, by span id, read through the project
    when the document loads and whenever its spans change (one indexed query)."""

    def __init__(self, session: DocumentSession) -> None:
        self.session = session
        self.by_span: dict[int, list[Part]] = {}
        self.gathering: list[Part] = []  # Ctrl+dragged parts of a span not labelled yet

    def reload(self, span_ids: Sequence[int] | None = None) -> None:
        """Read the parts of the document's spans (or of ``span_ids`` only: the first screen's
        while a long document opens, the rest once all its spans are in)."""
        project, doc = self.session.project, self.session.doc_id
        if span_ids is not None and len(span_ids) > BY_ID_AT_MOST:
            span_ids = None
        found = project.span_parts(doc, span_ids) if project is not None and doc is not None else {}
        self.by_span = found
        self.session.parts = found  # the span list, tooltips and relations read them joined

    def update(
        self,
        removed: Iterable[SpanTuple],
        added: Sequence[SpanTuple],
        stored: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        """After a change: forget the parts of the spans it removed and read those of the spans
        it added (their own rows by id), instead of every multi-part span of the document;
        the rows ``stored`` (the change's own, ``SpanDelta.stored``) are not read again."""
        if len(added) > BY_ID_AT_MOST:
            self.reload()
            return
        for span in removed:
            self.by_span.pop(span[ID], None)
        stored = stored or {}
        for span in added:
            row = stored.get(span[ID])
            if row is not None and row["fragments"]:  # as parts_in_document reads them
                self.by_span[span[ID]] = parts_of(0, 0, row["fragments"])
        unread = [span[ID] for span in added if span[ID] not in stored]
        project, doc = self.session.project, self.session.doc_id
        if unread and project is not None and doc is not None:
            self.by_span.update(project.span_parts(doc, unread))

    def of(self, span: SpanTuple) -> list[Part]:
        return self.by_span.get(span[ID]) or [(span[START], span[END])]

    def expand(self, spans: list[SpanTuple], bs: int, be: int) -> list[SpanTuple]:
        """``spans`` of a block with each multi-part span replaced by its parts inside the block
        (the same id and label), so the words between the parts keep no background of it."""
        if not self.by_span or not any(s[ID] in self.by_span for s in spans):
            return spans
        out: list[SpanTuple] = []
        for s in spans:
            parts = self.by_span.get(s[ID])
            if parts is None:
                out.append(s)
                continue
            out.extend((a, b, *s[2:]) for a, b in parts if a < be and b > bs)
        return out
