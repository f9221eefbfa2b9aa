"""The speakers of the quotes a person labelled by hand: a trained model finds and links only
their sources, and the suggestions are that person's alone.

A model's weakest step is finding contents (on PolNeAR its content exact F1 is 0.44), its best is
the source of a given content (0.77 exact on the test split's own contents). Researchers often
mark the quotes first and link speakers after; here the model does the second step on their own
quotes. The suggestions start from one person's labels, so nobody else sees them (a teammate
would see that person's quotes: agreement needs independent work); the run's source names them,
``model:quotes@3 for ana``, and accepting one records that origin.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from annotator.errors import ValidationError
from annotator.model import Annotation, Label, Relation, RelationType
from annotator.suggest.engines import Engine
from annotator.suggest.speakers import Parts
from annotator.tx import Tx

Span = tuple[int, int, str]


def own_quotes_engine(engine: Engine, annotator_id: int, annotator_name: str) -> Engine:
    """``engine``'s model (``engines.model_engine``) on ``annotator_id``'s quotes that have no
    speaker yet. Many documents run in worker processes on both cores, as any model's run: this
    process reads each document's labels and sends them along with its text."""
    model = engine.model
    if model is None or not getattr(model, "linkers", None):
        raise ValidationError(
            f"{engine.source}: finding the speakers of labelled quotes needs a model `annotator train` "
            "made with links (a spaCy pipeline only tags spans)"
        )

    def labels_of(tx: Tx, document_id: int) -> tuple[list[Span], list[Span], Parts]:
        spans, linked, parts = _labels_of(tx, document_id, annotator_id, model)
        return spans, sorted(linked), parts

    folder = engine.parallel[0] if engine.parallel is not None else None
    return Engine(
        f"{engine.source} for {annotator_name}",
        engine.suggest,
        (folder, (), None) if folder is not None else None,
        model=model,
        for_annotator=annotator_id,
        labels_of=labels_of,
    )


def _labels_of(
    tx: Tx, document_id: int, annotator_id: int, model: Any
) -> tuple[list[Span], set[Span], Parts]:
    """The person's spans of the labels the model links (by their hulls), those of them linked
    already, and the parts of the multi-part ones (the model is given those: ``speakers``)."""
    wanted = {k.source_label for k in model.linkers} | {k.target_label for k in model.linkers}
    types = {k.type for k in model.linkers}
    rows = tx.session.execute(
        select(Annotation.id, Annotation.start, Annotation.end, Label.name, Annotation.fragments)
        .join(Label, Label.id == Annotation.label_id)
        .where(
            Annotation.document_id == document_id,
            Annotation.annotator_id == annotator_id,
            Label.name.in_(sorted(wanted)),
        )
    ).all()
    by_id = {i: (a, b, name) for i, a, b, name, _f in rows}
    parts = {(a, b, name): [(x, y) for x, y in f] for _i, a, b, name, f in rows if f}
    linked = {
        by_id[source]
        for (source,) in tx.session.execute(
            select(Relation.source_id)
            .join(RelationType, RelationType.id == Relation.type_id)
            .where(
                Relation.document_id == document_id,
                Relation.annotator_id == annotator_id,
                RelationType.name.in_(sorted(types)),
            )
        )
        if source in by_id
    }
    return sorted(set(by_id.values())), linked, parts
