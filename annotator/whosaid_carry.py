"""The actor registry for the who-said-what CSV of a project export.

Export writers take records, and records do not carry the registry: ``with_registry`` reads the
project's linked spans and actors once (merges followed, as ``annotator.whosaid`` counts them) and
sets them for the writer's run (``annotator.formats.whosaid.REGISTRY``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.formats.base import ExportReport, Writer
from annotator.formats.whosaid import REGISTRY, ActorInfo, ActorRegistry
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Document
from annotator.records import DocRecord
from annotator.whosaid import resolver


def registry_of(session: Session, project_id: int) -> ActorRegistry:
    """Every span of the project that names a registry actor, by span id (as text), and the actors."""
    rows = session.scalars(select(RegistryActor).where(RegistryActor.project_id == project_id)).all()
    final = resolver({a.id: (a.name, a.merged_into_id) for a in rows})
    actors = {
        a.id: ActorInfo(a.id, a.name, a.external_id, dict(a.attributes or {}))
        for a in rows
        if a.merged_into_id is None
    }
    spans: dict[str, int] = {}
    linked = (
        select(Annotation.id, Annotation.actor_id)
        .join(Document, Document.id == Annotation.document_id)
        .where(Document.project_id == project_id, Annotation.actor_id.is_not(None))
    )
    for span_id, actor_id in session.execute(linked):
        resolved = final(actor_id) if actor_id is not None else None
        if resolved is not None and resolved[0] in actors:
            spans[str(span_id)] = resolved[0]
    return ActorRegistry(spans, actors)


def with_registry(writer: Writer, session: Session, project_id: int) -> Writer:
    """``writer`` run with the project's registry set for the who-said-what CSV."""
    registry = registry_of(session, project_id)

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        token = REGISTRY.set(registry)
        try:
            writer(records, out, report)
        finally:
            REGISTRY.reset(token)

    return write
