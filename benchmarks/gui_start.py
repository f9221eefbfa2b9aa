"""App start and project open, each in a fresh process (JSON on stdout; run by bench_gui).

``python -m benchmarks.gui_start start URL PROJECT`` runs ``annotator --db URL --project PROJECT
gui`` (``annotator.cli.main``, as the command and the bundle do) and stops at the end of the
main window's first frame with the article painted: it prints ``time.monotonic()`` there, which the parent compares with its own reading
taken before the spawn (CLOCK_MONOTONIC is system-wide), and which of ``HEAVY`` the process has
loaded by then (none should be: they load on first use), then exits at once.

``python -m benchmarks.gui_start measure [RUNS]`` times the start alone against its floor (what
bench_gui's app-start row runs), for a quick look without the other GUI cases.

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


def compile_sources() -> None:
    """Bytecode for the project's modules beside them (``__pycache__``), as ``pip install`` writes
    it and the bundle ships it, so that a timed start reads it like an installed app does. Where
    PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile ~170 modules again (the
    floor imports only PySide6, whose bytecode pip wrote)."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("annotator", "ui", "benchmarks"):
        compileall.compile_dir(root / package, quiet=1)


def start(url: str, project: str) -> int:
    import ui.app
    from benchmarks.gui_common import isolate_settings
    from ui.article.view import ArticleView
    from ui.qt import QPaintEvent, QTimer

    ui.app.ensure_app()  # main() calls it first thing too
    folder = tempfile.mkdtemp(prefix="annotator-bench-")
    isolate_settings(Path(folder))

    def finish() -> None:
        print(json.dumps({"shown": time.monotonic(), "heavy": heavy_loaded()}), flush=True)
        os._exit(0)  # the figure is taken; tearing the window down is not part of it

    paint = ArticleView.paintEvent

    def first_paint(view: ArticleView, event: QPaintEvent) -> None:
        """The article's first paint (a one-shot hook on the view alone: an application-wide
        event filter would cost the start a Python call per event)."""
        paint(view, event)
        ArticleView.paintEvent = paint  # type: ignore[method-assign]
        QTimer.singleShot(0, finish)  # after the rest of this frame and its flush

    ArticleView.paintEvent = first_paint  # type: ignore[method-assign]
    QTimer.singleShot(TIMEOUT_MS, lambda: os._exit(3))
    from annotator.cli import main

    return main(["--db", url, "--project", project, "gui"])  # what `annotator gui` and the bundle run


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


def measure(runs: int) -> int:
    """The app-start row alone: ours and the floor alternating in one run, on a fresh demo project,
    after ``compile_sources`` (as bench_gui runs it), with the load average before and after."""
    import statistics
    import subprocess
    from contextlib import closing

    from annotator.demo import create_demo
    from annotator.store import open_store

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='annotator-start-')) / 'demo.db'}"
    with closing(open_store(url)) as store:
        create_demo(store)
    compile_sources()

    def spawn(args: list[str]) -> float:
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, cwd=root, env=env, check=True
        )
        return float(json.loads(done.stdout.strip().splitlines()[-1])["shown"]) - began

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    ours, floor = [], []
    for _ in range(runs):
        ours.append(spawn(["-m", "benchmarks.gui_start", "start", url, "Demo"]))
        floor.append(spawn(["-c", FLOOR]))
    for name, values in (("ours", ours), ("floor", floor)):
        shown = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms ({shown})")
    print(
        f"ratio {statistics.median(ours) / statistics.median(floor):.2f}x; load average after: {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "measure":
        sys.exit(measure(int(args[0]) if args else 5))
    sys.exit(start(*args) if mode == "start" else open_many(*args))
