"""The names ``annotator import --format`` accepts, apart from the readers: parsing the command
line (and ``annotator --help``) must not load every file format and its libraries."""

from __future__ import annotations

# One document per file (PDF, DOCX, ODT, RTF) or per news-database article.
DOCUMENT_KINDS = ("pdf", "docx", "odt", "rtf")
PEER_FORMATS = ("doccano", "prodigy", "brat", "labelstudio", "w3c", "webanno")
# Training-data formats read back (offsets rebuilt from their tokens).
DATASET_FORMATS = ("spacy", "iob", "hf-jsonl")
# "native" forces the project's own JSONL (with spans); "auto" recognises it and the peers' formats
# by their content.
_TEXTS = ("auto", "txt", "md", "html", "jsonl", "csv", *DOCUMENT_KINDS)
FORMATS = (*_TEXTS, "native", *PEER_FORMATS, *DATASET_FORMATS)
# Other names for formats, as the export knows them.
ALIASES = {"conll": "iob"}
