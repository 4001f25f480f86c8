"""Kept results: what a page computes on a dataset's whole view, written once as files.

At 10 million events a page's aggregations take seconds each. On a dataset's whole view (a
`file_` view: its prepared events, named by data and settings) a page's result depends only
on that name and the page's settings, so it is computed once, written to a folder of the
app's cache and read back by every later session, restart, report and setting change that
asks for it again. `python -m journey load` fills in the pages' opening settings
(`journey.present.opening`), so a dataset's first visit reads ready results. A filtered
scope computes every time (its results would fill the folder with every filter tried).

A result is frames (Parquet files) inside a tree of JSON: dicts with text keys, lists,
tuples, numbers, text, dates and the dataclasses named in `KEPT_TYPES`. Nothing is pickled:
reading a folder never runs code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import logging
import math
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from journey.errors import WorkspaceError
from journey.query.engine import files

RESULTS_FORMAT: Final = 2  # bump when a kept result's meaning or computation changes
META: Final = "result.json"
# the dataclasses a kept result may hold ("module:Name"): decoding builds only these
KEPT_TYPES: Final = frozenset(
    {
        "journey.attribution.markov:MarkovResult",
        "journey.present.content:SentimentInput",
        "journey.query.engine.funnels:FunnelPage",
        "journey.query.flows:FoldResult",
        "journey.query.scope:CohortComparison",
        "journey.query.scope:CohortFigures",
    }
)

T = TypeVar("T")
log = logging.getLogger(__name__)


def result_folder(view: str, what: str, args: tuple[object, ...]) -> Path:
    """Where the result `what(view, *args)` is kept (the digest names format, view and args)."""
    return files.cache_dir() / f"result-{files.digest(repr((RESULTS_FORMAT, what, view, args)))}"


def kept(view: str, what: str, args: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept for a whole dataset view: read when kept, else computed and written.

    `what` names the computation and `args` every setting it depends on (their `repr` is the
    key). A filtered scope's view is computed each time.
    """
    if not files.is_file_view(view):
        return compute()
    folder = result_folder(view, what, args)
    if folder.is_dir():
        try:
            return read_result(folder)  # type: ignore[return-value]
        except (OSError, ValueError, KeyError, TypeError) as err:
            # a damaged folder (a disk error, an older reader): computed and written anew
            log.warning("kept result %s unreadable (%s); computing it again", folder, err)
            shutil.rmtree(folder, ignore_errors=True)
    value = compute()
    write_result(folder, value)
    return value


def is_kept(view: str, what: str, args: tuple[object, ...]) -> bool:
    """Whether the result `what(view, *args)` is kept."""
    return files.is_file_view(view) and (result_folder(view, what, args) / META).is_file()


# -- writing --------------------------------------------------------------------------------


def write_result(folder: Path, value: object) -> Path:
    """Write `value` into `folder` atomically (a partial folder renamed into place)."""
    partial = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.partial")
    frames: list[pd.DataFrame] = []
    tree = _encode(value, frames)
    try:
        partial.mkdir(parents=True)
        metas = [_write_frame(frame, partial / f"f{i}.parquet") for i, frame in enumerate(frames)]
        body = {"format": RESULTS_FORMAT, "value": tree, "frames": metas}
        (partial / META).write_text(json.dumps(body), encoding="utf-8")
        try:
            partial.rename(folder)
        except OSError:
            if not (folder / META).is_file():  # not another process that kept it first
                raise
            shutil.rmtree(partial, ignore_errors=True)
    except OSError as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise WorkspaceError(f"cannot write the app's kept result {folder}: {err}") from err
    return folder


def _write_frame(frame: pd.DataFrame, path: Path) -> dict[str, object]:
    """Write a frame's values under positional column names; return its names and attrs."""
    renamed = frame.set_axis([f"c{i}" for i in range(frame.shape[1])], axis=1)
    renamed.attrs = {}
    renamed.to_parquet(path)
    return {
        "columns": [_encode(c, []) for c in frame.columns],
        "columns_name": _encode(frame.columns.name, []),
        "attrs": _encode(dict(frame.attrs), []),
        # Parquet keeps instants in ms at the finest unit it has for seconds: the unit is restored
        "times": {str(i): str(t) for i, t in enumerate(frame.dtypes) if t.kind in "mM"},
    }


def _encode(value: object, frames: list[pd.DataFrame]) -> object:
    """`value` as JSON, its frames appended to `frames` and referred to by position."""
    if isinstance(value, pd.DataFrame):
        frames.append(value)
        return {"frame": len(frames) - 1}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else {"float": repr(number)}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, frames) for v in value]}
    if isinstance(value, list):
        return [_encode(v, frames) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"a kept dict needs text keys, not {list(value)[:3]!r}")
        return {"dict": {k: _encode(v, frames) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = f"{type(value).__module__}:{type(value).__qualname__}"
        if name not in KEPT_TYPES:
            raise TypeError(f"{name} is not a type a kept result may hold (KEPT_TYPES)")
        fields = {
            f.name: _encode(getattr(value, f.name), frames) for f in dataclasses.fields(value)
        }
        return {"dataclass": name, "fields": fields}
    raise TypeError(f"a kept result cannot hold {type(value).__name__}")


# -- reading --------------------------------------------------------------------------------


def read_result(folder: Path) -> object:
    """The value kept in `folder` (`write_result`)."""
    body = json.loads((folder / META).read_text(encoding="utf-8"))
    if body.get("format") != RESULTS_FORMAT:
        raise ValueError(f"kept in format {body.get('format')}, this reader reads {RESULTS_FORMAT}")
    frames = [_read_frame(folder / f"f{i}.parquet", meta) for i, meta in enumerate(body["frames"])]
    return _decode(body["value"], frames)


def _read_frame(path: Path, meta: dict[str, object]) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for i, dtype in meta["times"].items():  # type: ignore[union-attr]
        if str(frame.dtypes.iloc[int(i)]) != dtype:
            frame[f"c{i}"] = frame[f"c{i}"].astype(dtype)
    columns = [_decode(c, []) for c in meta["columns"]]  # type: ignore[union-attr]
    frame = frame.set_axis(pd.Index(columns) if columns else pd.RangeIndex(0), axis=1)
    frame.columns.name = _decode(meta["columns_name"], [])  # type: ignore[assignment]
    frame.attrs = _decode(meta["attrs"], [])  # type: ignore[assignment]
    return frame


def _decode(tree: object, frames: list[pd.DataFrame]) -> object:
    """The value `_encode` wrote as `tree`."""
    if isinstance(tree, list):
        return [_decode(v, frames) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "dataclass" in tree:  # {"dataclass": "module:Name", "fields": {...}}
        name = tree["dataclass"]
        if name not in KEPT_TYPES:
            raise TypeError(f"{name} is not a type a kept result may hold (KEPT_TYPES)")
        module, _, qualname = name.partition(":")
        cls = getattr(importlib.import_module(module), qualname)
        return cls(**{k: _decode(v, frames) for k, v in tree["fields"].items()})
    ((kind, body),) = tree.items()  # every other tagged value is {tag: body}
    if kind == "frame":
        return frames[body]
    if kind == "float":
        return float(body)
    if kind == "timestamp":
        return pd.Timestamp(body)
    if kind == "datetime":
        return dt.datetime.fromisoformat(body)
    if kind == "date":
        return dt.date.fromisoformat(body)
    if kind == "tuple":
        return tuple(_decode(v, frames) for v in body)
    if kind == "dict":
        return {k: _decode(v, frames) for k, v in body.items()}
    raise ValueError(f"unknown kept value {kind!r}")
