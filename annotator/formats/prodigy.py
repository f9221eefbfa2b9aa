"""Prodigy JSONL: one line per (document, annotator) with ``text``, ``tokens``, ``spans`` and
``relations``, as ``ner_manual``/``spans_manual``/``relations`` write it.

Offsets are code points (Python strings); ``token_end`` is inclusive (the index of the span's last
token), and a relation's ``head``/``child`` is the last token of its span, as Prodigy writes them.
A relation goes from its source span (head, e.g. the QUOTE) to its target (child, the ACTOR).

Who annotated: ``_annotator_id``, else ``_session_id``. Prodigy names a session ``<dataset>-<name>``
(``?session=alice`` in dataset ``news`` gives ``news-alice``); pass ``dataset`` to strip that
prefix, otherwise the id is kept whole. An unnamed session is a timestamp
(``2023-03-01_12-34-56``), which names nobody: those spans get the ``annotator`` argument, as do
lines with neither id. Lines answered ``reject`` or ``ignore`` are skipped (and reported). A
``review`` line's ``versions`` are imported as the annotations of the sessions they list (the
line itself is the reviewer's answer).

The writer uses the document's source tokens when it came with them (``annotator.tokens``), else
tokenises with ``annotator.text.tokenize``, and splits tokens at span edges, so every
span starts and ends on a token; whitespace other than one space after a token is a token of its
own, so the tokens and their ``ws`` flags rebuild the text exactly (as spaCy's do).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import (
    Layer,
    ReadReport,
    check_range,
    dumps,
    json_items,
    layers,
    leave_out,
    line_of,
    need,
    one_line,
    read_text,
    shown,
    span_keys,
)
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.tokens import Splits, cut_at, export_tokens, fast_tokenize

FIELDS = ("title", "author", "published", "source_url")
NO_SENTENCES = "sentence breaks (a Prodigy task holds none)"
CROSS_LAYER = "relations whose ends are not both spans of the relation's annotator"
_TIMESTAMP = re.compile(r"(?:^|-)\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$")

Token = tuple[int, int, bool]  # start, end, followed by one space


def tokens_for(
    text: str, starts: set[int], ends: set[int], words: list[tuple[int, int]] | None = None
) -> list[Token]:
    """Tokens covering ``text`` (whitespace runs included), split at every span start and end;
    ``words``: the source's tokens (default: ``annotator.text.tokenize``, through ``fast_tokenize``)."""
    edges = starts | ends
    pieces: list[tuple[int, int]] = []
    at = 0
    for start, end in fast_tokenize(text) if words is None else words:
        if start > at:
            pieces.append((at, start))
        pieces.append((start, end))
        at = end
    if at < len(text):
        pieces.append((at, len(text)))
    split = cut_at(pieces, edges)  # from the edges' side: scanning every edge per piece was quadratic
    tokens: list[Token] = []
    append = tokens.append
    for start, end in split:
        # One space after a token (not a space of its own, nor a span's first or only character)
        # is the token's ``ws``; the first test alone is false for almost every piece.
        if text[start] == " " and tokens:
            last = tokens[-1]
            if not last[2] and not text[last[0]].isspace() and start not in starts and start + 1 not in ends:
                tokens[-1] = (last[0], last[1], True)
                start += 1
                if start == end:
                    continue
        append((start, end, False))
    return tokens


def _token_dicts(text: str, tokens: list[Token]) -> list[dict[str, Any]]:
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws} for i, (s, e, ws) in enumerate(tokens)
    ]


def _tokens_json(text: str, tokens: list[Token]) -> str:
    """``json.dumps(_token_dicts(text, tokens), ensure_ascii=False)``, written directly (no dict per
    token): ``encode_basestring`` is what ``json.dumps`` writes a string as."""
    items = [
        f'{{"text": {encode_basestring(text[s:e])}, "start": {s}, "end": {e}, "id": {i}, '
        f'"ws": {"true" if ws else "false"}}}'
        for i, (s, e, ws) in enumerate(tokens)
    ]
    return "[" + ", ".join(items) + "]"


Index = tuple[dict[int, int], dict[int, int]]  # token by start offset, token by end offset


def _index(tokens: list[Token]) -> Index:
    return {t[0]: i for i, t in enumerate(tokens)}, {t[1]: i for i, t in enumerate(tokens)}


def _line(
    record: DocRecord,
    layer: Layer,
    tokens: list[Token],
    token_dicts: list[dict[str, Any]] | None = None,
    index: Index | None = None,
) -> dict[str, Any]:
    first, last = _index(tokens) if index is None else index
    meta = dict(record.meta)
    for name in FIELDS:
        if getattr(record, name) is not None:
            meta[name] = getattr(record, name)
    spans: dict[str, dict[str, Any]] = {}
    for key, s in zip(span_keys(layer.spans), layer.spans, strict=True):
        spans[key] = {
            "start": s.start,
            "end": s.end,
            "text": record.text[s.start : s.end],
            "label": s.label,
            "token_start": first[s.start],
            "token_end": last[s.end],
        }
    line: dict[str, Any] = {"text": record.text, "meta": meta}
    line["tokens"] = _token_dicts(record.text, tokens) if token_dicts is None else token_dicts
    line["spans"] = list(spans.values())
    line["relations"] = [
        {
            "head": spans[r.source]["token_end"],
            "child": spans[r.target]["token_end"],
            "head_span": {k: v for k, v in spans[r.source].items() if k != "text"},
            "child_span": {k: v for k, v in spans[r.target].items() if k != "text"},
            "label": r.type,
        }
        for r in layer.relations
    ]
    if layer.annotator is not None:
        line["_annotator_id"] = line["_session_id"] = layer.annotator
    line["_view_id"] = "relations" if layer.relations else "ner_manual"
    line["answer"] = "accept"
    return line


def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """One line per document and annotator (one unannotated line for a document nobody labeled)."""
    splits = Splits()
    with atomic_write(out) as fh:
        for record in records:
            report.count(record)
            parts, homeless = layers(record)
            leave_out(report, CROSS_LAYER, homeless)
            starts = {s.start for s in record.spans}
            ends = {s.end for s in record.spans}
            words = export_tokens(record, starts | ends, splits) if record.tokens else None
            report.leave_out(NO_SENTENCES, len(record.sentences or [0]) - 1)
            tokens = tokens_for(record.text, starts, ends, words)
            # The same on every line of the document, encoded once.
            shared = _tokens_json(record.text, tokens) if SHARED_TOKENS else None
            dicts = [] if shared is not None else _token_dicts(record.text, tokens)
            index = _index(tokens)
            head: list[str] = []  # the document's text and meta, encoded once too
            for part in parts or [Layer(None)]:
                fh.write(_dumps_line(_line(record, part, tokens, dicts, index), shared, head) + "\n")
    splits.report_to(report)


SHARED_TOKENS = True  # tests turn it off to compare with plain ``dumps`` of every line


def _dumps_line(line: dict[str, Any], tokens: str | None, head: list[str] | None = None) -> str:
    """``dumps(line)``, with ``tokens`` the line's token list already encoded (the same on every
    line of a document, and most of its bytes); ``head``: the keys before it encoded, once per
    document (the text and meta are the same on every line of it too)."""
    if tokens is None:
        return dumps(line)
    keys = list(line)
    at = keys.index("tokens")
    head = head if head is not None else []
    if not head:
        head.append(json.dumps({k: line[k] for k in keys[:at]}, ensure_ascii=False))
    tail = json.dumps({k: line[k] for k in keys[at + 1 :]}, ensure_ascii=False)
    return one_line(f'{head[0][:-1]}, "tokens": {tokens}, {tail[1:]}')


def annotator_of(obj: dict[str, Any], dataset: str | None, fallback: str | None) -> str | None:
    """The person behind a line (see the module docstring for the rule)."""
    for key in ("_annotator_id", "_session_id"):
        value = obj.get(key)
        if isinstance(value, str) and value:
            if _TIMESTAMP.search(value):
                return fallback
            if dataset and value.startswith(dataset + "-"):
                return value[len(dataset) + 1 :]
            return value
    return fallback


def read(
    path: Path, annotator: str | None = None, report: ReadReport | None = None, *, dataset: str | None = None
) -> Iterator[DocRecord]:
    """Read Prodigy JSONL; accepted lines only, each as one document record."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    for obj, line0 in json_items(path, read_text(path)):
        line = line_of(obj, line0) or line0
        text = need(obj, "text", str, path, line, "line")
        answer = obj.get("answer", "accept")
        if answer != "accept":
            report.skip(f"lines answered {answer!r}")
            continue
        record = DocRecord(text=text, source_file=str(path), line=line)
        meta = obj.get("meta")
        for name, value in meta.items() if isinstance(meta, dict) else ():
            if name in FIELDS and isinstance(value, str):
                setattr(record, name, value)
            else:
                record.meta[name] = value
        who = annotator_of(obj, dataset, annotator)
        tokens = _tokens(obj, text, path, line)
        # The source's words (whitespace tokens are rebuilt on export); Prodigy has no sentences.
        record.tokens = [(a, b) for a, b in tokens if text[a:b].strip()] or None
        record.sentences = [0] if record.tokens else None
        _layer(obj, record, tokens, who, "", path, line, report)
        versions = obj.get("versions") or []
        for j, version in enumerate(versions if isinstance(versions, list) else []):
            if not isinstance(version, dict):
                raise InputError(str(path), f"review version {j + 1} must be an object", line)
            sessions = version.get("sessions")
            names = {annotator_of({"_session_id": s}, dataset, annotator) for s in sessions or []}
            names = names or {annotator_of(version, dataset, annotator)}
            if who in names and _spans_of(version) != _spans_of(obj):
                report.skip("review versions by the line's own annotator, superseded by the reviewed answer")
            for k, name in enumerate(sorted(names - {who}, key=str)):
                report.note("review versions imported as their sessions' annotations")
                _layer(
                    version, record, tokens, name, f"v{j}.{k}:", path, line_of(version, line) or line, report
                )
        report.count(record)
        yield record


def _spans_of(obj: Any) -> set[tuple[Any, Any, Any]]:
    spans = obj.get("spans") if isinstance(obj, dict) else None
    return {(x.get("start"), x.get("end"), x.get("label")) for x in spans or [] if isinstance(x, dict)}


def _tokens(obj: dict[str, Any], text: str, path: Path, line: int) -> list[tuple[int, int]]:
    """The line's tokens as (start, end), each checked against the text it claims to be."""
    tokens = obj.get("tokens") or []
    if not isinstance(tokens, list):
        raise InputError(str(path), "'tokens' must be a list", line)
    out = []
    for i, tok in enumerate(tokens):
        where = line_of(tok, line)
        start = need(tok, "start", int, path, where, f"token {i}")
        end = need(tok, "end", int, path, where, f"token {i}")
        if isinstance(tok.get("text"), str) and tok["text"] != text[start:end]:
            found = shown(text[start:end])
            raise InputError(
                str(path), f"token {i} {shown(tok['text'])} is not at {start}–{end} ({found})", where
            )
        out.append((start, end))
    return out


def _layer(
    obj: dict[str, Any],
    record: DocRecord,
    tokens: list[tuple[int, int]],
    who: str | None,
    prefix: str,
    path: Path,
    line: int,
    report: ReadReport,
) -> None:
    """Add one annotator's spans and relations from a line (or a review version) to ``record``."""
    found: dict[tuple[int, int, str], str] = {}
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        raise InputError(str(path), "'spans' must be a list", line)
    for i, span in enumerate(spans):
        at = _span(span, record.text, tokens, path, line_of(span, line) or line, f"span {i + 1}")
        record.spans.append(SpanRecord(at[0], at[1], at[2], who, key=f"{prefix}{i}"))
        found.setdefault(at, f"{prefix}{i}")
    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        raise InputError(str(path), "'relations' must be a list", line)
    for i, rel in enumerate(relations):
        rel_line = line_of(rel, line) or line
        what = f"relation {i + 1}"
        label = need(rel, "label", str, path, rel_line, what)
        ends = []
        for side in ("head", "child"):
            span = rel.get(f"{side}_span")
            if not isinstance(span, dict) or not isinstance(span.get("label"), str):
                break
            at = _span(span, record.text, tokens, path, rel_line, f"{what} {side}_span")
            if at not in found:
                found[at] = f"{prefix}r{i}{side[0]}"
                record.spans.append(SpanRecord(at[0], at[1], at[2], who, key=found[at]))
                report.note("relation ends that were not in 'spans', added as spans")
            ends.append(found[at])
        if len(ends) < 2:
            report.skip("relations without a labeled head_span and child_span")
            continue
        record.relations.append(RelationRecord(ends[0], ends[1], label, who))


def _span(
    span: Any, text: str, tokens: list[tuple[int, int]], path: Path, line: int, what: str
) -> tuple[int, int, str]:
    """(start, end, label) of one Prodigy span, checked against its text and its tokens."""
    label = need(span, "label", str, path, line, what)
    t_start, t_end = span.get("token_start"), span.get("token_end")
    has_tokens = isinstance(t_start, int) and isinstance(t_end, int) and 0 <= t_start <= t_end < len(tokens)
    if "start" in span or not has_tokens:
        start = need(span, "start", int, path, line, what)
        end = need(span, "end", int, path, line, what)
    else:
        start, end = tokens[t_start][0], tokens[t_end][1]
    check_range(path, line, text, start, end, what)
    found = text[start:end]
    if isinstance(span.get("text"), str) and span["text"] != found:
        raise InputError(
            str(path),
            f"{what}: its text {shown(span['text'])} is not at {start}–{end} ({shown(found)})",
            line,
        )
    if has_tokens and (tokens[t_start][0], tokens[t_end][1]) != (start, end):
        raise InputError(
            str(path), f"{what}: tokens {t_start}–{t_end} do not cover characters {start}–{end}", line
        )
    return start, end, label
