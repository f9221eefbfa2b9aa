"""Delete that spares teammates' links unless confirmed: the check is the delete's own read.

Deleting a span takes the relations on it, whoever drew them. The first Delete of a span runs as
``SparingDelete``: the core op (``delete_spans(spare=me)``) refuses inside the write transaction
when a relation of someone else would go, so nothing is written and the person is asked; the
second Delete is a plain ``DeleteSpans``. Before, a separate read transaction asked the same
question before every Delete (about 1 ms of the key, issue 19); now a span with no teammates' links
costs no statement more than the delete itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.errors import ValidationError
from annotator.linked import OthersLink
from annotator.ops.annotations import OthersLinks, delete_spans
from annotator.store import Tx
from ui.commands import DeleteSpans, EditContext


class SparingDelete(DeleteSpans):
    """``DeleteSpans`` refused (nothing written, nothing on the undo stack) when it would take
    another person's link; ``others`` then names those links and the refusal asks again."""

    def __init__(self, ctx: EditContext, doc_id: int, ids: Sequence[int], text: str, label: str) -> None:
        super().__init__(ctx, doc_id, ids, text)
        self.label = label
        self.others: list[OthersLink] = []

    def perform(self, tx: Tx) -> None:
        try:
            delete_spans(tx, self.ids, spare=self.ctx.project.annotator_id)
        except OthersLinks as exc:  # rolled back by the transaction: the span and the links stay
            self.others = exc.links
            raise ValidationError(
                f"This {self.label} carries "
                + "; ".join(o.describe() for o in exc.links)
                + ". Press Delete again to delete it with their link (Esc keeps both)."
            ) from exc
