"""A model folder packed into one value a database can keep (tar.gz), and unpacked safely.

The archive holds every file of the folder under its relative name, in name order, with no
timestamps or owners: the same folder packs to the same bytes (and the same sha256). Unpacking
checks every member before it writes anything: only plain files and folders, relative names
without ``..``, so a row written by hand or by a hostile client cannot write outside the folder
it is unpacked into.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from annotator.errors import ValidationError


def pack(folder: Path) -> bytes:
    """The files of ``folder`` (sub-folders too; links followed) as tar.gz bytes."""
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in sorted(folder.rglob("*")):
            info = tarfile.TarInfo(path.relative_to(folder).as_posix())
            if path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif path.is_file():
                data = path.read_bytes()
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe_name(name: str) -> PurePosixPath:
    """``name`` as a path inside the target folder, or a refusal naming it."""
    path = PurePosixPath(name)
    if (
        not name
        or path.is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or "\\" in name
        or any(part == ".." for part in path.parts)
        or not path.parts
        or path.parts == (".",)
    ):
        raise ValidationError(f"the model's archive holds {name!r}, a name outside its folder: refused")
    return path


def unpack(data: bytes, target: Path) -> None:
    """Write the archive's files into ``target`` (an empty folder); nothing is written when a
    member is anything but a plain file or folder with a relative name inside ``target``."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                _safe_name(member.name)
                if not (member.isfile() or member.isdir()):
                    raise ValidationError(
                        f"the model's archive holds {member.name!r}, not a plain file or folder: refused"
                    )
            root = target.resolve()
            for member in members:
                path = root.joinpath(*_safe_name(member.name).parts)
                if not path.resolve().is_relative_to(root):  # pragma: no cover - checked by name
                    raise ValidationError(f"the model's archive holds {member.name!r}: refused")
                if member.isdir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                source = tar.extractfile(member)
                assert source is not None  # a plain file
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(source.read())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ValidationError(f"the model's archive cannot be read ({exc})") from exc
