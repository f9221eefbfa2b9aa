"""Write files so that an interrupted export never leaves a truncated file under the target name."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotator.sqlite_guard import refuse_database_file


@contextmanager
def _replace_on_success(path: Path | str, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    target = Path(path)
    refuse_database_file(target)  # an export "over" the open project's database would replace it
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
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


@contextmanager
def atomic_folder(path: Path | str) -> Iterator[Path]:
    """Yield an empty staging folder beside ``path``; on success sync it to disk and move what was
    written there into ``path`` (replacing same-named files and folders), on failure remove it: an
    interrupted export never leaves half a folder of files behind.

    One ``os.sync`` for the folder instead of an fsync per file: a brat export writes two files a
    document, and 200,000 fsyncs took more than half of its time."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} is a file; this export writes a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp, whose 0700 mode the folder would keep after the rename below.
    stage = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
    stage.mkdir()
    try:
        yield stage
        if hasattr(os, "sync"):  # POSIX; elsewhere the files are flushed when closed
            os.sync()
        with contextlib.suppress(OSError):
            target.rmdir()  # only if it is empty: then the whole folder moves in one rename
        if not target.exists():
            os.replace(stage, target)
            return
        with os.scandir(stage) as items:  # an iterator: 200,000 names are not held at once
            for item in items:
                existing = target / item.name
                if existing.is_dir() and item.is_dir():
                    shutil.rmtree(existing)
                os.replace(item.path, existing)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
