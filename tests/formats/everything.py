"""A project holding every kind of thing an export may carry, for the table test of formats:
a multi-part quote, actors (one with an external id, aliases, a kind and attributes), span, link
and document values, cue links."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from annotator.actors import update_actor
from annotator.attributes import define_attribute
from annotator.attributes_documents import set_document_value
from annotator.attributes_values import set_value
from annotator.fragments_ops import add_fragment
from annotator.importing import import_paths
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, Document, Project, Relation, RelationType
from annotator.store import Store
from tests.formats.test_brat_events import ANN, _folder

QUOTE = '"will reopen in May"'


def fill(store: Store, project: Project, tmp_path: Path) -> None:
    """The brat file of ``test_brat_events`` (cues, actors, QUOTE.type, ACTOR.named), then a
    second part on the first quote, speaker.confidence on each speaker link and document.genre."""
    import_paths(store, project.id, [_folder(tmp_path / "filled", ANN)], fmt="brat", annotator="alice")
    with store.transaction() as tx:
        session = tx.session
        quote = session.scalar(select(Annotation).where(Annotation.text == QUOTE))
        assert quote is not None
        add_fragment(tx, quote.id, 0, 5)  # "Mayor" … "will reopen in May": two parts
        define_attribute(tx, project.id, "speaker", "confidence", "number", scope="relation")
        speaker = select(RelationType.id).where(
            RelationType.project_id == project.id, RelationType.name == "speaker"
        )
        for link in session.scalars(select(Relation.id).where(Relation.type_id.in_(speaker))):
            set_value(tx, "relation", link, "confidence", 0.75)
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
        alice = session.scalar(
            select(Annotator.id).where(Annotator.project_id == project.id, Annotator.name == "alice")
        )
        document = session.scalar(select(Document.id).where(Document.project_id == project.id))
        assert alice is not None and document is not None
        set_document_value(tx, document, alice, "genre", "news")
        # The registry's details of the actor the brat file names (aliases, kind, attributes).
        actor = session.scalar(select(RegistryActor.id).where(RegistryActor.project_id == project.id))
        assert actor is not None
        update_actor(tx, actor, aliases=["Ruiz"], kind="politician", attributes={"party": "Green"})
