"""Teammates' changes at once on PostgreSQL: a socket notifier on the store's LISTEN connection
runs the window's poll as soon as another client commits (see ``annotator.live``).

The poll timer keeps running as the fallback: on SQLite, when the listening connection cannot be
opened, or after it broke (it is opened again once a poll succeeds).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from annotator.live import ChangeListener
from annotator.store import Store
from ui.qt import QObject, QSocketNotifier

RETRY_SECONDS = 10.0  # after a lost listening connection, how often a good poll may reopen it


class LiveUpdates(QObject):
    """Wakes ``poll`` when another client writes to the watched store."""

    def __init__(self, poll: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._poll = poll
        self._store: Store | None = None
        self._listener: ChangeListener | None = None
        self._notifier: QSocketNotifier | None = None
        self._failed_at: float | None = None

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def watch(self, store: Store | None) -> None:
        """Listen to ``store`` (None: stop)."""
        self.stop()
        self._store = store
        self._failed_at = None
        self._open()

    def poll_succeeded(self) -> None:
        """The database answers again: reopen a listening connection that broke."""
        failed = self._failed_at
        if self._listener is None and failed is not None and time.monotonic() - failed >= RETRY_SECONDS:
            self._open()

    def stop(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _open(self) -> None:
        if self._store is None:
            return
        try:
            self._listener = self._store.listener()
        except Exception:  # no listening connection: the poll timer still brings changes in
            self._failed_at = time.monotonic()
            return
        if self._listener is None:  # SQLite
            return
        self._failed_at = None
        self._notifier = QSocketNotifier(self._listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._ready)

    def _ready(self) -> None:
        if self._listener is None:
            return
        try:
            others = self._listener.drain()
        except ConnectionError:
            self.stop()
            self._failed_at = time.monotonic()
            return
        if others:
            self._poll()
