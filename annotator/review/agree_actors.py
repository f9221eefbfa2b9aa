"""The registry links of a project's spans, as agreement records: one query for every linked
span and one for the registry (merges followed), not one per document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.actors_reads import spans_with_names
from annotator.agreement import Span
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, Document, Label
from annotator.whosaid import resolver


def actor_links(session: Session, project_id: int) -> dict[Span, int]:
    """Span (as ``review.agree.load`` builds it) → the registry actor it links to; an actor merged
    into another counts as the one that absorbed it."""
    registry = {
        i: (name, merged)
        for i, name, merged in session.execute(
            select(RegistryActor.id, RegistryActor.name, RegistryActor.merged_into_id).where(
                RegistryActor.project_id == project_id
            )
        )
    }
    if not registry:
        return {}
    resolve = resolver(registry)
    query = spans_with_names(
        Annotation.document_id,
        Annotation.start,
        Annotation.end,
        Label.name,
        Annotator.name,
        Annotation.fragments,
        Annotation.actor_id,
    ).where(Document.project_id == project_id, Annotation.actor_id.is_not(None))
    links: dict[Span, int] = {}
    for doc, start, end, label, who, parts, actor in session.execute(query):
        found = resolve(actor) if actor is not None else None
        if found is not None:
            pieces = tuple((int(a), int(b)) for a, b in parts) if parts else None
            links[Span(doc, start, end, label, who, pieces)] = found[0]
    return links
