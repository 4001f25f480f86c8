"""What the commands share: input options, loading with a summary, progress, safe CSV output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

from journey import schema
from journey.errors import InputError, JourneyError, SettingsError
from journey.io import load, stream
from journey.io.export import to_csv_bytes
from journey.schema import ConversionRule, DatasetSettings, ValidationResult


class StderrProgress:
    """A text progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def __call__(self, fraction: float, message: str = "") -> None:
        """Redraw the bar at `fraction` (0..1) with a short message."""
        if not self.enabled:
            return
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self._last and fraction < 1:
            return
        self._last = percent
        bar = "#" * (percent // 4)
        end = "\n" if fraction >= 1 else ""
        sys.stderr.write(f"\r{self.label} [{bar:<25}] {percent:3d}% {message[:40]:<40}{end}")
        sys.stderr.flush()


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the options every input-reading command shares: --map, --tz, --strict, --sheet."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="SOURCE=CANONICAL",
        help="map a source column to a canonical one (repeatable), e.g. --map klient=customer_id",
    )
    parser.add_argument("--tz", default="UTC", help="time zone of naive timestamps (default UTC)")
    parser.add_argument("--strict", action="store_true", help="any rejected row is an error")
    parser.add_argument(
        "--sheet", metavar="NAME", help="the Excel sheet to read (default: the first sheet)"
    )


def add_onboarding_option(parser: argparse.ArgumentParser) -> None:
    """Add --onboarding-days, the window after a first conversion that counts as onboarding."""
    parser.add_argument(
        "--onboarding-days",
        type=int,
        default=schema.DEFAULT_ONBOARDING_DAYS,
        help="days after the first conversion that count as onboarding (default 30)",
    )


def phase_settings(args: argparse.Namespace) -> DatasetSettings:
    """Dataset settings from --tz and --onboarding-days."""
    return DatasetSettings(timezone=args.tz, onboarding_days=args.onboarding_days)


def parse_map(items: list[str]) -> dict[str, str]:
    """Turn `--map source=canonical` options into a canonical -> source mapping."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, canonical = item.partition("=")
        if not sep or not source.strip() or not canonical.strip():
            raise SettingsError(f"--map {item!r}: expected SOURCE=CANONICAL")
        mapping[canonical.strip()] = source.strip()
    return mapping


def comma_list(text: str) -> list[str]:
    """Split a comma-separated option into its non-empty, stripped parts."""
    return [part.strip() for part in text.split(",") if part.strip()]


def load_input(
    path: str,
    kind: str,
    args: argparse.Namespace,
    settings: DatasetSettings | None = None,
    need_rows: bool = True,
) -> tuple[ValidationResult, dict[str, str]]:
    """Read and validate one input file in pandas, print the validation summary on stderr.

    Returns the validation result and the mapping used (canonical -> source column). With
    `need_rows` (every analysis), a file whose every row was rejected is bad input.
    """
    settings = settings or DatasetSettings(timezone=args.tz)
    result, mapping = load.load_file(
        Path(path),
        kind=kind,
        overrides=parse_map(args.map),
        settings=settings,
        progress=StderrProgress(f"reading {Path(path).name}"),
        sheet=args.sheet,
    )
    check_input(result, result.rejects, path, args, settings, need_rows)
    return result, mapping


def stream_input(
    path: str,
    kind: str,
    args: argparse.Namespace,
    settings: DatasetSettings | None = None,
    need_rows: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
) -> stream.StreamResult:
    """`load_input` through DuckDB's reader: the accepted rows stay a relation, not a frame.

    The caller closes the result (its DuckDB connection; `con` when given). Files DuckDB
    cannot read exactly go through the pandas path inside `journey.io.stream`, with the
    same results.
    """
    settings = settings or DatasetSettings(timezone=args.tz)
    result = stream.validate_file(
        Path(path),
        kind,
        parse_map(args.map),
        settings,
        StderrProgress(f"reading {Path(path).name}"),
        sheet=args.sheet,
        con=con,
    )
    try:
        first = result.rejects_frame(limit=1) if result.rows_rejected else None
        check_input(result, first, path, args, settings, need_rows)
    except BaseException:
        result.close()
        raise
    return result


def check_input(
    result: ValidationResult | stream.StreamResult,
    rejects: pd.DataFrame | None,
    path: str,
    args: argparse.Namespace,
    settings: DatasetSettings,
    need_rows: bool,
) -> None:
    """Print the summary (and what marks conversions); --strict or no row left is bad input."""
    print(result.summary(), file=sys.stderr)
    note = conversion_note(result, settings)
    if note:
        print(note, file=sys.stderr)
    if args.strict and result.rows_rejected and rejects is not None:
        raise strict_error(path, result.rows_rejected, rejects)
    if need_rows and result.rows_accepted == 0 and rejects is not None:
        raise nothing_accepted(result, rejects)


def conversion_note(
    result: ValidationResult | stream.StreamResult, settings: DatasetSettings
) -> str:
    """Say what marks conversions when it is not a conversion column or event type."""
    types = ", ".join(settings.conversion_events)
    if result.conversion_rule is ConversionRule.REVENUE:
        return (
            f"{result.file}: no conversion column and no event of type {types}, so rows with "
            "revenue > 0 count as conversions"
        )
    if result.conversion_rule is ConversionRule.NONE:
        return (
            f"{result.file}: no conversions: no conversion column, no event of type {types} "
            "and no revenue column"
        )
    return ""


def _first_reject(rejects: pd.DataFrame) -> str:
    first = rejects.iloc[0]
    column = f", column '{first['column']}'" if first["column"] else ""
    return f"row {first['row']}{column}: {first['reason']}"


def strict_error(path: str, n_rejected: int, rejects: pd.DataFrame) -> JourneyError:
    """The --strict error: how many rows were rejected, and the first reject."""
    return JourneyError(
        f"{path}: {n_rejected} rejected rows (--strict); first: {_first_reject(rejects)}"
    )


def nothing_accepted(
    result: ValidationResult | stream.StreamResult, rejects: pd.DataFrame
) -> InputError:
    """The error for a file whose every row was rejected: nothing is left to analyse."""
    return InputError(
        result.file or "input",
        None,
        None,
        f"every row was rejected ({result.rows_rejected} of {result.rows_read}), nothing to "
        f"analyse; first: {_first_reject(rejects)}",
    )


def load_events(
    args: argparse.Namespace, path: str | None = None, settings: DatasetSettings | None = None
) -> pd.DataFrame:
    """Return the accepted events of `args.events` (or `path`); none accepted is bad input."""
    result, _mapping = load_input(path or args.events, "events", args, settings)
    return result.accepted


def out_dir(out: str) -> Path:
    """The --out folder of a command writing several files (created when written)."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise SettingsError(f"--out {out}: exists and is not a folder")
    return folder


def write_csv(frame: pd.DataFrame, out: str | Path) -> None:
    """Write a result as UTF-8 CSV (header, no index), formulas neutralised, folders created."""
    target = Path(out)
    if target.is_dir():
        raise SettingsError(f"--out {out}: is a folder, not a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_csv_bytes(frame))
