"""Actors travel with the project: out in native JSONL exports, back in by imports and merges.

Export: each record lists the registry actors its spans name, and each linked span names its
actor (``annotator.actors_json``). Import and merge: each file actor is matched to a live actor
here by external id, else by canonical name (ignoring case), else added; then each span of the
file that is stored here (same document, owner, label and offsets) and not linked yet points to
it. A span here already linked to another actor keeps its link: a conflict, reported (a merge
asks its ``relink`` rule first: the link of whoever changed the span last counts). A file actor
whose name matches an actor here that has another external id is a conflict too (reported; its
spans stay unlinked), never a silent merge of two people; so is one whose name is another
actor's alias here (unless external ids tell them apart), never a silent duplicate. A merge also
brings in the teammate's edits of matched actors (``annotator.actors_edits``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator import actors as ops
from annotator.actors_edits import carry_edits
from annotator.attributes_io import SPAN_KEY, SpanKey
from annotator.chunked import rows_in_chunks
from annotator.formats.base import ACTORS_LEFT_OUT, ExportReport, Writer
from annotator.import_result import ImportResult
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Label
from annotator.records import ActorRecord, DocRecord, SpanRecord
from annotator.tx import Tx

CHUNK = 500


@dataclass(slots=True)
class ActorCarry:
    """What bringing actors in did, for the import's or merge's report."""

    added: list[str] = field(default_factory=list)
    linked: int = 0
    conflicts: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # a merge: actors that took a teammate's edits
    relinked: int = 0  # a merge: spans that took their owner's newer link

    def anything(self) -> bool:
        return bool(self.added or self.linked or self.conflicts or self.updated or self.relinked)

    def summary(self) -> str:
        text = f"actors: {len(self.added)} added, {self.linked} span(s) linked"
        if self.updated:
            text += f", {len(self.updated)} updated ({', '.join(self.updated[:5])}"
            text += ", …)" if len(self.updated) > 5 else ")"
        if self.relinked:
            text += f", {self.relinked} span(s) relinked"
        if self.conflicts:
            shown = "\n  ".join(self.conflicts[:20])
            more = f"\n  … and {len(self.conflicts) - 20} more" if len(self.conflicts) > 20 else ""
            text += f"; {len(self.conflicts)} conflict(s), left as they are here:\n  {shown}{more}"
        return text


# --- going out ----------------------------------------------------------------------------------


def with_actors(
    records: Iterable[DocRecord],
    session: Session,
    project_id: int | None = None,
    report: ExportReport | None = None,
    *,
    whole: bool = False,
) -> Iterator[DocRecord]:
    """Exported records with their spans' actors, a chunk of documents at a time (one indexed
    read of the chunk's linked spans: a project without actors costs one empty query a chunk).
    ``whole`` (every document and span goes out): the first record also lists the registry actors
    no span names (added with aliases and external id before anyone tagged them), so an import or
    merge of the file still has them; otherwise ``report`` counts the registry actors left out."""
    it = iter(records)
    sent: set[int] = set()
    first = True
    # A project without registry actors has no linked span: no chunk's spans are read again.
    some = (
        project_id is None
        or session.scalar(select(RegistryActor.id).where(RegistryActor.project_id == project_id).limit(1))
        is not None
    )
    while chunk := list(islice(it, CHUNK)):
        docs = [r.doc_id for r in chunk if r.doc_id is not None]
        linked: dict[int, int] = {}
        if docs and some:
            query = select(Annotation.id, Annotation.actor_id).where(
                Annotation.document_id.between(min(docs), max(docs)), Annotation.actor_id.is_not(None)
            )
            linked = {span: actor for span, actor in session.execute(query) if actor is not None}
        actors = {}
        if linked:
            named = select(RegistryActor).where(RegistryActor.id.in_(set(linked.values())))
            actors = {a.id: a for a in session.scalars(named)}
        for record in chunk:
            used: dict[int, ActorRecord] = {}
            for span in record.spans if actors else ():  # (no linked span in the chunk: none to name)
                actor = actors.get(linked.get(int(span.key), 0)) if span.key and span.key.isdigit() else None
                if actor is None:
                    continue
                span.actor_key = str(actor.id)
                used.setdefault(actor.id, _record(actor))
            if first and whole and project_id is not None:
                for spare in _unmentioned(session, project_id):
                    used.setdefault(spare.id, _record(spare))
            first = False
            sent.update(used)
            record.actors = list(used.values())
            yield record
    if project_id is not None and report is not None:
        left = [a for a in ops.live_actors(session, project_id) if a.id not in sent]
        report.actors_left = {a.id for a in left}
        report.leave_out(ACTORS_LEFT_OUT, len(left))


def _unmentioned(session: Session, project_id: int) -> list[RegistryActor]:
    """Live registry actors no span points to."""
    named = select(Annotation.id).where(Annotation.actor_id == RegistryActor.id).exists()
    query = select(RegistryActor).where(
        RegistryActor.project_id == project_id, RegistryActor.merged_into_id.is_(None), ~named
    )
    return list(session.scalars(query.order_by(RegistryActor.id)))


def _record(a: RegistryActor) -> ActorRecord:
    return ActorRecord(str(a.id), a.name, list(a.aliases or []), a.kind, a.external_id, a.attributes)


def carrying_actors(
    writer: Writer, session: Session, project_id: int | None = None, whole: bool = False
) -> Writer:
    """``writer`` (native JSONL) fed records that carry their actors (``whole``: see ``with_actors``)."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        writer(with_actors(records, session, project_id, report, whole=whole), out, report)

    return write


# --- coming in ----------------------------------------------------------------------------------


class _Registry:
    """The project's live actors, matched by external id then name, added on first need."""

    def __init__(self, tx: Tx, project_id: int, result: ActorCarry, edits: bool = False) -> None:
        self.tx, self.project_id, self.result = tx, project_id, result
        live = ops.live_actors(tx.session, project_id)
        self.by_external = {a.external_id: a.id for a in live if a.external_id}
        self.by_name = {a.name.casefold(): (a.id, a.external_id) for a in live}
        self.by_alias = {n.casefold(): (a.id, a.name, a.external_id) for a in live for n in a.aliases or []}
        self.edits = edits  # a merge: bring the file's edits of matched actors in (actors_edits)
        self.done: set[tuple[int, str]] = set()

    def resolve(self, actor: ActorRecord, where: str) -> int | None:
        found = self._match(actor, where)
        if found is not None and self.edits and (found, actor.key) not in self.done:
            self.done.add((found, actor.key))
            changed, conflicts = carry_edits(self.tx, found, actor, self.by_external, self.by_name, where)
            self.result.conflicts.extend(conflicts)
            if changed and actor.name not in self.result.updated:
                self.result.updated.append(actor.name)
        return found

    def _match(self, actor: ActorRecord, where: str) -> int | None:
        external = ops.clean_external_id(actor.external_id)
        if external is not None and external in self.by_external:
            return self.by_external[external]
        name = ops.clean_name(actor.name)
        found = self.by_name.get(name.casefold())
        if found is not None:
            actor_id, theirs = found
            if external is not None and theirs is not None:
                self.result.conflicts.append(
                    f"{where}: actor {name!r} has external id {external!r} in the file, "
                    f"but actor {actor_id} here has {theirs!r}; its spans were not linked"
                )
                return None
            return actor_id
        holder = self.by_alias.get(name.casefold())
        if holder is not None and (external is None or external == holder[2]):
            self.result.conflicts.append(
                f"{where}: actor {name!r} of the file is an alias of actor {holder[0]} ({holder[1]}) "
                "here; its spans were not linked (link them by hand, or give it an external id)"
            )
            return None
        aliases = []
        for alias in actor.aliases:
            if alias.strip().casefold() in self.by_name:  # another actor's name: never an alias
                self.result.conflicts.append(
                    f"{where}: alias {alias!r} of actor {name!r} in the file is another actor's name "
                    "here; not taken"
                )
            else:
                aliases.append(alias)
        made = ops.add_actor(self.tx, self.project_id, name, aliases, actor.kind, external, actor.attributes)
        self.by_name[name.casefold()] = (made.id, external)
        if external is not None:
            self.by_external[external] = made.id
        self.result.added.append(name)
        self.done.add((made.id, actor.key))
        return made.id


# A merge's rule for a span linked here to another actor than the file says: "take" the file's,
# "keep" the project's silently (its link is the newer one), or report a "conflict".
Relink = Callable[[SpanRecord, datetime | None], str]


def link_records(
    tx: Tx,
    project_id: int,
    items: Sequence[tuple[int, DocRecord, Sequence[int | None]]],
    result: ActorCarry | None = None,
    relink: Relink | None = None,
    listed: Sequence[DocRecord] | None = None,
) -> ActorCarry:
    """Link the stored spans of ``items`` (document id, record, each span's owner here, None:
    not brought in) to the record's actors (see the module's docstring). A merge passes
    ``relink`` (span of the file, when the span here last changed) and brings in edits of the
    matched actors (``annotator.actors_edits``). The actors a record of ``listed`` (default: the
    records of ``items``) lists but none of its spans names are matched or added too."""
    result = result if result is not None else ActorCarry()
    wanted = [(d, r, o) for d, r, o in items if r.actors and any(s.actor_key for s in r.spans)]
    spare = [
        (r, a) for r in (listed if listed is not None else [r for _d, r, _o in items]) for a in _unnamed(r)
    ]
    if not wanted and not spare:
        return result
    registry = _Registry(tx, project_id, result, edits=relink is not None)
    if not wanted:
        return _add_spare(registry, spare, result)
    labels = dict(
        tx.session.execute(select(Label.name, Label.id).where(Label.project_id == project_id)).all()
    )
    actor_labels = ops.actor_label_ids(tx.session, project_id)
    docs = sorted({d for d, _r, _o in wanted})
    query = select(*SPAN_KEY, Annotation.id, Annotation.actor_id, Annotation.updated_at)
    rows = rows_in_chunks(tx.session, lambda part: query.where(Annotation.document_id.in_(part)), docs)
    stored: dict[SpanKey, tuple[int, int | None, datetime | None]] = {
        tuple(r[:5]): (r[5], r[6], r[7])  # type: ignore[misc]
        for r in rows
    }
    moves: dict[int, list[tuple[int, int]]] = {}
    taken = 0
    for doc_id, record, owners in wanted:
        where = _where(record)
        local = {a.key: registry.resolve(a, where) for a in record.actors}
        for span, owner in zip(record.spans, owners, strict=True):
            target = local.get(span.actor_key or "")
            label = labels.get(span.label)
            if target is None or owner is None or label is None:
                continue
            if label not in actor_labels:
                result.conflicts.append(
                    f"{where}: span {span.start}–{span.end} is a {span.label} span, not an actor mention; "
                    "its actor was not linked"
                )
                continue
            found = stored.get((doc_id, owner, label, span.start, span.end))
            if found is None:
                continue
            span_id, current, changed = found
            if current is None:
                moves.setdefault(target, []).append((span_id, doc_id))
                continue
            if current == target:
                continue
            rule = "conflict" if relink is None else relink(span, changed)
            if rule == "take":
                moves.setdefault(target, []).append((span_id, doc_id))
                taken += 1
            elif rule == "conflict":
                result.conflicts.append(
                    f"{where}: span {span.start}–{span.end} {span.text or ''!r} points to actor {current} "
                    f"here, to {span.actor_key} ({_name(record, span.actor_key)}) in the file"
                )
    for target, found_spans in moves.items():
        for i in range(0, len(found_spans), 5000):
            part = found_spans[i : i + 5000]
            ids = [span_id for span_id, _doc in part]
            tx.session.execute(update(Annotation).where(Annotation.id.in_(ids)).values(actor_id=target))
            tx.record(
                "annotation", "updated", ids, tuple(sorted({d for _s, d in part})), {"actor_id": target}
            )
        result.linked += len(found_spans)
    result.linked -= taken  # counted apart: a link here replaced by its owner's newer one
    result.relinked += taken
    return _add_spare(registry, spare, result)


def _add_spare(
    registry: _Registry, spare: list[tuple[DocRecord, ActorRecord]], result: ActorCarry
) -> ActorCarry:
    """Listed, named by no span: registry actors nobody tagged yet, matched or added after the
    named ones (so ids follow the file's order)."""
    for record, actor in spare:
        registry.resolve(actor, _where(record))
    return result


def _where(record: DocRecord) -> str:
    return f"{record.read_from or record.source_file or 'file'}" + (f":{record.line}" if record.line else "")


def _unnamed(record: DocRecord) -> list[ActorRecord]:
    named = {s.actor_key for s in record.spans}
    return [a for a in record.actors if a.key not in named]


def _name(record: DocRecord, key: str | None) -> str:
    return next((a.name for a in record.actors if a.key == key), "?")


def link_imported(
    tx: Tx,
    project_id: int,
    batch: Sequence[DocRecord],
    doc_ids: Sequence[int],
    owners: Sequence[Sequence[int]],
    report: ImportResult,
) -> None:
    """The importer's hook: a batch it has just written (``owners``: each span's annotator)."""
    if not any(r.actors for r in batch):
        return
    done = link_records(tx, project_id, list(zip(doc_ids, batch, owners, strict=True)))
    report.actors_added.extend(done.added)
    report.actors_linked += done.linked
    report.actor_conflicts.extend(done.conflicts)


def merge_actors_in(
    tx: Tx,
    project_id: int,
    source: Sequence[DocRecord],
    chosen: Sequence[str],
    owner_of: Callable[[str], int | None],
    relink: Relink | None = None,
) -> ActorCarry:
    """A merge's pass: the chosen teammates' links in the documents matched by text (``relink``:
    the merge's rule for a span linked otherwise here)."""
    from annotator.hashing import content_hash
    from annotator.model import Document

    records = [r for r in source if r.actors]
    if not records:
        return ActorCarry()
    hashes = {content_hash(r.text) for r in records}
    by_hash = dict(
        tx.session.execute(
            select(Document.content_hash, Document.id).where(
                Document.project_id == project_id, Document.content_hash.in_(hashes)
            )
        ).all()
    )
    items = []
    for record in records:
        doc_id = by_hash.get(content_hash(record.text))
        if doc_id is not None:
            owners = [
                owner_of(s.annotator) if s.annotator is not None and s.annotator in chosen else None
                for s in record.spans
            ]
            items.append((doc_id, record, owners))
    return link_records(tx, project_id, items, relink=relink, listed=records)
