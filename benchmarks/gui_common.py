"""Shared by the GUI benchmark scripts: isolated settings, frame timing, waiting without sleeping.

A frame is timed to its *end*: the event filter re-sends the paint (or the window's update
request) itself and notes the clock when Qt's handler returns, so a figure includes the paint
of every widget in that frame and the flush of the backing store, not just the start of it.
"""

from __future__ import annotations

import cProfile
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ANNOTATOR = "bench"
WAKE = "bench-wake"  # our own polling timer, which settle() does not count as activity


# Set by gui_profile: then exactly the timed stretches (key press to frame end) are profiled.
PROFILER: cProfile.Profile | None = None
# Set by gui_profile --sql: one list of the SQL statements run per timed stretch.
STATEMENTS: list[list[str]] | None = None
RECORDING = False  # inside a timed stretch


@contextmanager
def timed_stretch() -> Iterator[None]:
    global RECORDING
    profiler = PROFILER
    if STATEMENTS is not None:
        STATEMENTS.append([])
    if profiler is not None:
        profiler.enable()
    RECORDING = True
    try:
        yield
    finally:
        RECORDING = False
        if profiler is not None:
            profiler.disable()


def isolate_settings(folder: Path, name: str = ANNOTATOR) -> None:
    """Settings in a temporary folder (never the user's), the annotator's name preset so that no
    first-run dialog blocks; the same recipe as tests/ui/conftest.py."""
    os.environ["XDG_CONFIG_HOME"] = str(folder)
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    settings = QSettings()
    settings.setValue("annotator/name", name)
    settings.sync()


def app() -> QApplication:
    from ui.app import ensure_app

    return ensure_app()


class FrameWatch(QObject):
    """Times the end of every paint of ``viewport`` and of every frame of ``top`` that painted it.

    The first frame after ``mark()`` whose paint included the viewport is "the" frame.
    """

    def __init__(self, top: QWidget, viewport: QWidget) -> None:
        super().__init__()
        self.top = top
        self.viewport = viewport
        self.handle = top.windowHandle()
        self._inside: set[int] = set()
        self.viewport_paints = 0
        self.painted_at = 0.0  # end of the last viewport paint
        self.frame_at = 0.0  # end of the last frame that painted the viewport
        # GUI-thread CPU clock (time.thread_time) at those two ends: what the frame cost, without
        # the timers that run after it in the same turn of the event loop (work after the frame).
        self.painted_cpu = self.frame_cpu = 0.0
        self.on_paint: Callable[[], None] | None = None  # runs after each viewport paint
        self._painted_in_frame = False
        for obj in (top, viewport, self.handle):
            if obj is not None:
                obj.installEventFilter(self)

    def close(self) -> None:
        for obj in (self.top, self.viewport, self.handle):
            if obj is not None:
                obj.removeEventFilter(self)

    def mark(self) -> float:
        """Start timing: frames before now do not count."""
        self.painted_at = self.frame_at = 0.0
        return time.perf_counter()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if obj is self.viewport and kind == QEvent.Type.Paint:
            role = 1
        elif (obj is self.top and kind == QEvent.Type.UpdateRequest) or (
            obj is self.handle and kind in (QEvent.Type.Expose, QEvent.Type.Paint)
        ):
            role = 2
        else:
            return False
        key = id(obj) ^ kind.value
        if key in self._inside:
            return False
        self._inside.add(key)
        try:
            if role == 2:
                self._painted_in_frame = False
            QCoreApplication.sendEvent(obj, event)  # deliver it now, through the other filters
        finally:
            self._inside.discard(key)
        now, cpu = time.perf_counter(), time.thread_time()
        if role == 1:
            self.viewport_paints += 1
            self.painted_at, self.painted_cpu = now, cpu
            self._painted_in_frame = True
            if self.on_paint is not None:
                self.on_paint()
        elif self._painted_in_frame:
            self.frame_at, self.frame_cpu = now, cpu
        return True

    def done_at(self) -> float:
        """End of the frame that painted the viewport (or of the paint, outside any frame)."""
        return self.frame_at or self.painted_at

    def done_cpu(self) -> float:
        """The GUI thread's CPU clock at ``done_at``."""
        return self.frame_cpu if self.frame_at else self.painted_cpu


def spin_until(ready: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Run the event loop until ``ready()`` (sleeping while no events arrive); False on timeout."""
    application = QApplication.instance()
    assert application is not None
    deadline = time.perf_counter() + timeout
    wake = QTimer()
    wake.setObjectName(WAKE)
    wake.setInterval(5)  # wake up to re-check even when nothing is posted
    wake.start()
    try:
        while not ready():
            if time.perf_counter() > deadline:
                return False
            application.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()
    return True


def wait_frame(watch: FrameWatch, timeout: float = 30.0) -> float:
    """Spin until a frame painted the viewport after ``watch.mark()``; returns when it ended."""
    if not spin_until(lambda: watch.frame_at > 0 or _outside_frame(watch), timeout):
        raise TimeoutError("the article was not repainted")
    return watch.done_at()


def _outside_frame(watch: FrameWatch) -> bool:
    """A viewport paint that no frame event wrapped (rare): counts once the loop is idle again."""
    return watch.painted_at > 0 and time.perf_counter() - watch.painted_at > 0.05


def settle(quiet: float = 0.03, least: float = 0.0, timeout: float = 30.0) -> None:
    """Run the event loop until no event has arrived for ``quiet`` seconds (and ``least`` passed):
    timers of the last action (list refresh, progress) fire here, not inside the next measurement."""
    application = QApplication.instance()
    assert application is not None
    began = time.perf_counter()
    last = [began]

    class Quiet(QObject):
        def eventFilter(self, obj: QObject, _event: QEvent) -> bool:
            if obj.objectName() != WAKE:
                last[0] = time.perf_counter()
            return False

    spy = Quiet()
    application.installEventFilter(spy)
    try:
        spin_until(
            lambda: (now := time.perf_counter()) - last[0] > quiet and now - began >= least,
            timeout,
        )
    finally:
        application.removeEventFilter(spy)


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    VmHWM, not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries ru_maxrss over fork and exec,
    so a child of the benchmark runner (hundreds of MB after building the corpus) would report
    the runner's peak instead of its own.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
