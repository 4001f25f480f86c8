"""Loading a dataset: read -> map -> stitch -> validate, and the fingerprint that names it.

The app's Data page runs the steps one by one (the user edits the mapping in between); the
CLI and the bundled sample call `load_file`, which runs them all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from journey.errors import InputError
from journey.io.identity import StitchReport, stitch_table
from journey.io.mapping import apply_overrides, check_mapping, propose_mapping
from journey.io.read import read_table
from journey.io.validate import validate_events, validate_transcripts
from journey.schema import (
    CUSTOMER_ID,
    DatasetSettings,
    ProgressFn,
    RawTable,
    ValidationResult,
)

STITCHED_COLUMN: Final = "customer_id (stitched)"  # the column identity stitching adds
NO_DATA_ROWS: Final = "no data rows (the file has column names but no data)"


def fingerprint(source: bytes, mapping: Mapping[str, str], settings: object) -> str:
    """Name a dataset by its bytes, column mapping and settings (a hex SHA-256)."""
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        settings = dataclasses.asdict(settings)
    digest = hashlib.sha256(source)
    digest.update(json.dumps([dict(mapping), settings], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def read_mapped(
    source: bytes | str | Path,
    kind: str = "events",
    overrides: Mapping[str, str] | None = None,
    name: str | None = None,
    sheet: str | None = None,
) -> tuple[RawTable, dict[str, str]]:
    """Read a file (one Excel sheet) and propose its mapping with the user's overrides."""
    raw = require_rows(read_table(source, name, sheet=sheet))
    return raw, propose(raw, kind, overrides)


def require_rows(raw: RawTable) -> RawTable:
    """Return `raw`, or raise InputError when it has no data rows: bad input for every use."""
    if len(raw.frame) == 0:
        raise InputError(raw.file, None, None, NO_DATA_ROWS)
    return raw


def stitch(raw: RawTable, id_columns: Sequence[str]) -> tuple[RawTable, StitchReport | None]:
    """Add one stitched customer id per person in STITCHED_COLUMN when id columns are given."""
    if not id_columns:
        return raw, None
    return stitch_table(raw, id_columns, column=STITCHED_COLUMN)


def propose(
    raw: RawTable,
    kind: str = "events",
    overrides: Mapping[str, str] | None = None,
    *,
    stitched: bool = False,
) -> dict[str, str]:
    """Propose canonical -> source for a table; a stitched id wins, then user overrides."""
    mapping = propose_mapping([str(c) for c in raw.frame.columns], kind)
    if stitched:
        mapping[CUSTOMER_ID] = STITCHED_COLUMN
    return apply_overrides(mapping, overrides)


def validate_table(
    raw: RawTable,
    mapping: Mapping[str, str],
    kind: str,
    settings: DatasetSettings,
    progress: ProgressFn | None = None,
) -> ValidationResult:
    """Check the mapping, then apply the rules of `kind` ('events' or 'transcripts')."""
    check_mapping(mapping, list(raw.frame.columns), kind, raw.file)
    if kind == "events":
        return validate_events(raw, mapping, settings, progress)
    return validate_transcripts(raw, mapping, settings, progress)


def load_file(
    path: str | Path,
    kind: str = "events",
    overrides: Mapping[str, str] | None = None,
    settings: DatasetSettings | None = None,
    progress: ProgressFn | None = None,
    id_columns: Sequence[str] = (),
    sheet: str | None = None,
) -> tuple[ValidationResult, dict[str, str]]:
    """Read a file (`sheet` of a workbook), stitch ids, map (canonical -> source), validate.

    Raises:
        InputError: The file cannot be read, has no data rows, or its mapping cannot work.
    """
    if progress:
        progress(0.0, "reading")
    raw = require_rows(read_table(Path(path), sheet=sheet))
    if progress:
        progress(0.3, "mapping columns")
    raw, report = stitch(raw, id_columns)
    mapping = propose(raw, kind, overrides, stitched=report is not None)
    result = validate_table(raw, mapping, kind, settings or DatasetSettings(), _scaled(progress))
    return result, mapping


def _scaled(progress: ProgressFn | None) -> ProgressFn | None:
    if progress is None:
        return None

    def inner(fraction: float, message: str) -> None:
        progress(0.3 + 0.7 * fraction, message)

    return inner


__all__ = [
    "NO_DATA_ROWS",
    "STITCHED_COLUMN",
    "fingerprint",
    "load_file",
    "propose",
    "read_mapped",
    "require_rows",
    "stitch",
    "validate_table",
]
