"""Where suggestions come from: the built-in rules, an installed spaCy pipeline, a model folder.

An engine is a function from a document's text to ``Suggestions`` (label and type *names*), with
the ``source`` its suggestions are stored under. ``run`` applies one to documents and stores the
result (``annotator.suggest.store.save``) in one transaction: a failure or a cancel stores nothing.
Nothing here downloads anything: spaCy pipelines must be installed or on disk.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Document, Label
from annotator.settings_project import load_settings
from annotator.store import Store, Tx
from annotator.suggest import rules
from annotator.suggest.rules import SpanSuggestion, Suggestions
from annotator.suggest.speakers import speakers_of, unlinked
from annotator.suggest.store import SaveReport, names, save
from annotator.undo.log import save as save_step
from annotator.undo.rows import Step
from annotator.undo.suggestions import BATCH, KIND, RunJournal

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Engine:
    source: str  # "rules@1", "spacy:en_core_web_sm", "model:quotes@3"
    suggest: Callable[[str], Suggestions]
    # How worker processes rebuild this engine (annotator.learn.batch): a model folder, or the
    # rules' gazetteer and config; None: this process only (a spaCy pipeline).
    parallel: tuple[str | None, tuple[str, ...], rules.RuleConfig | None] | None = None
    model: Any = None  # a model ``annotator train`` made (``annotator.learn.model.Model``)
    # Suggestions for one person's labels (``annotator.suggest.own``): made from what that
    # annotator labelled in each document, and shown to them alone.
    for_annotator: int | None = None
    # The person's labels in a document and those linked already (``own``): read in the run's
    # transaction, document by document, and given to the model with each text (with the parts
    # of the multi-part ones: ``speakers.speakers_of``)
    labels_of: Callable[[Tx, int], tuple[list[Any], list[Any], Any]] | None = None


PARALLEL_FROM = 200  # documents: below this, starting worker processes costs more than it saves


def rules_engine(store: Store, project_id: int, config: rules.RuleConfig | None = None) -> Engine:
    """The built-in rules, with the gazetteer of the project's actor names (any annotator's)."""
    with store.session() as session:
        if config is None:  # the project's own cue lists extend the built-in ones
            extra = load_settings(session, project_id)
            config = rules.RuleConfig(speech_verbs=extra.speech_verbs, according_to=extra.according_to)
        actor = config.actor_label
        gazetteer = sorted(
            session.scalars(
                select(Annotation.text)
                .distinct()
                .join(Label, Label.id == Annotation.label_id)
                .where(Label.project_id == project_id, Label.name == actor)
            )
        )
    return Engine(
        f"rules@{rules.VERSION}",
        lambda text: rules.suggest(text, gazetteer, config),
        (None, tuple(gazetteer), config),
    )


def parse_map(text: str | None) -> dict[str, str]:
    """``PERSON=ACTOR,ORG=ACTOR`` → {"PERSON": "ACTOR", "ORG": "ACTOR"}."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValidationError(f"--map: {item!r} is not LABEL=PROJECT_LABEL (e.g. PERSON=ACTOR)")
        out[source.strip()] = target.strip()
    return out


def _pipeline_engine(nlp: Any, source: str, mapping: dict[str, str], labels: set[str]) -> Engine:
    if not mapping:
        raise ValidationError(
            "say which of the pipeline's labels become which project labels: --map PERSON=ACTOR"
        )
    has = set(getattr(nlp.get_pipe("ner"), "labels", ())) if "ner" in nlp.pipe_names else set()
    missing = sorted(set(mapping) - has)
    if missing:
        known = ", ".join(sorted(has)) or "none: it has no entity recogniser"
        raise ValidationError(f"{source}: the pipeline has no label {missing[0]!r} (its labels: {known})")
    absent = sorted(set(mapping.values()) - labels)
    if absent:
        raise ValidationError(f"--map: the project has no label {absent[0]!r}")

    def suggest(text: str) -> Suggestions:
        doc = nlp(text)
        spans = [
            SpanSuggestion(ent.start_char, ent.end_char, mapping[ent.label_], 1.0)
            for ent in doc.ents
            if ent.label_ in mapping
        ]
        return Suggestions(spans=spans)

    return Engine(source, suggest)


def spacy_engine(name: str, mapping: dict[str, str], labels: set[str]) -> Engine:
    """An installed spaCy pipeline (by package name or path), never downloaded."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ValidationError("spaCy is not installed") from exc
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as exc:
        raise NotFoundError(
            f"no installed spaCy pipeline {name!r} (install it with pip; nothing is downloaded here)"
        ) from exc
    return _pipeline_engine(nlp, f"spacy:{name}", mapping, labels)


def model_engine(folder: Path, mapping: dict[str, str], labels: set[str]) -> Engine:
    """A model folder: one ``annotator train`` wrote (``model.json``), or a spaCy pipeline saved
    to disk (``meta.json`` and ``config.cfg``)."""
    if not folder.exists():
        raise NotFoundError(f"no model at {folder}")
    if (folder / "model.json").is_file():
        return _trained_engine(folder, labels)
    meta_file = folder / "meta.json"
    if not folder.is_dir() or not meta_file.is_file() or not (folder / "config.cfg").is_file():
        raise ValidationError(f"{folder} is not a model (a model folder holds meta.json and config.cfg)")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{meta_file}: not a model's meta.json ({exc})") from exc
    import spacy

    try:
        nlp = spacy.load(folder)
    except Exception as exc:  # spaCy raises many kinds for a damaged folder
        raise ValidationError(f"{folder} is not a loadable model: {exc}") from exc
    source = f"model:{meta.get('name', folder.name)}@{meta.get('version', '0')}"
    labels_map = mapping or {n: n for n in getattr(nlp.get_pipe("ner"), "labels", ()) if n in labels}
    return _pipeline_engine(nlp, source, labels_map, labels)


def _trained_engine(folder: Path, labels: set[str]) -> Engine:
    """A model of ``annotator.learn`` (the extractors ``annotator train`` makes)."""
    try:
        learned = importlib.import_module("annotator.learn.model")
    except ImportError as exc:
        raise ValidationError(f"{folder}: this version of annotator cannot read trained models") from exc
    model = learned.load(folder)
    other = sorted(set(model.labels) - labels)
    if other:
        raise ValidationError(
            f"{folder}: the model was trained for label {other[0]!r}, which the project lacks"
        )
    return Engine(str(model.source), model.predict, (str(folder), (), None), model=model)


def project_labels(store: Store, project_id: int) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(Label.name).where(Label.project_id == project_id)))


def document_ids(store: Store, project_id: int, wanted: Sequence[int] | None) -> list[int]:
    """The documents to run on: ``wanted`` (each must be the project's), or all."""
    with store.session() as session:
        ids = list(
            session.scalars(
                select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
            )
        )
    if wanted is None:
        return ids
    known = set(ids)
    for doc in wanted:
        if doc not in known:
            raise NotFoundError(f"no document {doc} in this project")
    return list(dict.fromkeys(wanted))


def run(
    store: Store,
    project_id: int,
    engine: Engine,
    documents: Sequence[int],
    *,
    min_score: float = 0.0,
    progress: Progress | None = None,
    annotator_id: int | None = None,
    steps: list[int] | None = None,
) -> SaveReport:
    """Suggest on ``documents`` and store the result, all or nothing (one transaction): a
    ``progress`` that raises (``errors.Cancelled``: the user pressed Cancel) stores nothing.

    With ``annotator_id`` the run is one undoable step of that annotator (``annotator.undo``):
    undo removes the suggestions it stored and puts back those it replaced; the step's id is
    appended to ``steps``. Texts are read in chunks and, from ``PARALLEL_FROM`` documents on,
    suggested in worker processes on both cores (``annotator.learn.batch``): memory stays
    bounded whatever the size. An engine on one person's labels (``labels_of``) reads them
    document by document in this transaction and gives them to the model with each text."""
    report = SaveReport()
    with store.transaction() as tx:
        journal = RunJournal(tx.session, engine.source)
        labels, types = names(tx.session, project_id)
        texts = _texts(tx, documents)
        many = engine.parallel is not None and len(documents) >= PARALLEL_FROM
        found: Iterable[tuple[int, Suggestions]]
        if engine.labels_of is not None:  # the speakers of one person's quotes
            items = _with_labels(tx, engine, texts, report)
            if many:  # labels read here, speakers found in the workers
                from annotator.learn.batch import suggest_many

                assert engine.parallel is not None
                found = suggest_many(items, model_dir=engine.parallel[0], speakers=True)
            else:
                found = ((doc, speakers_of(engine.model, *item)) for doc, item in items)
        elif engine.parallel is not None and many:
            from annotator.learn.batch import suggest_many

            folder, gazetteer, config = engine.parallel
            found = suggest_many(texts, model_dir=folder, gazetteer=gazetteer, config=config)
        else:
            found = ((doc, engine.suggest(text)) for doc, text in texts)
        n = 0
        for part in _batches(found, BATCH if annotator_id is not None else 1 << 30):
            with journal.batch([doc for doc, _s in part]) if annotator_id is not None else nullcontext():
                for doc, suggestions in part:
                    save(
                        tx,
                        doc,
                        engine.source,
                        suggestions,
                        labels,
                        types,
                        min_score=min_score,
                        report=report,
                        for_annotator=engine.for_annotator,
                    )
                    n += 1
                    if progress is not None:
                        progress(n)
        if report.spans or report.relations or report.replaced:
            tx.record("suggestion", "created", (), tuple(documents), {"source": engine.source})
        if annotator_id is not None and journal.changes:
            step = Step(
                f"Suggest with {engine.source}", KIND, documents=tuple(documents), changes=journal.changes
            )
            step_id = save_step(tx, annotator_id, step)
            if steps is not None:
                steps.append(step_id)
    return report


def _with_labels(
    tx: Tx, engine: Engine, texts: Iterable[tuple[int, str]], report: SaveReport
) -> Iterator[tuple[int, tuple[str, list[Any], list[Any], Any]]]:
    """Each text with the person's labels in it (``Engine.labels_of``), counting their quotes
    still without a speaker into ``report.waiting``."""
    assert engine.labels_of is not None
    report.waiting = 0
    for doc, text in texts:
        spans, linked, parts = engine.labels_of(tx, doc)
        report.waiting += len(unlinked(engine.model, spans, linked))
        yield doc, (text, spans, linked, parts)


def _batches(found: Iterable[tuple[int, Suggestions]], size: int) -> Iterator[list[tuple[int, Suggestions]]]:
    """``found`` in lists of ``size`` (streamed: a long run never holds all of it)."""
    part: list[tuple[int, Suggestions]] = []
    for item in found:
        part.append(item)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _texts(tx: Tx, documents: Sequence[int], chunk: int = 500) -> Iterator[tuple[int, str]]:
    """(id, text) of each document in order, read ``chunk`` at a time."""
    for lo in range(0, len(documents), chunk):
        ids = documents[lo : lo + chunk]
        found = dict(tx.session.execute(select(Document.id, Document.text).where(Document.id.in_(ids))).all())
        for doc in ids:
            if doc not in found:
                raise NotFoundError(f"no document with id {doc}")
            yield doc, found[doc]
