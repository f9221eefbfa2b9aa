"""A finished job's progress dialog goes away without taking its parent's memory with it.

The dialog of a job is its parent's child and holds the callbacks, usually the parent's own
methods. When nothing else references a parent that Python owns (an export dialog opened without
a window, once a test or the code that opened it is done with it), destroying the finished job's
dialog releases the parent's last reference and so destroys the parent too, which used to delete
its child, the job's dialog, a second time: a segfault in a later event loop. It runs in a child
process, so a crash fails this test instead of the whole run; MALLOC_PERTURB_ makes the freed
memory garbage at once, so the old code crashed every time, not one run in three.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
from annotator.errors import AnnotatorError, Cancelled
from ui.jobs import start
from ui.qt import QApplication, QCoreApplication, QDialog, QEvent

app = QApplication([])
ended = []
gone = []


class Owner(QDialog):
    def __init__(self, work):
        super().__init__()  # no parent: its Python wrapper owns it
        self.job = start(self, "Working", work, self.done, self.done)

    def done(self, outcome):
        self.job = None
        ended.append(outcome)


def succeeds(progress):
    return "written"


def fails(progress):
    raise AnnotatorError("refused")


def cancelled(progress):
    raise Cancelled("cancelled by the user")


for n, work in enumerate((succeeds, fails, cancelled), 1):
    owner = Owner(work)
    owner.job.destroyed.connect(lambda *_: gone.append(True))
    while len(ended) < n:
        app.processEvents()
    del owner  # only the finished job's callbacks reference it now
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
print(ended, gone)
"""


def test_a_finished_job_with_the_last_reference_to_its_parent_ends_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MALLOC_PERTURB_": "85"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr}"
    assert done.stdout.split("\n")[0] == (
        "['written', 'refused', 'Cancelled: nothing was changed.'] [True, True, True]"
    )
