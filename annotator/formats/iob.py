"""Token classification: CoNLL-style IOB2 text and Hugging Face-style JSONL.

Tokens come from ``annotator.text.tokenize`` (the same word boundaries the GUI snaps selections
to), cut at every span edge, so each span is an exact run of tokens: a quote mark or period
outside a span is never part of its tokens. Whitespace is not a token.

One label per token: where spans overlap, the outermost (then the leftmost) is tagged and the
others are reported as left out; relations cannot be held and are reported too. Records with no
token at all (whitespace only) are reported and skipped.

CoNLL IOB2 text: ``token<TAB>tag`` per line, a blank line after each record (document, or sentence
with sentence examples); with ``docstart`` a ``-DOCSTART-<TAB>O`` line and a blank line open each
document. Reading it back rebuilds a record's text by joining its tokens with single spaces
(sentences of one ``-DOCSTART-`` document are joined with a line break), so offsets refer to that
rebuilt text, not to the original.

HF JSONL: one object per record, ``{"id", "tokens", "ner_tags", "text", "offsets"}`` where
``ner_tags`` are indices into the label list ``["O", "B-X", "I-X", ...]`` and ``offsets`` are each
token's ``[start, end)`` in ``text`` (code points), so the reader restores exact offsets. The
label list is written beside the data as JSON ``{"label_names", "id2label", "label2id",
"labels"}``; ``datasets.load_dataset("json", data_files=...)`` loads the lines as they are.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.atomic import atomic_write
from annotator.dataset.tokens import DUPLICATE, OVERLAPPING, outermost
from annotator.errors import InputError
from annotator.formats import conll_columns
from annotator.formats.base import ExportReport, SpanTrims, Writer
from annotator.formats.encoding import decode
from annotator.records import DocRecord, SpanRecord
from annotator.tokens import Splits, export_tokens, sentence_breaks, starts_from_json, token_trims

DOCSTART = "-DOCSTART-"
NO_RELATIONS = "relations (token classification formats cannot hold relations)"
NO_TOKEN = "documents with no token (whitespace only)"
WHITESPACE_SPAN = "spans covering no token (whitespace only)"
NO_BREAKS = "sentence breaks (IOB without --docstart marks documents by blank lines only)"
BREAK_IN_SPAN = "sentence breaks inside a span (a blank line would cut the span in two)"
ONE_LABEL = " (IOB holds one label per token)"
DUPLICATE_REASON = DUPLICATE + ONE_LABEL
OVERLAP_REASON = OVERLAPPING + ONE_LABEL


def tag(
    record: DocRecord, report: ExportReport, splits: Splits | None = None, trims: SpanTrims | None = None
) -> tuple[list[tuple[int, int]], list[str]]:
    """Tokens of the record (its source's, else the tokenizer's; cut at every span edge) and their
    IOB2 tags.

    What cannot be tagged is reported as left out; what is tagged is counted in the report; source
    tokens cut at a span edge are counted in ``splits``; a span whose edge is on whitespace (no
    token) comes back on its tokens only, and is named in ``trims``.
    """
    cuts = {edge for s in record.spans for edge in (s.start, s.end)}
    tokens = export_tokens(record, cuts, splits)
    tags = ["O"] * len(tokens)
    kept, duplicates, overlapping = outermost(record.spans)
    if duplicates:
        report.leave_out(DUPLICATE_REASON, duplicates)
    if overlapping:
        report.leave_out(OVERLAP_REASON, overlapping)
    starts = [t[0] for t in tokens]
    for span in kept:
        first = i = bisect_left(starts, span.start)
        while i < len(tokens) and tokens[i][1] <= span.end:
            tags[i] = ("B-" if i == first else "I-") + span.label
            i += 1
        if i == first:
            report.leave_out(WHITESPACE_SPAN)
            continue
        report.spans += 1
        if trims is not None and (tokens[first][0], tokens[i - 1][1]) != (span.start, span.end):
            trims.add(record, span, tokens[first][0], tokens[i - 1][1])
    if record.relations:
        report.leave_out(NO_RELATIONS, len(record.relations))
    if tokens:
        report.documents += 1
    return tokens, tags


def _example_id(record: DocRecord, number: int) -> str:
    base = str(record.doc_id) if record.doc_id is not None else str(number)
    sentence = record.meta.get("sentence") if record.meta else None
    return base if sentence is None else f"{base}-{sentence}"


def write_iob(
    records: Iterable[DocRecord], out: Path, report: ExportReport, *, docstart: bool = False
) -> None:
    """Stream records as CoNLL IOB2 (``token<TAB>tag``) into ``out``, atomically."""
    previous: object = object()
    splits, trims = Splits(), token_trims()
    with atomic_write(out) as fh:
        for record in records:
            tokens, tags = tag(record, report, splits, trims)
            if not tokens:
                report.leave_out(NO_TOKEN)
                continue
            document = record.doc_id if record.doc_id is not None else id(record)
            if docstart and document != previous:
                fh.write(f"{DOCSTART}\tO\n\n")
            previous = document
            # Without -DOCSTART- a blank line is the only document boundary: breaks cannot be held;
            # nor can a break inside a span (the blank line would cut it in two).
            breaks = set(sentence_breaks(record, tokens))
            inside = {i for i in breaks if tags[i].startswith("I-")}
            report.leave_out(BREAK_IN_SPAN, len(inside) if docstart else 0)
            report.leave_out(NO_BREAKS, 0 if docstart else len(breaks))
            breaks = breaks - inside if docstart else set()
            for i, ((start, end), label) in enumerate(zip(tokens, tags, strict=True)):
                if i in breaks:
                    fh.write("\n")  # the source's sentence break
                fh.write(f"{record.text[start:end]}\t{label}\n")
            fh.write("\n")
    splits.report_to(report)
    trims.report_to(report)


def iob_writer(docstart: bool = False) -> Writer:
    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        write_iob(records, out, report, docstart=docstart)

    return write


def label_names(labels: Sequence[str]) -> list[str]:
    """``["O", "B-A", "I-A", "B-B", ...]``: the ``ner_tags`` ids, in the order of ``labels``."""
    return ["O", *[f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]]


def labels_file(path: Path, labels: Sequence[str]) -> None:
    names = label_names(labels)
    data = {
        "labels": list(labels),
        "label_names": names,
        "id2label": dict(enumerate(names)),
        "label2id": {name: i for i, name in enumerate(names)},
        "scheme": "IOB2",
    }
    with atomic_write(path) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def sidecar(out: Path) -> Path:
    """Where the label list of a lone HF JSONL file goes: ``NAME.labels.json`` beside it."""
    return out.with_name(out.stem + ".labels.json")


def hf_writer(labels: Sequence[str] = (), labels_path: Path | None = None) -> Writer:
    """An HF JSONL writer; ``labels`` fixes the tag ids (labels it meets later are appended).

    The label list is written when the data is, to ``labels_path`` (default ``sidecar(out)``).
    """

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        known = list(labels)
        ids = {name: i for i, name in enumerate(label_names(known))}
        splits, trims = Splits(), token_trims()
        with atomic_write(out) as fh:
            for number, record in enumerate(records):
                tokens, tags = tag(record, report, splits, trims)
                if not tokens:
                    report.leave_out(NO_TOKEN)
                    continue
                for t in tags:
                    if t not in ids:
                        known.append(t[2:])
                        ids = {name: i for i, name in enumerate(label_names(known))}
                line: dict[str, Any] = {
                    "id": _example_id(record, number),
                    "tokens": [record.text[a:b] for a, b in tokens],
                    "ner_tags": [ids[t] for t in tags],
                    "text": record.text,
                    "offsets": [[a, b] for a, b in tokens],
                }
                breaks = sentence_breaks(record, tokens)
                if breaks:
                    line["sentence_starts"] = [0, *breaks]
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        splits.report_to(report)
        trims.report_to(report)
        labels_file(labels_path or sidecar(out), known)

    return write


def write_hf(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """HF JSONL with tag ids in order of first use (the registry's plain writer)."""
    hf_writer()(records, out, report)


def spans_from_tags(
    tokens: Sequence[tuple[int, int]], tags: Sequence[str], where: str, lines: Sequence[int | None] = ()
) -> list[SpanRecord]:
    """IOB2 tags → spans (an ``I-X`` not continuing an ``X`` starts a span, as IOB1 readers do).

    ``lines``: each tag's line in the file, for error messages.
    """
    spans: list[SpanRecord] = []
    current: SpanRecord | None = None
    for i, ((start, end), label) in enumerate(zip(tokens, tags, strict=True)):
        line = lines[i] if i < len(lines) else None
        if label == "O":
            current = None
            continue
        prefix, _, name = label.partition("-")
        if prefix not in ("B", "I") or not name:
            raise InputError(where, f"tag {label!r} is not O, B-LABEL or I-LABEL", line)
        if prefix == "I" and current is not None and current.label == name:
            current.end = end
            continue
        current = SpanRecord(start, end, name)
        spans.append(current)
    return spans


def read_iob(path: Path) -> Iterator[DocRecord]:
    """Read CoNLL IOB2 text (token and tag in the first and last column, tab or space separated),
    or spaCy's sentence-per-line ``word|POS|TAG`` layout."""
    path = Path(path)
    data = path.read_bytes()
    if not data:
        return
    text, _encoding = decode(path, data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if "\t" not in first and all("|" in item for item in first.split()):
        numbered = _sentence_per_line(lines)
    else:
        numbered = [*enumerate(lines, start=1), (len(lines) + 1, "")]
    has_docstart = any(line.split()[:1] == [DOCSTART] for _, line in numbered)
    germeval = conll_columns.numbered(numbered, DOCSTART)
    blocks: list[_Block] = []
    block = _Block()
    for number, raw in numbered:
        columns = conll_columns.split(raw)
        if not raw.strip() or columns[0] == DOCSTART:
            if block.tokens:
                blocks.append(block)
            if raw.strip():
                blocks.append(_Block())  # a document boundary
            block = _Block(comments=block.comments if not block.tokens else [])
            continue
        if (note := conll_columns.comment(columns)) is not None:
            block.comments.append(note)
            continue
        if len(columns) < 2:
            raise InputError(str(path), "expected a token and a tag", number)
        block.tokens.append(columns[1] if germeval else columns[0])
        block.tags.append(columns[2 if germeval else -1].strip())
        block.inner.append(columns[3].strip() if germeval else "O")
        block.lines.append(number)
    yield from _documents(blocks, has_docstart, path)


def _sentence_per_line(lines: list[str]) -> list[tuple[int, str]]:
    """spaCy's other IOB layout, a sentence per line of ``word|POS|TAG`` items, as numbered token
    lines (each with its sentence's line number), a blank one after each sentence."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        items = [item.split("|") for item in line.split()]
        if items and items[0][0] == DOCSTART:
            out.append((number, DOCSTART))
            continue
        out += [(number, f"{item[0]}\t{item[-1]}") for item in items]
        out.append((number, ""))
    return out


@dataclass(slots=True)
class _Block:
    """One sentence of an IOB file: tokens, tags, and the line of each."""

    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    inner: list[str] = field(default_factory=list)  # GermEval's nested entities (conll_columns)
    comments: list[str] = field(default_factory=list)  # its ``#`` lines


def _documents(blocks: list[_Block], has_docstart: bool, path: Path) -> Iterator[DocRecord]:
    parts: list[_Block] = []

    def build() -> DocRecord:
        text, spans, offset = "", [], 0
        tokens: list[tuple[int, int]] = []
        sentences: list[int] = []
        for i, part in enumerate(parts):
            if i:
                text += "\n"
                offset = len(text)
            positions = []
            for tok in part.tokens:
                positions.append((offset, offset + len(tok)))
                offset += len(tok) + 1
            text += " ".join(part.tokens)
            spans += spans_from_tags(positions, part.tags, str(path), part.lines)
            spans += spans_from_tags(positions, part.inner, str(path), part.lines)
            sentences.append(len(tokens))
            tokens += positions
        notes = [note for part in parts for note in part.comments]
        meta = {"comment": "\n".join(notes)} if notes else {}
        record = DocRecord(text=text, spans=spans, line=parts[0].lines[0], tokens=tokens, sentences=sentences)
        record.meta = meta
        return record

    for block in blocks:
        if not block.tokens:
            if parts:
                yield build()
            parts = []
            continue
        parts.append(block)
        if not has_docstart:
            yield build()
            parts = []
    if parts:
        yield build()


def read_hf(path: Path, labels_path: Path | None = None) -> Iterator[DocRecord]:
    """Read HF JSONL; tag names from the label file beside it, or from ``label_names`` in a line."""
    path = Path(path)
    side = labels_path or (sidecar(path) if sidecar(path).exists() else path.with_name("labels.json"))
    names = _label_file(side) if side.exists() else None
    data = path.read_bytes()
    if not data:
        return
    text, _encoding = decode(path, data)
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except RecursionError:
            raise InputError(str(path), "JSON nested too deeply", number) from None
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"malformed JSON: {exc.msg}", number) from None
        if not isinstance(obj, dict):
            raise InputError(str(path), "expected a JSON object per line", number)
        line_names = obj.get("label_names") or names
        tokens, ids = obj.get("tokens"), obj.get("ner_tags")
        if not isinstance(tokens, list) or not isinstance(ids, list) or len(tokens) != len(ids):
            raise InputError(str(path), "needs 'tokens' and 'ner_tags' lists of the same length", number)
        if not all(isinstance(t, str) for t in tokens):
            raise InputError(str(path), "'tokens' must be strings", number)
        if line_names is None:
            raise InputError(str(path), f"no label list: {side.name} is missing", number)
        tags = [_tag(t, line_names, path, number) for t in ids]
        if isinstance(obj.get("text"), str) and isinstance(obj.get("offsets"), list):
            doc_text = obj["text"]
            positions = _offsets(obj["offsets"], path, number)
            if [doc_text[a:b] for a, b in positions] != tokens:
                raise InputError(str(path), "'offsets' do not match 'tokens' in 'text'", number)
        else:
            doc_text, positions, offset = " ".join(tokens), [], 0
            for tok in tokens:
                positions.append((offset, offset + len(tok)))
                offset += len(tok) + 1
        spans = spans_from_tags(positions, tags, str(path), [number] * len(tags))
        starts = starts_from_json(obj.get("sentence_starts", [0]), len(positions) or 1, str(path), number)
        yield DocRecord(
            text=doc_text,
            spans=spans,
            line=number,
            meta={"id": obj.get("id")},
            tokens=positions or None,
            sentences=starts if positions else None,
        )


def _label_file(side: Path) -> list[str]:
    """The ``label_names`` of an HF label file, or InputError naming it."""
    try:
        names = json.loads(side.read_text(encoding="utf-8"))["label_names"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise InputError(str(side), "not a label file: expected JSON with a 'label_names' list") from None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InputError(str(side), "'label_names' must be a list of strings")
    return names


def _tag(tag: Any, names: Any, path: Path, line: int) -> str:
    """A tag name from a ``ner_tags`` entry: a name, or a non-negative index into ``names``
    (Python's negative indexing would read -1 as the last label)."""
    if isinstance(tag, str):
        return tag
    count = len(names) if isinstance(names, list) else 0
    if type(tag) is not int or not 0 <= tag < count:
        raise InputError(str(path), f"tag id {tag!r} is not in the label list (0–{count - 1})", line)
    name = names[tag]
    if not isinstance(name, str):
        raise InputError(str(path), "'label_names' must be strings", line)
    return name


def _offsets(offsets: list[Any], path: Path, line: int) -> list[tuple[int, int]]:
    """``[[start, end], ...]`` of whole numbers, or InputError (1.5 is not silently cut to 1)."""
    positions = []
    for item in offsets:
        if not (isinstance(item, list) and len(item) == 2 and all(type(x) is int for x in item)):
            raise InputError(
                str(path), f"'offsets' must be [start, end] pairs of whole numbers, not {item!r}", line
            )
        positions.append((item[0], item[1]))
    return positions
