"""Entry point of the packaged app: with no arguments it opens the desktop app, otherwise it is
the ``annotator`` command (so the bundle also runs ``import``, ``export``, ``doctor``...)."""

from __future__ import annotations

import multiprocessing
import os
import sys

from annotator.cli import main
from annotator.doctor_qt import PROBE_ENV

if __name__ == "__main__":
    multiprocessing.freeze_support()  # exports may tokenise in worker processes
    if os.environ.get(PROBE_ENV):  # `annotator doctor` checking that Qt starts, in a child process
        from PySide6.QtWidgets import QApplication

        print(QApplication([]).platformName())
        sys.exit(0)
    sys.exit(main(sys.argv[1:] or ["gui"]))
