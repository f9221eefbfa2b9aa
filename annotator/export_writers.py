"""Which writer an export runs for a format, and what it carries beside the records.

Split from ``annotator.export`` (files stay under 450 lines): the writers by format, those built
per export from its options, the wrappers that report what a format cannot hold, and native
JSONL's companions (provenance, review, comments, actors, codebook).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.errors import AnnotatorError
from annotator.export_options import ExportOptions, Plan
from annotator.export_suggestions import without_scores
from annotator.formats import iob, labelstudio, native, peers, spacy_docbin
from annotator.formats.base import ExportReport, Writer
from annotator.formats.carried import reporting_lost
from annotator.fragments_export import hulls_reported
from annotator.records import DocRecord
from annotator.review.carry import Provenance
from annotator.tokens import said_tokens_lost

NATIVE = frozenset({"jsonl", "native"})

# Writers that need nothing but the records. Formats that do (spaCy's language, the label list of
# token tags) are built per export by FACTORIES, which take precedence.
WRITERS: dict[str, Writer] = {
    "jsonl": native.write,
    "native": native.write,
    "spacy": spacy_docbin.write,
    "iob": iob.write_iob,
    "conll": iob.write_iob,
    "hf-jsonl": iob.write_hf,
    **peers.WRITERS,  # doccano, prodigy, brat, labelstudio, w3c, whosaid
}


def _factories() -> dict[str, Callable[[ExportOptions, Plan, Path | None], Writer]]:
    return {
        "spacy": lambda o, p, _labels: spacy_docbin.writer(p.language, o.span_key or None, o.docs_per_file),
        "iob": lambda o, _p, _labels: iob.iob_writer(o.docstart),
        "conll": lambda o, _p, _labels: iob.iob_writer(o.docstart),
        "hf-jsonl": lambda _o, p, labels: iob.hf_writer(p.output_labels, labels),
        "whosaid": lambda o, _p, _labels: peers.writer("whosaid", raw=o.raw_csv),
        "labelstudio": lambda _o, p, _labels: labelstudio.writer(dict(p.kinds)),
    }


def writer_for(fmt: str, options: ExportOptions, the_plan: Plan, labels_path: Path | None) -> Writer:
    """The format's writer, wrapped so that its report says what the file cannot hold."""
    from annotator.attributes_documents import said_document_values_lost

    factory = _factories().get(fmt)
    writer = factory(options, the_plan, labels_path) if factory is not None else WRITERS.get(fmt)
    if writer is None:
        raise AnnotatorError(f"unknown export format {fmt!r} (known: {', '.join(sorted(WRITERS))})")
    # Each wrapper reports what the format cannot hold: tokens, multi-part spans, actors and
    # attributes, document values, suggestions' scores.
    reported = said_tokens_lost(fmt, hulls_reported(fmt, writer))
    reported = said_document_values_lost(fmt, reporting_lost(fmt, reported))
    if the_plan.chosen is None or fmt in NATIVE:
        return reported

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        reported(without_scores(report, iter(records)), out, report)

    return write


def carry(
    fmt: str,
    writer: Writer,
    session: Session,
    project_id: int,
    whole: bool = False,
    found: Provenance | None = None,
    *,
    suggestions: bool = False,
) -> Writer:
    """Native JSONL carries the gold layer's provenance and the review's decisions too (and, in a
    ``whole`` export, the registry actors no span names); the who-said-what CSV the actor registry.
    ``found``: what the records' own read kept of the provenance (see ``records``). The
    ``suggestions`` layer carries none of that: its spans are suggestions, not labels, and their
    ids are the suggestions' (a label's comment or provenance must not land on one)."""
    if fmt == "whosaid":
        from annotator.whosaid_carry import with_registry

        return with_registry(writer, session, project_id)
    if fmt not in NATIVE or suggestions:
        return writer
    from annotator.actors_carry import carrying_actors
    from annotator.codebook_carry import carrying_codebook
    from annotator.comments_carry import carrying_comments
    from annotator.review.carry import with_review

    writer = carrying_codebook(writer, session, project_id)  # the definitions the values use
    return with_review(
        carrying_comments(carrying_actors(writer, session, project_id, whole), session),
        session,
        project_id,
        found,
    )
