"""Reading an uploaded library ZIP safely: no path outside its root, no decompression bomb.

Nothing in the archive is trusted: its listing is checked before any member is read (paths,
links, encryption, the number of files, their declared sizes and compression ratios), and each
member is then read with a cap, so a listing that lies about sizes stops at the limit too. A DOCX
is itself a ZIP: `check_inner_zip` applies the same limits before a converter opens it.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

MB = 1024 * 1024
MAX_FILES = 2000
MAX_FILE_BYTES = 50 * MB  # one document, uncompressed
MAX_TOTAL_BYTES = 500 * MB  # the whole archive, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, per member (text compresses ~10x; bombs 1000x+)
RATIO_FROM_BYTES = 1 * MB  # small members may compress far (a page of spaces) without harm
IGNORED = ("__MACOSX/",)  # what the Mac's Finder adds to every archive


class ZipRefused(Exception):
    """The archive as a whole cannot be imported (the message says why); nothing was read from it."""


@dataclass
class Archive:
    """The archive's files (name within the archive -> content), read within the limits."""

    files: dict[str, bytes] = field(default_factory=dict)


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.startswith(IGNORED) or any(p.startswith(".") for p in parts)


def _safe_name(info: zipfile.ZipInfo) -> str:
    """The member's path, or ZipRefused when it could write or point outside the archive."""
    name = info.filename
    if "\\" in name or "\x00" in name:
        raise ZipRefused(f"The ZIP holds a path Bedside does not accept: {name!r} (backslash or NUL).")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise ZipRefused(f"The ZIP holds an absolute path ({name}): every file must be inside the archive.")
    if ".." in path.parts:
        raise ZipRefused(f"The ZIP holds a path that leaves the archive ({name}): it is refused as a whole.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ZipRefused(f"The ZIP holds a symbolic link ({name}): links are refused.")
    if info.flag_bits & 0x1:
        raise ZipRefused(f"“{name}” is encrypted: export the library again without a password.")
    return name


def _check_listing(infos: list[zipfile.ZipInfo], *, what: str) -> None:
    if len(infos) > MAX_FILES:
        raise ZipRefused(f"{what} holds {len(infos):,} files; at most {MAX_FILES:,} are imported at once.")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise ZipRefused(
            f"{what} unpacks to {total / MB:,.0f} MB; at most {MAX_TOTAL_BYTES // MB} MB are imported at once."
        )
    for info in infos:
        if info.file_size > MAX_FILE_BYTES:
            raise ZipRefused(
                f"“{info.filename}” in {what} unpacks to {info.file_size / MB:,.0f} MB; "
                f"one file may be at most {MAX_FILE_BYTES // MB} MB."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ZipRefused(
                f"“{info.filename}” in {what} is compressed {ratio:,.0f} to 1, as a decompression bomb is: "
                "the archive is refused."
            )


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, stopping at the limits whatever its header declared."""
    cap = min(MAX_FILE_BYTES, budget)
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise ZipRefused(
            f"“{info.filename}” unpacks to more than its header says (over {cap / MB:,.0f} MB): "
            "the archive is refused as a decompression bomb."
        )
    return data


def read_archive(handle: IO[bytes], *, progress=None) -> Archive:
    """Every file of the ZIP (directories and Finder's extras left out), or ZipRefused."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ZipRefused(f"The upload is not a ZIP archive that can be opened ({exc}).") from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        for info in infos:
            _safe_name(info)
        infos = [i for i in infos if not _ignored(i.filename)]
        _check_listing(infos, what="The ZIP")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise ZipRefused(f"The ZIP holds the same path twice: {', '.join(twice)}.")
        result, budget = Archive(), MAX_TOTAL_BYTES
        for n, info in enumerate(infos, start=1):
            try:
                data = _read_capped(archive, info, budget)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise ZipRefused(f"“{info.filename}” could not be unpacked ({exc}).") from exc
            budget -= len(data)
            result.files[info.filename] = data
            if progress:
                progress(n, len(infos))
    return result


def check_inner_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """A DOCX (a ZIP itself) opened after the same limits are checked; ZipRefused otherwise."""
    import io

    try:
        inner = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ZipRefused(f"“{name}” is not a readable Word document ({exc}).") from exc
    infos = inner.infolist()
    for info in infos:
        _safe_name(info)
    _check_listing(infos, what=f"“{name}”")
    return inner
