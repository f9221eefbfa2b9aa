"""F2, Ctrl+F2 and Shift+F2 in the article: the codebook editors of the selected span, of one of
its links and of the document (the controller's part; the editors live in ui/attributes*.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.commands import EditContext


class AttributeKeys:
    """Mixed into the article's controller, which provides ``_ctx``, ``stack`` and ``view``."""

    stack: Any
    view: Any

    def _ctx(self) -> EditContext | None:
        raise NotImplementedError

    def _open(self, editor: Callable[[EditContext, Any, Any], object]) -> bool:
        ctx = self._ctx()
        return ctx is not None and editor(ctx, self.stack, self.view) is not None

    def edit_attributes(self) -> bool:
        """The selected span's codebook attributes in a keyboard-only editor (ui/attributes.py)."""
        from ui.attributes import edit_span_attributes

        return self._open(edit_span_attributes)

    def edit_relation_attributes(self) -> bool:
        """The attributes of one of the selected span's links (ui/attributes_relation.py)."""
        from ui.attributes_relation import edit_relation_attributes

        return self._open(edit_relation_attributes)

    def edit_document_attributes(self) -> bool:
        from ui.attributes_document import edit_document_attributes

        return self._open(edit_document_attributes)
