"""What people rejected, read as training data for the next model (``annotator.learn.train``).

A rejection is a person's word that a suggestion is wrong. In a document the layer has labels in,
the tagger already learns every unlabelled token as outside any label, so a rejection there adds
nothing. It adds where the layer is silent: a document the person rejected suggestions in but
labelled nothing, which no training set held before. There the paragraphs holding a rejected
suggestion (and no suggestion the person left open or accepted) train as holding none of its
labels. A rejected speaker link between two spans the layer has teaches the speaker classifier
that this actor did not say that quote.

Whose rejections count follows the layer: ``annotator:NAME`` NAME's, ``all`` everyone's;
``gold`` and ``majority`` none (one person's rejection is not the review's or the majority's word).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from annotator.dataset.layers import Layer
from annotator.errors import ValidationError
from annotator.model import (
    Annotator,
    Document,
    Label,
    RelationSuggestion,
    RelationType,
    Suggestion,
    SuggestionDecision,
)
from annotator.suggest.store import REJECTED

Span = tuple[int, int, str]
_CHUNK = 5000  # ids per IN list: bounded however many documents a project has


@dataclass(frozen=True, slots=True)
class RejectedDoc:
    """A document with rejected suggestions: the rejected spans, and the suggestions there the
    people did not reject (pending or accepted: a paragraph holding one is not known empty)."""

    doc_id: int
    text: str
    rejected: list[Span]
    kept: list[Span]


@dataclass(slots=True)
class Rejections:
    documents: list[RejectedDoc] = field(default_factory=list)
    # document id → the (from span, to span, relation type) of each rejected relation suggestion
    links: dict[int, list[tuple[Span, Span, str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.documents or self.links)


def people_layer(layer: str) -> Layer:
    """``layer`` parsed, refused when it holds no one's labels: a model learns from people (and is
    scored against them), not from the suggestions of rules or models."""
    parsed = Layer.parse(layer)
    if parsed.kind == "suggestions":
        raise ValidationError(
            f"the layer {layer} holds the rules' and models' suggestions, not anyone's labels: "
            "train and evaluate take gold, majority, all or annotator:NAME"
        )
    return parsed


def _people(session: Session, project_id: int, layer: Layer) -> list[int]:
    query = select(Annotator.id).where(Annotator.project_id == project_id)
    if layer.kind == "annotator":
        query = query.where(Annotator.name == layer.name)
    elif layer.kind != "all":
        return []
    return list(session.scalars(query))


def rejections(
    session: Session, project_id: int, layer: str | Layer, labelled: Collection[int | None] = ()
) -> Rejections:
    """The rejections of the people whose labels make ``layer``, with what training needs.
    ``labelled``: the documents the layer has labels in (their texts are not read again: their
    spans already say where nothing is)."""
    found = Rejections()
    people = _people(session, project_id, layer if isinstance(layer, Layer) else Layer.parse(layer))
    if not people:
        return found
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    decided = (
        select(SuggestionDecision.suggestion_id)
        .join(Document, Document.id == SuggestionDecision.document_id)
        .where(
            Document.project_id == project_id,
            SuggestionDecision.annotator_id.in_(people),
            SuggestionDecision.decision == REJECTED,
            SuggestionDecision.suggestion_id.is_not(None),
        )
    )
    refused = set(session.scalars(decided))
    by_doc: dict[int, list[tuple[int, Span]]] = defaultdict(list)
    if refused:
        visible = Suggestion.for_annotator_id.is_(None) | Suggestion.for_annotator_id.in_(people)
        with_refusals = session.scalars(
            select(Suggestion.document_id).where(Suggestion.id.in_(decided)).distinct()
        )
        docs = sorted(set(with_refusals) - set(labelled))
        for lo in range(0, len(docs), _CHUNK):
            chunk = docs[lo : lo + _CHUNK]
            rows = session.execute(
                select(
                    Suggestion.id,
                    Suggestion.document_id,
                    Suggestion.start,
                    Suggestion.end,
                    Suggestion.label_id,
                )
                .where(Suggestion.document_id.in_(chunk), visible)
                .order_by(Suggestion.document_id, Suggestion.start, Suggestion.id)
            )
            for sid, doc, start, end, label_id in rows:
                by_doc[doc].append((sid, (start, end, labels.get(label_id, "?"))))
            query = select(Document.id, Document.text).where(Document.id.in_(chunk))
            texts = {doc: text for doc, text in session.execute(query)}
            for doc in chunk:
                spans = by_doc.pop(doc, [])
                found.documents.append(
                    RejectedDoc(
                        doc,
                        texts[doc],
                        [s for sid, s in spans if sid in refused],
                        [s for sid, s in spans if sid not in refused],
                    )
                )
    found.links = _links(session, project_id, people, labels)
    return found


def _links(
    session: Session, project_id: int, people: list[int], labels: dict[int, str]
) -> dict[int, list[tuple[Span, Span, str]]]:
    """Each rejected relation suggestion's ends (as spans) and type, by document."""
    a, b = aliased(Suggestion), aliased(Suggestion)
    rows = session.execute(
        select(
            RelationSuggestion.document_id,
            a.start,
            a.end,
            a.label_id,
            b.start,
            b.end,
            b.label_id,
            RelationType.name,
        )
        .join(SuggestionDecision, SuggestionDecision.relation_suggestion_id == RelationSuggestion.id)
        .join(Document, Document.id == RelationSuggestion.document_id)
        .join(a, a.id == RelationSuggestion.source_id)
        .join(b, b.id == RelationSuggestion.target_id)
        .join(RelationType, RelationType.id == RelationSuggestion.type_id)
        .where(
            Document.project_id == project_id,
            SuggestionDecision.annotator_id.in_(people),
            SuggestionDecision.decision == REJECTED,
        )
        .distinct()
    )
    out: dict[int, list[tuple[Span, Span, str]]] = defaultdict(list)
    for doc, s1, e1, l1, s2, e2, l2, rtype in rows:
        out[doc].append(((s1, e1, labels.get(l1, "?")), (s2, e2, labels.get(l2, "?")), rtype))
    return dict(out)
