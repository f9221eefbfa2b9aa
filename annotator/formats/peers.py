"""Registry of the formats shared with peer tools: a writer and a reader per format name
(``whosaid`` is export only, ``webanno`` import only).

Writers follow ``base.Writer`` (records, out, report). Readers take the path and optionally
``annotator`` (the name for spans whose file names nobody, e.g. every doccano or brat span) and
``report`` (a ``peerkit.ReadReport`` that collects what was skipped or converted). Extra options
per format (``WRITER_OPTIONS``/``READER_OPTIONS``) are bound with ``writer()``/``reader()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats import brat, doccano, labelstudio, prodigy, w3c, webanno, whosaid
from annotator.formats.base import Writer
from annotator.formats.jsonstream import stream_items
from annotator.records import DocRecord

Reader = Callable[[Path], Iterator[DocRecord]]

WRITERS: dict[str, Writer] = {
    "doccano": doccano.write,  # sequence labeling: relations are reported as left out
    "doccano-relations": partial(doccano.write, relations=True),
    "prodigy": prodigy.write,
    "brat": brat.write,
    "labelstudio": labelstudio.write,
    "w3c": w3c.write,
    "whosaid": whosaid.write,
}

READERS: dict[str, Reader] = {
    "doccano": doccano.read,  # either flavour
    "doccano-relations": doccano.read,
    "prodigy": prodigy.read,
    "brat": brat.read,
    "labelstudio": labelstudio.read,
    "w3c": w3c.read,
    "webanno": webanno.read,  # import only: WebAnno/INCEpTION TSV 3
}

# Keyword options each format understands, beyond the common signature.
WRITER_OPTIONS: dict[str, frozenset[str]] = {
    "doccano": frozenset({"by_annotator"}),
    "doccano-relations": frozenset({"by_annotator"}),
    "brat": frozenset({"by_annotator"}),
    "whosaid": frozenset({"labels", "relation_types", "raw"}),
}
READER_OPTIONS: dict[str, frozenset[str]] = {
    "doccano": frozenset({"by_annotator", "text_field", "label_field"}),
    "doccano-relations": frozenset({"by_annotator", "text_field", "label_field"}),
    "brat": frozenset({"by_annotator"}),
    "prodigy": frozenset({"dataset"}),
}

# The file name ending an export is given by default ("" = a folder).
SUFFIXES: dict[str, str] = {
    "doccano": ".jsonl",
    "doccano-relations": ".jsonl",
    "prodigy": ".jsonl",
    "brat": "",
    "labelstudio": ".json",
    "w3c": ".jsonld",
    "whosaid": ".csv",
}


def writes_folder(fmt: str, **options: Any) -> bool:
    """Whether the export goes into a folder rather than one file."""
    return fmt == "brat" or (fmt.startswith("doccano") and bool(options.get("by_annotator")))


def _check(
    fmt: str, known: dict[str, Any], allowed: dict[str, frozenset[str]], options: dict[str, Any]
) -> None:
    if fmt not in known:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(sorted(known))})")
    extra = set(options) - allowed.get(fmt, frozenset())
    if extra:
        raise ValueError(f"format {fmt!r} has no option {', '.join(sorted(extra))}")


def writer(fmt: str, **options: Any) -> Writer:
    """The writer for ``fmt`` with its options bound (e.g. ``writer("brat", by_annotator=True)``)."""
    _check(fmt, WRITERS, WRITER_OPTIONS, options)
    return partial(WRITERS[fmt], **options) if options else WRITERS[fmt]


def reader(fmt: str, **options: Any) -> Reader:
    """The reader for ``fmt`` with ``annotator``, ``report`` and its own options bound."""
    common = {k: options.pop(k) for k in ("annotator", "report") if k in options}
    _check(fmt, READERS, READER_OPTIONS, options)
    return partial(READERS[fmt], **common, **options)


def sniff(path: Path) -> str | None:
    """Guess a peer format from a path (and its first record), or None when it looks like none."""
    path = Path(path)
    if path.is_dir():
        if next(path.rglob("*.ann"), None) is not None:
            return "brat"
        first = next(iter(sorted(path.glob("*.jsonl"))), None)
        found = sniff(first) if first is not None else None
        if found is not None and found.startswith("doccano"):
            return found
        tsv = webanno.tsv_files(path)
        return "webanno" if tsv and webanno.looks_like(tsv[0]) else None
    if path.suffix in (".ann", ".txt") and path.with_suffix(".ann").is_file():
        return "brat"
    if path.suffix == ".jsonld":
        return "w3c"
    if webanno.looks_like(path):
        return "webanno"
    if path.suffix not in (".json", ".jsonl"):
        return None
    try:
        first = next((item.value for item in stream_items(path)), None)  # not the whole file
    except InputError:
        return None
    found = sniff_record(first)
    if found is None and path.suffix == ".json" and isinstance(first, dict) and "text" in first:
        return "labelstudio"  # a flat task list, [{"text": ...}], as Label Studio imports it
    return found


def sniff_record(obj: Any) -> str | None:
    """The peer format one JSON record is written in, or None (e.g. the project's native JSONL)."""
    if not isinstance(obj, dict):
        return None
    if "@context" in obj or obj.get("type") in ("Annotation", "AnnotationCollection", "AnnotationPage"):
        return "w3c"
    if isinstance(obj.get("data"), dict) and ("annotations" in obj or "predictions" in obj):
        return "labelstudio"
    if {"tokens", "_input_hash", "_task_hash", "_session_id", "_annotator_id", "answer"} & obj.keys():
        return "prodigy"
    spans, relations = obj.get("spans"), obj.get("relations")
    if (isinstance(spans, list) and any(isinstance(x, dict) and "token_start" in x for x in spans)) or (
        isinstance(relations, list)
        and any(isinstance(x, dict) and {"head", "child"} <= x.keys() for x in relations)
    ):
        return "prodigy"  # a Prodigy task stripped of its hashes: token indices, head/child relations
    if "entities" in obj:
        return "doccano-relations"
    label = obj.get("label")
    if isinstance(label, list) and all(isinstance(x, list) for x in label) and "spans" not in obj:
        return "doccano"
    return None
