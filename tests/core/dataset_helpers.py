"""Records and hypothesis strategies shared by the dataset and dataset-format tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from annotator.records import DocRecord, RelationRecord, SpanRecord

LABELS = ("CLAIM", "QUOTE", "ACTOR")
PEOPLE = ("alice", "bob")

# Characters that break naive exporters: astral emoji (one code point, two UTF-16 units), skin
# tones and ZWJ sequences, combining marks, CJK, quotes glued to words, runs of whitespace.
TRICKY = [
    "🎉",
    "👍🏽",
    "👩\u200d🔬",
    "𝔘",
    "e\u0301",
    "\u0308",
    "中",
    "文",
    "「",
    "」",
    '"',
    "“",
    "”",
    "«",
    "»",
    ".",
    ",",
    ":",
    "'",
    "-",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "U.S.",
    "don't",
    "Mayor",
    "win",
    "é",
]

texts = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs", "Co", "Cn"))),
    min_size=1,
    max_size=40,
).map("".join)


@st.composite
def records(draw: Any, text: Any = texts, max_spans: int = 8) -> DocRecord:
    """A document with any spans (overlapping, nested, duplicated) and relations between them."""
    body = draw(text)
    n = len(body)
    spans = []
    for i in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        spans.append(
            SpanRecord(
                start, end, draw(st.sampled_from(LABELS)), draw(st.sampled_from(PEOPLE)), key=str(i + 1)
            )
        )
    relations = []
    if len(spans) >= 2:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.lists(st.sampled_from(spans), min_size=2, max_size=2, unique_by=lambda s: s.key))
            assert a.key is not None and b.key is not None
            relations.append(
                RelationRecord(a.key, b.key, draw(st.sampled_from(("speaker", "claimant"))), a.annotator)
            )
    return DocRecord(
        text=body,
        title=draw(st.none() | st.text(max_size=10)),
        status=draw(st.sampled_from([None, "done"])),
        meta=draw(
            st.dictionaries(st.sampled_from(["section", "n"]), st.integers(0, 9) | st.text(max_size=5))
        ),
        doc_id=draw(st.none() | st.integers(1, 10**6)),
        spans=spans,
        relations=relations,
    )


def shape(record: DocRecord) -> dict[str, Any]:
    """What a lossless format must give back: text, fields, spans with keys, relations."""
    return {
        "text": record.text,
        "fields": (record.title, record.author, record.published, record.source_url, record.status),
        "meta": record.meta,
        "doc_id": record.doc_id,
        "spans": [(s.start, s.end, s.label, s.annotator, s.key) for s in record.spans],
        "relations": [(r.source, r.target, r.type, r.annotator) for r in record.relations],
    }


def news(text: str, *spans: tuple[str, str]) -> DocRecord:
    """A record whose spans are given by their text (first occurrence) and label."""
    out = DocRecord(text=text)
    for i, (fragment, label) in enumerate(spans):
        start = text.index(fragment)
        out.spans.append(SpanRecord(start, start + len(fragment), label, "alice", fragment, str(i + 1)))
    return out


# A small fictional news corpus: (text, quote, actor, claim); every quote/claim has its actor.
CORPUS = [
    (
        'Mayor Lina Ortiz said: "We will finish the bridge by June."',
        '"We will finish the bridge by June."',
        "Mayor Lina Ortiz",
        "We will finish the bridge by June",
    ),
    (
        '"Taxes will not rise," Finance Minister Paul Grey told reporters.',
        '"Taxes will not rise,"',
        "Finance Minister Paul Grey",
        "Taxes will not rise",
    ),
    (
        "The harbour authority claimed that traffic doubled last year.",
        None,
        "The harbour authority",
        "traffic doubled last year",
    ),
    (
        'Senator Ada Kim warned: "The budget is a fantasy."',
        '"The budget is a fantasy."',
        "Senator Ada Kim",
        "The budget is a fantasy",
    ),
    (
        "Police chief Tom Hale said crime fell by ten percent.",
        None,
        "Police chief Tom Hale",
        "crime fell by ten percent",
    ),
    (
        '"Our schools are safe," said Principal Mara Lenz.',
        '"Our schools are safe,"',
        "Principal Mara Lenz",
        "Our schools are safe",
    ),
    ("The union argued that wages lag behind prices.", None, "The union", "wages lag behind prices"),
    (
        'Governor Eli Stone declared: "The drought is over."',
        '"The drought is over."',
        "Governor Eli Stone",
        "The drought is over",
    ),
    (
        "Doctor Nia Patel said the new clinic cut waiting times.",
        None,
        "Doctor Nia Patel",
        "the new clinic cut waiting times",
    ),
    (
        '"Nobody was hurt," a fire brigade spokesman said.',
        '"Nobody was hurt,"',
        "a fire brigade spokesman",
        "Nobody was hurt",
    ),
    (
        "The ministry insisted that the vaccine supply is sufficient.",
        None,
        "The ministry",
        "the vaccine supply is sufficient",
    ),
    (
        'Coach Ben Ito said: "We played our best game."',
        '"We played our best game."',
        "Coach Ben Ito",
        "We played our best game",
    ),
    (
        "Economist Rosa Lind claimed inflation peaked in spring.",
        None,
        "Economist Rosa Lind",
        "inflation peaked in spring",
    ),
    (
        '"The river is clean again," said activist Jo Weller.',
        '"The river is clean again,"',
        "activist Jo Weller",
        "The river is clean again",
    ),
    (
        "The council said the new park attracts thousands.",
        None,
        "The council",
        "the new park attracts thousands",
    ),
    (
        'Judge Ana Varga stated: "The law is clear."',
        '"The law is clear."',
        "Judge Ana Varga",
        "The law is clear",
    ),
    (
        "Professor Ken Obi said that reading scores improved.",
        None,
        "Professor Ken Obi",
        "reading scores improved",
    ),
    (
        '"We need more nurses," Health Director Sara Moss said.',
        '"We need more nurses,"',
        "Health Director Sara Moss",
        "We need more nurses",
    ),
    ("The airline claimed that delays fell sharply.", None, "The airline", "delays fell sharply"),
    (
        'Chancellor Ivo Brand said: "Exports are booming."',
        '"Exports are booming."',
        "Chancellor Ivo Brand",
        "Exports are booming",
    ),
    (
        "Farmer Greta Holm said the harvest was the worst in years.",
        None,
        "Farmer Greta Holm",
        "the harvest was the worst in years",
    ),
    (
        '"This deal creates jobs," CEO Omar Reyes said.',
        '"This deal creates jobs,"',
        "CEO Omar Reyes",
        "This deal creates jobs",
    ),
    ("The opposition claimed the election was rigged.", None, "The opposition", "the election was rigged"),
    (
        'Captain Lea Roth reported: "The ship is stable."',
        '"The ship is stable."',
        "Captain Lea Roth",
        "The ship is stable",
    ),
    (
        "Researcher Dan Cole said the glacier shrank by a third.",
        None,
        "Researcher Dan Cole",
        "the glacier shrank by a third",
    ),
    (
        '"Rents have doubled," tenant leader Fay Wu said.',
        '"Rents have doubled,"',
        "tenant leader Fay Wu",
        "Rents have doubled",
    ),
    ("The railway said trains now run on time.", None, "The railway", "trains now run on time"),
    (
        'Minister Hugo Lam announced: "Broadband reaches every village."',
        '"Broadband reaches every village."',
        "Minister Hugo Lam",
        "Broadband reaches every village",
    ),
    (
        "Analyst Vera Sol argued that the merger hurts consumers.",
        None,
        "Analyst Vera Sol",
        "the merger hurts consumers",
    ),
    (
        '"The museum will reopen," curator Max Eder said.',
        '"The museum will reopen,"',
        "curator Max Eder",
        "The museum will reopen",
    ),
]


def corpus_records(annotator: str = "alice", status: str = "done") -> list[DocRecord]:
    """The corpus as records: QUOTE, ACTOR and CLAIM spans, speaker and claimant relations."""
    out = []
    for text, quote, actor, claim in CORPUS:
        record = DocRecord(text=text, status=status, title=text[:20])
        start = text.index(actor)
        record.spans.append(SpanRecord(start, start + len(actor), "ACTOR", annotator, key="a"))
        start = text.index(claim)
        record.spans.append(SpanRecord(start, start + len(claim), "CLAIM", annotator, key="c"))
        record.relations.append(RelationRecord("c", "a", "claimant", annotator))
        if quote is not None:
            start = text.index(quote)
            record.spans.append(SpanRecord(start, start + len(quote), "QUOTE", annotator, key="q"))
            record.relations.append(RelationRecord("q", "a", "speaker", annotator))
        out.append(record)
    return out


def corpus_project(url: str) -> int:
    """A SQLite project holding the corpus (for tests whose subject is not the database)."""
    from annotator.ops.importer import import_records
    from annotator.ops.projects import create_project
    from annotator.store import open_store

    store = open_store(url)
    try:
        with store.transaction() as tx:
            project = create_project(tx, "Corpus")
            import_records(tx, project.id, corpus_records())
            return project.id
    finally:
        store.close()
