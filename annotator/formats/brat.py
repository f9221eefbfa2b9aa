"""brat standoff: a folder with ``NAME.txt`` (the text) and ``NAME.ann`` per document, and an
``annotation.conf`` listing the types.

Offsets are code points into the .txt exactly as stored (a CR counts, as it does for brat, which
reads the file without translating newlines). ``T`` lines are spans (``T1<TAB>LABEL START
END<TAB>text``, fragments ``START END;START END`` whose text is joined with one space), ``R``
lines relations (the first argument is the source, e.g. the QUOTE of a ``speaker`` relation).
Every T line's text is checked against the .txt: a mismatch raises InputError, never a shifted
span. E (attribution events), A/M (attributes), N (normalisations → actors) and * (equivalences)
lines are read and written by ``annotator.formats.brat_extras``; # (note) lines are skipped with a report.

Discontinuous spans: brat splits a span at each line break into fragments, so fragments separated
only by whitespace are one part (and the writer writes parts that cross line breaks that way).
Fragments separated by other text are a multi-part span (``annotator.fragments``): ``T1 Quote 0
5;16 23`` imports as one span with parts 0–5 and 16–23 and is written back exactly.

brat has no annotators; a folder is one annotator's work. The reader gives every span the
``annotator`` it is told; with ``by_annotator`` (writer and reader) each annotator gets a
sub-folder named after them (``peerkit.annotator_filename``). Otherwise the writer merges all
annotators and reports the lost identities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats import brat_extras
from annotator.formats.base import ExportReport, SpanTrims
from annotator.formats.encoding import decode
from annotator.formats.peerkit import (
    AnnotatorFiles,
    Layer,
    ReadReport,
    annotator_from_filename,
    layers,
    leave_out,
    read_text,
    shown,
    span_keys,
)
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.spillset import SpillSet

BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at
_BREAK_RUN = re.compile(f"[{re.escape(BREAKS)}]+")
LOST_ANNOTATORS = "annotator names of spans and relations (a merged brat folder keeps none)"
CROSS_LAYER = "relations whose ends are not both spans of the relation's annotator"
DANGLING = "relations to a span that is not in the document"
ONLY_BREAKS = "spans of nothing but line breaks (brat fragments cannot hold them)"
TRIMMED = "span edges on a line break (a brat fragment holds none; the spans were written without it)"
_SKIPPED = {"#": "notes"}  # E, A/M, N and * lines: annotator.formats.brat_extras


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks, as brat itself writes a span that crosses lines."""
    out: list[tuple[int, int]] = []
    at = start
    for m in _BREAK_RUN.finditer(text, start, end):
        if m.start() > at:
            out.append((at, m.start()))
        at = m.end()
    if at < end:
        out.append((at, end))
    return out


def _brat_type(name: str, report: ExportReport) -> str:
    safe = re.sub(r"\s", "_", name) or "_"
    if safe != name:
        report.leave_out(f"type {name!r} written as {safe!r} (brat types have no spaces)")
    return safe


def _ann(
    record: DocRecord,
    spans: list[SpanRecord],
    rels: list[RelationRecord],
    report: ExportReport,
    trims: SpanTrims,
    extras: brat_extras.Written | None = None,
) -> str:
    lines: list[str] = []
    tids: dict[str, str] = {}
    for key, span in zip(span_keys(spans), spans, strict=True):
        parts = span.fragments or [(span.start, span.end)]
        frags = [f for a, b in parts for f in fragments(record.text, a, b)]
        if not frags:
            report.leave_out(ONLY_BREAKS, 1, "spans")
            continue
        if (frags[0][0], frags[-1][1]) != (span.start, span.end):
            trims.add(record, span, frags[0][0], frags[-1][1])
        tids[key] = f"T{len(tids) + 1}"
        offsets = ";".join(f"{a} {b}" for a, b in frags)
        quote = " ".join(record.text[a:b] for a, b in frags)
        lines.append(f"{tids[key]}\t{_brat_type(span.label, report)} {offsets}\t{quote}")
    rels, more = (extras or brat_extras.Written()).lines(record, spans, rels, tids, report)
    n = 0
    for rel in rels:
        if rel.source not in tids or rel.target not in tids:
            report.leave_out(DANGLING, 1, "relations")
            continue
        n += 1
        lines.append(
            f"R{n}\t{_brat_type(rel.type, report)} Arg1:{tids[rel.source]} Arg2:{tids[rel.target]}\t"
        )
    lines += more
    return "".join(line + "\n" for line in lines)


def _stem(record: DocRecord, i: int) -> str:
    """The document's file name: the stem of the .txt it was imported from (a brat folder's
    ``a1.txt`` is written back as ``a1``), else ``doc<id>``."""
    source = (record.source_file or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = source[:-4] if source.lower().endswith(".txt") else ""
    if stem and stem.strip(".") and not any(c in stem for c in ':*?"<>|\0') and stem != "annotation":
        return stem
    return f"doc{record.doc_id}" if record.doc_id is not None else f"doc-{i + 1:06d}"


def write(
    records: Iterable[DocRecord], out: Path, report: ExportReport, *, by_annotator: bool = False
) -> None:
    """Write a brat folder at ``out`` (sub-folders per annotator with ``by_annotator``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    folders = AnnotatorFiles()
    made: set[Path] = set()
    labels: set[str] = set()
    types: set[str] = set()
    trims = SpanTrims(TRIMMED)
    extras = brat_extras.Written()
    with SpillSet() as used:  # the stems written so far (a project of any size: memory stays flat)
        for i, record in enumerate(records):
            report.count(record)
            stem = _stem(record, i)
            while stem.casefold() in used:  # unique also where file names ignore case
                stem += "_"
            used.add(stem.casefold())
            if by_annotator:
                parts, homeless = layers(record)
                report.leave_out(CROSS_LAYER, homeless, "relations")
                targets = [(out / folders(p.annotator), p) for p in parts or [Layer(None)]]
            else:
                named = sum(s.annotator is not None for s in record.spans)
                named += sum(r.annotator is not None for r in record.relations)
                leave_out(report, LOST_ANNOTATORS, named)
                targets = [(out, Layer(None, record.spans, record.relations))]
            for folder, part in targets:
                # Plain writes: ``export`` stages the whole folder and syncs it before moving it into
                # place, so a file of its own per document needs no fsync (the export ran 2.3x slower).
                if folder not in made:
                    folder.mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="\n") as fh:
                    fh.write(record.text)
                with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="\n") as fh:
                    fh.write(_ann(record, part.spans, part.relations, report, trims, extras))
                labels.update(re.sub(r"\s", "_", s.label) or "_" for s in part.spans)
                types.update(re.sub(r"\s", "_", r.type) or "_" for r in part.relations)
    trims.report_to(report)

    with atomic_write(out / "annotation.conf") as fh:
        fh.write("[entities]\n" + "".join(f"{name}\n" for name in sorted(labels)))
        fh.write("\n[relations]\n" + "".join(f"{t}\tArg1:<ENTITY>, Arg2:<ENTITY>\n" for t in sorted(types)))
        fh.write(extras.conf())


def read(
    path: Path, annotator: str | None = None, report: ReadReport | None = None, *, by_annotator: bool = False
) -> Iterator[DocRecord]:
    """Read a brat folder (recursively), or one document given as its .ann or .txt file."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    if not path.is_dir():
        yield _document(path.with_suffix(".ann"), annotator, report)
        return
    if by_annotator:
        pairs = [(ann, annotator) for ann in sorted(path.glob("*.ann"))]
        for sub in sorted(p for p in path.iterdir() if p.is_dir()):
            who = annotator_from_filename(sub.name, annotator)
            pairs += [(ann, who) for ann in sorted(sub.glob("*.ann"))]
    else:
        pairs = [(ann, annotator) for ann in sorted(path.rglob("*.ann"))]
    if not pairs:
        raise InputError(str(path), "no .ann files in this folder (is it a brat folder?)")
    lone = [t for t in sorted(path.rglob("*.txt")) if not t.with_suffix(".ann").is_file()]
    if lone:
        names = ", ".join(str(t.relative_to(path)) for t in lone[:5]) + (", …" if len(lone) > 5 else "")
        report.skip(f".txt files without a .ann beside them, not read ({names})", len(lone))
    for ann, who in pairs:
        yield _document(ann, who, report)


def raw_text(path: Path) -> str:
    """The .txt as brat counts it: decoded, but with its newlines untouched."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode(path, data)
    if b"\r" not in data:
        return text
    return data.decode(encoding).removeprefix("\ufeff")


def _document(ann: Path, annotator: str | None, report: ReadReport) -> DocRecord:
    txt = ann.with_suffix(".txt")
    if not txt.is_file():
        raise InputError(str(ann), f"no text file {txt.name} beside it")
    text = raw_text(txt)
    record = DocRecord(text=text, source_file=str(txt), title=txt.stem)
    pending: list[tuple[int, str, str, str, str]] = []
    kinds: dict[str, str] = {}
    extras = brat_extras.Extras(ann)
    lines = read_text(ann).split("\n") if ann.is_file() and ann.stat().st_size else []
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        if not line.strip():
            continue
        head = line.split("\t", 1)[0]
        if head in kinds and head != "*":  # a relation would attach to the last one: refuse
            raise InputError(str(ann), f"{head} is defined twice in this file", number)
        kinds[head] = head[:1]
        if head.startswith("T"):
            more = _continued(line, lines[number:], text)
            if more:
                report.note("T lines whose text runs on over line breaks of the .ann (read whole)")
                line = "\n".join(lines[number - 1 : number + more])
            _text_bound(line, number, ann, record, annotator, report)
            number += more
        elif head.startswith("R"):
            fields = line.split("\t")
            args = fields[1].split() if len(fields) > 1 else []
            if len(args) < 3 or any(":" not in a for a in args[1:3]):
                raise InputError(str(ann), f"{head}: expected 'TYPE Arg1:ID Arg2:ID'", number)
            pending.append((number, head, args[0], args[1].split(":", 1)[1], args[2].split(":", 1)[1]))
        elif extras.take(head, line, number):
            pass
        elif head[:1] in _SKIPPED:
            report.skip(f"brat {_SKIPPED[head[:1]]} ({head[:1]} lines)")
        else:
            raise InputError(str(ann), f"unknown annotation line {shown(line)}", number)
    keys = {s.key for s in record.spans}
    for number, head, kind, source, target in pending:
        for ref in (source, target):
            if ref not in kinds:
                raise InputError(str(ann), f"{head} refers to {ref!r}, which is not defined", number)
        if source in keys and target in keys:
            record.relations.append(RelationRecord(source, target, kind, annotator))
        else:
            report.skip("brat relations to something other than a text span")
    extras.apply(record, set(kinds), report)
    report.count(record)
    return record


def _offsets(field: str) -> list[tuple[int, int]]:
    """``START END[;START END...]`` as listed (ValueError when it is not)."""
    return [(int(a), int(b)) for a, b in (f.split() for f in field.split(";"))]


def _continued(line: str, rest: list[str], text: str) -> int:
    """How many of the next .ann lines continue this T line's text: some tools (PolNeAR's) write
    a span's line breaks into the file as they are. Only lines that make the text the document's
    at those offsets count, so a malformed line is never swallowed."""
    fields = line.split("\t", 2)
    try:
        listed = _offsets(fields[1].split(" ", 1)[1])
    except (IndexError, ValueError):
        return 0
    if len(fields) < 3 or not all(0 <= a < b <= len(text) for a, b in listed):
        return 0
    wanted = {" ".join(text[a:b] for a, b in order) for order in (sorted(listed), listed)}
    if fields[2] in wanted:
        return 0
    got = fields[2]
    for n, more in enumerate(rest, start=1):
        got += "\n" + more
        if got in wanted:
            return n
        if not any(w.startswith(got) for w in wanted):
            return 0
    return 0


def _text_bound(
    line: str, number: int, ann: Path, record: DocRecord, annotator: str | None, report: ReadReport
) -> None:
    """One T line → span(s) in ``record``, after checking its text against the document."""
    fields = line.split("\t", 2)
    tid = fields[0]
    try:
        label, offsets = fields[1].split(" ", 1)
        listed = _offsets(offsets)
    except (IndexError, ValueError):
        raise InputError(str(ann), f"{tid}: expected 'LABEL START END[;START END...]'", number) from None
    frags = sorted(listed)
    text = record.text
    for a, b in frags:
        if not 0 <= a < b <= len(text):
            raise InputError(str(ann), f"{tid}: fragment {a}–{b} is not a range in 0–{len(text)}", number)
    found = " ".join(text[a:b] for a, b in frags)
    if len(fields) < 3:
        report.note("T lines without text (offsets not checked)")
    elif fields[2] != found and fields[2] == " ".join(text[a:b] for a, b in listed):
        # PolNeAR lists some fragments out of order, its text in that order: the same span
        report.note("discontinuous spans whose fragments are listed out of order (kept in text order)")
    elif fields[2] != found:
        raise InputError(
            str(ann),
            f"{tid}: its text {shown(fields[2])} does not match the document at {offsets} ({shown(found)})",
            number,
        )
    parts = [frags[0]]
    for a, b in frags[1:]:  # fragments apart only by whitespace (brat's cuts at line breaks): one part
        if text[parts[-1][1] : a].strip():
            parts.append((a, b))
        else:
            parts[-1] = (parts[-1][0], max(parts[-1][1], b))
    if len(frags) > len(parts):
        report.note("discontinuous spans split only by whitespace/line breaks, imported as one part")
    if len(parts) > 1:
        report.note("discontinuous spans imported as multi-part spans")
    span = SpanRecord(parts[0][0], parts[-1][1], label, annotator, key=tid)
    span.fragments = parts if len(parts) > 1 else None
    record.spans.append(span)
