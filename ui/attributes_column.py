"""The span list's "Attributes" column: each span's codebook values as "type=direct; role=mayor".

Values are read once per document (only the spans that have any), then per span as it changes
(a span whose attribute is set changes version, and the session re-reads it in place).
"""

from __future__ import annotations

from annotator.attributes_values import show_value
from ui.article.index import ID
from ui.session import DocumentSession


class SpanValues:
    """The shown values of the open document's spans, kept in step with the session's signals."""

    def __init__(self, session: DocumentSession) -> None:
        self.session = session
        self.defined = False  # whether the project has any attributes (else nothing is read)
        self.text: dict[int, str] = {}
        session.reset.connect(self.load)
        session.completed.connect(self.load)
        session.spanUpdated.connect(self._row)
        session.spanInserted.connect(self._row)

    def load(self) -> None:
        self.text.clear()
        project, doc_id = self.session.project, self.session.doc_id
        self.defined = project is not None and bool(project.attribute_defs())
        if project is None or doc_id is None or not self.defined:
            return
        for span_id, values in project.span_attributes(doc_id).items():
            self.text[span_id] = _shown(values)

    def _row(self, row: int) -> None:
        order = self.session.index.order
        project, doc_id = self.session.project, self.session.doc_id
        if not self.defined or project is None or doc_id is None or not 0 <= row < len(order):
            return
        span_id = order[row][ID]
        values = project.span_attributes(doc_id, [span_id]).get(span_id)
        if values:
            self.text[span_id] = _shown(values)
        else:
            self.text.pop(span_id, None)

    def shown(self, span_id: int) -> str:
        return self.text.get(span_id, "")


def _shown(values: dict[str, object]) -> str:
    return "; ".join(f"{name}={show_value(value)}" for name, value in values.items())
