"""What the Export dialog offers, and turning its fields into checked ``ExportOptions``.

Plain Python (no Qt): the dialog shows these choices and messages, and the tests can reason about
them without a window. The checks are the core's own (``Split``, ``LabelMap``, ``Layer`` and
``export.plan``, the same ones ``annotator export`` runs), so the GUI and the CLI refuse the same
things; only what a form adds (text that must be a number, a path that must be writable) is here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.dataset import Layer, Split
from annotator.errors import AnnotatorError, ValidationError
from annotator.export import EXTENSIONS, ExportOptions, writes_folder
from ui.project import ProjectContext

SPACY_OPTIONS = frozenset({"span_key", "language", "docs_per_file"})


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """One entry of the format list: its key in ``annotator.export.WRITERS`` and what it is for."""

    key: str
    title: str
    description: str
    tokens: bool = False  # a token format: sentence-level examples make sense
    options: frozenset[str] = frozenset()  # the format-specific fields it understands


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo("jsonl", "Native JSONL", "Everything, exactly; re-imports losslessly"),
    FormatInfo("spacy", "spaCy DocBin", "spancat / ner training; overlaps kept", True, SPACY_OPTIONS),
    FormatInfo("iob", "CoNLL IOB2", "A token per line; one label per token", True, frozenset({"docstart"})),
    FormatInfo("hf-jsonl", "Hugging Face JSONL", "tokens + ner_tags for load_dataset", True),
    FormatInfo("doccano", "doccano JSONL", "Sequence labelling; no relations"),
    FormatInfo("doccano-relations", "doccano with relations", "Entities and relations"),
    FormatInfo("prodigy", "Prodigy JSONL", "Tokens, token-indexed spans, relations"),
    FormatInfo("brat", "brat standoff", "A folder of .txt + .ann files"),
    FormatInfo("labelstudio", "Label Studio JSON", "Tasks, an annotation per annotator"),
    FormatInfo("w3c", "W3C Web Annotation", "JSON-LD, quote + position selectors"),
    FormatInfo("whosaid", "Who said what (CSV)", "Quote or claim, actor, title, date"),
)
BY_KEY = {info.key: info for info in FORMATS}
KNOWN_SUFFIXES = frozenset(suffix for suffix in EXTENSIONS.values() if suffix)

LAYERS: tuple[tuple[str, str], ...] = (
    ("all", "All annotators"),
    ("annotator", "One annotator"),
    ("majority", "Majority vote"),
    ("suggestions", "Suggestions (rules, models)"),  # their own layer, never labels: issue 15
    ("gold", "Gold (adjudicated)"),
)


def follow(path: str, fmt: str, folder: bool) -> str:
    """``path`` with the ending the format writes: the user's folder and name stay theirs."""
    text = path.strip()
    if not text:
        return text
    p = Path(text)
    if p.suffix in KNOWN_SUFFIXES:
        p = p.with_suffix("")
    return str(p) if folder else str(p) + EXTENSIONS.get(fmt, "")


def output_note(fmt: str, folder: bool, split: Sequence[float] | None) -> str:
    """One line under the path that says what will appear there."""
    suffix = EXTENSIONS.get(fmt, "")
    if split is not None:
        names = ["train", "dev", "test"][: 3 if len(split) == 3 and split[2] else 2]
        if fmt == "brat":
            return f"Writes a folder with {', '.join(names)} folders of .txt and .ann files."
        return f"Writes a folder with {', '.join(n + suffix for n in names)}."
    if fmt == "brat":
        return "Writes a folder of .txt and .ann files."
    if folder:
        return "Writes a folder of .spacy parts (spacy train reads them as one corpus)."
    return f"Writes one {suffix} file."


@dataclass(slots=True)
class Choices:
    """The dialog's fields as the user typed them (strings stay strings until checked)."""

    fmt: str = "jsonl"
    path: str = ""
    layer: str = "all"  # all | annotator | majority | suggestions | gold
    annotator: str = ""
    labels: dict[str, bool] = field(default_factory=dict)  # label → exported
    rename: dict[str, str] = field(default_factory=dict)  # label → new name ("" keeps it)
    only_done: bool = False
    split: bool = False
    ratios: tuple[str, str, str] = ("0.8", "0.1", "0.1")
    seed: str = "0"
    sentences: bool = False
    span_key: str = ""  # empty: each document's own key, else "sc"
    language: str = ""
    docstart: bool = False
    docs_per_file: str = ""


@dataclass(slots=True)
class Checked:
    """The outcome of checking: options to run with, or a message per field the user must fix."""

    options: ExportOptions | None = None
    out: Path | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _number(text: str, what: str) -> float:
    try:
        value = float(text.strip() or "0")
    except ValueError:
        raise ValidationError(f"The {what} ratio must be a number like 0.8, not {text.strip()!r}.") from None
    if not math.isfinite(value):
        raise ValidationError(f"The {what} ratio must be a number like 0.8.")
    return value


def parse_split(ratios: Sequence[str], seed: str) -> tuple[list[float], int]:
    """Ratios (two, or three when test is given) and seed, checked by ``Split`` itself."""
    values = [_number(text, what) for text, what in zip(ratios, ("train", "dev", "test"), strict=False)]
    if len(values) == 3 and not ratios[2].strip():
        values = values[:2]
    try:
        number = int(seed.strip() or "0")
    except ValueError:
        raise ValidationError(f"The seed must be a whole number, not {seed.strip()!r}.") from None
    try:
        Split.of_ratios(values, number)
    except ValidationError as exc:
        total = sum(values)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValidationError(f"The ratios add up to {total:g}; they must add up to 1.") from None
        raise ValidationError(for_people(str(exc))) from None
    return values, number


def check_output(text: str, folder: bool) -> Path:
    """The output path, if a file (or folder) can be written there."""
    if not text.strip():
        raise ValidationError("Choose where to save the export.")
    out = Path(text.strip()).expanduser().absolute()
    if out.exists():
        if folder and not out.is_dir():
            raise ValidationError(f"{out.name} is a file; this export writes a folder.")
        if not folder and out.is_dir():
            raise ValidationError(f"{out.name} is a folder; give a file name.")
        # Files are replaced through a temporary file beside them, folders filled in place.
        need = [out.parent, out] if out.is_dir() else [out.parent]
    else:
        ancestor = next((p for p in out.parents if p.exists()), None)
        if ancestor is None or not ancestor.is_dir():
            raise ValidationError(f"Cannot create {out}: {ancestor} is not a folder.")
        need = [ancestor]
    for place in need:
        if not os.access(place, os.W_OK | os.X_OK):
            raise ValidationError(f"Cannot write to {place}: permission denied.")
    return out


def check(choices: Choices, label_names: Sequence[str], me: str | None = None) -> Checked:
    """Turn the fields into options; every problem is reported against its field, none raised.
    ``me``: the person at the keyboard, whose own suggestions a suggestions export takes too."""
    info = BY_KEY[choices.fmt]
    result = Checked()
    errors = result.errors
    chosen = [name for name in label_names if choices.labels.get(name, True)]
    if not chosen:
        errors["labels"] = "Choose at least one label."
    rename = {
        name: new.strip()
        for name, new in choices.rename.items()
        if name in chosen and new.strip() and new.strip() != name
    }
    layer = "annotator:" + choices.annotator.strip() if choices.layer == "annotator" else choices.layer
    try:
        Layer.parse(layer)
    except ValidationError:
        errors["layer"] = "Choose the annotator whose layer goes out."
    split: list[float] | None = None
    seed = 0
    if choices.split:
        try:
            split, seed = parse_split(choices.ratios, choices.seed)
        except ValidationError as exc:
            errors["split"] = str(exc)
    options_of = info.options
    docs_per_file: int | None = None
    if "docs_per_file" in options_of and choices.docs_per_file.strip():
        try:
            docs_per_file = int(choices.docs_per_file.strip())
            if docs_per_file < 1:
                raise ValueError
        except ValueError:
            errors["format"] = "Documents per file must be a whole number of at least 1 (or empty)."
    folder = writes_folder(choices.fmt, split=choices.split, docs_per_file=docs_per_file)
    try:
        result.out = check_output(choices.path, folder)
    except ValidationError as exc:
        errors["output"] = str(exc)
    if errors:
        return result
    result.options = ExportOptions(
        only_done=choices.only_done,
        layer=layer,
        labels=None if len(chosen) == len(label_names) else chosen,
        rename=rename,
        split=split,
        seed=seed,
        sentences=choices.sentences and info.tokens,
        language=(choices.language.strip() or None) if "language" in options_of else None,
        # Empty: each document's own span key (as it was imported), else spaCy's "sc".
        span_key=choices.span_key.strip() if "span_key" in options_of else "",
        docstart=choices.docstart and "docstart" in options_of,
        docs_per_file=docs_per_file,
        annotator=me if layer == "suggestions" else None,
    )
    return result


def check_with_project(project: ProjectContext, options: ExportOptions) -> str | None:
    """What the project itself refuses (no gold layer yet, an unknown annotator), as a message."""
    try:
        project.check_export(options)
    except AnnotatorError as exc:
        return for_people(str(exc))
    return None


def for_people(message: str) -> str:
    """A core message as a sentence for the dialog: the CLI's option names become plain words."""
    text = message.replace("--layer ", "").replace("--", "").strip()
    first = text.split(" ", 1)[0]
    if first.islower():  # "no project…" starts a sentence; "spaCy cannot…" keeps its name
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
