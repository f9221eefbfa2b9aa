"""Project settings: preferences the whole team shares, stored in the project's database.

A team must label the same way, so choices such as "do quotes include their quotation marks" are
the project's, not each user's. Every setting is declared here once (key, type, default, allowed
values, help); the CLI (``annotator settings``), the app's settings dialog and the code that
applies them all read this list. The table is key/value (JSON), so adding a setting needs no
migration, and a key that is not stored has its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.model import ProjectSetting, utcnow
from annotator.snapping import QuoteMarks, snap_span
from annotator.store import Tx

CrossParagraph = Literal["ask", "allow", "refuse"]


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One known setting: a choice among ``choices``, or (``choices`` empty) a list of names."""

    key: str
    default: str | tuple[str, ...]
    help: str
    choices: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return not self.choices

    def parse(self, text: str) -> str | tuple[str, ...]:
        """The value a user typed (CLI, dialog); ValidationError naming the key and what it takes."""
        text = text.strip()
        if self.is_list:
            names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
            if not names and self.default != ():  # a list that may be empty (extra cues) takes ""
                raise ValidationError(f"setting {self.key} needs one or more comma-separated names")
            return names
        if text not in self.choices:
            raise ValidationError(f"setting {self.key} takes {' or '.join(self.choices)}, not {text!r}")
        return text

    def check(self, value: object) -> str | tuple[str, ...]:
        """A stored (JSON) value as this setting's type; the default when it is not one."""
        if self.is_list:
            if (
                isinstance(value, list)
                and (value or self.default == ())
                and all(isinstance(v, str) and v for v in value)
            ):
                return tuple(value)
            return self.default
        return value if isinstance(value, str) and value in self.choices else self.default

    def show(self, value: str | tuple[str, ...]) -> str:
        return ",".join(value) if isinstance(value, tuple) else value


KNOWN: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "quote-marks",
            "include",
            'whether quote spans include their quotation marks (“…”, «…», "…"); snapping applies it',
            ("include", "exclude"),
        ),
        SettingSpec("quote-labels", ("QUOTE",), "the labels whose spans are quotations (comma-separated)"),
        SettingSpec(
            "cross-paragraph",
            "ask",
            "what labelling a selection that runs across paragraphs does: ask first, allow or refuse",
            ("ask", "allow", "refuse"),
        ),
        SettingSpec(
            "speech-verbs",
            (),
            "speech verbs the suggestion rules take as cues besides their built-in list (e.g. quipped)",
        ),
        SettingSpec(
            "according-to",
            (),
            'phrases that name a source as "according to" does, besides the built-in ones',
        ),
    )
}


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """All settings of a project, typed: what the code that applies them reads."""

    quote_marks: QuoteMarks = "include"
    quote_labels: tuple[str, ...] = ("QUOTE",)
    cross_paragraph: CrossParagraph = "ask"
    speech_verbs: tuple[str, ...] = ()
    according_to: tuple[str, ...] = ()

    def is_quote_label(self, name: str) -> bool:
        return name.casefold() in {n.casefold() for n in self.quote_labels}

    def snap(self, text: str, start: int, end: int, label: str, *, words: bool = True) -> tuple[int, int]:
        """The span a selection becomes when labelled ``label``: whole words (with ``words``), and
        for quote labels the project's quotation-mark rule. Every view that labels calls this."""
        quote = self.quote_marks if words and self.is_quote_label(label) else None
        return snap_span(text, start, end, words=words, quote=quote)


def spec(key: str) -> SettingSpec:
    found = KNOWN.get(key)
    if found is None:
        raise ValidationError(f"no setting {key!r} (settings: {', '.join(KNOWN)})")
    return found


def _stored(session: Session, project_id: int) -> dict[str, Any]:
    rows = session.execute(
        select(ProjectSetting.key, ProjectSetting.value).where(ProjectSetting.project_id == project_id)
    )
    return {key: value for key, value in rows}


def all_settings(session: Session, project_id: int) -> dict[str, str | tuple[str, ...]]:
    """Every known setting's value (stored or default), in declaration order."""
    stored = _stored(session, project_id)
    return {key: s.check(stored[key]) if key in stored else s.default for key, s in KNOWN.items()}


def get_setting(session: Session, project_id: int, key: str) -> str | tuple[str, ...]:
    return all_settings(session, project_id)[spec(key).key]


def load_settings(session: Session, project_id: int) -> ProjectSettings:
    values = all_settings(session, project_id)
    return ProjectSettings(
        quote_marks=cast(QuoteMarks, values["quote-marks"]),
        quote_labels=cast(tuple[str, ...], values["quote-labels"]),
        cross_paragraph=cast(CrossParagraph, values["cross-paragraph"]),
        speech_verbs=cast(tuple[str, ...], values["speech-verbs"]),
        according_to=cast(tuple[str, ...], values["according-to"]),
    )


def set_setting(tx: Tx, project_id: int, key: str, value: str | tuple[str, ...] | list[str]) -> bool:
    """Store a setting (validated; text is parsed as a user typed it). False when nothing changed.

    Audited as an update of the project, so other apps see it on their next refresh.
    """
    s = spec(key)
    new = s.parse(value) if isinstance(value, str) else s.check(list(value))
    if not isinstance(value, str) and new != tuple(value):
        raise ValidationError(f"setting {key} does not take {list(value)!r}")
    row = tx.session.scalar(
        select(ProjectSetting).where(ProjectSetting.project_id == project_id, ProjectSetting.key == key)
    )
    before = s.check(row.value) if row is not None else s.default
    if row is not None and before == new:
        return False
    stored = list(new) if isinstance(new, tuple) else new
    if row is None:
        tx.session.add(ProjectSetting(project_id=project_id, key=key, value=stored, updated_at=utcnow()))
    else:
        row.value = stored
        row.updated_at = utcnow()
    tx.session.flush()
    detail = {"setting": key, "before": s.show(before), "after": s.show(new)}
    tx.record("project", "updated", (project_id,), detail=detail)
    return True


# --- the project's guidelines document --------------------------------------------------------
# Markdown text kept in the same table under its own key, outside ``KNOWN``: it is a document the
# team reads (F1 in the app, ``annotator guidelines show``), not a choice ``settings list`` prints.
GUIDELINES_KEY = "guidelines"
GUIDELINES_LIMIT = 1_000_000  # characters; a guidelines document, not a corpus


def get_guidelines(session: Session, project_id: int) -> str:
    """The project's guidelines (markdown); empty when none were written."""
    value = _stored(session, project_id).get(GUIDELINES_KEY)
    return value if isinstance(value, str) else ""


def check_guidelines(text: str, where: str = "guidelines") -> str:
    """The text as stored (line ends normalised); ValidationError naming ``where`` and the line."""
    if len(text) > GUIDELINES_LIMIT:
        raise ValidationError(
            f"{where}: {len(text):,} characters; guidelines take at most {GUIDELINES_LIMIT:,}"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(f"{where}, line {line}: a NUL character; guidelines are text")
    return text


def set_guidelines(tx: Tx, project_id: int, text: str) -> bool:
    """Store the project's guidelines (validated); False when nothing changed. Audited like a
    setting, so teammates' apps pick the new text up on their next refresh."""
    text = check_guidelines(text)
    row = tx.session.scalar(
        select(ProjectSetting).where(
            ProjectSetting.project_id == project_id, ProjectSetting.key == GUIDELINES_KEY
        )
    )
    before = row.value if row is not None and isinstance(row.value, str) else ""
    if before == text:
        return False
    if row is None:
        tx.session.add(
            ProjectSetting(project_id=project_id, key=GUIDELINES_KEY, value=text, updated_at=utcnow())
        )
    else:
        row.value = text
        row.updated_at = utcnow()
    tx.session.flush()
    detail = {
        "setting": GUIDELINES_KEY,
        "before": f"{len(before)} characters",
        "after": f"{len(text)} characters",
    }
    tx.record("project", "updated", (project_id,), detail=detail)
    return True
