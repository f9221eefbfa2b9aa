"""The export dialog says, as soon as gold is chosen and before anything is written, which
documents are not adjudicated and so stay out of a gold export."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Annotation, Project, Role
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, SpanRecord
from annotator.review.gold import accept_spans, set_review_status
from annotator.store import Actor, Store
from tests.ui.test_export_dialog import focused, open_dialog, type_path
from ui.project import open_project
from ui.qt import Qt


def test_choosing_gold_warns_about_documents_not_adjudicated(
    qtbot: QtBot, store: Store, project: Project, backend_url: str, tmp_path: Path
) -> None:
    with store.transaction() as tx:
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER).id
        docs = import_records(
            tx,
            project.id,
            [DocRecord(f"Text {n} is short.", spans=[SpanRecord(0, 4, "ACTOR", "alice")]) for n in (1, 2)],
        ).document_ids
    with store.transaction(actor=Actor("riley", riley, Role.REVIEWER.value)) as tx:
        accept_spans(
            tx, list(tx.session.scalars(select(Annotation.id).where(Annotation.document_id == docs[0])))
        )
        set_review_status(tx, [docs[0]], "adjudicated")
    context = open_project(backend_url, project.name, "riley")
    try:
        dialog = open_dialog(qtbot, context)
        assert not dialog.gold_note.isVisible()
        qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog.form.layer, Qt.Key.Key_End)
        assert dialog.form.layer.currentData() == "gold"
        assert dialog.gold_note.isVisible()
        assert "1 of 2 document(s) are not adjudicated" in dialog.gold_note.text()
        assert f"1 unreviewed (ids {docs[1]})" in dialog.gold_note.text()
        out = tmp_path / "gold.jsonl"
        assert not out.exists()  # said before writing
        type_path(qtbot, dialog, out)
        qtbot.keyClick(dialog.form.path, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: out.exists())
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    finally:
        context.close()
