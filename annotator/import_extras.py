"""What an import brings besides spans and relations: codebook attributes a file declares and the
registry actors its spans name (brat ``A``, ``N`` and ``Equiv`` lines; ``annotator.formats.brat_extras``).

Both run in the import's transaction, after the batch's spans are written: a bad value or an
actor that cannot be made fails the whole import, so nothing is written.

- ``declare_attributes``: an attribute the file uses that the label (or, for a relation's
  values, the relation type) lacks is created (yes/no, number, choice or multi-choice, as its
  values tell; a brat attribute without a value is yes/no) and named in the import's report;
  an attribute this import created takes the values later documents bring. A number attribute
  already in the codebook takes the file's text as a number (a yes/no one "yes" or "no").
- ``link_actors``: a span with an external id names the project's actor with that id (one not
  merged away), else the one with that canonical name, else a new actor named by the file (or
  by the span's text). Spans that share a ``group`` (brat Equiv) name one actor: the one an
  external id in the group finds, else one found or made from the first mention's text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from annotator.actors_edits import carry_edits
from annotator.attributes import DOCUMENT, define_attribute, get_attribute, update_attribute
from annotator.attributes_io import SpanKey, span_rows
from annotator.audit import default_actor_name
from annotator.errors import AnnotatorError, ValidationError
from annotator.import_result import ImportResult
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, AttributeDef, utcnow
from annotator.records import ActorRecord, ActorRef, DocRecord, SpanRecord
from annotator.tx import Tx

Fail = Callable[[DocRecord, str], Exception]


def declare_attributes(
    tx: Tx, project_id: int, batch: Sequence[DocRecord], result: ImportResult, fail: Fail
) -> None:
    """Create the span, relation and document attributes the batch's records declare and the
    codebook lacks."""
    cache: dict[tuple[str, str, str], AttributeDef | None] = {}
    for record in batch:
        documents = {DOCUMENT: record.new_document_attributes} if record.new_document_attributes else None
        for scope, book in (
            ("label", record.new_attributes),
            ("relation", record.new_relation_attributes),
            (DOCUMENT, documents),
        ):
            for owner, names in (book or {}).items():
                for name, values in names.items():
                    hint = (
                        (record.attribute_kinds or {}).get(f"{owner}.{name}") if scope != "relation" else None
                    )
                    try:
                        _declare(tx, project_id, (scope, owner, name), values, result, cache, hint)
                    except AnnotatorError as exc:
                        raise fail(record, f"attribute {owner}.{name}: {exc}") from None
        _coerce(tx, project_id, record, cache)


def _kind(values: list[Any]) -> tuple[str, list[str]]:
    """The kind and choices that hold ``values``: yes/no, number, choice or multi-choice."""
    if all(isinstance(v, bool) for v in values):
        return "bool", []
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number", []
    choices: list[str] = []
    for value in values:
        for one in value if isinstance(value, list) else [value]:
            if not isinstance(one, str):
                raise ValidationError(f"its values are of several kinds ({values[0]!r}, {one!r})")
            if one not in choices:
                choices.append(one)
    return ("multi" if any(isinstance(v, list) for v in values) else "choice"), choices


Where = tuple[str, str, str]  # scope ("label" or "relation"), owner (label or relation type), name


def _line(where: Where) -> str:
    """How the import's report names an attribute: ``QUOTE.type (`` or ``speaker.confidence (link, ``."""
    scope, owner, name = where
    return f"{owner}.{name} (" + ("link, " if scope == "relation" else "")


def _lookup(
    tx: Tx, project_id: int, where: Where, cache: dict[Where, AttributeDef | None]
) -> AttributeDef | None:
    if where not in cache:
        scope, owner, name = where
        try:
            cache[where] = get_attribute(tx.session, project_id, owner, name, scope)
        except AnnotatorError:
            cache[where] = None
    return cache[where]


def _declare(
    tx: Tx,
    project_id: int,
    where: Where,
    values: list[Any],
    result: ImportResult,
    cache: dict[Where, AttributeDef | None],
    hint: str | None = None,
) -> None:
    """Create ``where`` if the codebook lacks it: of the kind ``hint`` names (a short text, a
    yes/no, a multi-choice) or, without one, the kind its ``values`` tell."""
    scope, owner, name = where
    kind, choices = (hint, []) if hint in ("text", "bool") else _kind(values)
    if hint == "multi" and kind == "choice":
        kind = "multi"
    attr = _lookup(tx, project_id, where, cache)
    if attr is None:
        cache[where] = define_attribute(tx, project_id, owner, name, kind, choices, scope=scope)
        result.attributes_added.append(f"{_line(where)}{kind}{': ' + ', '.join(choices) if choices else ''})")
        return
    made = any(line.startswith(_line(where)) for line in result.attributes_added)
    new = [c for c in choices if c not in (attr.choices or [])]
    if made and new and attr.kind in ("choice", "multi"):
        update_attribute(tx, attr, choices=[*(attr.choices or []), *new])


YES_NO = {"yes": True, "no": False, "true": True, "false": False}


def _coerce(tx: Tx, project_id: int, record: DocRecord, cache: dict[Where, AttributeDef | None]) -> None:
    """File text for a number or yes/no attribute (brat and Label Studio values are words)
    becomes the number or the yes/no, for spans, relations and documents alike."""
    books = {
        "label": record.new_attributes or {},
        "relation": record.new_relation_attributes or {},
        DOCUMENT: {DOCUMENT: record.new_document_attributes or {}},
    }
    if not books["label"] and not books["relation"] and not record.new_document_attributes:
        return  # values of a native file are stored as they are (and checked)
    carriers: list[tuple[str, str, dict[str, Any] | None]] = [
        ("label", s.label, s.attributes) for s in record.spans if s.attributes
    ]
    carriers += [("relation", r.type, r.attributes) for r in record.relations if r.attributes]
    carriers += [(DOCUMENT, DOCUMENT, values) for values in (record.attributes or {}).values()]
    for scope, owner, values in carriers:
        for name, value in list((values or {}).items()):
            if not isinstance(value, str) or name not in books[scope].get(owner, {}):
                continue
            attr = _lookup(tx, project_id, (scope, owner, name), cache)
            if attr is None:
                continue
            assert values is not None
            if attr.kind == "bool" and value.lower() in YES_NO:
                values[name] = YES_NO[value.lower()]
            elif attr.kind == "number":
                try:
                    number = float(value)
                except ValueError:
                    continue
                values[name] = int(number) if number.is_integer() else number


def link_actors(
    tx: Tx,
    project_id: int,
    batch: Sequence[DocRecord],
    doc_ids: Sequence[int],
    owners: Sequence[Sequence[int]],
    labels: dict[str, int],
    result: ImportResult,
) -> None:
    """Set ``annotation.actor_id`` of the batch's spans that name an actor (see the module)."""
    wanted: list[tuple[SpanKey, int]] = []
    finder: _Finder | None = None  # read when a span names an actor (most batches: none, no query)
    for record, doc_id, whos in zip(batch, doc_ids, owners, strict=True):
        # A span with a native actor key (native JSONL, merges) is linked by annotator.actors_carry.
        named = [
            (s, w)
            for s, w in zip(record.spans, whos, strict=True)
            if s.actor is not None and s.actor_key is None
        ]
        if not named:
            continue
        groups: dict[str, list[tuple[SpanRecord, int]]] = {}
        for span, who in named:
            ref = span.actor
            assert ref is not None
            groups.setdefault(ref.group or f"#{id(span)}", []).append((span, who))
        finder = finder or _Finder(tx, project_id, result)
        for members in groups.values():
            actor_id = finder.actor(record, members)
            wanted += [((doc_id, who, labels[s.label], s.start, s.end), actor_id) for s, who in members]
    if not wanted:
        return
    rows = span_rows(tx, {key[0] for key, _a in wanted}, Annotation.actor_id)
    # A span that already named an actor (a merge into a project that has it) keeps its link.
    updates = [{"ident": rows[key][0], "actor": actor} for key, actor in wanted if rows[key][1] is None]
    if updates:
        statement = (
            update(Annotation).where(Annotation.id == bindparam("ident")).values(actor_id=bindparam("actor"))
        )
        tx.session.connection().execute(statement, updates)
        result.actors_linked += len(updates)
        spans = tuple(u["ident"] for u in updates)
        tx.record("annotation", "updated", spans, tuple({key[0] for key, _a in wanted}), {"actor": "linked"})


class _Finder:
    """The project's actors by external id and by name, read once, and the ones this import made."""

    def __init__(self, tx: Tx, project_id: int, result: ImportResult) -> None:
        self.tx, self.project_id, self.result = tx, project_id, result
        self.by_external: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        query = select(RegistryActor.id, RegistryActor.name, RegistryActor.external_id).where(
            RegistryActor.project_id == project_id, RegistryActor.merged_into_id.is_(None)
        )
        for ident, name, external in tx.session.execute(query.order_by(RegistryActor.id)):
            if external:
                self.by_external.setdefault(external, ident)
            self.by_name.setdefault(name, ident)
        self.folded = {name.casefold(): ident for name, ident in self.by_name.items()}
        self.carried: set[int] = set()  # actors found here that took the file's details already

    def _found(self, ident: int, refs: list[ActorRef], name: str, where: str) -> int:
        """An actor found here takes what the file (spaCy) says of it and it lacks, as a merge
        does (``annotator.actors_edits``): aliases united, a type, external id or attribute it
        lacks; a different one is a conflict, reported, and the project's stays."""
        ref = next((r for r in refs if r.aliases or r.kind or r.attributes), None)
        if ref is None or ident in self.carried:
            return ident
        self.carried.add(ident)
        theirs = ActorRecord("", name, list(ref.aliases or []), ref.kind, ref.external_id, ref.attributes)
        # What it took is in the audit log; ImportResult has no field for it (its fields are
        # frozen by tests/core/test_import_exact.py), the conflicts are reported.
        _changed, conflicts = carry_edits(self.tx, ident, theirs, self.by_external, self.folded, where)
        self.result.actor_conflicts.extend(conflicts)
        return ident

    def _own_aliases(self, refs: list[ActorRef], where: str) -> list[str]:
        """The file's aliases of a new actor, but for another actor's name here (reported)."""
        aliases = next((r.aliases for r in refs if r.aliases), None) or []
        for alias in aliases:
            if alias.strip().casefold() in self.folded:
                self.result.actor_conflicts.append(
                    f"{where}: alias {alias!r} in the file is another actor's name here; not taken"
                )
        return [a for a in aliases if a.strip().casefold() not in self.folded]

    def actor(self, record: DocRecord, members: list[tuple[SpanRecord, int]]) -> int:
        refs: list[ActorRef] = [s.actor for s, _w in members if s.actor is not None]
        external = next((r.external_id for r in refs if r.external_id), None)
        name = (
            next((r.name for r in refs if r.name), None)
            or record.text[members[0][0].start : members[0][0].end]
        )
        name = " ".join(name.split())[:300]
        where = f"{record.read_from or record.source_file}"
        if external is not None and external in self.by_external:
            return self._found(self.by_external[external], refs, name, where)
        if external is None and name in self.by_name:
            return self._found(self.by_name[name], refs, name, where)
        if not name:
            raise AnnotatorError(f"{where}: an actor needs a name")
        now = utcnow()
        row: dict[str, Any] = {
            "project_id": self.project_id,
            "name": name,
            "aliases": self._own_aliases(refs, where),
            "kind": next((r.kind[:100] for r in refs if r.kind), None),
            "attributes": next((r.attributes for r in refs if r.attributes), None),
            "external_id": external,
            "created_by": self.tx.actor.name if self.tx.actor else default_actor_name(),
            "created_at": now,
            "updated_at": now,
        }
        ident = int(
            self.tx.session.execute(insert(RegistryActor).returning(RegistryActor.id), [row]).scalar_one()
        )
        self.tx.record("actor", "created", (ident,), detail={"name": name, "external_id": external})
        if external is not None:
            self.by_external[external] = ident
        self.by_name.setdefault(name, ident)
        self.folded.setdefault(name.casefold(), ident)
        self.result.actors_added.append(name + (f" ({external})" if external else ""))
        return ident
