"""Column mapping: which source column holds which canonical column of the contract.

`propose_mapping` guesses from the synonyms in `journey.schema`, `apply_overrides` merges the
user's choices, `check_mapping` says what is missing; `snake_case` names the other columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from difflib import get_close_matches

from journey.errors import MappingError, unknown_column
from journey.schema import CUSTOMER_ID, specs_for


def _normalise_name(name: str) -> str:
    """Fold case, accents, spaces, '-' and '_' so 'Klient ID' and 'klient_id' compare equal."""
    folded = unicodedata.normalize("NFKD", str(name).strip().lower().replace("ł", "l"))
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def propose_mapping(columns: Sequence[str], kind: str = "events") -> dict[str, str]:
    """Propose canonical -> source column from the schema's synonyms.

    Names compare without case, accents, spaces, '-' and '_'. A column named like a canonical
    column is taken first; then each canonical column, in contract order, takes the column
    matching its earliest synonym. Each source column is used at most once. Linear in the
    number of columns (one index of normalised names).
    """
    specs = specs_for(kind)
    by_name: dict[str, list[str]] = {}  # normalised name -> columns, in file order
    for column in columns:
        by_name.setdefault(_normalise_name(column), []).append(column)
    present = set(columns)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for spec in specs:
        exact = spec.name if spec.name in present else None
        match = exact or next(iter(by_name.get(_normalise_name(spec.name), [])), None)
        if match is not None:
            mapping[spec.name] = match
            taken.add(match)
    for spec in specs:
        if spec.name in mapping:
            continue
        for synonym in (_normalise_name(s) for s in spec.synonyms):
            match = next((c for c in by_name.get(synonym, []) if c not in taken), None)
            if match is not None:
                mapping[spec.name] = match
                taken.add(match)
                break
    order = [spec.name for spec in specs]
    return {name: mapping[name] for name in order if name in mapping}


def apply_overrides(
    proposed: Mapping[str, str], overrides: Mapping[str, str] | None
) -> dict[str, str]:
    """Merge user overrides (canonical -> source; '' unmaps) into a proposed mapping.

    A source column the user assigns elsewhere leaves the canonical column it was proposed for.
    """
    mapping = dict(proposed)
    if not overrides:
        return mapping
    moved = {source for source in overrides.values() if source}
    for target in list(mapping):
        if target not in overrides and mapping[target] in moved:
            del mapping[target]
    for target, source in overrides.items():
        if source:
            mapping[target] = source
        else:
            mapping.pop(target, None)
    return mapping


def check_mapping(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    kind: str,
    file: str,
    *,
    stitched: bool = False,
) -> None:
    """Raise MappingError unless every required column is mapped to a column of the file.

    Args:
        mapping: canonical -> source column.
        columns: The file's columns.
        kind: "events" or "transcripts".
        file: Display name for messages.
        stitched: customer_id will come from identity stitching, so it may stay unmapped.
    """
    specs = specs_for(kind)
    canonical = [spec.name for spec in specs]
    columns = list(columns)
    for target, source in mapping.items():
        if target not in canonical:
            close = get_close_matches(target, canonical, n=1, cutoff=0.8)
            if close and close[0] not in mapping:
                raise MappingError(
                    file,
                    None,
                    source,
                    f"'{target}' is not a column of the data contract. Did you mean '{close[0]}'?",
                )
        if source not in columns:
            raise unknown_column(file, source, columns)
    for spec in specs:
        if not spec.required or spec.name in mapping:
            continue
        if spec.name == CUSTOMER_ID and stitched:
            continue
        listed = ", ".join(f"'{c}'" for c in columns[:20]) or "none"
        raise MappingError(
            file,
            None,
            spec.name,
            f"required column is not mapped: choose which column of the file holds it "
            f"(columns: {listed})",
        )


def snake_case(name: str) -> str:
    """Turn a source column name into a snake_case attribute name ('Customer Segment' -> ...)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name).strip())
    snake = re.sub(r"\W+", "_", spaced.lower()).strip("_")
    if not snake:
        return "column"
    return f"c_{snake}" if snake[0].isdigit() else snake


__all__ = ["apply_overrides", "check_mapping", "propose_mapping", "snake_case"]
