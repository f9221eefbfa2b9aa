"""What every format writer shares: the report of what it wrote and what it could not hold."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from annotator.records import DocRecord, SpanRecord

Progress = Callable[[int], None]
EXAMPLES = 3  # examples a report line names


@dataclass(slots=True)
class Tally:
    """Documents, spans and relations that passed through a reader or a writer."""

    path: Path
    documents: int = 0
    spans: int = 0
    relations: int = 0

    def count(self, record: DocRecord) -> None:
        self.documents += 1
        self.spans += len(record.spans)
        self.relations += len(record.relations)


@dataclass(frozen=True, slots=True)
class Trim:
    """A span a token format moved to token edges: its document (and sentence, for sentence
    examples), label, offsets in the document before and after."""

    document: str
    label: str
    old: tuple[int, int]
    new: tuple[int, int]

    def __str__(self) -> str:
        return f"{self.document}: {self.old[0]}–{self.old[1]} → {self.new[0]}–{self.new[1]} {self.label}"


ACTORS_LEFT_OUT = "registry actor(s) no exported span names (export the whole project to carry them)"


@dataclass(slots=True)
class ExportReport(Tally):
    # What the format could not hold, by reason: never dropped silently.
    left_out: dict[str, int] = field(default_factory=dict)
    # Every span a token format wrote with other edges than it has (the reason in ``left_out``
    # names a few; this is the whole list).
    trimmed: list[Trim] = field(default_factory=list)
    # The registry actors a filtered native export left out (ids, ``ACTORS_LEFT_OUT``): a split's
    # total counts those no part carries, once, not once per part.
    actors_left: set[int] | None = None
    # A part of an export written in pieces (``annotator.export_halves``): what names examples
    # (``SpanTrims``, ``annotator.tokens.Splits``) is held here, not written into ``left_out``, so
    # the whole's reasons name the whole's first examples (``report_held``). None: write it.
    held: list[Held] | None = None

    def leave_out(self, reason: str, count: int = 1, dropped: str | None = None) -> None:
        """Record what the file cannot hold; ``dropped`` ("spans" or "relations") also takes the
        items out of the counts, which were made as records came in: the counts say what is in
        the file."""
        if count:
            self.left_out[reason] = self.left_out.get(reason, 0) + count
            if dropped == "spans":
                self.spans -= count
            elif dropped == "relations":
                self.relations -= count

    def summary(self) -> str:
        text = (
            f"wrote {self.documents} document(s), {self.spans} span(s), "
            f"{self.relations} relation(s) to {self.path}"
        )
        for reason, count in sorted(self.left_out.items()):
            text += f"\nleft out {count}: {reason}"
        return text


@dataclass(slots=True)
class SpanTrims:
    """Spans a writer writes with other edges than they have (whitespace at an edge is no token;
    a brat fragment holds no line break): each goes into the export's report, with its document
    and its old and new offsets, under ``reason`` (a few named in the reason's text)."""

    reason: str
    found: list[Trim] = field(default_factory=list)

    def add(self, record: DocRecord, span: SpanRecord, start: int, end: int) -> None:
        meta = record.meta or {}
        base = meta.get("offset", 0) if isinstance(meta.get("offset"), int) else 0
        name = f"doc {record.doc_id}" if record.doc_id is not None else "document"
        if "sentence" in meta:
            name += f" sentence {meta['sentence']}"
        old, new = (base + span.start, base + span.end), (base + start, base + end)
        self.found.append(Trim(name, span.label, old, new))

    @property
    def key(self) -> str:
        return self.reason

    def joined(self, later: SpanTrims) -> SpanTrims:
        """These trims, then ``later``'s (a later part of the same export)."""
        return SpanTrims(self.reason, self.found + later.found)

    def report_to(self, report: ExportReport) -> None:
        """Name the trimmed spans in the report: the reason with examples, and the whole list."""
        if report.held is not None:
            report.held.append(self)
        elif self.found:
            examples = "; ".join(str(t) for t in self.found[:EXAMPLES])
            more = ", …" if len(self.found) > EXAMPLES else ""
            report.leave_out(f"{self.reason}: {examples}{more}", len(self.found))
            report.trimmed.extend(self.found)


class Held(Protocol):
    """What a writer collects of its documents and reports at the end, naming the first examples:
    the parts of one export join theirs, in document order, before it goes into the report."""

    @property
    def key(self) -> str: ...

    def joined(self, later: Any) -> Held: ...

    def report_to(self, report: ExportReport) -> None: ...


def report_held(report: ExportReport, parts: Iterable[list[Held]]) -> None:
    """Report what the parts of an export held (``ExportReport.held``), each kind joined over the
    parts in their order: the reasons and examples one writer of the whole would have written."""
    joined: dict[tuple[type, str], Held] = {}
    for held in parts:
        for item in held:
            key = (type(item), item.key)
            joined[key] = joined[key].joined(item) if key in joined else item
    for item in joined.values():
        item.report_to(report)


# A writer streams records into ``path`` (atomically) and fills in the report.
Writer = Callable[[Iterable[DocRecord], Path, ExportReport], None]


def reporting_left_out(writer: Writer, reason: str, lost: Callable[[DocRecord], bool]) -> Writer:
    """``writer``, counting under ``reason`` each record it cannot hold all of (``lost``)."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        def counted() -> Iterator[DocRecord]:
            for record in records:
                if lost(record):
                    report.leave_out(reason)
                yield record

        writer(counted(), out, report)

    return write
