"""Plain records that formats read and write; they know nothing of sessions or the database.

Offsets are Python ``str`` indices (code points), end exclusive, into ``DocRecord.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ActorRef:
    """The registry actor a span names (``annotation.actor_id``), as formats carry it: exports
    fill ``id``, ``name`` and ``external_id``; a reader gives an external id (brat ``N`` lines)
    and/or a ``group`` that the spans naming one actor share (brat ``Equiv``)."""

    id: int | None = None
    name: str | None = None
    external_id: str | None = None
    group: str | None = None
    # The registry's details (exports fill them; spaCy carries them, other peer formats report them).
    aliases: list[str] | None = None
    kind: str | None = None
    attributes: dict[str, Any] | None = None


@dataclass(slots=True)
class SpanRecord:
    start: int
    end: int
    label: str
    annotator: str | None = None
    text: str | None = None
    # An id local to the file (native JSONL span id, brat T-number, ...); relations refer to it.
    key: str | None = None
    # Native JSONL only: when the span last changed (ISO 8601, UTC), and for gold spans whose
    # spans it was accepted from and who adjudicated it (see annotator.review.carry).
    updated_at: str | None = None
    sources: list[str] | None = None
    adjudicator: str | None = None
    # Codebook values by attribute name (annotator.attributes_values), None: none.
    attributes: dict[str, Any] | None = None
    # Native JSONL only: where a span not typed by hand came from ("suggestion:rules@1").
    origin: str | None = None
    # Native JSONL only: the key (in ``DocRecord.actors``) of the registry actor this span names.
    actor_key: str | None = None
    # A multi-part span's parts (annotator.fragments), start/end being their hull; None: one part.
    fragments: list[tuple[int, int]] | None = None
    # The registry actor this span names (ACTOR spans) as peer formats carry it, see ActorRef.
    actor: ActorRef | None = None
    # Native JSONL only: a suggestion's score (the suggestions layer, ``annotator.export_suggestions``);
    # a label has none, and an import refuses a span that has one (suggestions are nobody's labels).
    score: float | None = None


@dataclass(slots=True)
class RelationRecord:
    source: str  # SpanRecord.key of the from-span
    target: str  # SpanRecord.key of the to-span
    type: str
    annotator: str | None = None
    sources: list[str] | None = None  # gold relations only, as for SpanRecord
    adjudicator: str | None = None
    attributes: dict[str, Any] | None = None  # as for SpanRecord
    score: float | None = None  # as for SpanRecord: a relation suggestion's


@dataclass(slots=True)
class CommentRecord:
    """A comment or flag in a file (native JSONL): on the document, a span (its key) or a relation
    (its ends' keys, type and annotator). ``uid`` is the same in every copy of the project, so
    importing or merging it twice adds it once; a reply names its thread's first comment's uid."""

    uid: str
    text: str
    author: str
    target: str = "document"  # "document", "span" or "relation"
    span: str | None = None
    relation: tuple[str, str, str, str | None] | None = None  # from key, to key, type, annotator
    reply_to: str | None = None
    kind: str = "comment"
    state: str = "open"
    time: str | None = None  # ISO 8601, UTC
    updated_at: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    # What a comment whose span or relation is gone was on (offsets, label, text; type and ends).
    was_on: dict[str, Any] | None = None


@dataclass(slots=True)
class DocRecord:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date (or datetime) as found in the source
    source_url: str | None = None
    source_file: str | None = None
    status: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    # Document-level codebook values by annotator name: {"alice": {"genre": "news"}}.
    attributes: dict[str, dict[str, Any]] | None = None
    # The stored document's id, set on export (formats that keep ids write it; readers ignore it).
    doc_id: int | None = None
    # Where in the source file this document starts (1-based line), for error messages.
    line: int | None = None
    # The file this record was read from (errors name it; ``source_file`` may name another).
    read_from: str | None = None
    # Native JSONL only: the review's decisions on the document, and when its labels were read
    # out of their project (ISO 8601, UTC; a merge replaces labels only with newer ones).
    review: ReviewRecord | None = None
    as_of: str | None = None
    # The source's tokens ``(start, end)`` and the indices of the tokens that open a sentence, when
    # the document came with them (IOB, HF, Prodigy, spaCy, WebAnno); exports reuse them.
    tokens: list[tuple[int, int]] | None = None
    sentences: list[int] | None = None
    # Project databases only: the names of the annotators the document is assigned to (a merge
    # brings assignments along, see ``annotator.assign_merge``).
    assigned: list[str] | None = None
    # Native JSONL only: comments and flags for discussion (annotator.comments_carry).
    comments: list[CommentRecord] = field(default_factory=list)
    # Span attributes a peer file uses that the codebook may lack, label → name → values seen; the
    # import creates the missing ones, their kind told by the values (annotator.import_extras).
    new_attributes: dict[str, dict[str, list[Any]]] | None = None
    # The same for relation values: relation type → name → values seen.
    new_relation_attributes: dict[str, dict[str, list[Any]]] | None = None
    # The same for document values (the codebook's document attributes): name → values seen.
    new_document_attributes: dict[str, list[Any]] | None = None
    # The kind a peer file tells for a span attribute ("QUOTE.note" → "text": a Label Studio text
    # area), which its values alone would not: what the import creates if the codebook lacks it.
    attribute_kinds: dict[str, str] | None = None
    # Native JSONL only: the registry actors this document's spans name (annotator.actors_carry).
    actors: list[ActorRecord] = field(default_factory=list)
    # Native JSONL only: the codebook attributes this document's values use (annotator.codebook_json).
    codebook: list[DefinitionRecord] | None = None
    # Where a span's value came from when a file line holds it (brat's A lines): (span key, attribute
    # name) → (file, line, line id), so a value the codebook refuses names that line.
    value_lines: dict[tuple[str, str], tuple[str, int, str]] | None = None


@dataclass(slots=True)
class DefinitionRecord:
    """A codebook attribute a file's values use: scope label/relation/document, owner its label's
    or relation type's name ("document" for document attributes), kind and choices."""

    scope: str
    owner: str
    name: str
    kind: str
    choices: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ActorRecord:
    """A registry actor in a file: ``key`` is what spans' ``actor_key`` say (its id where it came from)."""

    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    external_id: str | None = None
    attributes: dict[str, Any] | None = None


@dataclass(slots=True)
class RejectionRecord:
    """A reviewer's decision that a span (offsets, label) stays out of gold."""

    start: int
    end: int
    label: str
    reviewer: str | None = None


@dataclass(slots=True)
class RelationRejectionRecord:
    """A reviewer's decision that a relation (type, both ends' offsets and labels) stays out of gold."""

    type: str
    source: tuple[int, int, str]
    target: tuple[int, int, str]
    reviewer: str | None = None


@dataclass(slots=True)
class ReviewRecord:
    status: str | None = None
    rejections: list[RejectionRecord] = field(default_factory=list)
    relation_rejections: list[RelationRejectionRecord] = field(default_factory=list)


# The fields a stored document and a DocRecord share under the same names: what it is, not how it
# is labelled or reviewed. Copying a document into a record (export, merge) goes through these.
DOCUMENT_FIELDS = ("text", "title", "author", "published", "source_url", "source_file")


def document_fields(source: Any) -> dict[str, Any]:
    """``DOCUMENT_FIELDS`` of ``source`` (a document row or another record), for ``DocRecord(**...)``."""
    return {name: getattr(source, name) for name in DOCUMENT_FIELDS}
