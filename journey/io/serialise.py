"""JSON of what the workspace keeps beside the frames: settings, column mappings, meta.

Settings round-trip exactly (tuples, nested rules); damaged JSON is a WorkspaceError that
names what it was, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import numpy as np

from journey.errors import WorkspaceError
from journey.schema import DatasetSettings


def settings_to_json(settings: DatasetSettings) -> str:
    """Serialise DatasetSettings to JSON (tuples become lists, rules become objects)."""
    if not isinstance(settings, DatasetSettings):
        raise TypeError(f"settings must be DatasetSettings, not {type(settings).__name__}")
    return json.dumps(dataclasses.asdict(settings), ensure_ascii=False, sort_keys=True)


def settings_from_json(text: str) -> DatasetSettings:
    """Rebuild DatasetSettings from `settings_to_json` output; unknown keys are ignored."""
    data = json_object(text, "dataset settings")
    return _from_json_value(DatasetSettings, data, "settings")


def _from_json_value(tp: Any, value: Any, where: str) -> Any:
    """Convert a JSON value to type `tp` (dataclass, tuple[X, ...], dict, union, scalar)."""
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: expected an object, got {value!r}")
        hints = get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        kwargs = {
            k: _from_json_value(hints[k], v, f"{where}.{k}") for k, v in value.items() if k in known
        }
        return tp(**kwargs)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Union or origin is types.UnionType:
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return _from_json_value(options[0], value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise WorkspaceError(f"{where}: expected a list, got {value!r}")
        return tuple(
            _from_json_value(args[0], item, f"{where}[{i}]") for i, item in enumerate(value)
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise WorkspaceError(f"{where}: expected an object, got {value!r}")
        return {k: _from_json_value(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int in Python: check it explicitly so that 1 is not read as True.
    if isinstance(tp, type) and (
        not isinstance(value, tp) or (tp is int and isinstance(value, bool))
    ):
        raise WorkspaceError(f"{where}: expected {tp.__name__}, got {value!r}")
    return value


def json_object(text: str, what: str) -> dict[str, Any]:
    """Parse text that must hold a JSON object; `what` names it in the error."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as err:
        raise WorkspaceError(f"{what}: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise WorkspaceError(f"{what}: expected a JSON object")
    return data


def mapping_to_json(mapping: Mapping[str, Mapping[str, str]], name: str) -> str:
    """Serialise {kind: {source: canonical}} of dataset `name`, checking it is all text."""
    plain: dict[str, dict[str, str]] = {}
    for kind, columns in mapping.items():
        if not isinstance(kind, str) or not isinstance(columns, Mapping):
            msg = f"dataset '{name}': the mapping must be {{kind: {{source: canonical}}}}"
            raise WorkspaceError(msg)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
            raise WorkspaceError(f"dataset '{name}': the {kind} mapping must map text to text")
        plain[kind] = dict(columns)
    return json.dumps(plain, ensure_ascii=False)


def mapping_from_json(text: str, name: str) -> dict[str, dict[str, str]]:
    """Rebuild the column mapping of dataset `name` from `mapping_to_json` output."""
    data = json_object(text, f"column mapping of dataset '{name}'")
    return {kind: dict(columns) for kind, columns in data.items()}


def meta_to_json(meta: Mapping[str, object], name: str) -> str:
    """Serialise a dataset's meta; numpy scalars, dates, sets and paths become plain JSON."""

    def default(value: object) -> object:
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, datetime | date):  # pd.Timestamp is a datetime
            return value.isoformat()
        if isinstance(value, set | frozenset):
            return sorted(value, key=str)
        if isinstance(value, Path):
            return str(value)
        msg = f"dataset '{name}': meta value of type {type(value).__name__} cannot be stored"
        raise WorkspaceError(msg)

    if not all(isinstance(k, str) for k in meta):
        raise WorkspaceError(f"dataset '{name}': meta keys must be text")
    return json.dumps(dict(meta), ensure_ascii=False, default=default)


__all__ = [
    "json_object",
    "mapping_from_json",
    "mapping_to_json",
    "meta_to_json",
    "settings_from_json",
    "settings_to_json",
]
