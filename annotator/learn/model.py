"""A trained model folder: ``model.json`` (what it was trained for, its figures, the speaker
classifiers' weights) and one ``tier-N.crfsuite`` per tier of labels.

``load`` refuses, naming the file, anything that is not such a folder, so a wrong path never
turns into empty suggestions.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from annotator.errors import ValidationError
from annotator.learn.features import tokenize
from annotator.learn.linker import Linker
from annotator.learn.tagger import CrfTier, Tagged
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions

FORMAT = "annotator-model"
FORMAT_VERSION = 1
META = "model.json"


class Model:
    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder, self.meta = folder, meta
        lexicon = meta.get("lexicon")  # models trained before the learnt cue words use the rules' verbs
        self.tiers = [CrfTier(folder / f"tier-{i}.crfsuite", lexicon) for i in range(len(meta["tiers"]))]
        self.linkers = [Linker(**spec) for spec in meta["linkers"]]

    @property
    def labels(self) -> list[str]:
        return [label for tier in self.meta["tiers"] for label in tier]

    @property
    def relation_types(self) -> list[str]:
        return [linker.type for linker in self.linkers]

    @property
    def source(self) -> str:
        """How suggestions from this model are marked: ``model:NAME@VERSION``."""
        return f"model:{self.meta['name']}@{self.meta['version']}"

    def tag(self, text: str) -> list[Tagged]:
        toks = tokenize(text)
        return sorted(
            (t for tier in self.tiers for t in tier.tag(text, toks)), key=lambda t: (t.start, t.end)
        )

    def predict(self, text: str) -> Suggestions:
        tagged = self.tag(text)
        out = Suggestions([SpanSuggestion(t.start, t.end, t.label, t.score) for t in tagged])
        spans = [(t.start, t.end, t.label) for t in tagged]
        index = {s: i for i, s in enumerate(spans)}
        for linker in self.linkers:
            quotes = [s for s in spans if s[2] == linker.source_label]
            actors = [s for s in spans if s[2] == linker.target_label]
            for quote in quotes:
                found = linker.link(text, quote, actors, quotes)
                if found is not None:
                    out.relations.append(
                        RelationSuggestion(index[quote], index[found[0]], linker.type, round(found[1], 4))
                    )
        return out


def save(folder: Path, meta: dict[str, Any], linkers: list[Linker]) -> None:
    meta = {**meta, "format": FORMAT, "format_version": FORMAT_VERSION}
    meta["linkers"] = [asdict(linker) for linker in linkers]
    (folder / META).write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")


def load(folder: str | Path) -> Model:
    """The model in ``folder``; a clear error for anything else."""
    path = Path(folder)
    meta_file = path / META
    if not path.is_dir():
        raise ValidationError(f"{path}: no model folder there")
    if not meta_file.is_file():
        raise ValidationError(
            f"{path}: not a model folder ({META} is missing; train one with `annotator train`)"
        )
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{meta_file}: not a model description ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValidationError(f"{meta_file}: not an annotator model (format {meta.get('format')!r})")
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ValidationError(
            f"{meta_file}: written by a newer annotator (model format {meta['format_version']})"
        )
    missing = [
        f"tier-{i}.crfsuite"
        for i in range(len(meta.get("tiers", [])))
        if not (path / f"tier-{i}.crfsuite").is_file()
    ]
    if missing or not meta.get("tiers"):
        raise ValidationError(f"{path}: the model is incomplete ({', '.join(missing) or 'no tiers'} missing)")
    try:
        return Model(path, meta)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ValidationError(f"{path}: the model cannot be read ({exc})") from None
