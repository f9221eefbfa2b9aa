"""Bring a teammate's work in from their project database or their native JSONL export.

Documents are matched by content hash, never by id. For each merged annotator, what the source
holds in its documents comes in (nobody else's labels are touched, and merging the same source
twice changes nothing). What the source lacks is removed only when the source's labels are that
teammate's own newer ones: the merge is run by that teammate or a reviewer, and the source's
``as_of`` (the time of its last change) is later than every one of the teammate's labels in the
document here. Otherwise the merge only adds, and its report says what it did not replace.

Reading, matching and checking happen before the write transaction (``plan``); the write
transaction only re-checks that nothing changed meanwhile (else it plans again inside) and writes,
so on SQLite other writers wait for seconds, not for the whole merge.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from annotator.actors_carry import ActorCarry, merge_actors_in
from annotator.comments_carry import merge_comments
from annotator.errors import AnnotatorError, InputError
from annotator.formats import native
from annotator.import_apart import own_key
from annotator.model import Annotator
from annotator.ops.documents import deleted_hashes
from annotator.records import DocRecord
from annotator.review.merge_codebook import declare, with_definitions
from annotator.review.merge_plan import Plan, plan_merge
from annotator.review.merge_values import write_document_values
from annotator.sqlite_guard import refuse_database_file
from annotator.store import Actor, Store, Tx, open_store
from annotator.undo.log import save as save_step
from annotator.undo.merged import MergeJournal

NO_RUNNER = "a merge that names nobody (--by)"


@dataclass(slots=True)
class MergeSummary:
    annotators: list[str] = field(default_factory=list)
    documents_added: int = 0
    spans_added: int = 0
    spans_removed: int = 0
    spans_kept: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    relations_kept: int = 0
    # Per annotator: documents whose labels were replaced, and labels left in place (not replaced).
    replaced: Counter[str] = field(default_factory=Counter)
    not_replaced: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    documents_deleted: int = 0  # in the source, but deleted here: skipped
    assignments_added: int | str = 0  # or why none were (annotator.assign_merge)
    comments_added: int = 0
    values_updated: int = 0  # spans both sides had whose codebook values took the newer file's
    cleared: int = 0  # values here the file lacks (the teammate cleared them): kept, not carried
    values_kept: Counter[str] = field(default_factory=Counter)  # spans whose other values stay here
    value_reasons: dict[str, tuple[str, bool]] = field(default_factory=dict)  # why; a refusal?
    document_values: int = 0  # document-level values taken from the file
    value_conflicts: list[str] = field(default_factory=list)  # document values kept as they are here
    attributes_created: list[str] = field(default_factory=list)  # from the file's codebook: QUOTE.type
    step: int | None = None  # the merge's undo step (``annotator undo`` of whoever ran it)
    actors: ActorCarry = field(default_factory=ActorCarry)

    def summary(self) -> str:
        who = ", ".join(self.annotators) or "nobody"
        text = (
            f"merged {who}: {self.documents_added} new document(s); spans +{self.spans_added} "
            f"-{self.spans_removed} ({self.spans_kept} unchanged); relations +{self.relations_added} "
            f"-{self.relations_removed} ({self.relations_kept} unchanged); other annotators untouched"
        )
        if self.attributes_created:
            text += "; " + ", ".join(f"attribute {name} created" for name in self.attributes_created)
        if self.comments_added:
            text += f"; comments +{self.comments_added}"
        if self.values_updated:
            text += f"; values of {self.values_updated} span(s) updated"
        for name, count in sorted(self.values_kept.items()):
            reason, refused = self.value_reasons[name]
            hint = "; --by NAME, that teammate or a reviewer, takes their own newer values" if refused else ""
            text += f"; values of {count} span(s) of {name} differ in the file and were not taken ({reason}{hint})"
        if self.document_values:
            text += f"; {self.document_values} document value(s) taken"
        if self.cleared:
            text += f"; {self.cleared} cleared value(s) not carried (kept here)"
        if self.value_conflicts:
            text += f"; {len(self.value_conflicts)} document value conflict(s), kept as they are here:\n  "
            text += "\n  ".join(self.value_conflicts[:20])
            if len(self.value_conflicts) > 20:
                text += f"\n  … and {len(self.value_conflicts) - 20} more"
        if self.replaced:
            text += "; replaced " + ", ".join(
                f"{n}'s labels in {c} document(s)" for n, c in sorted(self.replaced.items())
            )
        if self.not_replaced:
            text += "; not replaced (only added): " + "; ".join(
                f"{c} label(s) of {n} the file lacks ({self.reasons[n]})"
                for n, c in sorted(self.not_replaced.items())
            )
        if self.documents_deleted:
            text += (
                f"; {self.documents_deleted} document(s) skipped: deleted from this project "
                "(--restore-deleted brings them back)"
            )
        if self.assignments_added:
            added = self.assignments_added
            text += f"; {added} assignment(s) added" if isinstance(added, int) else f"; {added}"
        if self.actors.anything():
            text += "; " + self.actors.summary()
        return text


def read_source(path: Path) -> list[DocRecord]:
    """Records of a teammate's native JSONL export or project database (SQLite file).

    A database is read from a private copy: the teammate's file is never changed, not even
    upgraded to this version's schema.
    """
    path = Path(path)
    refuse_database_file(path)  # the open project itself: reading it here would drop SQLite's locks
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if header == b"SQLite format 3\x00":
        return list(_records_of_database(path))
    found = list(native.read(path))
    for record in found:  # errors and conflicts name this file, not the one a document came from
        record.read_from = str(path)
    return found


def _copy_database(path: Path, folder: Path) -> Path:
    """An online copy of the SQLite file at ``path``, opened read-only (its WAL included)."""
    copy = folder / "source.db"
    try:
        source = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise InputError(str(path), f"cannot read this database: {exc}") from None
    return copy


def _records_of_database(path: Path) -> Iterator[DocRecord]:
    from annotator.actors_carry import with_actors
    from annotator.assign_merge import with_assignments
    from annotator.comments_carry import with_comments
    from annotator.export import records
    from annotator.ops.projects import find_project
    from annotator.review.carry import enrich

    folder = Path(tempfile.mkdtemp(prefix="annotator-merge-"))
    try:
        copy = _copy_database(path, folder)
        try:
            store = open_store(f"sqlite:///{copy}")
        except AnnotatorError as exc:
            reason = str(exc).replace(f"sqlite:///{copy}: ", "").replace(str(copy), str(path))
            raise InputError(str(path), reason) from None
        try:
            with store.session() as session:
                try:
                    project_id = find_project(session).id
                except Exception as exc:
                    raise InputError(str(path), str(exc)) from None
                found = with_definitions(records(session, project_id), session, project_id)
                carried = with_assignments(session, project_id, found)
                enriched = with_actors(enrich(session, project_id, carried), session, project_id, whole=True)
                for record in with_comments(enriched, session):
                    record.source_file = str(path)
                    yield record
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def merge(
    store: Store,
    project_id: int,
    source: Sequence[DocRecord],
    *,
    annotators: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    origin: object | None = None,
    by: str | None = None,
    actor: Actor | None = None,
    planned: list[float] | None = None,
    system: bool = True,
    restore_deleted: bool = False,
) -> MergeSummary:
    """Bring each chosen annotator's work in the source's documents into the project.

    ``actor`` (the app's person) or ``by`` (a declared name) runs the merge: replacing a
    teammate's labels needs that teammate or a reviewer (no runner: the system, which may).
    Without either, ``system`` says whether the caller is the system (in-process scripts), which
    may; the command line is not: without ``--by`` its merge only adds.
    ``planned`` receives the time planning ended (tests and benchmarks).
    """
    from annotator.assign_merge import carry
    from annotator.ops.owners import is_gold_name

    present = sorted(
        {s.annotator for r in source for s in r.spans if s.annotator}
        | {name for r in source for name in r.attributes or {}}
    )
    chosen = [a for a in (annotators or present) if a not in exclude and not is_gold_name(a)]
    runner = actor if actor is not None else (Actor(by) if by else None)
    planner = runner if runner is not None or system else Actor(NO_RUNNER)
    skipped = 0
    with store.session() as session:
        deleted = set() if restore_deleted else deleted_hashes(session, project_id)
        if deleted:  # documents deleted here stay deleted unless asked
            kept = [r for r in source if own_key(r) not in deleted]
            skipped, source = len(source) - len(kept), kept
        the_plan = plan_merge(session, project_id, source, chosen, planner)
    if planned is not None:
        planned.append(datetime.now().timestamp())
    _pause_for_tests()
    audit_actor = Actor(f"{runner.name} (merge)", None, runner.role) if runner else None
    with store.transaction(origin, audit_actor) as tx:
        if the_plan.stale(tx.session):  # someone wrote meanwhile: plan again, holding the lock
            the_plan = plan_merge(tx.session, project_id, source, chosen, planner)
        owner = _step_owner(tx, project_id, runner, system)  # whose undo step the merge is
        journal = (
            None
            if owner is None
            else MergeJournal(tx, project_id, the_plan.touched, _ids(tx, project_id, chosen))
        )
        created = declare(tx, project_id, source)  # the codebook the file's values use
        summary = _apply(tx, project_id, the_plan, chosen, restore_deleted)
        summary.attributes_created = created
        summary.assignments_added = carry(tx, project_id, source, exclude)
        summary.comments_added = merge_comments(
            tx, project_id, source, chosen if annotators else None, exclude
        )
        owners = _owner_here(tx, project_id)
        summary.actors = merge_actors_in(tx, project_id, source, chosen, owners, the_plan.relink)
        if journal is not None and owner is not None:
            step = journal.step(f"Merge {', '.join(chosen) or 'nobody'}", _ids(tx, project_id, chosen))
            if not step.empty:
                summary.step = save_step(tx, owner, step)
    summary.documents_deleted = skipped
    return summary


def _step_owner(tx: Tx, project_id: int, runner: Actor | None, system: bool) -> int | None:
    """Who may undo the merge: the person running it (``by``, the app's person), else the account
    running the command; None for an in-process merge by the system (a script's own business)."""
    from annotator.ops.projects import ensure_annotator

    if runner is not None and runner.id is not None:
        return runner.id
    name = runner.name if runner is not None else None if system else tx.account
    return ensure_annotator(tx, project_id, name).id if name else None


def _ids(tx: Tx, project_id: int, names: Sequence[str]) -> list[int]:
    query = select(Annotator.id).where(Annotator.project_id == project_id, Annotator.name.in_(list(names)))
    return list(tx.session.scalars(query))


def _apply(
    tx: object, project_id: int, the_plan: Plan, chosen: list[str], restore_deleted: bool
) -> MergeSummary:
    from annotator.ops.annotations import delete_spans
    from annotator.ops.importer import import_records
    from annotator.ops.relations import delete_relation
    from annotator.store import Tx

    assert isinstance(tx, Tx)
    summary = MergeSummary(annotators=chosen)
    if the_plan.relations_removed:
        for rel_id in the_plan.relations_removed:
            delete_relation(tx, rel_id)
    if the_plan.spans_removed:
        _spans, relations = delete_spans(tx, the_plan.spans_removed)
        summary.relations_removed += len(relations)
    summary.relations_removed += len(the_plan.relations_removed)
    summary.spans_removed = len(the_plan.spans_removed)
    result = import_records(
        tx,
        project_id,
        the_plan.additions,
        keep_annotators=True,
        names_checked=True,
        restore_deleted=restore_deleted,
    )
    summary.documents_added = result.documents_added
    summary.spans_added = result.spans_added
    summary.spans_kept = the_plan.spans_wanted - result.spans_added
    summary.values_updated = the_plan.revalued
    summary.values_kept, summary.value_reasons = the_plan.values_kept, the_plan.value_reasons
    write_document_values(tx, project_id, the_plan.document_values)
    summary.document_values = the_plan.document_values.taken
    summary.value_conflicts = the_plan.document_values.conflicts
    summary.cleared = the_plan.cleared + the_plan.document_values.cleared
    summary.relations_added = result.relations_added
    summary.relations_kept = the_plan.relations_wanted - result.relations_added
    summary.replaced, summary.not_replaced = the_plan.replaced, the_plan.not_replaced
    summary.reasons = the_plan.reasons
    return summary


def _owner_here(tx: object, project_id: int) -> Callable[[str], int | None]:
    """The annotator a merged name is here (the merge has made them by now)."""
    from sqlalchemy import select

    from annotator.model import Annotator
    from annotator.store import Tx

    assert isinstance(tx, Tx)
    query = select(Annotator.name, Annotator.id).where(Annotator.project_id == project_id)
    people = dict(tx.session.execute(query).all())
    return people.get


def _pause_for_tests() -> None:
    """With ANNOTATOR_TEST_MERGE_PAUSE=DIR, say "planned" in DIR and wait for "go" there: lets a
    test prove that the merge holds no lock while it plans."""
    import os
    import time

    folder = os.environ.get("ANNOTATOR_TEST_MERGE_PAUSE")
    if not folder:
        return
    (Path(folder) / "planned").touch()
    while not (Path(folder) / "go").exists():
        time.sleep(0.05)
