"""Compressed uploads: gzip, bzip2, xz and a ZIP holding one file, unpacked within a limit.

The compression is told by the file's first bytes, not its name. Unpacking streams in
chunks and stops as soon as the output passes the upload limit, so a small "bomb" that
unpacks to gigabytes ends in a clear message, never in unbounded memory. Excel workbooks
are ZIP files too: `check_workbook` bounds what their parts declare before anything reads
them (a part that unpacks to more than it declares fails its CRC check in zipfile).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Final

from journey.errors import InputError
from journey.io.limits import check_size

CHUNK: Final = 4 * 1024 * 1024
_STREAMS: Final = (
    (b"\x1f\x8b", "gzip", (".gz", ".gzip")),
    (b"BZh", "bzip2", (".bz2", ".bz")),
    (b"\xfd7zXZ\x00", "xz", (".xz",)),
)
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_SKIPPED: Final = ("__MACOSX/", ".DS_Store", "Thumbs.db")
_DAMAGE: Final = (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


@dataclass(frozen=True)
class Unpacked:
    """The bytes inside a compressed upload and the name that tells their format."""

    data: bytes
    name: str
    compression: str


def compression_of(data: bytes) -> str | None:
    """Name the compression of `data` by its magic bytes: gzip, bzip2, xz, zip or None.

    A ZIP that is an Excel workbook (it holds xl/ parts), or cannot be opened, is None.
    """
    for magic, kind, _suffixes in _STREAMS:
        if data.startswith(magic):
            return kind
    if data.startswith(_ZIP_MAGIC):
        names = _zip_names(data)
        if names is not None and not any(n.startswith("xl/") for n in names):
            return "zip"
    return None


def _zip_names(data: bytes) -> list[str] | None:
    """The member names of ZIP bytes, None when the archive cannot be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def is_workbook(data: bytes) -> bool:
    """Tell whether ZIP bytes are an Office Open XML workbook (.xlsx/.xlsm)."""
    names = _zip_names(data) if data.startswith(_ZIP_MAGIC) else None
    return names is not None and any(name.startswith("xl/") for name in names)


def unpack(data: bytes, display: str, limit: int) -> Unpacked:
    """Decompress an upload (gzip, bzip2, xz or a one-file ZIP) within `limit` bytes.

    Raises:
        FileTooLargeError: The content unpacks to more than `limit` bytes.
        InputError: Damaged or truncated data, or a ZIP without exactly one file.
    """
    kind = compression_of(data)
    if kind == "zip":
        return _unpack_zip(data, display, limit)
    for _magic, name, suffixes in _STREAMS:
        if name == kind:
            opener = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}[name]
            inner = _inner_name(display, suffixes)
            return Unpacked(_bounded(opener, data, display, limit, name), inner, name)
    raise InputError(display, None, None, "not a compressed file")


def _inner_name(display: str, suffixes: tuple[str, ...]) -> str:
    """'events.csv.gz' -> 'events.csv'; a name without the suffix is kept as it is."""
    path = PurePosixPath(display)
    if path.suffix.lower() in suffixes:
        return path.stem
    return display


def _bounded(
    opener: Callable[[IO[bytes]], IO[bytes]], data: bytes, display: str, limit: int, what: str
) -> bytes:
    """Stream-decompress `data`, stopping with FileTooLargeError past `limit` bytes."""
    chunks: list[bytes] = []
    total = 0
    try:
        with opener(io.BytesIO(data)) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                check_size(display, total, limit, "it unpacks to more than")
                chunks.append(chunk)
    except _DAMAGE as err:
        raise InputError(
            display, None, None, f"the {what} data is damaged or truncated ({err})"
        ) from None
    return b"".join(chunks)


def _unpack_zip(data: bytes, display: str, limit: int) -> Unpacked:
    """Read the one file inside a ZIP archive (folders and macOS extras are ignored)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and not any(part in info.filename for part in _SKIPPED)
            ]
            if len(members) != 1:
                listed = ", ".join(repr(m.filename) for m in members[:5]) or "no files"
                raise InputError(
                    display,
                    None,
                    None,
                    f"the ZIP archive holds {len(members)} files ({listed}): upload a ZIP "
                    f"with exactly one CSV/TSV/JSON file, or the file itself",
                )
            info = members[0]
            if info.flag_bits & 0x1:
                raise InputError(display, None, None, "the ZIP archive is password-protected")
            check_size(display, info.file_size, limit, f"'{info.filename}' unpacks to")
            inner = PurePosixPath(info.filename).name
            content = _bounded(lambda _: archive.open(info), b"", display, limit, "ZIP")
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as err:
        raise InputError(
            display, None, None, f"the ZIP archive is damaged or unsupported ({err})"
        ) from None
    return Unpacked(content, inner, "zip")


def check_workbook(data: bytes, display: str, limit: int) -> None:
    """Refuse a workbook whose parts declare more than `limit` bytes unpacked (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(display, None, None, "the workbook is damaged or truncated") from None
    check_size(display, declared, limit, "the workbook unpacks to")


__all__ = ["CHUNK", "Unpacked", "check_workbook", "compression_of", "is_workbook", "unpack"]
