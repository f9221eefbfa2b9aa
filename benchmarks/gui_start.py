"""App start and project open, each in a fresh process (JSON on stdout; run by bench_gui).

``python -m benchmarks.gui_start start URL PROJECT`` runs ``ui.app.main`` itself (as
``annotator gui`` does) and stops at the end of the main window's first frame with the article
painted: it prints ``time.monotonic()`` there, which the parent compares with its own reading
taken before the spawn (CLOCK_MONOTONIC is system-wide), and which of ``HEAVY`` the process has
loaded by then (none should be: they load on first use), then exits at once.

``python -m benchmarks.gui_start open URL`` shows an empty main window, then opens the project
(File ▸ Open) and times it to the end of the frame that painted the document list, and reports
the peak RSS of the process after that.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_MS = 60_000
# Modules the first window does not need; each costs tens to hundreds of ms at start.
HEAVY = (
    "numpy",
    "scipy",
    "sklearn",
    "spacy",
    "srsly",
    "pycrfsuite",
    "krippendorff",
    "alembic",
    "lxml",
    "trafilatura",
    "charset_normalizer",
    "orjson",
    "multiprocessing",
    "annotator.agreement",
    "annotator.learn",
    "annotator.formats.native",
)


def heavy_loaded() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


def start(url: str, project: str) -> int:
    import ui.app
    from benchmarks.gui_common import isolate_settings
    from ui.qt import QEvent, QObject, QTimer

    application = ui.app.ensure_app()  # main() calls it first thing too; here the hook goes in
    folder = tempfile.mkdtemp(prefix="annotator-bench-")
    isolate_settings(Path(folder))

    def finish() -> None:
        print(json.dumps({"shown": time.monotonic(), "heavy": heavy_loaded()}), flush=True)
        os._exit(0)  # the figure is taken; tearing the window down is not part of it

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and obj.objectName() == "qt_scrollarea_viewport"
                and type(obj.parent()).__name__ == "ArticleView"
            ):
                QTimer.singleShot(0, finish)  # after the rest of this frame and its flush
                application.removeEventFilter(self)
            return False

    hook = FirstPaint()
    application.installEventFilter(hook)
    QTimer.singleShot(TIMEOUT_MS, lambda: os._exit(3))
    return ui.app.main(db=url, project=project)


FLOOR = """
import json, time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
w.show()
app.processEvents()
print(json.dumps({"shown": time.monotonic()}), flush=True)
"""


def open_many(url: str) -> int:
    from benchmarks.gui_common import ANNOTATOR, FrameWatch, app, isolate_settings, rss_mb, settle, wait_frame
    from ui.main_window import MainWindow
    from ui.projects_ui import Location

    application = app()
    isolate_settings(Path(tempfile.mkdtemp(prefix="annotator-bench-")))
    window = MainWindow(ANNOTATOR, restore=False)
    window.resize(1400, 900)
    window.show()
    settle()
    before = rss_mb()
    watch = FrameWatch(window, window.documents.view.viewport())
    began = watch.mark()
    assert window.open_location(Location(url, None))
    seconds = wait_frame(watch) - began
    model = window.documents.model
    result = {
        "open": seconds,
        "rss": rss_mb(),
        "rss_before": before,
        "rows": model.rowCount(),
        "total": model.total,
        "doc": window.session.doc_id,
    }
    assert model.rowCount() > 0 and window.session.doc_id is not None
    print(json.dumps(result), flush=True)
    application.processEvents()
    os._exit(0)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    sys.exit(start(*args) if mode == "start" else open_many(*args))
