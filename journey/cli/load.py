"""`load EVENTS [--transcripts T] --name NAME`: validate files and store them as a dataset.

The dataset goes into the workspace `JOURNEY_WORKSPACE` names (default
~/.journey-atlas/workspace.duckdb), saved as the app's Data page saves an upload: the accepted
rows, the settings, the column mapping and the validation summaries. `JOURNEY_DATASET=NAME`
then makes a fresh app session open on it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from journey.cli.common import (
    StderrProgress,
    add_input_options,
    add_onboarding_option,
    phase_settings,
    stream_input,
)
from journey.errors import SettingsError
from journey.io import load, tables
from journey.io.serialise import settings_to_json
from journey.io.store import Workspace, default_workspace_path
from journey.schema import DatasetSettings, ValidationResult

_CHUNK = 1 << 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add load's arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--transcripts", help="transcripts file stored with the events")
    parser.add_argument("--name", required=True, help="the dataset's name in the workspace")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace a stored dataset of the same name"
    )
    parser.add_argument(
        "--transcripts-map",
        action="append",
        default=[],
        metavar="SOURCE=CANONICAL",
        help="map a transcripts column to a canonical one (repeatable); --map is for events",
    )
    parser.add_argument(
        "--no-sentiment",
        action="store_true",
        help="store transcripts unscored (the app then scores them when first shown)",
    )
    add_onboarding_option(parser)
    add_input_options(parser)


def _file_digest(paths: list[str]) -> bytes:
    """SHA-256 of the files' bytes, read in chunks (a 1e7-row file is never held whole)."""
    digest = hashlib.sha256()
    for path in paths:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\x00")  # events + transcripts differ from one file holding both
    return digest.digest()


def _check_name(path: Path, args: argparse.Namespace) -> None:
    """Refuse a taken name before the (long) validation, unless --overwrite."""
    if args.overwrite or not path.exists():  # no workspace yet: created when saving
        return
    workspace = Workspace(path)
    if workspace.exists(args.name):
        raise SettingsError(
            f"--name {args.name}: a dataset of that name is already in the workspace "
            f"{workspace.path}; add --overwrite to replace it, or choose another name"
        )


def _load_transcripts(
    args: argparse.Namespace, settings: DatasetSettings
) -> tuple[ValidationResult, dict[str, str]]:
    """Validate the transcripts file with its own --transcripts-map options.

    Through DuckDB's reader, as the events: the accepted rows come to pandas once, from Arrow
    (sentiment scoring reads their texts), never through pandas' own reader and validator.
    """
    transcript_args = argparse.Namespace(**{**vars(args), "map": args.transcripts_map})
    with stream_input(args.transcripts, "transcripts", transcript_args, settings) as validated:
        return validated.validation_result(), dict(validated.mapping)


def _store_scores(workspace: Workspace, name: str, transcripts: pd.DataFrame) -> None:
    """Score the transcripts once, now, and store the scores beside them (default scorer)."""
    from journey.sentiment import stored  # the sentiment stack only for transcripts

    frame = stored.score_for_store(transcripts, progress=StderrProgress("scoring sentiment"))
    workspace.save_scores(name, stored.DEFAULT, frame)
    message = f"sentiment: scored {len(transcripts)} transcript rows and stored the scores"
    print(message, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Validate the events (and transcripts), store them, print the validation summary."""
    path = default_workspace_path()
    _check_name(path, args)
    settings = phase_settings(args)
    # the events stream from DuckDB's reader into the workspace: no pandas copy of them
    with stream_input(args.events, "events", args, settings) as events:
        mapping = {"events": dict(events.mapping)}
        meta: dict[str, object] = {"events": events.summary()}
        transcripts = None
        if args.transcripts:
            transcripts, transcripts_map = _load_transcripts(args, settings)
            mapping["transcripts"] = transcripts_map
            meta["transcripts"] = transcripts.summary()
        files = [args.events, *([args.transcripts] if args.transcripts else [])]
        key = load.fingerprint(_file_digest(files), mapping, settings_to_json(settings))
        workspace = Workspace(path)
        manifest = events.manifest()  # before the batches: one open result per connection
        info = workspace.save_stream(
            args.name,
            tables.FrameStream(events.batches(), manifest),
            transcripts.accepted if transcripts is not None else None,
            settings,
            mapping,
            key=key,
            meta=meta,
            overwrite=args.overwrite,
        )
        print(events.summary())
    if transcripts is not None:
        print(transcripts.summary())
        if not args.no_sentiment:
            _store_scores(workspace, info.name, transcripts.accepted)
    # the app opens a dataset from Parquet files beside the workspace: make them now, so
    # its first open (JOURNEY_DATASET=NAME) reads ready files instead of preparing them
    from journey.query.engine import files as app_files

    app_files.warm(workspace, info.name, progress=StderrProgress("preparing the app's files"))
    print(
        f"stored '{info.name}' in {workspace.path}: {info.n_events} events, "
        f"{info.n_customers} customers, {info.n_transcripts} transcript rows",
        file=sys.stderr,
    )
    return 0
