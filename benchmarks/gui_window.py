"""One run of the long-document GUI cases in a fresh process: open, edit, scroll (JSON on stdout).

``python -m benchmarks.gui_window URL DOC_ID OPS PAGES`` — run by bench_gui, which builds the
database; a process per run keeps runs independent and lets a profiler wrap exactly one run.
The real MainWindow, DocumentSession, keys and undo commands are used throughout; nothing is
called that a user's key press would not call.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QPlainTextEdit, QWidget

from annotator.queries import document_view
from benchmarks.gui_common import (
    ANNOTATOR,
    FrameWatch,
    app,
    isolate_settings,
    settle,
    spin_until,
    timed_stretch,
    wait_frame,
)
from ui.article.view import DEFAULT_POINT_SIZE, article_font
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import Qt

WINDOW_SIZE = (1400, 900)
PAUSE = 0.17  # between edits: the list's 150 ms refresh fires here, as it would between key presses
# GUI-thread CPU time of each timed stretch, in order: unlike the wall time it does not grow when
# other processes share the cores, so a loaded machine still shows what a frame costs.
CPU: list[float] = []
# The same stretches' CPU up to the end of their frame (FrameWatch.done_cpu), as their wall time
# ends: without the timers that fire after the frame in the same turn of the loop (the screens
# ahead, the side panels), which CPU above includes.
CPU_FRAME: list[float] = []
WEEKDAY = re.compile(r"\b(?:Monday|Friday)\b")  # never spanned in the corpus: free targets to label


def painted(widget: QWidget) -> bool:
    """Whether the widget shows more than its background (the text really was drawn)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    background = image.pixel(1, 1)
    w, h = image.width(), image.height()
    return any(image.pixel(x, y) != background for y in range(0, h, 3) for x in range(0, w, 3))


def plain_edit(warm: str) -> QPlainTextEdit:
    """The floor: a bare QPlainTextEdit, same window size and font, shown and idle."""
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )  # as the article: the caret and Shift+arrows work
    edit.setFont(article_font(DEFAULT_POINT_SIZE))
    edit.resize(*WINDOW_SIZE)
    edit.setPlainText(warm)  # same fonts (emoji, CJK, Arabic fallbacks) loaded as for ours
    edit.show()
    settle()
    return edit


def floor(text: str, warm: str, ops: int, pages: int) -> dict[str, Any]:
    """Open (setPlainText to first frame), a selection key and PageDown, on the bare editor."""
    edit = plain_edit(warm)
    watch = FrameWatch(edit, edit.viewport())
    began, cpu = watch.mark(), time.thread_time()
    edit.setPlainText(text)
    result: dict[str, Any] = {
        "floor_open": wait_frame(watch) - began,
        "cpu_floor_open": watch.done_cpu() - cpu,
    }
    assert painted(edit.viewport())
    settle()
    keys: list[float] = []
    for _ in range(ops):
        edit.moveCursor(QTextCursor.MoveOperation.NextWord)
        settle()
        keys.append(timed_key(watch, edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier))
        settle()
    result["floor_key"] = keys
    result["floor_frames"] = page_through(watch, edit, pages, lambda: True)
    watch.close()
    edit.close()
    edit.deleteLater()
    settle()
    return result


def open_long(window: MainWindow, watch: FrameWatch, doc_id: int) -> dict[str, float]:
    """From the document-open call (a click in the list) to the end of the first frame showing it."""
    view = window.pane.view
    with timed_stretch():
        began, cpu = watch.mark(), time.thread_time()
        window.open_document(doc_id)
        frame = wait_frame(watch)
    result = {
        "open": frame - began,
        "open_paint": watch.painted_at - began,
        "cpu_open": watch.done_cpu() - cpu,
    }
    assert view.document().characterCount() > len(window.session.text)
    assert painted(view.viewport())
    spin_until(lambda: window.session.complete)
    result["all_spans"] = time.perf_counter() - began
    bar = view.verticalScrollBar()
    ranges: list[int] = []

    def laid_out() -> bool:
        """QTextEdit lays a long text out in idle-time steps, growing the scroll range as it goes
        (asking documentSize() would force the rest at once, so it is not asked here)."""
        ranges.append(bar.maximum())
        return len(ranges) > 40 and ranges[-1] == ranges[-40]

    spin_until(laid_out, timeout=120)
    result["laid_out"] = time.perf_counter() - began
    forced = time.perf_counter()
    view.document().documentLayout().documentSize()  # edits and scrolling start from a full layout
    result["layout_rest"] = time.perf_counter() - forced
    settle()
    return result


def timed_key(
    watch: FrameWatch,
    widget: QWidget,
    key: str | Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> float:
    """A key press, to the end of the frame that repainted the watched viewport."""
    with timed_stretch():
        began, cpu = watch.mark(), time.thread_time()
        if isinstance(key, str):  # a letter (the char overload, missing from the stubs)
            QTest.keyClick(widget, key, modifier)  # type: ignore[call-overload]
        else:
            QTest.keyClick(widget, key, modifier)
        end = wait_frame(watch)
        CPU.append(time.thread_time() - cpu)
        CPU_FRAME.append(watch.done_cpu() - cpu)
        return end - began


def edits(window: MainWindow, watch: FrameWatch, ops: int) -> dict[str, list[float]]:
    """Label a free word (A), relabel it (C), delete it (Delete): each through the controller's
    keys, the undo command, the DB write, the index, the highlighter and the repaint."""
    session, view = window.session, window.pane.view
    project = session.project
    assert project is not None
    labels = {lab.name: lab.id for lab in project.labels}
    spots = [m.span() for m in WEEKDAY.finditer(session.text)]
    step = max(1, len(spots) // ops)
    out: dict[str, list[float]] = {"add": [], "relabel": [], "delete": [], "add_picker": []}
    # The actor picker asks about the new span a frame after it (ui/actors_held.py): to the end of
    # the frame that painted the picker, beside the span's own.
    picker = FrameWatch(window, window.actors.tagging.picker)
    for start, end in spots[step // 2 :: step][:ops]:
        view.scroll_to(start, end)
        settle()
        view.select_cp(start, end)
        settle()
        before = len(session.index)
        began = picker.mark()
        out["add"].append(timed_key(watch, view, "a"))
        out["add_picker"].append(wait_frame(picker, timeout=5) - began)
        span = session.span(session.selected)
        assert span is not None and span[:2] == (start, end) and span[3] == labels["ACTOR"], span
        assert len(session.index) == before + 1
        settle(least=PAUSE)
        out["relabel"].append(timed_key(watch, view, "c"))
        span = session.span(session.selected)
        assert span is not None and span[3] == labels["CLAIM"]
        added = span[2]
        settle(least=PAUSE)
        out["delete"].append(timed_key(watch, view, Qt.Key.Key_Delete))
        assert len(session.index) == before and added not in session.index.spans
        settle(least=PAUSE)
    picker.close()
    return out


def page_through(
    watch: FrameWatch, widget: QAbstractScrollArea, pages: int, ready: Callable[[], bool]
) -> list[float]:
    """PageDown from the top to the end (at most ``pages`` times), one frame time per press; a
    frame counts once ``ready()`` (a plain-text frame followed by a coloured one is one slow frame)."""
    bar = widget.verticalScrollBar()
    bar.setValue(0)
    settle()
    frames: list[float] = []
    while bar.value() < bar.maximum() and len(frames) < pages:
        value = bar.value()
        with timed_stretch():
            began, cpu = watch.mark(), time.thread_time()
            QTest.keyClick(widget, Qt.Key.Key_PageDown)
            end = wait_frame(watch)
            while not ready():
                watch.mark()
                end = wait_frame(watch)
            CPU.append(time.thread_time() - cpu)
            CPU_FRAME.append(watch.done_cpu() - cpu)
        frames.append(end - began)
        if bar.value() == value:
            break
        settle(quiet=0.01)
    return frames


def scroll(window: MainWindow, watch: FrameWatch, pages: int) -> list[float]:
    view = window.pane.view
    view.place_caret(0)
    return page_through(watch, view, pages, lambda: view.highlighter.is_ready(view.visible_blocks()))


def main(argv: list[str]) -> int:
    url, doc_id, ops, pages = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    application = app()
    folder = tempfile.TemporaryDirectory()
    isolate_settings(Path(folder.name))
    window = MainWindow(ANNOTATOR, restore=False)
    window.resize(*WINDOW_SIZE)
    window.set_project(open_project(url, None, ANNOTATOR))  # shows the short first document
    window.show()
    settle()
    assert window.project is not None
    with window.project.store.session() as session:
        text = document_view(session, doc_id).text
    result = floor(text, window.session.display, ops, pages)
    watch = FrameWatch(window, window.pane.view.viewport())
    result.update(open_long(window, watch, doc_id))
    result["spans"] = len(window.session.index)
    result["chars"] = len(window.session.text)
    result.update(edits(window, watch, ops))
    result["frames"] = scroll(window, watch, pages)
    first = ops + len(result["floor_frames"])  # after the floor's keys and frames: add, relabel, delete…
    result["cpu_edits"] = CPU[first : first + 3 * ops]
    result["cpu_frames"] = CPU[-len(result["frames"]) :]
    result["cpu_edits_to_frame"] = CPU_FRAME[first : first + 3 * ops]
    result["cpu_frames_to_frame"] = CPU_FRAME[-len(result["frames"]) :]
    watch.close()
    window.close()
    application.processEvents()
    print(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
