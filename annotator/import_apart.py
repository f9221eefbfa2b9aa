"""Identical texts with conflicting labels stay apart on import.

An import matches documents by their text, so re-importing the same work adds nothing twice. But
the same text can come from different places with different labels: INCEpTION's test suite
(many files, one text each), a corpus repeating a sentence labelled differently (WNUT-17),
one file per annotator of a project export. Stacking such labels on one document would make
spans nobody made. So, per annotator: a record whose labels differ from those of an earlier
record of the same text in this import (or that has labels where it had none, or none where it
had some), or that cross spans stored earlier from another file
(a label on the same words that the other does not have), becomes a document of its own, noted
in its metadata (``same_text_as``) and in the import's report. Annotators whose labels do not
meet (each file names its own) still share one document.

A kept-apart document's text hash is salted with where it came from (file and line), so
importing the same files again finds it again instead of adding it twice. The salted hash is kept
in its metadata too (``apart_key``), so a native export of the project imported elsewhere gives
the document the same key: it stays apart from its twin whatever its labels have become, is found
again by a later import of the files, and its review decisions come back on it.
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.hashing import content_hash
from annotator.model import Annotation, Document, Label
from annotator.records import DocRecord

Signature = dict[int, frozenset[tuple[int, int, str]]]
Compact = dict[int, bytes]  # a Signature's sets, each as the marshal bytes of its members
KEY = "apart_key"


def signature(record: DocRecord, owners: Sequence[int]) -> Signature:
    """Each annotator's spans of ``record`` as (start, end, label); ``owners``: each span's owner."""
    if owners and owners.count(owners[0]) == len(owners):  # one owner (an import without kept names)
        return {owners[0]: frozenset([(span.start, span.end, span.label) for span in record.spans])}
    found: dict[int, set[tuple[int, int, str]]] = {}
    for span, who in zip(record.spans, owners, strict=True):
        found.setdefault(who, set()).add((span.start, span.end, span.label))
    return {who: frozenset(spans) for who, spans in found.items()}


def compact(record: DocRecord, owners: Sequence[int]) -> Compact:
    """``signature`` in a tenth of its memory, for as long as the import runs: each annotator's
    spans as the ``marshal`` bytes of a list of (start, end, label), made back into the set by
    ``unpack`` (only for a text seen twice, so rarely). Every document of an import keeps one,
    and sets of tuples, ints and strings kept a streamed import's memory growing (~4.8 KB a
    document of 20 spans; ~0.5 KB so, in the time the sets took)."""
    if owners and owners.count(owners[0]) == len(owners):
        return {owners[0]: marshal.dumps([(span.start, span.end, span.label) for span in record.spans], 2)}
    found: dict[int, list[tuple[int, int, str]]] = {}
    for span, who in zip(record.spans, owners, strict=True):
        found.setdefault(who, []).append((span.start, span.end, span.label))
    return {who: marshal.dumps(spans, 2) for who, spans in found.items()}


def unpack(packed: Compact) -> Signature:
    """The Signature ``compact`` was made from."""
    return {who: frozenset(marshal.loads(spans)) for who, spans in packed.items()}


def differs(a: Signature, b: Signature) -> bool:
    """Two records of one import: some annotator labelled the text differently in each, or one
    has labels and the other none (a test case, or a corpus sentence tagged O there)."""
    if not a or not b:
        return bool(a) != bool(b)
    return any(a[who] != b[who] for who in a.keys() & b.keys())


def crosses(new: Signature, old: Signature) -> bool:
    """A record against stored labels: a new span lies on words a stored span (one the record
    does not have) covers. Spans added elsewhere in the text are a re-import's additions."""
    for who in new.keys() & old.keys():
        added, kept = new[who] - old[who], old[who] - new[who]
        if any(x[0] < y[1] and y[0] < x[1] for x in added for y in kept):
            return True
    return False


def apart_keys(
    session: Session,
    project_id: int,
    batch: Sequence[DocRecord],
    hashes: Sequence[str],
    taken: dict[str, str],
) -> list[str | None]:
    """Each record's ``apart_key`` when it may be used: a salted key (not the text's own hash)
    that no project document, nor a record before it (``taken``: key → text), holds with another text."""
    keys: list[str | None] = []
    for record, digest in zip(batch, hashes, strict=True):
        key = (record.meta or {}).get(KEY)
        ok = isinstance(key, str) and len(key) == len(digest) and key != digest
        keys.append(key if ok else None)
    wanted = {k for k in keys if k}
    if not wanted:
        return keys
    texts = dict(
        session.execute(
            select(Document.content_hash, Document.text).where(
                Document.project_id == project_id, Document.content_hash.in_(wanted)
            )
        ).all()
    )
    texts.update(taken)
    for i, (key, record) in enumerate(zip(keys, batch, strict=True)):
        if key and texts.setdefault(key, record.text) == record.text:
            taken[key] = record.text
        else:
            keys[i] = None
    return keys


def own_key(record: DocRecord) -> str:
    """The key the record names its document by: a well-formed ``apart_key``, else its text's
    hash (what deleting a document remembers; ``apart_keys`` checks a key against the text)."""
    key, digest = (record.meta or {}).get(KEY), content_hash(record.text)
    return key if isinstance(key, str) and len(key) == len(digest) else digest


def document_keys(session: Session, project_id: int, records: Sequence[DocRecord]) -> list[str]:
    """The key of each record's document: its text's hash, or the ``apart_key`` it carries."""
    hashes = [content_hash(r.text) for r in records]
    keys = apart_keys(session, project_id, records, hashes, {})
    return [k or h for k, h in zip(keys, hashes, strict=True)]


def where(record: DocRecord) -> str:
    name = record.read_from or record.source_file or "<input>"
    return f"{name}:{record.line}" if record.line is not None else name


@dataclass(slots=True)
class _Group:
    digest: str
    spans: Signature | Compact  # Compact, unless ``stored``
    origin: str
    stored: bool = False  # the project's document (its Signature), compared by ``crosses``

    def signature(self) -> Signature:
        return self.spans if self.stored else unpack(self.spans)  # type: ignore[arg-type,return-value]


class Apart:
    """Decides each record's document key (its text hash, or a salted one) over one import."""

    def __init__(self, session: Session, project_id: int, enabled: bool = True) -> None:
        self.session, self.project_id, self.enabled = session, project_id, enabled
        self.groups: dict[str, list[_Group]] = {}
        self.kept: dict[str, str] = {}  # salted key → why, until the importer takes it
        self.key_texts: dict[str, str] = {}  # apart keys taken in this import → their text

    def digests(self, batch: Sequence[DocRecord], owners: Sequence[Sequence[int]]) -> list[str]:
        """Each record's document key; ``owners``: the owner of each record's spans."""
        hashes = [content_hash(r.text) for r in batch]
        keys = apart_keys(self.session, self.project_id, batch, hashes, self.key_texts)
        if not self.enabled:  # a merge matches by text, but a kept-apart document by its key
            return [k or h for k, h in zip(keys, hashes, strict=True)]
        stored = self._stored(
            {h for h, k in zip(hashes, keys, strict=True) if h not in self.groups and not k}
        )
        out: list[str] = []
        for record, digest, whos, key in zip(batch, hashes, owners, keys, strict=True):
            if key:  # kept apart in the project it was exported from: the same document again
                out.append(key)
                continue
            mine = compact(record, whos)
            groups = self.groups.get(digest)
            if groups is None:
                groups = self.groups[digest] = []
                if digest in stored:
                    origin, old = stored[digest]
                    if origin == record.source_file or not crosses(signature(record, whos), old):
                        groups.append(_Group(digest, mine, where(record)))
                        out.append(digest)
                        continue
                    groups.append(_Group(digest, old, f"a document imported earlier from {origin}", True))
                else:
                    groups.append(_Group(digest, mine, where(record)))
                    out.append(digest)
                    continue
            spans = signature(record, whos)  # (a text seen before: rare)
            match = next(
                (g for g in groups if not (crosses if g.stored else differs)(spans, g.signature())),
                None,
            )
            if match is not None:
                out.append(match.digest)
                continue
            here = where(record)
            salted = content_hash(f"{record.text}\x00{here}" + ("" if record.line else f"\x00{len(groups)}"))
            record.meta = {**(record.meta or {}), "same_text_as": groups[0].origin, KEY: salted}
            self.kept[salted] = f"{here}: same text as {groups[0].origin}, other labels"
            groups.append(_Group(salted, mine, here))
            out.append(salted)
        return out

    def _stored(self, hashes: set[str]) -> dict[str, tuple[str | None, Signature]]:
        """The project's documents with these texts: their source file and spans."""
        if not hashes:
            return {}
        docs = dict(
            self.session.execute(
                select(Document.id, Document.content_hash).where(
                    Document.project_id == self.project_id, Document.content_hash.in_(hashes)
                )
            ).all()
        )
        if not docs:
            return {}
        sources = dict(
            self.session.execute(select(Document.id, Document.source_file).where(Document.id.in_(docs))).all()
        )
        spans: dict[int, dict[int, set[tuple[int, int, str]]]] = {d: {} for d in docs}
        rows = self.session.execute(
            select(
                Annotation.document_id, Annotation.annotator_id, Annotation.start, Annotation.end, Label.name
            )
            .join(Label, Label.id == Annotation.label_id)
            .where(Annotation.document_id.in_(docs))
        )
        for doc, who, start, end, label in rows:
            spans[doc].setdefault(who, set()).add((start, end, label))
        return {docs[d]: (sources[d], {who: frozenset(s) for who, s in spans[d].items()}) for d in docs}
