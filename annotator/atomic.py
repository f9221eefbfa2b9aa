"""Write files so that an interrupted export never leaves a truncated file under the target name.

Work in progress goes to a hidden ``.NAME.HOST-PID-RANDOM.part`` beside the target and is renamed
over it when complete. A killed process cannot remove its part, so the next write of the same
target removes the parts that processes of this machine which are no longer running left there
(``remove_stale_parts``); parts of running processes, or of other machines sharing the folder,
stay. A file written over an existing one keeps that file's mode (and owner, when root writes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotator.sqlite_guard import refuse_database_file

# Which machine wrote a part: a pid means something only on the machine that ran it.
HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_PART = re.compile(r"(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]{8}\.part(-journal)?")
# Parts named by earlier versions (no pid): removed once nothing has written them for an hour.
_LEGACY = re.compile(r"([a-z0-9_]{8}|[0-9a-f]{12})\.part")
LEGACY_AGE = 3600.0


def part_path(target: Path) -> Path:
    """A fresh hidden name beside ``target`` for work in progress, telling who writes it."""
    return target.parent / f".{target.name}.{HOST}-{os.getpid()}-{secrets.token_hex(4)}.part"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError): alive
        return True
    return True


def _stale(rest: str, entry: os.DirEntry[str]) -> bool:
    found = _PART.fullmatch(rest)
    if found:
        return found["host"] == HOST and not _running(int(found["pid"]))
    if _LEGACY.fullmatch(rest):
        with contextlib.suppress(OSError):
            return time.time() - entry.stat(follow_symlinks=False).st_mtime > LEGACY_AGE
    return False


def remove_stale_parts(target: Path) -> int:
    """Remove the parts (files or folders) that killed writes of ``target`` left beside it."""
    prefix = f".{target.name}."
    removed = 0
    try:
        entries = os.scandir(target.parent)
    except OSError:
        return 0
    with entries:
        for entry in entries:
            if not entry.name.startswith(prefix) or not _stale(entry.name[len(prefix) :], entry):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
    return removed


def keep_permissions(target: Path, dest: int | str) -> None:
    """Give ``dest`` (an open file or a path) the mode, and as root the owner, of ``target`` if it
    exists: replacing a file by a rename would otherwise give it the new file's."""
    try:
        st = os.stat(target)
    except OSError:
        return
    if isinstance(dest, int) and os.chmod not in os.supports_fd:
        return
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # root: the owner too; others: the group, if theirs
            os.chown(dest, st.st_uid if os.geteuid() == 0 else -1, st.st_gid)
    os.chmod(dest, stat.S_IMODE(st.st_mode))


@contextmanager
def _replace_on_success(path: Path | str, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    target = Path(path)
    refuse_database_file(target)  # an export "over" the open project's database would replace it
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    tmp = part_path(target)
    # Not mkstemp, whose 0600 the file would keep: a new file gets the mode the umask gives.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            keep_permissions(target, fh.fileno())
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_write(path: Path | str) -> Iterator[IO[str]]:
    """Yield a UTF-8 text file beside ``path``; on success fsync it and rename it over ``path``."""
    with _replace_on_success(path, "w", encoding="utf-8", newline="\n") as fh:
        yield fh


@contextmanager
def atomic_write_bytes(path: Path | str) -> Iterator[IO[bytes]]:
    """As ``atomic_write``, for binary formats (spaCy DocBin)."""
    with _replace_on_success(path, "wb") as fh:
        yield fh
