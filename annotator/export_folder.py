"""Exports that write a folder (brat, spaCy parts, every ``--split``): exactly the new files,
and never a file some export did not write.

An export writes its files into a hidden staging folder beside ``OUT`` and moves them in only
when all are complete, with a manifest (``.annotator-export.jsonl``: a header line, then one
line per file) saying which files it wrote. Into a folder that is new or empty, the staging
folder is renamed whole. Into a folder an earlier export wrote (its manifest says so), the
files of that export are replaced exactly: what the new one writes again is overwritten
(keeping each file's mode), what it does not (the old ``test.jsonl`` of a three-way split, the
documents no longer done) is removed, and every other file (a user's notes) stays where it is.
A non-empty folder without the manifest is refused, as is a new file whose name a file no export
wrote already has: before any work, and again before anything is moved.

File lists go through ``SpillSet``: a brat folder of 200,000 files keeps memory flat.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from annotator.atomic import atomic_write, keep_permissions, part_path, remove_stale_parts
from annotator.errors import AnnotatorError
from annotator.spillset import SpillSet

MANIFEST = ".annotator-export.jsonl"
HEADER = {
    "annotator_export": 1,
    "about": "the files an annotator export wrote into this folder; the next export into it "
    "replaces exactly these and leaves every other file alone",
}
SHOWN = 3  # file names a refusal lists


class FolderRefused(AnnotatorError):
    """The output folder holds files no export wrote where this export would write."""


@dataclass(slots=True)
class FolderResult:
    """What moving the export into its folder did beyond writing the new files."""

    replaced_export: bool = False  # the folder held an earlier export
    removed: int = 0  # files of the earlier export that this one did not write again
    removed_names: list[str] = field(default_factory=list)  # the first few of them

    def removed_text(self) -> str:
        """``removed 2 files of the earlier export: test.jsonl, …``, or ""."""
        if not self.removed:
            return ""
        more = f" and {self.removed - SHOWN} more" if self.removed > SHOWN else ""
        return (
            f"removed {self.removed} file(s) of the earlier export that this one did not write: "
            + ", ".join(self.removed_names)
            + more
        )


def _files(root: Path, prefix: str = "") -> Iterator[str]:
    """Every file under ``root`` as a relative POSIX path, streamed; not the manifest."""
    with os.scandir(root) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path), rel + "/")
            elif rel != MANIFEST and not rel.startswith(f".{MANIFEST}."):  # nor the one being written
                yield rel


def _target(out: Path, rel: str) -> Path:
    return out.joinpath(*rel.split("/"))


def _entries(out: Path) -> Iterator[str]:
    """The files the manifest of ``out`` lists; a damaged or doctored one is refused."""
    path = out / MANIFEST
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            if number == 1:
                if not isinstance(value, dict) or value.get("annotator_export") != 1:
                    raise FolderRefused(f"{path}:1: not a manifest this version of annotator writes")
                continue
            parts = PurePosixPath(value).parts if isinstance(value, str) else ()
            if not parts or PurePosixPath(value).is_absolute() or ".." in parts or "\\" in value:
                raise FolderRefused(
                    f"{path}:{number}: not a file name inside the folder; remove the earlier export "
                    "by hand or choose another folder (nothing was written)"
                )
            yield value


def _empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def refusal(out: Path) -> str | None:
    """Why an export may not write the folder ``out``, or None (the GUI asks before exporting)."""
    out = Path(out)
    if not out.exists():
        return None
    if not out.is_dir():
        return f"{out} is a file; this export writes a folder"
    if (out / MANIFEST).is_file() or _empty(out):
        return None
    return (
        f"{out} is not empty and no annotator export wrote it (it has no {MANIFEST}); an export "
        "replaces only the files an earlier export wrote, so choose a new or empty folder "
        "(nothing was written)"
    )


def check(out: Path) -> None:
    """Refuse before any work what ``refusal`` refuses."""
    problem = refusal(out)
    if problem:
        raise FolderRefused(problem)


def _write_manifest(path: Path, *lists: Iterator[str]) -> None:
    with atomic_write(path) as fh:
        fh.write(json.dumps(HEADER) + "\n")
        for files in lists:
            for rel in files:
                fh.write(json.dumps(rel, ensure_ascii=False) + "\n")


def _clashes(stage: Path, out: Path, old: SpillSet) -> tuple[int, list[str]]:
    """How many new files have their place in ``out`` taken by something the earlier export did
    not write, and the first few of them."""
    count, names = 0, list[str]()
    folders: set[str] = set()
    for rel in _files(stage):
        taken: list[str] = []
        target = _target(out, rel)
        if os.path.lexists(target) and (rel not in old or target.is_dir()):
            taken.append(rel)
        parent = PurePosixPath(rel).parent
        while str(parent) != "." and str(parent) not in folders:  # each folder looked at once
            folders.add(str(parent))
            place = _target(out, str(parent))
            if os.path.lexists(place) and not place.is_dir() and str(parent) not in old:
                taken.append(str(parent))
            parent = parent.parent
        count += len(taken)
        names.extend(taken[: SHOWN - len(names)])
    return count, names


def _move_in(source: Path, target: Path, top: bool) -> None:
    """Move the staged files into ``target``; a folder missing there moves in one rename."""
    with os.scandir(source) as entries:
        for entry in entries:
            if top and entry.name == MANIFEST:
                continue
            place = target / entry.name
            if entry.is_dir(follow_symlinks=False):
                if os.path.lexists(place) and not place.is_dir():
                    place.unlink()  # a file of the earlier export (checked) where a folder goes now
                if not os.path.lexists(place):
                    os.replace(entry.path, place)
                else:
                    _move_in(Path(entry.path), place, False)
                continue
            keep_permissions(place, entry.path)
            os.replace(entry.path, place)


def _remove_stale(out: Path, new: SpillSet, result: FolderResult) -> None:
    """Remove the earlier export's files this one did not write, then the folders left empty."""
    folders: set[str] = set()
    for rel in _entries(out):
        if rel in new:
            continue
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            _target(out, rel).unlink()
            result.removed += 1
            if len(result.removed_names) < SHOWN:
                result.removed_names.append(rel)
        parent = PurePosixPath(rel).parent
        while str(parent) != ".":
            folders.add(str(parent))
            parent = parent.parent
    for folder in sorted(folders, key=lambda f: -f.count("/")):  # deepest first
        with contextlib.suppress(OSError):  # only if empty: a user's file keeps its folder
            _target(out, folder).rmdir()


def _commit(stage: Path, out: Path, result: FolderResult) -> None:
    _write_manifest(stage / MANIFEST, _files(stage))
    if hasattr(os, "sync"):  # one sync for the whole folder (200,000 fsyncs took half a brat export)
        os.sync()
    check(out)
    if out.is_dir() and _empty(out):
        mode = stat.S_IMODE(out.stat().st_mode)
        out.rmdir()
        os.chmod(stage, mode)  # the empty folder's mode stays
    if not out.exists():
        os.replace(stage, out)
        return
    result.replaced_export = True
    with SpillSet() as old, SpillSet() as new:
        for rel in _entries(out):
            old.add(rel)
        for rel in _files(stage):
            new.add(rel)
        count, names = _clashes(stage, out, old)
        if count:
            shown = ", ".join(names) + (f" and {count - SHOWN} more" if count > SHOWN else "")
            raise FolderRefused(
                f"{out}: this export would overwrite {count} file(s) no annotator export wrote "
                f"there ({shown}); move them away or choose another folder (nothing was written)"
            )
        # From here on a kill leaves no file of either export unlisted: list both, then move.
        _write_manifest(out / MANIFEST, _files(stage), _entries(out))
        _move_in(stage, out, True)
        _remove_stale(out, new, result)
    os.replace(stage / MANIFEST, out / MANIFEST)


@contextmanager
def export_folder(out: Path, result: FolderResult | None = None) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; on success move its files into ``out`` as the
    module says, on failure remove it: an interrupted export never leaves half a folder behind."""
    out = Path(out)
    check(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out)
    stage = part_path(out)
    stage.mkdir()  # not mkdtemp, whose 0700 the folder would keep after the rename
    try:
        yield stage
        _commit(stage, out, result if result is not None else FolderResult())
    finally:
        shutil.rmtree(stage, ignore_errors=True)
