"""The import dialog offers PDF, Word, OpenDocument and RTF files, and an import job reads them:
a news-database export becomes one document per article, a PDF's scanned pages are reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from annotator.formats.sources import EXTENSIONS
from annotator.model import Project
from annotator.queries import document_count
from annotator.store import Store
from tests.core.document_files import ARTICLES, nexis_export, write_docx, write_image_pdf, write_pdf
from ui import transfer
from ui.jobs import start
from ui.main_window import MainWindow
from ui.qt import QPushButton, Qt
from ui.transfer import ImportDialog, ImportOutcome, import_work

Open = Callable[..., MainWindow]


def test_add_files_offers_every_importable_extension(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str] = {}

    def choose(_parent: Any, _caption: str, _folder: str, filters: str) -> tuple[list[str], str]:
        seen["filters"] = filters
        return ["/data/export.docx", "/data/scan.pdf"], ""

    monkeypatch.setattr(transfer, "get_open_file_names", choose)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add files…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    first = seen["filters"].split(";;")[0]
    for ext in (".pdf", ".docx", ".odt", ".rtf", *EXTENSIONS):
        assert f"*{ext}" in first.split("(")[1].rstrip(")").split()
    assert [str(p) for p in dialog.paths()] == ["/data/export.docx", "/data/scan.pdf"]


def test_import_job_reads_a_news_export_and_reports_scanned_pages(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    from pypdf import PdfWriter

    window = open_window("Existing article.")
    text = write_pdf(tmp_path / "text.pdf", [["Harbour notes", "", "The gates were tested on Monday."]])
    writer = PdfWriter()
    writer.append(str(text))
    writer.append(str(write_image_pdf(tmp_path / "scan.pdf")))
    with (tmp_path / "mixed.pdf").open("wb") as fh:
        writer.write(fh)
    files = [write_docx(tmp_path / "nexis.docx", nexis_export()), tmp_path / "mixed.pdf"]
    results: list[ImportOutcome] = []
    errors: list[str] = []
    work = import_work(window.project, files, "auto", "text", False, window)  # type: ignore[arg-type]
    start(window, "Importing", work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=20000)
    assert errors == []
    (outcome,) = results
    assert outcome.needs_attention
    assert "pages without a text layer (scanned?) skipped: 2" in outcome.summary()
    with store.session() as session:
        assert document_count(session, project.id) == 1 + len(ARTICLES) + 1
    qtbot.waitUntil(lambda: window.documents.model.total == 5, timeout=2000)
