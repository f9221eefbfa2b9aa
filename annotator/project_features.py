"""The project object's reads for the team features: comments, attributes, guidelines and
comparison with gold, suggestions (a mixin of ``ProjectContext``, kept apart for size)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotator.attributes import AttributeInfo, list_attributes
from annotator.attributes_documents import document_values
from annotator.attributes_values import values_of_spans

if TYPE_CHECKING:
    from annotator.comment_reads import CommentRow
    from annotator.review.compare_gold import GoldComparison
    from annotator.store import Actor, Store
    from annotator.suggest.store import Listing
    from annotator.whosaid import Said


class FeatureReads:
    """Reads the GUI makes for comments, the codebook, guidelines and suggestions."""

    if TYPE_CHECKING:
        store: Store
        id: int
        actor: Actor

    # --- comments and flags (annotator.comment_reads) ----------------------------------------

    def comments(
        self, *, open_only: bool = False, document_ids: Sequence[int] | None = None, kind: str | None = None
    ) -> list[CommentRow]:
        """The project's comment threads (replies after their first comment)."""
        from annotator.comment_reads import comment_rows

        with self.store.session() as session:
            return comment_rows(session, self.id, open_only=open_only, document_ids=document_ids, kind=kind)

    def commented_spans(self, doc_id: int) -> dict[int, str]:
        """A document's spans with an open thread, and its kind ("flag" wins over "comment")."""
        from annotator.comment_reads import commented_spans

        with self.store.session() as session:
            return commented_spans(session, doc_id)

    def span_parts(
        self, doc_id: int, span_ids: Sequence[int] | None = None
    ) -> dict[int, list[tuple[int, int]]]:
        """The parts of a document's multi-part spans (or of ``span_ids``), by span id."""
        from annotator.fragments_ops import parts_in_document

        with self.store.session() as session:
            return parts_in_document(session, doc_id, span_ids)

    # --- attributes (the codebook) ------------------------------------------------------------

    def attribute_defs(self) -> list[AttributeInfo]:
        with self.store.session() as session:
            return list_attributes(session, self.id)

    def span_attributes(
        self, doc_id: int, span_ids: Sequence[int] | None = None
    ) -> dict[int, dict[str, Any]]:
        """Attribute values of a document's spans (those with any, or of ``span_ids``), by span id."""
        with self.store.session() as session:
            return values_of_spans(session, doc_id, span_ids)

    def document_attributes(self, doc_id: int) -> dict[str, Any]:
        """The acting annotator's document-level values of a document."""
        me = self.actor.id or 0
        with self.store.session() as session:
            return document_values(session, [doc_id], [me]).get((doc_id, me), {})

    # --- guidelines, and my work against gold -------------------------------------------------

    def guidelines(self) -> str:
        """The project's guidelines document (markdown; empty when none was written)."""
        from annotator.settings_project import get_guidelines

        with self.store.session() as session:
            return get_guidelines(session, self.id)

    def compare_with_gold(
        self, annotator: str | None = None, documents: Sequence[int] | None = None
    ) -> GoldComparison:
        """Where ``annotator`` (default: who is at the keyboard) differs from gold, over
        adjudicated documents only (see ``annotator.review.compare_gold``)."""
        from annotator.review.compare_gold import compare_with_gold

        with self.store.session() as session:
            return compare_with_gold(session, self.id, annotator or self.actor.name, documents)

    # --- suggestions (annotator.suggest) ------------------------------------------------------

    def suggestions(self, doc_id: int) -> Listing:
        """The document's suggestions the person at the keyboard has not decided on yet."""
        from annotator.suggest.store import listing

        with self.store.session() as session:
            return listing(session, self.id, document_id=doc_id, pending_for=self.actor.id)

    def suggested_documents(self) -> dict[int, list[str]]:
        """Documents on which someone saw suggestions before they were done, with who did."""
        from annotator.suggest.store import shown_documents

        with self.store.session() as session:
            return shown_documents(session, self.id)

    def most_uncertain(self, current: int | None, assigned_to: int | None = None) -> int | None:
        """Active learning's next document: the most uncertain not done (``annotator.learn.uncertainty``)."""
        from annotator.learn.uncertainty import most_uncertain
        from annotator.queries import find_documents

        with self.store.session() as session:
            rows = find_documents(session, self.id, assigned_to=assigned_to)
            return most_uncertain(session, [r.id for r in rows], self.actor.id or 0, current)

    # --- who said what (annotator.whosaid) ----------------------------------------------------

    def who_said(self, layer: str | None = None) -> Said:
        """Every quote and claim of ``layer`` (gold, all or an annotator's name; None: gold when
        there is gold) with its speakers, outlet and month; group it with ``annotator.whosaid.group``."""
        from annotator.whosaid import collect

        with self.store.session() as session:
            return collect(session, self.id, layer)
