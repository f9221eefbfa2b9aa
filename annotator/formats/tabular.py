"""Read one document per JSONL line or CSV row: a text field plus metadata fields.

Every error names the line, because these files are often thousands of lines long and
produced by scripts: "line 4711 has no 'text' field" is something a researcher can fix.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.encoding import decode, guess_meta
from annotator.records import DocRecord

# Record field -> source field names, first present wins; the others stay in meta.
_RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "author": ("author",),
    "published": ("published", "date"),
    "source_url": ("source_url", "url"),
    "status": ("status",),
}
# Annotations belong to the native format (annotator.formats.native); plain import ignores them.
_NATIVE_KEYS = frozenset({"spans", "relations"})
# csv's default 128 KiB cell limit is smaller than some long-form articles.
_MAX_CELL = 64 * 1024 * 1024


def read(path: Path, text_field: str = "text") -> list[DocRecord]:
    """Read a .jsonl or .csv file, chosen by extension (anything but .csv is read as JSONL)."""
    if path.suffix.lower() == ".csv":
        return read_csv(path, text_field)
    return read_jsonl(path, text_field)


def _names(keys: Any) -> str:
    names = [str(k) for k in keys]
    shown = ", ".join(repr(n) for n in names[:20])
    return shown + (f" and {len(names) - 20} more" if len(names) > 20 else "") if names else "none"


def _as_text(value: Any) -> str | None:
    """A metadata value as a record string; None if empty or not representable as one line."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    return None


def _record(
    fields: dict[str, Any], text_field: str, path: Path, line: int, what: str, meta: dict[str, Any]
) -> DocRecord:
    """Build a record from one line's fields; missing or empty text is an error naming the fields."""
    if text_field not in fields:
        raise InputError(
            str(path),
            f"no {text_field!r} {what} ({what}s present: {_names(fields)}); "
            f"name the text {what} with --text-field (the import dialog: Text field)",
            line,
        )
    text = fields[text_field]
    if not isinstance(text, str):
        found = "null" if text is None else type(text).__name__
        raise InputError(str(path), f"the {text_field!r} {what} is not text (found {found})", line)
    if not text.strip():
        raise InputError(str(path), f"the {text_field!r} {what} is empty", line)
    record = DocRecord(text=text, line=line)
    taken = {text_field} | _NATIVE_KEYS
    for attr, names in _RECORD_FIELDS.items():
        for name in names:
            if name in fields and (value := _as_text(fields[name])) is not None:
                setattr(record, attr, value)
                taken.add(name)
                break
    for key, value in fields.items():
        if key not in taken and value not in (None, ""):
            meta[key] = value
    record.meta = meta
    return record


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


def read_jsonl(path: Path, text_field: str = "text") -> list[DocRecord]:
    """One document per non-blank line, each a JSON object with a text field."""
    text, encoding = decode(path, path.read_bytes())
    lines = text.split("\n")  # not splitlines(): U+2028 and friends may appear raw inside strings
    last = max((n for n, raw in enumerate(lines, start=1) if raw.strip()), default=0)
    records: list[DocRecord] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except RecursionError:
            raise InputError(str(path), "JSON nested too deeply", number) from None
        except json.JSONDecodeError as exc:
            cut_off = exc.pos >= len(raw.rstrip()) or exc.msg.startswith("Unterminated string")
            reason = (
                "truncated last line (the file seems cut off)"
                if number == last and cut_off
                else ("malformed JSON")
            )
            raise InputError(str(path), f"{reason}: {exc.msg} (column {exc.colno})", number) from None
        except ValueError as exc:  # e.g. an integer longer than Python's digit limit
            raise InputError(str(path), f"malformed JSON: {exc}", number) from None
        if not isinstance(obj, dict):
            raise InputError(str(path), f"expected a JSON object, found {_json_kind(obj)}", number)
        meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
        fields = {k: v for k, v in obj.items() if not (k == "meta" and isinstance(v, dict))}
        records.append(_record(fields, text_field, path, number, "field", meta))
    if not records:
        raise InputError(str(path), "no documents (the file has only blank lines)")
    for record in records:
        record.source_file = str(path)
        record.meta.update(guess_meta(encoding))
    return records


def _guess_delimiter(header_line: str) -> str:
    """Comma unless the header clearly uses ';' (spreadsheets in many locales) or tabs."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(path: Path, text_field: str = "text", delimiter: str | None = None) -> list[DocRecord]:
    """One document per row under a header row; quoted cells may span lines."""
    text, encoding = decode(path, path.read_bytes())
    delimiter = delimiter or _guess_delimiter(text.split("\n", 1)[0])
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_CELL))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[DocRecord] = []
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(str(path), f"malformed CSV: {exc}", start) from None
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [name.strip() or f"column_{i}" for i, name in enumerate(row, start=1)]
            if dupes := sorted({n for n in header if header.count(n) > 1}):
                raise InputError(str(path), f"duplicate column name(s) {_names(dupes)}", start)
            if text_field not in header:
                raise InputError(
                    str(path),
                    f"no {text_field!r} column (columns: {_names(header)}); "
                    "choose the text column with text_field",
                    start,
                )
            continue
        if len(row) > len(header):
            raise InputError(str(path), f"row has {len(row)} fields but the header has {len(header)}", start)
        fields = {name: row[i] if i < len(row) else "" for i, name in enumerate(header)}
        records.append(_record(fields, text_field, path, start, "column", {}))
    if header is None:
        raise InputError(str(path), "no header row (the file has only blank lines)")
    if not records:
        raise InputError(str(path), "no documents (only a header row)")
    for record in records:
        record.source_file = str(path)
        record.meta.update(guess_meta(encoding))
    return records
