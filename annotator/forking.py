"""Whether worker processes may be forked from this process.

Forking starts a worker in milliseconds with the parent's modules and data already in it; spawning
costs a fresh interpreter and every import (about half a second here, more than a 10,000-document
rules run gains from a second core). A fork is only safe where no other thread runs (a child
would inherit their locks half-taken) and no Qt is loaded (its threads and event loop): the CLI
and scripts fork, the GUI spawns. Only on Linux: macOS's system libraries start threads of their
own, which is why Python spawns there by default.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading

__all__ = ["can_fork", "start_method"]


def _qt_loaded() -> bool:
    return any(name.startswith("PySide6") for name in sys.modules)


def can_fork() -> bool:
    """Fork is safe here: Linux, no Qt, no thread but this one."""
    linux = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    return linux and not _qt_loaded() and _threads() == 1


def _threads() -> int:
    """Threads that make a fork unsafe: all but the write-lock watcher (``annotator.waiting``),
    which holds no lock while it waits and which a forked child makes afresh."""
    from annotator.waiting import THREAD_NAME

    return sum(1 for t in threading.enumerate() if t.name != THREAD_NAME)


def start_method() -> str:
    """``fork`` where it is safe, else ``spawn``."""
    return "fork" if can_fork() else "spawn"
