"""The "who said what" CSV, for analysis in a spreadsheet, pandas or R (export only).

One row per QUOTE or CLAIM span, in document order: the document's id, title, date and source URL,
the label, the span's text, the text of the actor(s) it is linked to by a ``speaker`` or
``claimant`` relation (several joined with " | "; empty when none is linked), the annotator, and
the span's start and end (code points, end exclusive), and its attribute values
(``type=direct; stance=pro``). UTF-8 without a byte-order mark, comma
separated, quoted where needed (span texts may contain commas, quotes and line breaks). A text
cell that a spreadsheet would run as a formula gets a leading ``'`` (``annotator.csvsafe``;
``raw=True`` / ``--raw-csv`` turns that off).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator import csvsafe
from annotator.atomic import atomic_write
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import span_keys
from annotator.records import DocRecord

COLUMNS = (
    "document_id",
    "title",
    "date",
    "source_url",
    "label",
    "text",
    "actor",
    "annotator",
    "start",
    "end",
    "attributes",  # the span's codebook values: "type=direct; stance=pro" (multi values joined by +)
)
ACTOR_SEPARATOR = " | "


def rows(
    record: DocRecord,
    labels: Iterable[str] = ("QUOTE", "CLAIM"),
    relation_types: Iterable[str] = ("speaker", "claimant"),
) -> list[list[str | int]]:
    """The CSV rows of one document (labels and relation types compared case-insensitively)."""
    wanted = {name.casefold() for name in labels}
    linking = {name.casefold() for name in relation_types}
    keys = span_keys(record.spans)
    by_key = dict(zip(keys, record.spans, strict=True))
    actors: dict[str, list[str]] = {}
    for rel in record.relations:
        target = by_key.get(rel.target)
        if rel.type.casefold() in linking and target is not None:
            found = actors.setdefault(rel.source, [])
            name = record.text[target.start : target.end]
            if name not in found:
                found.append(name)
    out: list[list[str | int]] = []
    chosen = [(s, k) for s, k in zip(record.spans, keys, strict=True) if s.label.casefold() in wanted]
    for span, key in sorted(chosen, key=lambda pair: (pair[0].start, pair[0].end)):
        out.append(
            [
                "" if record.doc_id is None else record.doc_id,
                record.title or "",
                record.published or "",
                record.source_url or "",
                span.label,
                record.text[span.start : span.end],
                ACTOR_SEPARATOR.join(actors.get(key, [])),
                span.annotator or "",
                span.start,
                span.end,
                "; ".join(
                    f"{k}={'+'.join(map(str, v)) if isinstance(v, list) else v}"
                    for k, v in (span.attributes or {}).items()
                ),
            ]
        )
    return out


def write(
    records: Iterable[DocRecord],
    out: Path,
    report: ExportReport,
    *,
    labels: Iterable[str] = ("QUOTE", "CLAIM"),
    relation_types: Iterable[str] = ("speaker", "claimant"),
    raw: bool = False,
) -> None:
    """Stream the rows of every document into ``out``, atomically; text cells that a spreadsheet
    would run as formulas are neutralised unless ``raw`` (see ``annotator.csvsafe``)."""
    labels, relation_types = tuple(labels), tuple(relation_types)
    with atomic_write(out) as fh:
        writer = csvsafe.writer(fh, raw=raw)
        writer.writerow(COLUMNS)
        for record in records:
            report.count(record)
            writer.writerows(rows(record, labels, relation_types))
