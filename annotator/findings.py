"""One finding of `annotator doctor`: its status, what was found, and the fix. Apart from the
doctor so that its Qt checks (``annotator.doctor_qt``) and its database checks share it without
importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Finding:
    status: Status
    what: str
    fix: str = ""
