"""Guidelines as the app shows them: which schema items have one, and markdown made into HTML.

Every place that shows a guideline (the palette's and the article's tooltips, the Guidelines
panel, the F1 window) takes its entries from ``entries()``: a label or relation type becomes a
title and its markdown description. Attributes (the codebook) join by adding their rows there.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ui.project import ProjectContext
from ui.qt import QTextDocument

TIP_CHARS = 280  # a tooltip says the gist; the panel and F1 show the whole text
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item with a guideline: ``kind`` is "label" or "relation" (later also "attribute")."""

    kind: str
    id: int
    title: str
    markdown: str
    color: str


def entries(project: ProjectContext | None) -> list[Entry]:
    """The schema's items with their descriptions, in palette order: labels, then relation types."""
    if project is None:
        return []
    found = [Entry("label", lab.id, lab.name, lab.description, lab.color) for lab in project.labels]
    found += [Entry("relation", t.id, t.name, t.description, t.color) for t in project.types]
    colors = {lab.id: lab.color for lab in project.labels} | {t.id: t.color for t in project.types}
    found += [
        Entry("attribute", a.id, a.qualified, a.description, colors.get(a.owner_id, "#777777"))
        for a in project.attribute_defs()
    ]
    return found


def entry(project: ProjectContext | None, kind: str, item_id: int) -> Entry | None:
    return next((e for e in entries(project) if (e.kind, e.id) == (kind, item_id)), None)


def fragment(markdown: str) -> str:
    """The HTML body of ``markdown`` as Qt renders it (the same renderer as the panel)."""
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    found = _BODY.search(doc.toHtml())
    return found.group(1).strip() if found else html.escape(markdown)


def gist(markdown: str, limit: int = TIP_CHARS) -> tuple[str, bool]:
    """The first paragraph of ``markdown``, clipped to ``limit`` characters; and whether more was left."""
    text = markdown.strip()
    first = re.split(r"\n\s*\n", text, maxsplit=1)[0].strip()
    clipped = first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
    return clipped, clipped != text


def tip(markdown: str) -> str:
    """A short rich-text guideline for a tooltip ("" when there is none)."""
    if not markdown.strip():
        return ""
    short, more = gist(markdown)
    body = fragment(short)
    return body + ("<p><i>More in the Guidelines panel (F1: all guidelines)</i></p>" if more else "")
