"""An import's checks of each record and the annotators its labels go to, asked once per name.

Split from ``annotator.ops.importer``. ``Owners.owner`` and ``Owners.missing`` were called for
every span (560,000 calls for 20,000 documents); the names on a batch are few, so each is asked
once and what ``owner`` counts per label is counted as often as the name occurs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from annotator.model import DocStatus
from annotator.ops.import_checks import _fail
from annotator.ops.owners import Owners
from annotator.records import DocRecord

STATUSES = frozenset(s.value for s in DocStatus)
# A span or relation with a score is a suggestion (a native export of ``--layer suggestions``):
# importing it would make it someone's label without anyone accepting it.
SUGGESTED = (
    "is a suggestion (it has a score: the file is an export of --layer suggestions), not a label; "
    "suggestions are not imported as anyone's labels (run `annotator suggest` on this project to "
    "have them as suggestions, then accept the ones you want)"
)


def check_record(owners: Owners, record: DocRecord) -> None:
    """Refuse a record before anything of it is written; errors name file, line and reason."""
    text = record.text
    if not text:
        raise _fail(record, "document has no text")
    if record.status is not None and record.status not in STATUSES:
        raise _fail(record, f"unknown status {record.status!r}")
    length = len(text)
    keys: set[str] = set()
    refused = refusals(owners, record)
    for span in record.spans:
        start, end = span.start, span.end
        if type(start) is not int or type(end) is not int:
            raise _fail(record, f"span {span.key or ''} {start}–{end}: offsets must be whole numbers")
        if start < 0 or end > length:
            raise _fail(record, f"span {start}–{end} lies outside the text (0–{length})")
        if end <= start:
            raise _fail(record, f"span {start}–{end} is empty or reversed (end must be > start)")
        if span.text is not None and text[start:end] != span.text:
            raise _fail(
                record,
                f"span {start}–{end}: its text {span.text!r} does not match the document ({text[start:end]!r})",
            )
        if span.score is not None:
            raise _fail(record, f"span {start}–{end} {span.label!r} {SUGGESTED}")
        if refused and (refusal := refused.get(span.annotator)) is not None:
            raise _fail(record, f"span {start}–{end} {refusal}")
        if span.key is not None:
            keys.add(span.key)
    for rel in record.relations:
        if rel.score is not None:
            raise _fail(record, f"relation {rel.type!r} {SUGGESTED}")
        if rel.annotator is not None and (refusal := owners.missing(rel.annotator)) is not None:
            raise _fail(record, f"relation {rel.type!r} {refusal}")
        if rel.source not in keys or rel.target not in keys:
            missing = rel.source if rel.source not in keys else rel.target
            raise _fail(record, f"relation {rel.type!r} refers to a missing span {missing!r}")


def refusals(owners: Owners, record: DocRecord) -> dict[str | None, str]:
    """Why the names on the record's spans cannot be imported, asked once per distinct name
    (a per-span call was a fifth of the checks' time)."""
    names: Iterable[str | None]
    try:
        names = {span.annotator for span in record.spans}
    except TypeError:  # an unhashable name (a reader without guards): each on its own
        names = [span.annotator for span in record.spans]
    missing = owners.missing
    return {name: why for name in names if (why := missing(name)) is not None}


def owner_ids(owners: Owners, names: Iterable[str | None]) -> dict[str | None, int]:
    """``Owners.owner`` of each distinct name, asked once: what it counts per label (names
    reassigned to the runner) is counted as often as the name occurs."""
    counts = Counter(names)
    reassigned = owners.reassigned
    ids: dict[str | None, int] = {}
    for name, times in counts.items():
        before = reassigned[name] if name is not None else 0
        ids[name] = owners.owner(name)
        if name is not None and times > 1 and (added := reassigned[name] - before):
            reassigned[name] += added * (times - 1)
    return ids


def span_owners(owners: Owners, batch: Sequence[DocRecord]) -> list[list[int]]:
    """Each record's span owners (``Owners.owner`` of each span's annotator name)."""
    ids = owner_ids(owners, (span.annotator for record in batch for span in record.spans))
    if len(set(ids.values())) == 1:  # the usual import: every label becomes the runner's
        (only,) = set(ids.values())
        return [[only] * len(record.spans) for record in batch]
    return [[ids[span.annotator] for span in record.spans] for record in batch]
