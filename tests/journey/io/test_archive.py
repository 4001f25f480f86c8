"""Compressed uploads: gzip, bzip2, xz and one-file ZIPs, unpacked within the upload limit."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import zipfile

import pytest

from journey.errors import FileTooLargeError, InputError
from journey.io import archive, read

EVENTS = b"customer_id,timestamp,channel\nc1,2025-03-21 10:00,Web\nc2,2025-03-22 11:00,Email\n"
MB = 1024 * 1024


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for name, data in members.items():
            archive_file.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("compress", "name"),
    [
        (gzip.compress, "events.csv.gz"),
        (bz2.compress, "events.csv.bz2"),
        (lzma.compress, "events.csv.xz"),
        (lambda data: zipped({"export/events.csv": data, "__MACOSX/._events.csv": b"x"}), "e.zip"),
    ],
)
def test_compressed_text_reads_like_the_plain_file(compress, name):
    raw = read.read_table(compress(EVENTS), name)
    assert raw.file == name
    assert raw.format == "csv"
    assert raw.frame.to_dict("list") == {
        "customer_id": ["c1", "c2"],
        "timestamp": ["2025-03-21 10:00", "2025-03-22 11:00"],
        "channel": ["Web", "Email"],
    }


def test_the_compression_is_told_by_magic_bytes_not_the_name():
    assert read.read_table(gzip.compress(EVENTS), "events.csv").frame.shape == (2, 3)
    tsv = EVENTS.replace(b",", b"\t")
    assert read.read_table(bz2.compress(tsv), "events.tsv.bz2").delimiter == "\t"
    assert archive.compression_of(gzip.compress(b"x")) == "gzip"
    assert archive.compression_of(EVENTS) is None


def test_inner_format_comes_from_the_name_inside():
    jsonl = b'{"customer_id": "c1", "timestamp": "2025-03-21", "channel": "Web"}\n'
    raw = read.read_table(zipped({"data.jsonl": jsonl}), "upload.zip")
    assert raw.format == "jsonl"
    assert raw.frame["channel"].tolist() == ["Web"]
    assert read.read_table(gzip.compress(jsonl), "data.jsonl.gz").format == "jsonl"


def test_a_gzip_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"0" * (64 * MB))
    assert len(bomb) < MB // 4
    with pytest.raises(
        FileTooLargeError, match=r"^b\.csv\.gz: it unpacks to more than 12 MB, over the 8 MB limit"
    ):
        read.read_table(bomb, "b.csv.gz", max_bytes=8 * MB)


def test_a_zip_bomb_is_refused_from_its_declared_size():
    bomb = zipped({"x.csv": b"0" * (64 * MB)})
    with pytest.raises(FileTooLargeError, match=r"'x\.csv' unpacks to 64 MB, over the 8 MB limit"):
        read.read_table(bomb, "b.zip", max_bytes=8 * MB)


def lie_about_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size in a one-member ZIP's local and central headers."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    out[local + 22 : local + 26] = struct.pack("<I", size)
    central = out.find(b"PK\x01\x02")
    out[central + 24 : central + 28] = struct.pack("<I", size)
    return bytes(out)


def test_a_zip_that_understates_its_size_fails_its_check_within_the_limit():
    liar = lie_about_size(zipped({"x.csv": b"a,b\n" + b"1,2\n" * (4 * MB)}), 100)
    with pytest.raises(InputError, match=r"^l\.zip: the ZIP data is damaged or truncated"):
        read.read_table(liar, "l.zip", max_bytes=8 * MB)


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it():
    bomb = zipped({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * (64 * MB)})
    with pytest.raises(FileTooLargeError, match=r"^b\.xlsx: the workbook unpacks to 64 MB"):
        read.read_table(bomb, "b.xlsx", max_bytes=8 * MB)


def test_damaged_and_nested_archives_are_named():
    with pytest.raises(InputError, match=r"^e\.csv\.gz: the gzip data is damaged or truncated"):
        read.read_table(gzip.compress(EVENTS)[:-12], "e.csv.gz")
    with pytest.raises(InputError, match=r"^e\.csv\.xz: the xz data is damaged or truncated"):
        read.read_table(lzma.compress(EVENTS)[:30], "e.csv.xz")
    with pytest.raises(InputError, match=r"compressed file inside a compressed file"):
        read.read_table(gzip.compress(gzip.compress(EVENTS)), "e.csv.gz")
    with pytest.raises(InputError, match=r"^e\.zip: the ZIP archive holds 0 files"):
        read.read_table(zipped({"folder/": b""}), "e.zip")
    with pytest.raises(InputError, match=r"^e\.csv\.gz: the file is empty$"):
        read.read_table(gzip.compress(b""), "e.csv.gz")
