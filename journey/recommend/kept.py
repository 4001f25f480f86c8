"""The Next best action page's results at its opening settings, kept as files per dataset.

Training, deciding for every customer and judging the model on a time split takes minutes at
10 million events. For a dataset's whole view (no filters) at the page's opening settings,
the results are computed once, written to a folder of the app's cache, and read by every later
session, restart and report: `python -m journey load` writes them when it saves a dataset
(`journey.query.engine.files.warm`), the page on its first visit otherwise. The folder's name
digests everything the results depend on (the view, which names the data and its settings;
the contacts relation; the recommender; the cut-off), so new data or settings never read old
results.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path
from typing import Final

import pandas as pd

from journey.errors import SettingsError
from journey.query.engine.features import time_span
from journey.query.engine.filters import values_of
from journey.query.engine.runner import Runner
from journey.recommend import pipeline
from journey.recommend.model import Evaluation
from journey.schema import EVENT_TYPE, TOUCHPOINT, DatasetSettings

KEPT_FORMAT: Final = 1  # bump when what is kept, or how it is computed, changes
_FRAMES: Final = ("decisions", "matrix", "calibration", "importance")


@dataclass(frozen=True)
class KeptRun:
    """What the page shows at its opening settings: decisions, value x propensity, quality."""

    decisions: pd.DataFrame
    matrix: pd.DataFrame
    evaluation: Evaluation


def opening_settings(
    runner: Runner, events: str, settings: DatasetSettings
) -> tuple[pipeline.Recommender, pd.Timestamp] | None:
    """The page's recommender and cut-off as it opens (None: no events).

    The recommender proposes cart and onboarding touchpoints from the data's names
    (`pipeline.recommender_for`); the cut-off is the day after the last event's day.
    """
    first, last = time_span(runner, events)
    if first is None or last is None:
        return None
    rec = pipeline.recommender_for(
        settings, values_of(runner, events, TOUCHPOINT), values_of(runner, events, EVENT_TYPE)
    )
    return rec, pd.Timestamp(last.date() + timedelta(days=1))


def run_key(
    events: str, contacts: str | None, rec: pipeline.Recommender, cutoff: pd.Timestamp
) -> str:
    """The digest naming one run's folder: format, view, contacts, recommender, cut-off."""
    text = repr((KEPT_FORMAT, events, contacts, rec, pd.Timestamp(cutoff).isoformat()))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def compute(
    runner: Runner,
    events: str,
    rec: pipeline.Recommender,
    cutoff: pd.Timestamp,
    contacts: str | None = None,
) -> KeptRun:
    """Train at `cutoff`, decide for every customer, and judge the model on a time split."""
    cutoff = pd.Timestamp(cutoff)
    model = pipeline.fit_model(runner, events, cutoff, rec, contacts)
    nba = pipeline.recommend(runner, events, cutoff, rec, contacts, model)
    matrix = pipeline.value_propensity(nba.features, nba.probability)
    evaluation = pipeline.evaluate(runner, events, rec, contacts)
    return KeptRun(nba.decisions, matrix, evaluation)


def write_run(run: KeptRun, folder: Path) -> Path:
    """Write a run to `folder` (Parquet frames and a JSON of the figures), atomically."""
    partial = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}.partial")
    partial.mkdir(parents=True)
    try:
        frames = {
            "decisions": run.decisions,
            "matrix": run.matrix,
            "calibration": run.evaluation.calibration,
            "importance": run.evaluation.importance,
        }
        for name, frame in frames.items():
            frame.to_parquet(partial / f"{name}.parquet", index=False)
        figures = {
            f.name: getattr(run.evaluation, f.name)
            for f in fields(Evaluation)
            if f.name not in _FRAMES
        }
        (partial / "evaluation.json").write_text(json.dumps(figures), encoding="utf-8")
        if folder.exists():  # another process kept the same run first: theirs stands
            shutil.rmtree(partial)
        else:
            partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def is_kept(folder: Path) -> bool:
    """Whether `folder` holds a whole run (`write_run` renames a folder only when complete)."""
    names = [folder / f"{name}.parquet" for name in _FRAMES] + [folder / "evaluation.json"]
    return all(p.exists() for p in names)


def read_run(folder: Path) -> KeptRun | None:
    """A run written by `write_run`, or None when the folder is missing or incomplete."""
    if not is_kept(folder):
        return None
    try:
        frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in _FRAMES}
        figures = json.loads((folder / "evaluation.json").read_text(encoding="utf-8"))
        evaluation = Evaluation(
            **figures, calibration=frames["calibration"], importance=frames["importance"]
        )
    except (OSError, ValueError, TypeError) as err:
        raise SettingsError(
            f"the kept next-best-action results in {folder} cannot be read ({err});"
            " delete that folder and they are computed again"
        ) from err
    return KeptRun(frames["decisions"], frames["matrix"], evaluation)


def kept_run(
    runner: Runner,
    events: str,
    rec: pipeline.Recommender,
    cutoff: pd.Timestamp,
    contacts: str | None,
    folder: Path,
) -> KeptRun:
    """The run kept in `folder`, computed and written first when it is not there yet."""
    found = read_run(folder)
    if found is not None:
        return found
    run = compute(runner, events, rec, cutoff, contacts)
    write_run(run, folder)
    return run
