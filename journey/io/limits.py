"""Input limits: upload size, columns and rows, each set by an environment variable.

Every reader checks a limit before it does the work the limit bounds, so an oversized or
hostile file ends in a message naming the file, the count and the variable to change.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from journey.errors import FileTooLargeError, InputError, SettingsError

MAX_UPLOAD_ENV: Final = "JOURNEY_MAX_UPLOAD_MB"
MAX_COLUMNS_ENV: Final = "JOURNEY_MAX_COLUMNS"
MAX_ROWS_ENV: Final = "JOURNEY_MAX_ROWS"
DEFAULT_MAX_MB: Final = 2048  # a 1e7-row events CSV is about 1 GB
DEFAULT_MAX_BYTES: Final = DEFAULT_MAX_MB * 1024 * 1024
DEFAULT_MAX_COLUMNS: Final = 2_000
DEFAULT_MAX_ROWS: Final = 10_000_000
UNLIMITED: Final = 2**62
_BUNDLED: ContextVar[bool] = ContextVar("journey_bundled_input", default=False)


@contextmanager
def bundled() -> Iterator[None]:
    """Read files shipped with the app (the sample) without the limits: they are not uploads.

    A user who lowers JOURNEY_MAX_UPLOAD_MB, _COLUMNS or _ROWS to guard uploads must still
    get the bundled sample, not a failed start.
    """
    token = _BUNDLED.set(True)
    try:
        yield
    finally:
        _BUNDLED.reset(token)


def _positive(env: str, unit: str) -> float | None:
    """The positive number in environment variable `env`, None when unset or blank."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{env}={raw!r}: expected a number of {unit}") from None
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"{env}={raw!r}: expected a positive number of {unit}")
    return value


def max_upload_bytes() -> int:
    """Return the upload size limit in bytes: JOURNEY_MAX_UPLOAD_MB, else 2048 MB."""
    if _BUNDLED.get():
        return UNLIMITED
    megabytes = _positive(MAX_UPLOAD_ENV, "megabytes")
    return DEFAULT_MAX_BYTES if megabytes is None else int(megabytes * 1024 * 1024)


def max_columns() -> int:
    """Return the column limit: JOURNEY_MAX_COLUMNS, else 2,000."""
    if _BUNDLED.get():
        return UNLIMITED
    count = _positive(MAX_COLUMNS_ENV, "columns")
    return DEFAULT_MAX_COLUMNS if count is None else max(1, int(count))


def max_rows() -> int:
    """Return the data-row limit: JOURNEY_MAX_ROWS, else 10,000,000."""
    if _BUNDLED.get():
        return UNLIMITED
    count = _positive(MAX_ROWS_ENV, "rows")
    return DEFAULT_MAX_ROWS if count is None else max(1, int(count))


def megabytes(size: int) -> str:
    """Format a byte count as megabytes for a message (2 significant digits below 10 MB)."""
    value = size / 1024**2
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def check_size(file: str, size: int, limit: int, what: str = "the file is") -> None:
    """Raise FileTooLargeError when `size` bytes exceed `limit`."""
    if size > limit:
        raise FileTooLargeError(
            file,
            None,
            None,
            f"{what} {megabytes(size)} MB, over the {megabytes(limit)} MB limit "
            f"(set the environment variable {MAX_UPLOAD_ENV} to raise it)",
        )


def check_columns(file: str, count: int, limit: int | None = None) -> None:
    """Raise InputError when a table has more than the column limit."""
    limit = max_columns() if limit is None else limit
    if count > limit:
        raise InputError(
            file,
            None,
            None,
            f"the table has {count:,} columns, over the {limit:,} column limit (is the "
            f"header one long line, or the delimiter wrong? set the environment variable "
            f"{MAX_COLUMNS_ENV} to raise the limit)",
        )


def check_rows(file: str, count: int, limit: int | None = None, *, exact: bool = True) -> None:
    """Raise InputError when a table has more data rows than the row limit."""
    limit = max_rows() if limit is None else limit
    if count > limit:
        many = f"{count:,}" if exact else f"more than {limit:,}"
        raise InputError(
            file,
            None,
            None,
            f"the table has {many} data rows, over the {limit:,} row limit (set the "
            f"environment variable {MAX_ROWS_ENV} to raise it)",
        )


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_MB",
    "DEFAULT_MAX_ROWS",
    "MAX_COLUMNS_ENV",
    "MAX_ROWS_ENV",
    "MAX_UPLOAD_ENV",
    "UNLIMITED",
    "bundled",
    "check_columns",
    "check_rows",
    "check_size",
    "max_columns",
    "max_rows",
    "max_upload_bytes",
    "megabytes",
]
