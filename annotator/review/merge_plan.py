"""What a merge will change, worked out by reading only (no write lock held; see ``merge``).

For each chosen annotator and source document: the spans and relations to add (as records for
the importer), and the ones to remove, which are removed only when the source's labels are that
teammate's own newer ones (see ``annotator.review.merge``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.import_apart import document_keys
from annotator.model import Annotation, Annotator, AuditEntry, Document, Label, Relation, RelationType, Role
from annotator.records import DocRecord, RelationRecord, SpanRecord, document_fields
from annotator.review.merge_values import DocumentValues, combine, plan_document_values, same_value
from annotator.store import Actor

Key = tuple[int, int, str]  # start, end, label
RelKey = tuple[Key, Key, str]  # source, target, type
CHUNK = 1000


@dataclass(slots=True)
class Plan:
    watermark: int  # the newest audit entry when planned: anything newer means a change meanwhile
    additions: list[DocRecord] = field(default_factory=list)
    spans_removed: list[int] = field(default_factory=list)
    relations_removed: list[int] = field(default_factory=list)
    spans_wanted: int = 0
    relations_wanted: int = 0
    replaced: Counter[str] = field(default_factory=Counter)
    not_replaced: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    touched: list[int] = field(default_factory=list)  # documents here it changes (its undo images them)
    revalued: int = 0  # spans here whose codebook values take the teammate's newer ones
    cleared: int = 0  # values here the file lacks (cleared there): kept, not carried
    document_values: DocumentValues = field(default_factory=DocumentValues)
    refusals: dict[str, str | None] = field(default_factory=dict)  # why the runner may not replace
    values_kept: Counter[str] = field(default_factory=Counter)  # spans whose other values stay here
    value_reasons: dict[str, tuple[str, bool]] = field(default_factory=dict)  # why; a refusal?

    def relink(self, span: SpanRecord, changed: datetime | None) -> str:
        """A span the file links to another actor than here: the link of whoever changed the span
        last counts ("take" the file's, "keep" the project's); the file's newer link is a
        "conflict" when the runner may not replace that teammate's labels, or when either side
        does not say when it changed."""
        theirs = _time(span.updated_at)
        if theirs is None or changed is None:
            return "conflict"
        if changed >= theirs:
            return "keep"
        return "take" if self.refusals.get(span.annotator or "", "?") is None else "conflict"

    def stale(self, session: Session) -> bool:
        return _watermark(session) != self.watermark


def _watermark(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


class _Local:
    """The chosen annotators' spans and relations in the project's matching documents."""

    def __init__(self, session: Session, doc_ids: list[int], people: list[int]) -> None:
        labels = dict(session.execute(select(Label.id, Label.name)).all())
        types = dict(session.execute(select(RelationType.id, RelationType.name)).all())
        self.spans: dict[tuple[int, int], dict[Key, tuple[int, datetime | None]]] = defaultdict(dict)
        self.values: dict[tuple[int, int], dict[Key, Any]] = defaultdict(dict)  # codebook values
        self.relations: dict[tuple[int, int], dict[RelKey, int]] = defaultdict(dict)
        keys: dict[int, Key] = {}
        if not people:
            return
        for i in range(0, len(doc_ids), CHUNK):
            chunk = doc_ids[i : i + CHUNK]
            for doc, who, span_id, start, end, label_id, updated, values in session.execute(
                select(
                    Annotation.document_id,
                    Annotation.annotator_id,
                    Annotation.id,
                    Annotation.start,
                    Annotation.end,
                    Annotation.label_id,
                    Annotation.updated_at,
                    Annotation.attributes,
                ).where(Annotation.document_id.in_(chunk), Annotation.annotator_id.in_(people))
            ):
                key = (start, end, labels.get(label_id, f"#{label_id}"))
                keys[span_id] = key
                self.spans[(doc, who)][key] = (span_id, updated)
                self.values[(doc, who)][key] = values or None
            for rel_id, doc, who, src, dst, type_id in session.execute(
                select(
                    Relation.id,
                    Relation.document_id,
                    Relation.annotator_id,
                    Relation.source_id,
                    Relation.target_id,
                    Relation.type_id,
                ).where(Relation.document_id.in_(chunk), Relation.annotator_id.in_(people))
            ):
                if src in keys and dst in keys:  # links onto others' spans are left alone
                    self.relations[(doc, who)][(keys[src], keys[dst], types.get(type_id, ""))] = rel_id


def plan_merge(
    session: Session,
    project_id: int,
    source: Sequence[DocRecord],
    chosen: Sequence[str],
    runner: Actor | None,
) -> Plan:
    """Read the project and work out the merge of ``chosen`` annotators' work from ``source``."""
    the_plan = Plan(_watermark(session))
    people = {
        name: (pid, role)
        for name, pid, role in session.execute(
            select(Annotator.name, Annotator.id, Annotator.role).where(Annotator.project_id == project_id)
        )
    }
    hashes = document_keys(session, project_id, source)  # kept-apart twins by their own key
    existing: dict[str, int] = {}
    unique = list(set(hashes))
    for i in range(0, len(unique), CHUNK):
        existing.update(
            session.execute(
                select(Document.content_hash, Document.id).where(
                    Document.project_id == project_id, Document.content_hash.in_(unique[i : i + CHUNK])
                )
            ).all()
        )
    ids = {name: people[name][0] for name in chosen if name in people}
    local = _Local(session, sorted(set(existing.values())), list(ids.values()))
    refusals = the_plan.refusals = {name: _refusal(session, runner, name, people) for name in chosen}
    the_plan.document_values = plan_document_values(
        session,
        project_id,
        [(r, h, existing.get(h)) for r, h in zip(source, hashes, strict=True)],
        chosen,
        lambda record, name, changed: refusals[name] is None and _newer(record.as_of, changed),
    )
    for record, digest in zip(source, hashes, strict=True):
        doc_id = existing.get(digest)
        out = _bare(record)
        removals = len(the_plan.spans_removed) + len(the_plan.relations_removed)
        for name in chosen:
            who = ids.get(name)
            mine = local.spans.get((doc_id, who), {}) if doc_id is not None and who is not None else {}
            theirs = local.relations.get((doc_id, who), {}) if doc_id is not None and who is not None else {}
            values = local.values.get((doc_id, who), {}) if doc_id is not None and who is not None else {}
            _one(the_plan, record, out, name, (mine, values), theirs, refusals[name])
        if doc_id is None or out.spans:
            the_plan.additions.append(out)
        links = any(s.actor_key and s.annotator in ids for s in record.spans)  # links may change
        if doc_id is not None and (
            out.spans or links or removals < len(the_plan.spans_removed) + len(the_plan.relations_removed)
        ):
            the_plan.touched.append(doc_id)
    the_plan.touched += sorted(the_plan.document_values.documents - set(the_plan.touched))
    return the_plan


def _newer(as_of: str | None, changed: datetime | None) -> bool:
    """Whether a file made at ``as_of`` is newer than a change here at ``changed``."""
    when = _time(as_of)
    return when is not None and (changed is None or changed < when)


def _one(
    the_plan: Plan,
    record: DocRecord,
    out: DocRecord,
    name: str,
    here: tuple[dict[Key, tuple[int, datetime | None]], dict[Key, Any]],
    theirs: dict[RelKey, int],
    refusal: str | None,
) -> None:
    """Plan one annotator's work in one document (``here``: their spans and values here)."""
    mine, values = here
    wanted: dict[Key, SpanRecord] = {
        (s.start, s.end, s.label): s for s in record.spans if s.annotator == name
    }
    keys = {s.key: k for k, s in wanted.items() if s.key is not None}
    own: dict[RelKey, RelationRecord] = {}
    for r in record.relations:
        if (r.annotator or "") == name and r.source in keys and r.target in keys:
            own[(keys[r.source], keys[r.target], r.type)] = r
    the_plan.spans_wanted += len(wanted)
    the_plan.relations_wanted += len(own)
    gone = [span_id for key, (span_id, _t) in mine.items() if key not in wanted]
    gone_set = set(gone)
    gone_links = [
        rel_id
        for key, rel_id in theirs.items()
        if key not in own and not ({mine[key[0]][0], mine[key[1]][0]} & gone_set)
    ]
    if gone or gone_links:
        reason = refusal or _not_newer(record, mine)
        if reason is None:
            the_plan.spans_removed.extend(gone)
            the_plan.relations_removed.extend(gone_links)
            the_plan.replaced[name] += 1
        else:
            the_plan.not_replaced[name] += len(gone) + len(gone_links)
            the_plan.reasons[name] = reason
    adds = any(key not in mine for key in wanted) or any(key not in theirs for key in own)
    # Values changed on spans both sides have: the file's, when its labels are the newer ones; a
    # value the file lacks stays (``merge_values``), a list in another order is the same value.
    # A value the span here lacks is an addition: taken like a new span, by whoever runs the merge.
    # Every span both sides have is written with its final values (the importer replaces a
    # merge's), so values the rule does not let in never ride along with another addition.
    added: list[Key] = []
    differ: dict[Key, dict[str, Any]] = {}  # the file's other values, per span
    for k, s in wanted.items():
        if k in mine:
            held = values.get(k) or {}
            merged, changed, cleared = combine(held, s.attributes)
            the_plan.cleared += cleared
            other = {
                n: v for n, v in (s.attributes or {}).items() if n in held and not same_value(held[n], v)
            }
            if other:
                differ[k] = other
            elif changed:
                added.append(k)
            wanted[k] = replace(s, attributes=merged or None)
    if differ:
        reason = refusal or _not_newer(record, mine)
        if reason is None:
            added += differ
        else:  # the project's values stay; the file's other values are reported, not taken
            for k in differ:
                held = values.get(k) or {}
                merged = {**(wanted[k].attributes or {}), **{n: held[n] for n in differ[k]}}
                wanted[k] = replace(wanted[k], attributes=merged)
                if any(n not in held for n in (wanted[k].attributes or {})):
                    the_plan.revalued += 1  # its added values still come
                    adds = True
            the_plan.values_kept[name] += len(differ)
            the_plan.value_reasons[name] = (reason, refusal is not None)
    if added:
        the_plan.revalued += len(added)
        adds = True
    if adds:
        out.spans.extend(wanted.values())
        out.relations.extend(own.values())


def _not_newer(record: DocRecord, mine: dict[Key, tuple[int, datetime | None]]) -> str | None:
    """Why the source's labels do not count as newer than the project's; None when they do."""
    as_of = _time(record.as_of)
    if as_of is None:
        return "the file does not say when its labels were made: export it again"
    latest = max((t for _i, t in mine.values() if t is not None), default=None)
    if latest is not None and latest >= as_of:
        return f"labels here changed at {latest:%Y-%m-%d %H:%M}, after the file's {as_of:%Y-%m-%d %H:%M}"
    return None


def _refusal(
    session: Session, runner: Actor | None, name: str, people: dict[str, tuple[int, str]]
) -> str | None:
    """Why ``runner`` may not replace ``name``'s labels (only that teammate or a reviewer may)."""
    if runner is None:
        return None  # the system (in-process scripts)
    if runner.id is not None:
        role = session.scalar(select(Annotator.role).where(Annotator.id == runner.id))
        me = runner.id == people.get(name, (None, ""))[0]
    else:
        role = people.get(runner.name, (0, runner.role))[1]
        me = runner.name == name
    if me:
        return None
    if role == Role.REVIEWER.value:
        return _login_refusal(session, name, people.get(name, (None, ""))[0])
    return f"{runner.name} is neither {name} nor a reviewer"


def _login_refusal(session: Session, name: str, person: int | None) -> str | None:
    """On a shared PostgreSQL database a teammate with a login is the only one who changes their
    labels (the server refuses even a reviewer): a reviewer's merge then only adds, and says why."""
    from annotator.identity import database_login

    if person is None or session.get_bind().dialect.name != "postgresql":
        return None
    mine = database_login(session.connection())  # None: the admin, who acts as the system
    login = session.scalar(select(Annotator.login).where(Annotator.id == person))
    if mine is None or login is None or login == mine:
        return None
    return f"{name} has their own database login: only they replace their labels"


def _bare(record: DocRecord) -> DocRecord:
    return DocRecord(**document_fields(record), meta=record.meta, line=record.line)
