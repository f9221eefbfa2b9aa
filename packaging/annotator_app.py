"""Entry point of the packaged app: with no arguments it opens the desktop app, otherwise it is
the ``annotator`` command (so the bundle also runs ``import``, ``export``, ``doctor``...)."""

from __future__ import annotations

import multiprocessing
import sys

from annotator.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # exports may tokenise in worker processes
    sys.exit(main(sys.argv[1:] or ["gui"]))
