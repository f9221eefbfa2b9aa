"""Read Markdown articles as saved from news sites: clean prose plus lifted metadata.

Annotators tag the stored text, so it must read like the article itself: no markup, no
header (title, byline and date go to record fields, which the GUI shows separately) and no
photo caption (kept in meta["caption"]). Notes without that header still import whole.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.encoding import decode, guess_meta
from annotator.formats.plaintext import first_line_title
from annotator.records import DocRecord

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})"
    rf"|(?P<am>{_MONTH})\s+(?P<ad>{_DAY}),?\s+(?P<ay>\d{{4}})"
    rf"|(?P<bd>{_DAY})\.?\s+(?P<bm>{_MONTH}),?\s+(?P<by>\d{{4}})"
    r"|(?P<cd>\d{1,2})\.(?P<cm>\d{1,2})\.(?P<cy>\d{4}))"
)
_TIME = (
    r"(?:T?\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?\s?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|\(?[A-Z]{2,5}(?:[+-]\d{1,2})?\)?))?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TAIL = rf"{_WEEKDAY}{_DATE}(?:\s*(?:,|at|@|-|–|—|\||·)?\s*{_TIME})?\s*"
_DATE_LINE = re.compile(
    rf"\s*(?:(?P<pre>published|posted|updated|last updated|modified|date)(?:\s+on)?\s*:?\s*)?{_TAIL}",
    re.I,
)
_DATE_AT_END = re.compile(rf"(?:^|(?<=[\s,|·•—–-])){_TAIL}$", re.I)

# Case-sensitive name start: "By the time..." opening a paragraph is not a byline.
_BYLINE = re.compile(r"(?i:by|von|par|por|door|di)\s+(?P<who>[A-ZÀ-Þ].{0,119})")
_HEADING = re.compile(r"\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*")
_SETEXT = re.compile(r"\s{0,3}(=+|-+)\s*")
_BREAK = re.compile(r"\s{0,3}([-*_])(?:\s*\1){2,}\s*")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"\s*(?:([-*+])|(\d{1,9}[.)]))\s+(.*)")
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*")
_REF_DEF = re.compile(r"\s{0,3}\[[^\]]+\]:\s*\S+.*")
_SOURCE_LABEL = re.compile(
    r"[*_]*(?:original\s+url|original\s+link|source\s+url|source|url|link)[*_]*\s*:\s*[*_]*\s*(?P<rest>.*)",
    re.I,
)
_URL = re.compile(r"<(https?://[^>\s]+)>|\[[^\]]{0,2000}\]\((https?://[^)\s]+)\)|(https?://[^\s<>()]+)")
_CREDIT_BOLD = re.compile(r"(?:\*\*|__)([^*_]{2,120})(?:\*\*|__)\s*$")
_CREDIT_TEXT = re.compile(
    r"(?:^|(?<=[.!?]\s)|\()(?:Photo|Foto|Image|Picture|Credit)s?(?:\s+by\s+|:\s*)(?P<who>[^.()]{2,80})\)?\s*$"
)
_CREDIT_HINT = re.compile(r"/|©|\b(?:photo|foto|credit|getty|reuters|afp|ap|epa|tass|pool|images)\b", re.I)
# Inline patterns are bounded ({..,2000}) so a pathological line cannot take quadratic time.
_IMAGE = re.compile(
    r"[ \t]*!\[([^\]]{0,2000})\](?:\((?:[^()]|\([^()]{0,2000}\)){0,2000}\)|\[[^\]]{0,2000}\])"
)
_INLINE_SUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"\[([^\]]{0,2000})\]\((?:[^()]|\([^()]{0,2000}\)){0,2000}\)"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"\[([^\]]{1,2000})\]\[[^\]]{0,2000}\]"), r"\1"),
    (re.compile(r"[ \t]*<(?:https?|ftp|mailto):[^>\s]*>", re.I), ""),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"\*\*\*(?=\S)(.{1,2000}?)(?<=\S)\*\*\*"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.{1,2000}?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.{1,2000}?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"\*(?=[^\s*])(.{1,2000}?)(?<=[^\s*])\*"), r"\1"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.{1,2000}?)(?<=[^\s_])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.{1,2000}?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\*\*"), ""),
)
# Only entities with their ";" count: html.unescape would also turn "R&D&not" into "R&D¬".
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_SLOT = re.compile("\U000f0000(\\d+)\U000f0001")


@dataclass
class _Block:
    kind: str  # "text", "heading" or "code"
    lines: list[str]


def parse_date(text: str) -> str | None:
    """ISO date (YYYY-MM-DD) if the whole of text is a date, optionally with weekday/time/label."""
    m = _DATE_LINE.fullmatch(text)
    return _iso(m) if m else None


def _iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["iy"]:
        y, mo, d = g["iy"], g["im"], g["id"]
    elif g["cy"]:
        y, mo, d = g["cy"], g["cm"], g["cd"]
    else:
        month = g["am"] or g["bm"]
        y, d = g["ay"] or g["by"], re.sub(r"\D", "", g["ad"] or g["bd"])
        mo = str(_MONTHS.index(month[:3].lower()) + 1)
    try:
        return dt.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def clean_inline(text: str) -> str:
    """Markdown inline markup to plain text: links keep their text, images/autolinks/tags vanish."""
    slots: list[str] = []

    def keep(literal: str) -> str:
        slots.append(literal)
        return f"\U000f0000{len(slots) - 1}\U000f0001"

    text = re.sub(r"(`+)(.{1,2000}?)\1", lambda m: keep(m.group(2).strip()), text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", lambda m: keep(m.group(1)), text)
    text = _IMAGE.sub("", text)
    for pattern, repl in _INLINE_SUBS:
        text = pattern.sub(repl, text)
    text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = _SLOT.sub(lambda m: slots[int(m.group(1))], text)
    return "\n".join(re.sub(r"[ \t]+", " ", part).strip() for part in text.split("\n"))


def _blocks(text: str) -> list[_Block]:
    """Split into blank-line separated blocks; ATX headings and fenced code stand alone."""
    text = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", "", text, flags=re.I | re.S)
    blocks: list[_Block] = []
    current: list[str] = []
    fence: str | None = None

    def flush(kind: str = "text") -> None:
        if current or kind == "code":
            blocks.append(_Block(kind, current[:]))
        current.clear()

    for raw in text.split("\n"):
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
                flush("code")
            else:
                current.append(raw)
            continue
        line = re.sub(r"^\s{0,3}(?:>\s?)+", "", raw)
        if m := _FENCE.match(line):
            flush()
            fence = m.group(1)
        elif not line.strip():
            flush()
        elif _HEADING.fullmatch(line):
            flush()
            blocks.append(_Block("heading", [line]))
        elif current and _SETEXT.fullmatch(line) and not _LIST_ITEM.match(current[-1]):
            blocks.append(_Block("heading", [" ".join(current)]))
            current.clear()
        else:
            current.append(line)
    flush("code" if fence else "text")
    return [b for b in blocks if b.kind == "code" or any(x.strip() for x in b.lines)]


def _render(block: _Block) -> str:
    """Readable plain text of one block: list items one per line, soft breaks become spaces."""
    if block.kind == "code":
        return "\n".join(block.lines).strip("\n")
    if block.kind == "heading":
        m = _HEADING.fullmatch(block.lines[0])
        return clean_inline((m.group(2) or "") if m else block.lines[0])
    out: list[str] = []
    buf: list[str] = []
    for line in block.lines:
        if _BREAK.fullmatch(line) or _TABLE_RULE.fullmatch(line) or _REF_DEF.fullmatch(line):
            continue
        item = _LIST_ITEM.match(line)
        if item or line.lstrip().startswith("|"):
            out.append(" ".join(buf))
            buf = []
        if item:
            line = ("• " if item.group(1) else item.group(2) + " ") + item.group(3)
        elif line.lstrip().startswith("|"):
            line = " | ".join(c.strip() for c in line.strip().strip("|").split("|"))
        hard = line.endswith(("  ", "\\"))
        buf.append(line.rstrip("\\ \t").strip())
        if hard:
            out.append(" ".join(buf))
            buf = []
    out.append(" ".join(buf))
    return "\n".join(x for x in (clean_inline(o) for o in out if o) if x)


def _header_line(line: str, found: dict[str, str]) -> bool:
    """Record a byline and/or date line into found; False if the line is anything else."""
    text = clean_inline(line)
    if m := _DATE_LINE.fullmatch(text):
        iso = _iso(m)
        pre = (m.group("pre") or "").lower()
        key = "updated" if pre in ("updated", "last updated", "modified") else "published"
        if iso and key not in found:
            found[key] = iso
            return True
        return False
    m = _BYLINE.fullmatch(text)
    if not m or "author" in found or m.group("who").rstrip().endswith((".", "!", "?")):
        return False
    who = m.group("who")
    if (tail := _DATE_AT_END.search(who)) and (iso := _iso(tail)) and "published" not in found:
        found["published"] = iso
        who = who[: tail.start()]
    found["author"] = who.strip(" ,|·•—–-")
    return bool(found["author"])


def _take_caption(blocks: list[_Block], i: int, meta: dict[str, Any]) -> int:
    """Lift an image alt text or a credited photo caption at blocks[i]; return the next index."""
    if i >= len(blocks) or blocks[i].kind != "text":
        return i
    raw = " ".join(x.strip() for x in blocks[i].lines)
    if img := _IMAGE.match(raw):
        rest = raw[img.end() :].strip()
        if rest and not _set_caption(rest, meta, italic_ok=True):
            meta["caption"] = clean_inline(rest)  # text right under the image is its caption
        elif (
            not rest
            and i + 1 < len(blocks)
            and blocks[i + 1].kind == "text"
            and _set_caption(" ".join(blocks[i + 1].lines), meta, italic_ok=True)
        ):
            i += 1
        if "caption" not in meta and img.group(1).strip():
            meta["caption"] = clean_inline(img.group(1))
        return i + 1
    return i + 1 if _set_caption(raw, meta) else i


def _set_caption(raw: str, meta: dict[str, Any], italic_ok: bool = False) -> bool:
    """Store raw as caption (+ photo_credit) if it carries a credit or, after an image, is italic."""
    credit = None
    if (m := _CREDIT_BOLD.search(raw)) and _CREDIT_HINT.search(m.group(1)):
        credit, raw = m.group(1).strip(), raw[: m.start()]
    elif m := _CREDIT_TEXT.search(clean_inline(raw)):
        credit = m.group("who").strip()
        raw = clean_inline(raw)[: m.start()]
    elif not (italic_ok and re.fullmatch(r"\s*([*_]).+\1\s*", raw)):
        return False
    meta["caption"] = clean_inline(raw).strip(" —–-|")
    if credit:
        meta["photo_credit"] = clean_inline(credit)
    return True


def _take_source_url(blocks: list[_Block]) -> str | None:
    """Remove an "Original url: <…>" trailer from the last blocks and return its URL."""
    for k in range(len(blocks) - 1, max(len(blocks) - 4, -1), -1):
        m = _SOURCE_LABEL.fullmatch(blocks[k].lines[0].strip()) if blocks[k].kind == "text" else None
        if not m:
            continue
        rest = " ".join([m.group("rest"), *blocks[k].lines[1:]])
        drop = [k]
        if not rest.strip() and k + 1 < len(blocks):
            rest, drop = " ".join(blocks[k + 1].lines), [k, k + 1]
        url = _URL.search(rest)
        if url and not clean_inline(_URL.sub("", rest)).strip(" .<>"):
            for j in reversed(drop):
                del blocks[j]
            return next(g for g in url.groups() if g)
    return None


def parse(markdown: str) -> DocRecord:
    """Split Markdown into clean body text and metadata (no file access, for reuse and tests)."""
    blocks = _blocks(markdown)
    meta: dict[str, Any] = {}
    source_url = _take_source_url(blocks)
    found: dict[str, str] = {}
    title = None
    start = 0
    if blocks and blocks[0].kind == "heading":
        i = 1
        while i < len(blocks) and blocks[i].kind == "text":
            trial = dict(found)
            if not all(_header_line(x, trial) for x in blocks[i].lines):
                break
            found, i = trial, i + 1
        after = _take_caption(blocks, i, meta)
        if found or after > i:
            title, start = _render(blocks[0]), after
        else:
            found.clear()
    if "updated" in found:
        meta["updated"] = found["updated"]
    body = [r for r in (_render(b) for b in blocks[start:]) if r]
    text = "\n\n".join(body).strip()
    if title is None:
        heading = next((b for b in blocks if b.kind == "heading" and _render(b)), None)
        title = _render(heading) if heading else first_line_title(text)
    return DocRecord(
        text=text,
        title=title or None,
        author=found.get("author"),
        published=found.get("published"),
        source_url=source_url,
        meta=meta,
    )


def read(path: Path) -> list[DocRecord]:
    """One DocRecord per Markdown file; InputError if nothing readable is left after cleaning."""
    text, encoding = decode(path, path.read_bytes())
    doc = parse(text)
    if not doc.text:
        raise InputError(str(path), "no text (nothing left after removing Markdown markup)")
    doc.source_file = str(path)
    doc.line = 1
    doc.meta.update(guess_meta(encoding))
    return [doc]
