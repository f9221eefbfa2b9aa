"""A span's codebook values in Label Studio: per-region results linked to the region by its ``id``
(as Label Studio's ``perRegion`` controls write them), each with ``from_name`` the attribute.

- choice, multi-choice and yes/no values: ``choices`` (``value.choices``; yes/no as ``["yes"]``
  or ``["no"]``), declared as ``<Choices choice="single">`` (``"multiple"`` for multi-choice);
- numbers: ``number`` (``value.number``), declared as ``<Number>``;
- short texts: ``textarea`` (``value.text``, a list of one text), declared as ``<TextArea>``.

The writer knows each attribute's kind from the project's codebook (``kinds``: ``(label, name)``
or ``name`` → kind), else tells it from the value. The reader takes each back onto the spans of
its region; a choices result of one choice is that choice (a list in a ``multiple`` control of
the labeling config beside the file), and the kinds it can tell (a text area holds text, a
``multiple`` control multi-choice, one of just yes and no yes/no) go to ``DocRecord.attribute_kinds``, so an import creates
the attribute the codebook lacks with the right kind. An annotator's document values (the
codebook's document attributes) are results on the whole task (no region ``id``, no offsets),
as Label Studio writes a task's ``choices``, declared as controls without ``perRegion``; read
back as that annotation's annotator's document values.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.errors import InputError
from annotator.records import DocRecord, SpanRecord

TO_NAME, FROM_NAME = "text", "label"
VALUE_TYPES = ("choices", "number", "textarea")
TAGS = {"choices": "Choices", "number": "Number", "textarea": "TextArea"}
YES_NO = {"yes", "no"}  # the choices of a yes/no attribute (both always declared)
Kinds = dict[Any, str]  # (label, name) or name → the codebook kind (choice, multi, bool, number, text)


@dataclass(slots=True)
class Control:
    """A perRegion control of the labeling config: its tag, choices, labels and whether multiple."""

    tag: str
    choices: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    multiple: bool = False
    per_region: bool = True  # False: a document value, on the whole task


def kind_of(value: Any, label: str, name: str, kinds: Kinds) -> str:
    declared = kinds.get((label, name)) or kinds.get(name)
    if declared:
        return declared
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "multi" if isinstance(value, list) else "choice"


def _result(raw: Any, kind: str, region: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """A value as a result's type and ``value`` (on ``region``, or on the whole task)."""
    where = {"start": region["start"], "end": region["end"]} if region else {}
    if kind == "text":
        return "textarea", {**where, "text": [str(raw)]}
    if kind == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return "number", {**where, "number": raw}
    picked = ["yes" if raw else "no"] if isinstance(raw, bool) else raw if isinstance(raw, list) else [raw]
    if region:
        where["text"] = region["text"]
    return "choices", {**where, "choices": [str(v) for v in picked]}


def _results(
    values: dict[str, Any] | None,
    label: str,
    region: dict[str, Any] | None,
    controls: dict[str, Control],
    kinds: Kinds,
) -> list[dict[str, Any]]:
    out = []
    for name, raw in sorted((values or {}).items()):
        kind = kind_of(raw, label, name, kinds)
        tag, value = _result(raw, kind, region)
        control = controls.setdefault(name, Control(tag, per_region=region is not None))
        control.choices.update(YES_NO if kind == "bool" else value.get("choices", []))
        control.labels.add(label)
        control.multiple = control.multiple or kind == "multi"
        out.append({"from_name": name, "to_name": TO_NAME, "type": tag, "origin": "manual", "value": value})
    return out


def per_region(
    key: str, span: SpanRecord, region: dict[str, Any], controls: dict[str, Control], kinds: Kinds
) -> list[dict[str, Any]]:
    """The span's codebook values as per-region results (``controls`` collects the config's)."""
    return [{"id": key, **r} for r in _results(span.attributes, span.label, region, controls, kinds)]


def per_task(
    values: dict[str, Any] | None, controls: dict[str, Control], kinds: Kinds
) -> list[dict[str, Any]]:
    """An annotator's document values as results on the whole task (as a task's ``choices``)."""
    return _results(values, "", None, controls, kinds)


def control_xml(name: str, control: Control) -> str:
    """A perRegion control, shown for the labels whose spans use it (or a control of the task)."""
    tag = TAGS[control.tag]
    head = f"  <{tag} name={quoteattr(name)} toName={quoteattr(TO_NAME)}"
    if control.per_region:
        labels = quoteattr(",".join(sorted(control.labels)))
        head += f' perRegion="true" whenTagName="{FROM_NAME}" whenLabelValue={labels}'
    if control.tag == "textarea":
        return head + ' editable="true" maxSubmissions="1"/>\n'
    if control.tag != "choices":
        return head + "/>\n"
    body = "".join(f"    <Choice value={quoteattr(c)}/>\n" for c in sorted(control.choices))
    return head + f' choice="{"multiple" if control.multiple else "single"}">\n' + body + f"  </{tag}>\n"


def config_kinds(path: Path) -> dict[str, str]:
    """What a labeling config beside the tasks tells of its per-region controls: name → kind
    (``multi`` for a multiple Choices, ``bool`` for one of just yes and no, ``text`` for a
    TextArea); {} without one."""
    if not path.is_file():
        return {}
    try:
        root = ET.fromstring(path.read_text(encoding="utf-8"))
    except (ET.ParseError, UnicodeDecodeError, OSError) as exc:
        raise InputError(str(path), f"not a Label Studio labeling config ({exc})") from None
    kinds = {}
    for element in root.iter():
        name = element.get("name")
        if name is None:
            continue
        choices = {c.get("value") for c in element if c.tag == "Choice"}
        if element.tag == "Choices" and element.get("choice") == "multiple":
            kinds[name] = "multi"
        elif element.tag == "Choices" and choices == YES_NO:
            kinds[name] = "bool"
        elif element.tag == "TextArea":
            kinds[name] = "text"
    return kinds


def take_back(
    record: DocRecord,
    results: list[tuple[dict[str, Any], int]],
    regions: dict[str, list[str]],
    config: dict[str, str],
    path: Path,
    who: str | None,
) -> list[str]:
    """Put per-region ``results`` onto the spans of their regions, results on the whole task
    into the document values of ``who``; returns the types of the results it could not place
    (on an unknown region, or by nobody: skipped and reported by the caller)."""
    spans = {s.key: s for s in record.spans if s.key is not None}
    skipped = []
    for res, where in results:
        keys = regions.get(str(res.get("id")))
        name = res.get("from_name")
        if not isinstance(name, str) or (not keys and who is None):
            skipped.append(str(res.get("type")))
            continue
        value = _value(res, config.get(name), path, where)
        if not keys:  # on the whole task: a document value of the annotation's annotator
            assert who is not None
            record.attributes = record.attributes or {}
            record.attributes.setdefault(who, {})[name] = value
            _hint(record, f"document.{name}", res, config)
            continue
        for key in keys:
            span = spans[key]
            span.attributes = {**(span.attributes or {}), name: value}
            _hint(record, f"{span.label}.{name}", res, config)
    return skipped


def _hint(record: DocRecord, qualified: str, res: dict[str, Any], config: dict[str, str]) -> None:
    """Note the kind a result tells (a text area: text) or its control in the config does."""
    hint = "text" if res.get("type") == "textarea" else config.get(str(res.get("from_name")))
    if hint:
        record.attribute_kinds = {**(record.attribute_kinds or {}), qualified: hint}


def _value(res: dict[str, Any], hint: str | None, path: Path, where: int) -> Any:
    value = res.get("value") if isinstance(res.get("value"), dict) else {}
    assert isinstance(value, dict)
    kind = res.get("type")
    what = f"result {res.get('from_name')!r} on region {res.get('id')!r}"
    if kind == "number":
        number = value.get("number")
        if isinstance(number, int | float) and not isinstance(number, bool):
            return number
        raise InputError(str(path), f"{what}: 'number' is not a number ({number!r})", where)
    key = "choices" if kind == "choices" else "text"
    found = value.get(key)
    if isinstance(found, str):
        found = [found]
    if not isinstance(found, list) or not found or not all(isinstance(v, str) for v in found):
        raise InputError(str(path), f"{what}: {key!r} must be a list of texts", where)
    if kind == "textarea":
        return " ".join(found)
    return found if len(found) > 1 or hint == "multi" else found[0]
