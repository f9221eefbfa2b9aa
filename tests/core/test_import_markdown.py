"""Markdown articles as saved from news sites: clean prose, metadata lifted out of the body."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.formats import markdown
from annotator.formats.markdown import clean_inline, parse, parse_date

# Invented article with the structure of a saved news page (header, captioned photo, trailer).
ARTICLE = """

# Harbour Council Approves \\$40 Million Sea Wall

By [Coastal Wire](#)

March 03, 2023



Workers inspect the old pier in Port Ellis, Northshire, 02 March 2023. **CW/MARA OKONJO / POOL / NEWSDESK**

The harbour council of Port Ellis voted on Friday to build a *new* sea wall after two winters of flooding, \
officials said.

"We cannot keep rebuilding the same streets every spring," council chair **Irene Vasquez** said after the vote.

The project will cost about \\$40 million, according to a [budget summary](https://example.org/budget) \
published by the council.

Opponents said the money should go to relocating homes instead.

Original url:

<https://news.example.org/2023/03/03/harbour-sea-wall-a1234>
"""


def test_news_article_structure() -> None:
    doc = parse(ARTICLE)
    assert doc.title == "Harbour Council Approves $40 Million Sea Wall"
    assert doc.author == "Coastal Wire"
    assert doc.published == "2023-03-03"
    assert doc.source_url == "https://news.example.org/2023/03/03/harbour-sea-wall-a1234"
    assert doc.meta["caption"] == "Workers inspect the old pier in Port Ellis, Northshire, 02 March 2023."
    assert doc.meta["photo_credit"] == "CW/MARA OKONJO / POOL / NEWSDESK"
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == (
        "The harbour council of Port Ellis voted on Friday to build a new sea wall after two winters "
        "of flooding, officials said."
    )
    assert paragraphs[1].startswith('"We cannot keep rebuilding')
    assert "council chair Irene Vasquez said" in paragraphs[1]
    assert "about $40 million, according to a budget summary published" in paragraphs[2]
    assert paragraphs[-1] == "Opponents said the money should go to relocating homes instead."
    assert len(paragraphs) == 4


def test_news_article_body_has_no_markup_or_header() -> None:
    text = parse(ARTICLE).text
    for leftover in ("**", "\\", "](", "<http", "#", "*new*", "Original url", "example.org"):
        assert leftover not in text
    for header in (
        "Harbour Council Approves",
        "Coastal Wire",
        "March 03, 2023",
        "Workers inspect",
        "NEWSDESK",
    ):
        assert header not in text
    assert text == text.strip()
    assert "\n\n\n" not in text


def test_read_sets_file_fields_and_crlf_gives_the_same_text(tmp_path: Path) -> None:
    lf = tmp_path / "lf.md"
    lf.write_text(ARTICLE, encoding="utf-8")
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    [a], [b] = markdown.read(lf), markdown.read(crlf)
    assert a.text == b.text == parse(ARTICLE).text
    assert (a.source_file, a.line) == (str(lf), 1)


def test_cp1252_markdown_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "fr.md"
    path.write_bytes(
        "# Réunion\n\nPar Émile Durand\n\n9 juillet 2022\n\nLe café était fermé.\n".encode("cp1252")
    )
    [doc] = markdown.read(path)
    assert doc.title == "Réunion"
    assert "Le café était fermé." in doc.text
    assert doc.meta["detected_encoding"] == "cp1252"


def test_markup_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("![](x.png)\n\n---\n\n<!-- nothing -->\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}: no text"):
        markdown.read(path)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("July 09, 2022", "2022-07-09"),
        ("9 July 2022", "2022-07-09"),
        ("2022-07-09", "2022-07-09"),
        ("Jul. 9, 2022", "2022-07-09"),
        ("Sept. 9, 2022 10:15 AM EDT", "2022-09-09"),
        ("Saturday, July 9th, 2022", "2022-07-09"),
        ("Published: 9 July 2022, 14:05", "2022-07-09"),
        ("2022-07-09T10:15:00Z", "2022-07-09"),
        ("2022-07-09 10:15", "2022-07-09"),
        ("July 9, 2022 at 3:45 p.m.", "2022-07-09"),
        ("09.07.2022", "2022-07-09"),
        ("February 29, 2023", None),
        ("He left on July 9, 2022", None),
        ("07/09/2022", None),
        ("July 2022", None),
    ],
)
def test_parse_date(line: str, iso: str | None) -> None:
    assert parse_date(line) == iso


@pytest.mark.parametrize(
    ("source", "clean"),
    [
        ("a [link](https://x.org/a_(b) 'title') here", "a link here"),
        ("an ![photo](p.jpg) image", "an image"),
        ("see <https://x.org/page>.", "see."),
        ("***both*** **bold** *it* __under__ _score_ ~~gone~~", "both bold it under score gone"),
        ("snake_case_name and 5 * 3 * 2 stay", "snake_case_name and 5 * 3 * 2 stay"),
        ("\\$5, \\*not emphasis\\*, \\_x\\_", "$5, *not emphasis*, _x_"),
        ("<span class='a'>tag</span> &amp; &quot;q&quot; R&D &not", 'tag & "q" R&D &not'),
        ("`code *as is*` stays", "code *as is* stays"),
        ("ref [text][1] and note[^2]", "ref text and note"),
        ("line<br>break", "line\nbreak"),
        ("an **unclosed bold run", "an unclosed bold run"),
    ],
)
def test_clean_inline(source: str, clean: str) -> None:
    assert clean_inline(source) == clean


def test_block_structure() -> None:
    doc = parse(
        "Intro line\nwraps here.\n\n## Section *two*\n\n- first\n- second\n  continued\n\n1. one\n2. two\n\n"
        "> Quoted words\n> go on.\n\n***\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nraw *code*\n```\n\n"
        "hard  \nbreak\n\n<script>alert('no')</script>\n\n[1]: https://x.org\n"
    )
    assert doc.text == (
        "Intro line wraps here.\n\nSection two\n\n• first\n• second continued\n\n1. one\n2. two\n\n"
        "Quoted words go on.\n\na | b\n1 | 2\n\nraw *code*\n\nhard\nbreak"
    )


def test_image_with_caption_after_the_header() -> None:
    doc = parse(
        "# Storm hits coast\n\nBy Lena Park | 4 October 2021\n\n"
        "![Flooded street](https://img.example/f.jpg)\n*Residents wade through water.* Photo: Tom Reyes\n\n"
        "The storm arrived overnight.\n"
    )
    assert (doc.author, doc.published) == ("Lena Park", "2021-10-04")
    assert doc.meta["caption"] == "Residents wade through water."
    assert doc.meta["photo_credit"] == "Tom Reyes"
    assert doc.text == "The storm arrived overnight."


def test_image_alt_is_the_caption_when_nothing_else_is() -> None:
    doc = parse("# Title\n\n![Harbour at dawn](h.jpg)\n\nFirst paragraph.\n\nSecond.\n")
    assert doc.title == "Title"
    assert doc.meta["caption"] == "Harbour at dawn"
    assert doc.text == "First paragraph.\n\nSecond."


def test_italic_caption_paragraph_after_an_image() -> None:
    doc = parse("# T\n\nMay 1, 2020\n\n![](a.jpg)\n\n_The new bridge._\n\nBody.\n")
    assert doc.meta["caption"] == "The new bridge."
    assert doc.text == "Body."


def test_first_paragraph_without_a_credit_stays_in_the_body() -> None:
    doc = parse("# T\n\nBy Ana Ruiz\n\nThe first paragraph mentions a picture by the lake.\n")
    assert "caption" not in doc.meta
    assert doc.text == "The first paragraph mentions a picture by the lake."


@pytest.mark.parametrize(
    "trailer",
    [
        "Source: <https://example.org/story>",
        "**Source:** https://example.org/story",
        "URL: [example](https://example.org/story)",
        "Original url:\n\nhttps://example.org/story",
    ],
)
def test_source_url_trailer(trailer: str) -> None:
    doc = parse(f"Some text.\n\n{trailer}\n")
    assert doc.source_url == "https://example.org/story"
    assert doc.text == "Some text."


def test_source_without_url_stays_in_the_body() -> None:
    doc = parse("Some text.\n\nSource: Reuters\n")
    assert doc.source_url is None
    assert doc.text == "Some text.\n\nSource: Reuters"


def test_plain_notes_import_whole() -> None:
    doc = parse("# Meeting notes\n\nBy the time we arrived it was over.\n\n- ask about budget\n")
    assert doc.title == "Meeting notes"
    assert doc.author is None
    assert doc.text == "Meeting notes\n\nBy the time we arrived it was over.\n\n• ask about budget"


def test_notes_without_heading_take_the_first_line_as_title() -> None:
    doc = parse("Shopping list\n\nmilk and *eggs*\n")
    assert doc.title == "Shopping list"
    assert doc.text == "Shopping list\n\nmilk and eggs"


def test_updated_date_goes_to_meta() -> None:
    doc = parse("# T\n\nBy Kim Lee\nPublished: 2020-01-02\nUpdated: 2020-01-05 09:00\n\nBody.\n")
    assert (doc.author, doc.published, doc.meta["updated"]) == ("Kim Lee", "2020-01-02", "2020-01-05")
    assert doc.text == "Body."


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789,.;!?'\"", min_size=1, max_size=8)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=12).map(" ".join)


@given(st.lists(_PARAGRAPH, min_size=1, max_size=6))
def test_plain_prose_passes_through_unchanged(paragraphs: list[str]) -> None:
    assert parse("\n\n".join(paragraphs)).text == "\n\n".join(paragraphs)
