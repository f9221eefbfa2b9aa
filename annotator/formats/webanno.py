"""WebAnno TSV 3.x, the tab-separated format of WebAnno and INCEpTION (import only).

Offsets count UTF-16 code units (INCEpTION is Java); they are converted to code points here. The
file holds no document text, so it is rebuilt as INCEpTION's reader does: each sentence is its
``#Text=`` lines, each followed by a line break, placed at its first token's offset, with a wider
gap filled with spaces (text between sentences is not recorded); the line break after the last
sentence is dropped. Every token and sub-token row must then find its text at its offsets, or the
file is refused (InputError naming the line): shifted spans are never imported.

Span layers give spans labelled with their first feature value (or the layer's short name); a
``[N]`` suffix joins the rows of one annotation and tells stacked ones apart. Relation layers give
relations from the governor (the last column's unit) to the dependent (the row's unit), between
the base layer's spans there (``[gov_dep]`` ids when a unit holds several). What the project
cannot hold (chains, slot links, further features, zero-width spans) is reported. TSV names no
annotator: every span gets ``annotator``.

Any other ``#key=value`` line (GUM's ``#Summary1=…`` after the layer declarations, a sentence's
``#Sentence.id=…``) is document metadata (``meta[key]``; a key met again collects its values). The
file's tokens and sentences are kept as the document's source tokens (``annotator.tokens``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.peerkit import ReadReport, read_text, shown
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import OffsetMap, utf16_len

MAGIC = "#FORMAT=WebAnno TSV 3"
_META = re.compile(r"#([^=\s]+)=(.*)", re.S)
_FORMAT = re.compile(r"#FORMAT=WebAnno TSV 3(?:\.(\d+))?")
_ADDRESS = re.compile(r"(\d+-\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_REF = re.compile(r"(\d+-\d+(?:\.\d+)?)(?:\[(\d+)_(\d+)\])?")
# A value and its unescaped "[N]" suffix (an escaped "\[" is taken whole into the value).
_WITH_ID = re.compile(r"((?:[^\\]|\\.)*?)\[(\d+)\]", re.S)
_CHAIN_LINK = re.compile(r"(?:[^\\]|\\.)*?->(\d+-\d+)", re.S)
_VALUE_ESCAPE = re.compile(r"\\(->|[\\\[\]|_;*tn])")
_TEXT_ESCAPE = re.compile(r"\\([tnfrb\\\x00-\x07\x0e-\x1f])")
_JAVA_ESCAPE = re.compile(r"\\(u+[0-9a-fA-F]{4}|[0-3][0-7]{2}|[0-7]{1,2}|.?)", re.S)
_CONTROL = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}
NO_VALUE = ("", "*", "_")


@dataclass(slots=True)
class _Layer:
    kind: str  # "SP", "CH" or "RL"
    name: str
    columns: list[str]  # feature declarations; "" is the placeholder of a layer without features
    at: int  # index of its first column among the annotation columns
    base: str = ""  # a relation layer's span layer (its BT_ column)

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def is_slot(self, j: int) -> bool:
        """Slot (link) columns: ``ROLE_…`` and the target type after it."""
        decl = self.columns[j]
        return decl.startswith("ROLE_") or (j > 0 and "." in decl and self.is_slot(j - 1))


@dataclass(slots=True)
class _Span:
    layer: _Layer
    begin: int  # UTF-16, like the file
    end: int
    key: str
    values: dict[int, str] = field(default_factory=dict)  # column → raw value, as first seen


@dataclass(slots=True)
class _Unit:
    address: str
    begin: int
    end: int
    text: str
    line: int
    spans: dict[tuple[str, int], _Span] = field(default_factory=dict)  # (layer, stack position)


@dataclass(slots=True)
class _Link:
    layer: _Layer
    line: int
    dependent: str
    governor: str
    ids: tuple[int, int]  # span ids of governor and dependent, 0 = the base span on the unit
    values: list[str]


def _strip_id(value: str) -> tuple[str, int]:
    """A value without its ``[N]`` suffix, and N (0 when there is none)."""
    tagged = _WITH_ID.fullmatch(value)
    return (tagged[1], int(tagged[2])) if tagged else (value, 0)


def unescape_value(value: str) -> str:
    """A feature value as written: ``\\|`` → ``|``, ``\\_`` → ``_``, ``\\n`` → line break, …"""
    return _VALUE_ESCAPE.sub(lambda m: _CONTROL.get(m[1], m[1]), value)


def unescape_text(text: str, minor: int) -> str:
    """A ``#Text=`` line as written: 3.2+ escapes control characters and ``\\``; 3.0/3.1 used
    Java string escapes."""
    if minor >= 2:
        return _TEXT_ESCAPE.sub(lambda m: _CONTROL.get(m[1], m[1]), text)

    def java(m: re.Match[str]) -> str:
        code = m[1]
        if code[:1] == "u" and len(code) > 4:
            return chr(int(code[-4:], 16))
        return chr(int(code, 8)) if code[:1].isdigit() else _CONTROL.get(code, code)

    return _JAVA_ESCAPE.sub(java, text)


def split_unescaped(value: str, sep: str) -> list[str]:
    """``value`` cut at every ``sep`` that no backslash escapes (stacked annotations)."""
    parts: list[str] = []
    start = i = 0
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] == sep:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts


def looks_like(path: Path) -> bool:
    """A ``.tsv`` file whose first line is a WebAnno TSV 3 header."""
    if path.suffix.lower() != ".tsv":
        return False
    try:
        with path.open("rb") as fh:
            return fh.readline(256).decode("utf-8-sig", "replace").startswith(MAGIC)
    except OSError:  # also a folder
        return False


def tsv_files(folder: Path) -> list[Path]:
    """The non-hidden ``.tsv`` files below ``folder``, in sorted order."""
    found = (p for p in folder.rglob("*.tsv") if p.is_file())
    parts = [p.relative_to(folder).parts for p in found]
    return [folder.joinpath(*p) for p in sorted(parts) if not any(x.startswith(".") for x in p)]


def read(path: Path, annotator: str | None = None, report: ReadReport | None = None) -> Iterator[DocRecord]:
    """Read a WebAnno TSV 3 file, or every ``.tsv`` file below a folder (one document each)."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    files = tsv_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError(str(path), "no .tsv files in this folder")
    for file in files:
        record = _Reader(file, annotator, report).document()
        if record is not None:
            report.count(record)
            yield record


class _Reader:
    """One file: the header, then the rows, then spans and relations with checked offsets."""

    def __init__(self, path: Path, annotator: str | None, report: ReadReport) -> None:
        self.path, self.annotator, self.report = path, annotator, report
        self.layers: list[_Layer] = []
        self.units: dict[str, _Unit] = {}
        self.spans: list[_Span] = []
        self.by_id: dict[int, _Span] = {}
        self.links: list[_Link] = []
        self.chains: dict[str, set[str]] = {}
        self.meta: dict[str, Any] = {}

    def fail(self, reason: str, line: int | None) -> InputError:
        return InputError(str(self.path), reason, line)

    def document(self) -> DocRecord | None:
        lines = read_text(self.path).split("\n")
        match = _FORMAT.fullmatch(lines[0].rstrip())
        if match is None:
            raise self.fail(f"not WebAnno TSV 3: the first line is {shown(lines[0])}, not '{MAGIC}.x'", 1)
        minor = int(match[1] or 0)
        text = self._body(lines, self._header(lines), minor)
        if not text:
            self.report.skip("files without any sentence (no text to import)")
            return None
        record = DocRecord(text=text, source_file=str(self.path), meta=self.meta)
        self._records(record)
        for name, elements in self.chains.items():
            self.report.skip(f"{name} chain elements (the project has no coreference chains)", len(elements))
        return record

    def _header(self, lines: list[str]) -> int:
        """Read the layer declarations; returns the index of the first body line."""
        width = 0
        number = 1
        while number < len(lines) and lines[number].startswith("#T_"):
            kind, _, rest = lines[number][3:].partition("=")
            fields = [f for f in rest.split("|") if f]
            if kind not in ("SP", "CH", "RL") or not fields:
                raise self.fail(f"unknown layer declaration {shown(lines[number])}", number + 1)
            layer = _Layer(kind, fields[0], fields[1:] or [""], width)
            if kind == "RL":
                if not layer.columns[-1].startswith("BT_"):
                    raise self.fail("a relation layer's last column must be BT_<base span layer>", number + 1)
                layer.base = layer.columns[-1][3:]
            self.layers.append(layer)
            width += len(layer.columns)
            number += 1
        return number

    def _body(self, lines: list[str], first: int, minor: int) -> str:
        """Read sentences and rows; returns the rebuilt document text."""
        width = sum(len(layer.columns) for layer in self.layers)
        pieces: list[str] = []
        size = 0  # UTF-16 length of the pieces
        header: list[str] | None = None  # the #Text= lines of a sentence whose rows have not begun
        token: str | None = None  # address of the current token (None outside a sentence's rows)
        for number, line in enumerate(lines[first:], start=first + 1):
            meta = _META.fullmatch(line)
            if meta is not None and meta[1] != "Text":
                self._meta(meta[1], meta[2])  # GUM's #Summary1=… after the header, #Sentence.id=…
                continue
            if line.startswith("#"):
                if token is not None or header is None:
                    header, token = [], None
                if line.startswith("#Text="):
                    header.append(unescape_text(line[6:], minor))
                continue
            if not line:
                if header is not None:
                    raise self.fail("a sentence without token rows", number)
                token = None
                continue
            fields = line.split("\t")
            if len(fields) == width + 4 and not fields[-1]:
                fields.pop()  # the tab that ends every row INCEpTION writes
            address, offsets = _ADDRESS.fullmatch(fields[0]), _OFFSETS.fullmatch((*fields, "")[1])
            if len(fields) != width + 3 or address is None or offsets is None:
                expected = f"'SENT-TOKEN<TAB>BEGIN-END<TAB>token' and the header's {width} column(s)"
                raise self.fail(f"expected {expected}, found {shown(line)}", number)
            begin, end = int(offsets[1]), int(offsets[2])
            if end < begin:
                raise self.fail(f"offsets {begin}-{end} end before they begin", number)
            if "" in fields[3:]:
                raise self.fail("an empty annotation column (no annotation is written '_')", number)
            if header is not None:  # the sentence's first token says where the sentence starts
                if size > begin:
                    if size != begin + 1 or not pieces[-1].endswith("\n"):
                        raise self.fail(f"the sentence starts at {begin}, inside the text before it", number)
                    pieces[-1], size = pieces[-1][:-1], size - 1
                sentence = "".join(part + "\n" for part in header)
                pieces += [" " * (begin - size), sentence]
                size, header = begin + utf16_len(sentence), None
            elif token is None:
                raise self.fail("a token row outside a sentence (no #Text= line before it)", number)
            if address[2] is None:
                token = fields[0]
            elif address[1] != token:
                raise self.fail(f"sub-token {fields[0]} does not follow its token {address[1]}", number)
            if fields[0] in self.units:
                raise self.fail(f"token {fields[0]} appears twice", number)
            unit = self.units[fields[0]] = _Unit(fields[0], begin, end, fields[2], number)
            for layer in self.layers:
                self._columns(layer, unit, fields[3 + layer.at : 3 + layer.at + len(layer.columns)])
        if header is not None:
            raise self.fail("a sentence without token rows", len(lines))
        text = "".join(pieces)
        return text[:-1] if text.endswith("\n") else text

    def _meta(self, key: str, value: str) -> None:
        """A ``#key=value`` line as document metadata (a key met again collects its values)."""
        if key not in self.meta:
            self.meta[key] = value
        elif isinstance(self.meta[key], list):
            self.meta[key].append(value)
        else:
            self.meta[key] = [self.meta[key], value]

    def _columns(self, layer: _Layer, unit: _Unit, raw: list[str]) -> None:
        """One layer's columns of one row: spans, relations or chain elements."""
        stacks = [[] if value == "_" else split_unescaped(value, "|") for value in raw]
        if layer.kind == "CH":
            links = (_CHAIN_LINK.fullmatch(value) for values in stacks for value in values)
            self.chains.setdefault(layer.short, set()).update(link[1] for link in links if link)
            return
        if layer.kind == "RL":
            for i, ref in enumerate(stacks[-1]):
                found = _REF.fullmatch(ref)
                if found is None:
                    raise self.fail(
                        f"{layer.short}: governor {shown(ref)} is not a token like 1-3 or 1-3[2_5]", unit.line
                    )
                values = [_strip_id(v[i])[0] if i < len(v) else "*" for v in stacks[:-1]]
                ids = (int(found[2] or 0), int(found[3] or 0))
                self.links.append(_Link(layer, unit.line, unit.address, found[1], ids, values))
            return
        for j, values in enumerate(stacks):
            for i, value in enumerate(values):
                value, ident = (value, 0) if layer.is_slot(j) else _strip_id(value)
                span = unit.spans.get((layer.name, i)) or self._span(layer, unit, ident)
                unit.spans[(layer.name, i)] = span
                span.values.setdefault(j, value)

    def _span(self, layer: _Layer, unit: _Unit, ident: int) -> _Span:
        """The span ``[ident]`` grown to cover ``unit``, or a new span on ``unit``."""
        span = self.by_id.get(ident) if ident else None
        if span is None:
            span = _Span(layer, unit.begin, unit.end, f"T{len(self.spans) + 1}")
            self.spans.append(span)
            if ident:
                self.by_id[ident] = span
        elif span.layer is not layer:
            raise self.fail(
                f"[{ident}] names annotations of two layers ({span.layer.short}, {layer.short})", unit.line
            )
        span.begin, span.end = min(span.begin, unit.begin), max(span.end, unit.end)
        return span

    def _records(self, record: DocRecord) -> None:
        """Check every row's text at its offsets, then add the spans and relations."""
        text, omap = record.text, OffsetMap(record.text)
        cps: dict[int, int] = {}  # UTF-16 offset → code point offset
        for unit in self.units.values():
            try:
                start, end = omap.to_cp(unit.begin), omap.to_cp(unit.end)
            except ValueError as exc:
                raise self.fail(f"token {unit.address}: {exc} (TSV counts UTF-16 units)", unit.line) from None
            if text[start:end] != unit.text:
                found = shown(text[start:end])
                reason = f"token {unit.address} {shown(unit.text)} is not the text at its offsets ({found})"
                raise self.fail(reason, unit.line)
            cps[unit.begin], cps[unit.end] = start, end
        self._tokens(record, cps)
        ends = [
            (self._end(link, link.governor, link.ids[0]), self._end(link, link.dependent, link.ids[1]))
            for link in self.links
        ]
        seen: set[tuple[int, int, str]] = set()
        for span in self.spans:
            start, end = cps[span.begin], cps[span.end]
            if start == end:
                self.report.skip("zero-width spans (the project cannot hold them)")
                continue
            label = self._label(span.layer, span.values)
            if (start, end, label) in seen:
                self.report.note("spans with the same label and extent (imported as one)")
            seen.add((start, end, label))
            record.spans.append(SpanRecord(start, end, label, self.annotator, key=span.key))
        for link, (governor, dependent) in zip(self.links, ends, strict=True):
            if governor.begin == governor.end or dependent.begin == dependent.end:
                self.report.skip("relations to a zero-width span (skipped with it)")
                continue
            kind = self._label(link.layer, dict(enumerate(link.values)))
            record.relations.append(RelationRecord(governor.key, dependent.key, kind, self.annotator))

    def _tokens(self, record: DocRecord, cps: dict[int, int]) -> None:
        """The file's tokens (not sub-tokens) and its sentences as the record's source tokens."""
        sentence = ""
        tokens: list[tuple[int, int]] = []
        starts: list[int] = []
        for unit in self.units.values():
            address = _ADDRESS.fullmatch(unit.address)
            if address is None or address[2] is not None or unit.begin == unit.end:
                continue
            if address[1].split("-")[0] != sentence:
                sentence = address[1].split("-")[0]
                starts.append(len(tokens))
            tokens.append((cps[unit.begin], cps[unit.end]))
        if tokens and all(a[1] <= b[0] for a, b in pairwise(tokens)):
            record.tokens, record.sentences = tokens, starts

    def _end(self, link: _Link, address: str, ident: int) -> _Span:
        """The span a relation end names: by its id, else the base layer's span on the unit (made
        here when the base layer, e.g. Token, is no span layer of the file)."""
        if ident:
            if ident not in self.by_id:
                raise self.fail(f"{link.layer.short}: no span has the id [{ident}]", link.line)
            return self.by_id[ident]
        unit, base = self.units.get(address), link.layer.base
        if unit is None:
            raise self.fail(f"{link.layer.short}: no token {address} in this file", link.line)
        if (base, 0) not in unit.spans and not any(x.name == base and x.kind == "SP" for x in self.layers):
            unit.spans[(base, 0)] = self._span(_Layer("SP", base, [""], 0), unit, 0)
            self.report.note(
                f"relation ends on {base.rsplit('.', 1)[-1]} (no span layer here), added as spans"
            )
        if (base, 0) not in unit.spans:
            raise self.fail(f"{link.layer.short}: token {address} has no {base} span to attach to", link.line)
        return unit.spans[(base, 0)]

    def _label(self, layer: _Layer, values: dict[int, str]) -> str:
        """The first feature value, or the layer's short name; other feature and slot values are
        reported."""
        found = [
            unescape_value(v) for j, v in sorted(values.items()) if v not in NO_VALUE and not layer.is_slot(j)
        ]
        if len(found) > 1:
            self.report.note(
                f"{layer.short} feature values after the first (no place for them)", len(found) - 1
            )
        slots = [j for j, v in values.items() if layer.is_slot(j) and _strip_id(v)[0] not in NO_VALUE]
        if slots:
            self.report.skip(f"{layer.short} slot features (links between annotations)")
        return found[0] if found else layer.short
