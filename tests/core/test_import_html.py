"""Saved web pages: article text and metadata, offline, never any script text."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import InputError
from annotator.formats import html
from annotator.formats.sources import read_path

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council votes on budget | Example News</title>
<link rel="canonical" href="https://news.example.org/2022/07/council-budget">
<meta property="og:title" content="Council votes on budget">
<meta property="og:site_name" content="Example News">
<meta name="description" content="The council approved the budget narrowly.">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2022-07-09T10:15:00+00:00">
<meta property="article:section" content="Politics">
<script>var tracking = "SCRIPT_IN_HEAD";</script>
<style>.lead { color: red } /* STYLE_TEXT */</style>
</head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<article><h1>Council votes on budget</h1>
<p>The city council voted narrowly on Tuesday to approve a budget that raises spending on
schools, after a debate that lasted more than six hours.</p>
<p>"We will not back down," said the mayor, who had pushed for the plan since January and
faced strong opposition from two districts.</p>
<script>document.write("SCRIPT_IN_BODY")</script>
<p>Opponents said the plan would require new borrowing and promised to challenge it at the
next session of the council in the autumn.</p>
</article>
<footer>Copyright 2022 Example News</footer>
</body></html>
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: pages are parsed offline."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def save(tmp_path: Path, name: str, page: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(page.encode("utf-8") if isinstance(page, str) else page)
    return path


def test_article_text_and_metadata(tmp_path: Path) -> None:
    path = save(tmp_path, "page.html", PAGE)
    [doc] = html.read(path)
    assert doc.title == "Council votes on budget"
    assert doc.author == "Jane Roe"
    assert doc.published == "2022-07-09"
    assert doc.source_url == "https://news.example.org/2022/07/council-budget"
    assert doc.meta == {
        "sitename": "Example News",
        "description": "The council approved the budget narrowly.",
        "categories": ["Politics"],
    }
    assert (doc.source_file, doc.line) == (str(path), 1)
    paragraphs = doc.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The city council voted narrowly on Tuesday")
    assert "spending on schools" in paragraphs[0]  # the line break inside <p> is a space
    assert paragraphs[2].endswith("in the autumn.")


def test_scripts_styles_and_page_chrome_are_not_imported(tmp_path: Path) -> None:
    [doc] = html.read(save(tmp_path, "page.html", PAGE))
    for unwanted in ("SCRIPT_IN_HEAD", "SCRIPT_IN_BODY", "STYLE_TEXT", "document.write", "Copyright"):
        assert unwanted not in doc.text
    assert not doc.text.startswith("Council votes on budget")  # the title is a field, not body text


def test_og_url_when_there_is_no_canonical_link(tmp_path: Path) -> None:
    page = PAGE.replace(
        '<link rel="canonical" href="https://news.example.org/2022/07/council-budget">',
        '<meta property="og:url" content="https://news.example.org/og-url">',
    )
    [doc] = html.read(save(tmp_path, "og.html", page))
    assert doc.source_url == "https://news.example.org/og-url"


def test_page_without_metadata_has_none_rather_than_guesses(tmp_path: Path) -> None:
    body = " ".join(["The committee met again on a rainy afternoon to discuss the harbour plan."] * 4)
    [doc] = html.read(save(tmp_path, "bare.html", f"<html><body><p>{body}</p></body></html>"))
    assert doc.text == body
    assert (doc.author, doc.published, doc.source_url) == (None, None, None)


def test_lists_keep_their_items_together() -> None:
    doc = html.parse(
        "<html><body><article><p>The plan has several parts that the council discussed at length"
        " during the evening session.</p><ul><li>new wall</li><li>new pumps</li></ul></article></body></html>"
    )
    assert doc is not None
    assert doc.text.endswith("\n\n• new wall\n• new pumps")


def test_fragment_falls_back_to_visible_text_without_scripts(tmp_path: Path) -> None:
    page = (
        "<html><body><aside>Side note.</aside><script>BAD_SCRIPT()</script><style>BAD</style></body></html>"
    )
    [doc] = html.read(save(tmp_path, "aside.html", page))
    assert doc.text == "Side note."
    assert doc.meta["extraction"] == "visible text (no article found)"


def test_visible_text_fallback_separates_blocks() -> None:
    text = html._visible_text(
        "<html><head><title>T</title></head><body><div><script>S1</script>Hello <b>bold</b> world"
        "<style>S2</style></div><p>Next</p><table><tr><td>a</td><td>b</td></tr></table>"
        "<!-- hidden --><noscript>N</noscript></body></html>"
    )
    assert text == "Hello bold world\n\nNext\n\na b"


@pytest.mark.parametrize(
    "page",
    [
        "<html><body></body></html>",
        "<html><head><title>Only a title</title></head><body><script>only()</script></body></html>",
    ],
)
def test_page_without_text_is_refused(tmp_path: Path, page: str) -> None:
    path = save(tmp_path, "empty.html", page)
    with pytest.raises(InputError, match=rf"^{path}: no article text found$"):
        html.read(path)


def test_declared_legacy_charset_is_used_when_detection_fails(tmp_path: Path) -> None:
    russian = "Министр покинул встречу."  # too short for detection (see the next test)
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{russian}</p></body></html>'
    [doc] = html.read(save(tmp_path, "ru.htm", page.encode("cp1251")))
    assert doc.text == russian
    assert doc.meta["detected_encoding"] == "windows-1251"


def test_declared_non_legacy_charset_is_not_trusted(tmp_path: Path) -> None:
    page = '<html><head><meta charset="utf-16"></head><body><p>Министр покинул встречу.</p></body></html>'
    path = save(tmp_path, "liar.html", page.encode("cp1251"))
    with pytest.raises(InputError, match=rf"^{path}:1: not UTF-8"):
        html.read(path)


def test_undecodable_page_without_charset_names_the_file(tmp_path: Path) -> None:
    page = "<html><body><p>Министр покинул встречу.</p></body></html>".encode("cp1251")
    path = save(tmp_path, "ru.html", page)
    with pytest.raises(InputError, match=rf"^{path}:1: not UTF-8"):
        html.read(path)


def test_xhtml_with_xml_declaration_and_bom(tmp_path: Path) -> None:
    page = (
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><p>Café paragraph that is long enough to be extracted as the article text here.</p>"
        "</body></html>"
    )
    [doc] = read_path(save(tmp_path, "x.htm", page))
    assert doc.text == "Café paragraph that is long enough to be extracted as the article text here."
