"""Write files so that an interrupted export never leaves a truncated file under the target name."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def _replace_on_success(path: Path | str, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    target = Path(path)
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
    """Yield an empty staging folder beside ``path``; on success move what was written there into
    ``path`` (replacing same-named files and folders), on failure remove it: an interrupted
    export never leaves half a folder of files behind."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} is a file; this export writes a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield stage
        target.mkdir(exist_ok=True)
        for item in sorted(stage.iterdir()):
            existing = target / item.name
            if existing.is_dir() and item.is_dir():
                shutil.rmtree(existing)
            os.replace(item, existing)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
