"""Taking the database away from a running window, and giving it back.

PostgreSQL: the window talks to the server through a TCP relay on loopback; ``down()`` closes the
relay's port and cuts every connection through it (the server itself keeps running, as when the
network or the server's host goes away), ``up()`` listens again on the same port. SQLite: every
pooled connection is closed and opening the file fails with SQLite's own "unable to open database
file" (what a moved folder or an unmounted share gives) until ``up()``.
"""

from __future__ import annotations

import contextlib
import select
import socket
import sqlite3
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from annotator.store import Store


class Relay:
    """A loopback TCP relay to ``host:port`` that can be cut and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: socket.socket | None = None
        self._pipes: list[socket.socket] = []
        self._lock = threading.Lock()
        self.up()

    def up(self) -> None:
        if self._server is not None:
            return
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            pipes, self._pipes = self._pipes, []
        for pipe in pipes:
            with contextlib.suppress(OSError):
                pipe.shutdown(socket.SHUT_RDWR)
            pipe.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pipes += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def url(self, url: str) -> str:
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)


class Outage:
    """The database of ``url`` for a window: reachable, or not."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.relay: Relay | None = None
        self.url = url
        self._down = False
        if not self.sqlite:
            parsed = make_url(url)
            self.relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
            self.url = self.relay.url(url)
        self._stores: list[Store] = []

    def watch(self, store: Store) -> None:
        """The window's store (SQLite: its connections are the ones that fail)."""
        if self.sqlite:
            event.listen(store.engine, "do_connect", self._connect)
            self._stores.append(store)

    def _connect(self, *_args: Any) -> None:
        if self._down:
            raise sqlite3.OperationalError("unable to open database file")

    def down(self) -> None:
        self._down = True
        if self.relay is not None:
            self.relay.down()
        for store in self._stores:
            store.engine.dispose()

    def up(self) -> None:
        self._down = False
        if self.relay is not None:
            self.relay.up()

    def close(self) -> None:
        if self.relay is not None:
            self.relay.down()
