"""Split news-database exports (Nexis Uni / LexisNexis, Factiva) into one document per article.

Researchers get articles from these databases as one PDF, DOCX or RTF file holding many articles,
each behind a header block. The readers of those formats hand their lines to ``split``, which
returns None for an ordinary file (one document) or one record per article, its header fields in
the record (title, author, date) and its metadata (outlet, section, length, ...).

- Nexis Uni: title, outlet, date, optional edition/copyright lines, ``Section:``, ``Length: N
  words``, ``Byline:``, ``Body``, the text, then ``Classification`` with ``Load-Date:``,
  ``Language:`` …, and ``End of Document``. A cover page (``User Name:``, ``Search Terms:`` and the
  list of titles) may come first.
- Factiva: optional section, headline, byline, ``N words``, date, optional time, source, source
  code, language, copyright, the text, and ``Document ID`` closing each article.
- LexisNexis Academic (older): ``1 of 3 DOCUMENTS`` opening each article, upper-case fields.
- Factiva with indexing codes: ``HD``, ``BY``, ``PD``, ``SN``, ``LP``/``TD`` (the text), ``AN``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.layout import Line, clean, compounds, to_text
from annotator.formats.markdown import parse_date
from annotator.formats.peerkit import ReadReport
from annotator.formats.plaintext import first_line_title
from annotator.records import DocRecord

_NEXIS_END = re.compile(r"end of document", re.I)
_NEXIS_BODY = re.compile(r"body", re.I)
_NEXIS_FIELD = re.compile(r"(?P<key>[A-Z][A-Za-z]*(?:[- ][A-Za-z]+)?)\s*:\s*(?P<value>.*)")
_NEXIS_HEADER_KEYS = {"section", "length", "byline", "dateline", "highlight", "edition", "series"}
_NEXIS_TAIL = re.compile(r"classification|load-date\s*:.*|graphic\s*:?.*|notes\s*:.*", re.I)
_FACTIVA_END = re.compile(r"document\s+(?P<id>[A-Za-z0-9]{12,40})", re.I)
_WORDS = re.compile(r"(?P<n>\d[\d,.]*)\s+words", re.I)
_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,5}|GMT[+-]\d{1,2}))?", re.I
)
_WEEKDAY = re.compile(r",?\s*\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b,?", re.I)
_COPYRIGHT = re.compile(r"(?:copyright|\(c\)|©)", re.I)
_BYLINE = re.compile(r"by\s+(?P<who>.+)", re.I)
_LANGUAGE = re.compile(r"[A-Z][a-z]+")


def find_date(line: str) -> str | None:
    """ISO date of a header's date line ("March 4, 2026 Wednesday", "4 March 2026 09:00 GMT")."""
    text = clean(line)
    if (iso := parse_date(text)) is not None:
        return iso
    text = _WEEKDAY.sub(" ", text)
    text = _TIME.sub(" ", text)
    return parse_date(clean(text.strip(" ,")))


def records(
    path: Path,
    lines: Sequence[Line],
    title: str | None,
    report: ReadReport | None,
    meta: dict[str, Any] | None = None,
) -> list[DocRecord]:
    """A file's records: one per article of an export, else one holding all its text.

    ``title`` (the file's own, from its properties) names a single document; without one, its
    first short line does. ``meta`` goes into every record.
    """
    if not any(clean(line.text) for line in lines):
        raise InputError(str(path), "no text (the document is empty or holds only pictures)")
    articles = split(lines, report)
    if articles is not None and not articles:
        raise InputError(str(path), "news-database export without any article text")
    if articles is None:
        text = to_text(lines)
        articles = [DocRecord(text=text, title=title or first_line_title(text))]
    for record in articles:
        record.meta.update(meta or {})
    return articles


def split(lines: Sequence[Line], report: ReadReport | None = None) -> list[DocRecord] | None:
    """One record per article of a news-database export, or None if the lines are not one."""
    texts = [clean(line.text) for line in lines]
    if any(_NEXIS_END.fullmatch(t) for t in texts) and any(_NEXIS_BODY.fullmatch(t) for t in texts):
        return _articles(
            lines, texts, [i for i, t in enumerate(texts) if _NEXIS_END.fullmatch(t)], _nexis, report
        )
    ends = [i for i, t in enumerate(texts) if _FACTIVA_END.fullmatch(t)]
    if ends and any(_WORDS.fullmatch(t) for t in texts[: ends[0]]):
        return _articles(lines, texts, ends, _factiva, report)
    starts = [i for i, t in enumerate(texts) if _ACADEMIC_START.fullmatch(t)]
    if starts and any(_ACADEMIC_FIELD.fullmatch(t) for t in texts[starts[0] :]):
        return _articles(
            lines, texts, [*(i - 1 for i in starts[1:]), len(texts) - 1], _academic, report, starts[0]
        )
    codes = [_code(line) for line in lines]
    ends = [i for i, c in enumerate(codes) if c is not None and c[0] == "AN"]
    if ends and any(c is not None and c[0] == "HD" for c in codes[: ends[0]]):
        return _articles(lines, texts, ends, _factiva_coded, report)
    return None


def _articles(
    lines: Sequence[Line],
    texts: list[str],
    ends: list[int],
    parse: Any,
    report: ReadReport | None,
    start: int = 0,
) -> list[DocRecord]:
    """Records of the articles ending at each of ``ends`` (the first starting at ``start``)."""
    known = compounds(lines)
    records: list[DocRecord] = []
    for number, end in enumerate(ends, 1):
        record = parse(lines[start : end + 1], texts[start : end + 1], known)
        page = lines[start].page
        start = end + 1
        if record is None or not record.text:
            if report is not None:
                report.skip("article without body text (a picture or an index entry?)")
            continue
        record.meta["article"] = number
        if page:
            record.meta["page"] = page
        records.append(record)
    return records


def _record(body: Sequence[Line], title: str | None, known: set[str], meta: dict[str, Any]) -> DocRecord:
    text = to_text(body, known)
    return DocRecord(
        text=text,
        title=title or first_line_title(text),
        author=meta.pop("author", None),
        published=meta.pop("published", None),
        meta={k: v for k, v in meta.items() if v},
    )


def _title_before(lines: Sequence[Line], texts: list[str], at: int, floor: int) -> str | None:
    """The paragraph ending at line ``at`` (a title wrapped over several PDF lines)."""
    first = at
    while first > floor and not lines[first].par and texts[first - 1]:
        first -= 1
    words = [t for t in texts[first : at + 1] if t]
    return " ".join(words) or None


def _nexis(lines: Sequence[Line], texts: list[str], known: set[str]) -> DocRecord | None:
    body_at = next((i for i, t in enumerate(texts) if _NEXIS_BODY.fullmatch(t)), None)
    if body_at is None:
        return None
    meta: dict[str, Any] = {"database": "Nexis Uni"}
    date_at = next((i for i in range(body_at) if find_date(texts[i]) and i >= 2), None)
    header_from = 0
    if date_at is not None:
        meta["published"] = find_date(texts[date_at])
        meta["outlet"] = texts[date_at - 1]
        meta["title"] = _title_before(lines, texts, date_at - 2, 0)
        header_from = date_at + 1
    for text in texts[header_from:body_at]:
        field = _NEXIS_FIELD.fullmatch(text)
        key = field.group("key").casefold() if field else ""
        if field and key in _NEXIS_HEADER_KEYS:
            meta["author" if key == "byline" else key] = field.group("value").strip()
        elif _COPYRIGHT.match(text):
            meta["copyright"] = text
        elif text and date_at is not None and "edition" not in meta:
            meta["edition"] = text
    stop = next(
        (i for i in range(body_at + 1, len(texts)) if _NEXIS_TAIL.fullmatch(texts[i])), len(texts) - 1
    )
    for text in texts[stop:]:
        if (field := _NEXIS_FIELD.fullmatch(text)) and field.group("value").strip():
            meta.setdefault(
                field.group("key").casefold().replace("-", "_").replace(" ", "_"),
                field.group("value").strip(),
            )
    title = meta.pop("title", None)
    return _record(lines[body_at + 1 : stop], title, known, meta)


def _factiva(lines: Sequence[Line], texts: list[str], known: set[str]) -> DocRecord | None:
    words_at = next((i for i, t in enumerate(texts) if _WORDS.fullmatch(t)), None)
    if words_at is None:
        return None
    meta: dict[str, Any] = {"database": "Factiva", "length": texts[words_at]}
    if found := _FACTIVA_END.fullmatch(texts[-1]):
        meta["document_id"] = found.group("id")
    head = [i for i in range(words_at) if texts[i]]
    if head and (by := _BYLINE.fullmatch(texts[head[-1]])):
        meta["author"] = by.group("who").strip()
        head.pop()
    # Paragraphs before the word count: the last is the headline, one before it the section.
    starts = [i for i in head if lines[i].par or i == head[0]]
    title = " ".join(texts[i] for i in head if i >= starts[-1]) if starts else None
    if len(starts) > 1:
        meta["section"] = " ".join(texts[i] for i in head if starts[-2] <= i < starts[-1])
    at = words_at + 1
    fields = ("published", "time", "outlet", "source_code", "language", "copyright")
    for key in fields:
        if at >= len(texts) - 1:
            break
        text = texts[at]
        ok = {
            "published": find_date(text) is not None,
            "time": _TIME.fullmatch(text) is not None,
            "outlet": bool(text) and not _COPYRIGHT.match(text),
            "source_code": re.fullmatch(r"[A-Z0-9]{2,12}", text) is not None,
            "language": _LANGUAGE.fullmatch(text) is not None and len(text) < 20,
            "copyright": _COPYRIGHT.match(text) is not None,
        }[key]
        if ok:
            meta[key] = find_date(text) if key == "published" else text
            at += 1
    return _record(lines[at:-1], title, known, meta)


# LexisNexis Academic (before Nexis Uni): "1 of 3 DOCUMENTS", outlet, date, edition, title, then
# upper-case fields (BYLINE:, SECTION:, LENGTH:), the text, LOAD-DATE:, LANGUAGE: …, copyright.
_ACADEMIC_START = re.compile(r"\d+ of \d+ documents?", re.I)
_ACADEMIC_FIELD = re.compile(r"(?P<key>[A-Z][A-Z-]{1,30}):\s*(?P<value>.*)")
_ACADEMIC_HEADER = {"BYLINE", "SECTION", "LENGTH", "DATELINE", "HIGHLIGHT", "HEADLINE", "EDITION", "SOURCE"}
_ACADEMIC_TAIL = {
    "LOAD-DATE", "LANGUAGE", "PUBLICATION-TYPE", "GRAPHIC", "URL", "SUBJECT", "JOURNAL-CODE", "NOTES",
    "ORGANIZATION", "PERSON", "GEOGRAPHIC", "CORRECTION-DATE", "DOCUMENT-TYPE", "TYPE", "INDUSTRY",
    "COMPANY", "TICKER", "COUNTRY", "CITY", "STATE", "DISTRIBUTION",
}  # fmt: skip


def _academic(lines: Sequence[Line], texts: list[str], known: set[str]) -> DocRecord | None:
    meta: dict[str, Any] = {"database": "LexisNexis"}
    filled = [i for i, t in enumerate(texts) if t and i > 0]
    fields = [(i, m) for i in filled if (m := _ACADEMIC_FIELD.fullmatch(texts[i]))]
    header = [(i, m) for i, m in fields if m.group("key") in _ACADEMIC_HEADER]
    if not filled or not header:
        return None
    first_field = header[0][0]
    top = [i for i in filled if i < first_field]
    if top:
        meta["outlet"] = texts[top[0]]
    dated = next((i for i in top[1:] if find_date(texts[i])), None)
    if dated is not None:
        meta["published"] = find_date(texts[dated])
    rest = [i for i in top[1:] if dated is None or i > dated]
    title = _title_before(lines, texts, rest[-1], rest[0]) if rest else None
    if len(rest) > 1 and title != texts[rest[0]]:
        meta["edition"] = texts[rest[0]]
    for _i, m in header:
        key = m.group("key").casefold()
        meta["author" if key == "byline" else key] = m.group("value").strip()
    title = meta.pop("headline", None) or title
    body_from = max(i for i, _m in header) + 1
    tail = [i for i, m in fields if i >= body_from and m.group("key") in _ACADEMIC_TAIL]
    body_to = tail[0] if tail else len(texts)
    for i in tail:
        m = _ACADEMIC_FIELD.fullmatch(texts[i])
        if m and m.group("value").strip():
            meta.setdefault(m.group("key").casefold().replace("-", "_"), m.group("value").strip())
    after = [texts[i] for i in filled if i > (tail[-1] if tail else body_to)]
    if after and _COPYRIGHT.match(after[0]):
        meta["copyright"] = " ".join(after)
    return _record(lines[body_from:body_to], title, known, meta)


# Factiva's "full article with indexing": a two- or three-letter code, a tab, the field.
_CODES = {
    "HD": "title", "BY": "author", "WC": "length", "PD": "published", "ET": "time", "SN": "outlet",
    "SC": "source_code", "ED": "edition", "PG": "page_in_print", "LA": "language", "CY": "copyright",
    "SE": "section", "LP": "", "TD": "", "CT": "contact", "RF": "reference", "CO": "companies",
    "IN": "industries", "NS": "subjects", "RE": "regions", "IPC": "codes", "IPD": "descriptors",
    "PUB": "publisher", "AN": "document_id", "CR": "credit", "ART": "art", "CLM": "column",
}  # fmt: skip
_CODE = re.compile(r"(?P<code>[A-Z]{2,3})(?:\t(?P<value>.*))?", re.S)


def _code(line: Line) -> tuple[str, str] | None:
    """(code, value) of a Factiva field line: a tab after the code, or the code alone on its line."""
    m = _CODE.fullmatch(line.text.strip(" \r\n"))
    if m is None or m.group("code") not in _CODES:
        return None
    return m.group("code"), clean(m.group("value") or "")


def _factiva_coded(lines: Sequence[Line], texts: list[str], known: set[str]) -> DocRecord | None:
    meta: dict[str, Any] = {"database": "Factiva"}
    body: list[Line] = []
    code = ""
    for line in lines:
        found = _code(line)
        if found is not None:
            code, value = found
            line = Line(value, par=True)
        if code in ("LP", "TD"):
            body.append(line)
        elif code and clean(line.text):
            key = _CODES[code]
            meta[key] = (
                f"{meta[key]} {clean(line.text)}" if key in meta and found is None else clean(line.text)
            )
    if (who := _BYLINE.fullmatch(meta.get("author", ""))) is not None:
        meta["author"] = who.group("who").strip()
    if published := meta.get("published"):
        meta["published"] = find_date(published)
    if (doc_id := _FACTIVA_END.fullmatch(meta.get("document_id", ""))) is not None:
        meta["document_id"] = doc_id.group("id")
    return _record(body, meta.pop("title", None), known, meta)
