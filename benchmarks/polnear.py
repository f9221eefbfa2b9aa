"""Read the PolNeAR attribution corpus (brat: Source, Cue, Content and Attribution events) as
records: Content → QUOTE, Source → ACTOR, Cue → CUE, each event a ``speaker`` link from the
content to its source. A discontinuous content becomes one span per fragment, each linked.

The corpus is not in this repository (no licence is stated): get it with
``git clone https://github.com/networkdynamics/PolNeAR`` and pass the clone's path.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.records import DocRecord, RelationRecord, SpanRecord

LABELS = {"Content": "QUOTE", "Source": "ACTOR", "Cue": "CUE"}
_T = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_E = re.compile(r"^E\d+\t(.*)$")


def read_split(root: Path, part: str, limit: int | None = None) -> list[DocRecord]:
    """The documents of ``part`` (train, dev or test), one annotator's file each (the first)."""
    texts = sorted((root / "data" / part / "text").glob("*.txt"))[:limit]
    notes = root / "data" / part / "attributions"
    out = []
    for text_file in texts:
        anns = sorted(notes.glob(text_file.stem + "_*.ann"))
        if anns:
            out.append(_record(text_file.read_text(encoding="utf-8"), anns[0], text_file.name))
    return out


def _record(text: str, ann: Path, name: str) -> DocRecord:
    spans: list[SpanRecord] = []
    keys: dict[str, list[str]] = {}
    relations: list[RelationRecord] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        m = _T.match(line)
        if m and m.group(2) in LABELS:
            keys[m.group(1)] = []
            for n, piece in enumerate(m.group(3).split(";")):
                start, end = (int(x) for x in piece.split())
                key = f"{m.group(1)}.{n}"
                spans.append(SpanRecord(start, end, LABELS[m.group(2)], "polnear", text[start:end], key))
                keys[m.group(1)].append(key)
            continue
        e = _E.match(line)
        if e:
            args = dict(part.split(":", 1) for part in e.group(1).split() if ":" in part)
            for content in keys.get(args.get("Content", ""), []):
                for source in keys.get(args.get("Source", ""), [])[:1]:
                    relations.append(RelationRecord(content, source, "speaker", "polnear"))
    return DocRecord(text, title=name, source_file=name, spans=spans, relations=relations)
