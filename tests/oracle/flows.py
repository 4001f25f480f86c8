"""Flows between nodes in pandas: the oracle of `journey.query.engine.flows` and `maps`.

Transitions, folding, step flows, top paths and phase flows.

Folding keeps the top K nodes by volume (events at that level after collapsing repeats,
ties by name) and renames the rest "Other" *after* the path is built: folding never moves
a position, so every figure keeps its total (a folded A -> B can show as Other -> Other).
Paths and their semantics: `tests.oracle.paths`.

Generated nodes (Start, Converted, No conversion, Other) get codes of their own, appended
after the data nodes; data values with those names carry their level in their label
("Converted (touchpoint)", `journey.query.nodes`), so no output merges the two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.errors import SettingsError
from journey.query.flows import FoldResult
from journey.schema import (
    CHANNEL,
    CONVERTED,
    NO_CONVERSION,
    OTHER,
    PATH_SEPARATOR,
    PHASE,
    START,
    Phase,
)
from tests.oracle.paths import (
    NodePath,
    build_path,
    empty_frame,
    encode_level,
    path_order,
    require_columns,
)

_PHASE_NAMES = [p.value for p in Phase]
_DAY = np.timedelta64(1, "D")


# -- counting pairs ------------------------------------------------------------------------


def _count_pairs(
    source: np.ndarray, target: np.ndarray, customer: np.ndarray, names: np.ndarray
) -> pd.DataFrame:
    """Count (source, target) code pairs: count and distinct customers, sorted by the contract."""
    width = len(names)
    key = source.astype(np.int64) * width + target
    codes, uniques = pd.factorize(key)
    n_pairs = len(uniques)
    count = np.bincount(codes, minlength=n_pairs)
    pair_customer = pd.unique(customer.astype(np.int64) * max(n_pairs, 1) + codes)
    customers = np.bincount(pair_customer % max(n_pairs, 1), minlength=n_pairs)
    frame = pd.DataFrame(
        {
            "source": pd.array(names[uniques // width], dtype="str"),
            "target": pd.array(names[uniques % width], dtype="str"),
            "count": count.astype(np.int64),
            "customers": customers.astype(np.int64),
        }
    )
    return frame.sort_values(
        ["count", "source", "target"], ascending=[False, True, True], ignore_index=True
    )


def _transition_arrays(path: NodePath) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    same = path.customer[1:] == path.customer[:-1]
    return path.node[:-1][same], path.node[1:][same], path.customer[:-1][same]


# -- folding -------------------------------------------------------------------------------


def _fold(
    names: np.ndarray, volume: np.ndarray, top_k: int
) -> tuple[np.ndarray, np.ndarray, FoldResult]:
    """Return (code map old -> new, new names, FoldResult); "Other" is the last new code."""
    if top_k < 0:
        raise SettingsError(f"top-K must be 0 (keep all) or more, got {top_k}")
    ranked = sorted(range(len(names)), key=lambda i: (-int(volume[i]), str(names[i])))  # nodes
    keep_codes = ranked if top_k == 0 else ranked[:top_k]
    keep_set = set(keep_codes)
    kept = [str(names[i]) for i in keep_codes]
    folded = [i for i in range(len(names)) if i not in keep_set]
    if not folded:
        result = FoldResult({str(n): str(n) for n in names}, 0, 0, kept)
        return np.arange(len(names)), names, result
    kept_sorted = sorted(keep_codes, key=lambda i: str(names[i]))
    # Other has a code of its own; a data value "Other" is labelled apart (query.nodes)
    new_names = [*(str(names[i]) for i in kept_sorted), OTHER]
    other = len(new_names) - 1
    code_map = np.full(len(names), other, dtype=np.int64)
    code_map[kept_sorted] = np.arange(len(kept_sorted))
    mapping = {str(names[i]): new_names[code_map[i]] for i in range(len(names))}
    result = FoldResult(mapping, len(folded), int(volume[folded].sum()), kept)
    return code_map, np.asarray(new_names, dtype=object), result


def fold_nodes(events: pd.DataFrame, level: str = CHANNEL, top_k: int = 0) -> FoldResult:
    """Keep the top K nodes by volume (collapsed events, ties by name), fold the rest to Other."""
    path = build_path(events, level, keep_repeats=False)
    return _fold(path.names, path.volume, top_k)[2]


# -- transitions ---------------------------------------------------------------------------


def count_transitions(
    events: pd.DataFrame,
    level: str = CHANNEL,
    keep_repeats: bool = False,
    end_nodes: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """Count direct A -> B transitions within each customer's path.

    Args:
        events: Events with customer_id, timestamp, row, `level` (and conversion for end nodes).
        level: Node column: channel, touchpoint or phase.
        keep_repeats: Keep consecutive repeats (A A B gives A->A and A->B).
        end_nodes: Add Start -> first node and last node -> Converted / No conversion rows
            (Converted when the customer has any conversion).
        top_k: Fold nodes beyond the top K by volume into Other (0 keeps all).

    Returns:
        Columns source, target, count, customers; by count descending, then source, target.
    """
    path = build_path(events, level, keep_repeats)
    code_map, names, _ = _fold(path.names, path.volume, top_k)
    source, target, customer = _transition_arrays(path)
    source, target = code_map[source], code_map[target]
    if end_nodes and len(path.customer):
        start_code, conv_code, none_code = len(names), len(names) + 1, len(names) + 2
        names = np.append(names, [START, CONVERTED, NO_CONVERSION]).astype(object)
        first, last = path.position == 1, path.last
        last_customer = path.customer[last]
        end = np.where(path.converted[last_customer], conv_code, none_code)
        source = np.concatenate(
            [source, np.full(first.sum(), start_code), code_map[path.node[last]]]
        )
        target = np.concatenate([target, code_map[path.node[first]], end])
        customer = np.concatenate([customer, path.customer[first], last_customer])
    return _count_pairs(source, target, customer, names)


# -- step flows ----------------------------------------------------------------------------


def _step_matrix(path: NodePath, steps: int, code_map: np.ndarray, n_names: int) -> np.ndarray:
    """Node code per customer (rows) and position 1..steps (columns), end nodes after the end."""
    n_customers = path.order.n_customers
    end = np.where(path.converted, n_names, n_names + 1)
    matrix = np.repeat(end[:, None], steps, axis=1)
    inside = path.position <= steps
    matrix[path.customer[inside], path.position[inside] - 1] = code_map[path.node[inside]]
    return matrix.reshape(n_customers, steps)


def step_flows_with_fold(
    events: pd.DataFrame,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> tuple[pd.DataFrame, FoldResult]:
    """Step flows (see `step_flows`) and how nodes were folded."""
    if steps < 2:
        raise SettingsError(f"step flows need at least 2 steps, got {steps}")
    path = build_path(events, level, keep_repeats)
    code_map, names, fold = _fold(path.names, path.volume, top_k)
    all_names = np.append(names, [CONVERTED, NO_CONVERSION]).astype(object)
    width = len(all_names)
    matrix = _step_matrix(path, steps, code_map, len(names))
    frames = []
    for step in range(1, steps):  # a loop over steps, vectorised over customers
        key = matrix[:, step - 1] * width + matrix[:, step]
        uniques, count = np.unique(key, return_counts=True)
        frames.append(
            pd.DataFrame(
                {
                    "step": np.full(len(uniques), step, dtype=np.int64),
                    "source": pd.array(all_names[uniques // width], dtype="str"),
                    "target": pd.array(all_names[uniques % width], dtype="str"),
                    "count": count.astype(np.int64),
                }
            )
        )
    flows = pd.concat(frames, ignore_index=True)
    flows = flows.sort_values(
        ["step", "count", "source", "target"],
        ascending=[True, False, True, True],
        ignore_index=True,
    )
    return flows, fold


def step_flows(
    events: pd.DataFrame,
    level: str = CHANNEL,
    steps: int = 5,
    keep_repeats: bool = False,
    top_k: int = 0,
) -> pd.DataFrame:
    """Flows from position k to k+1 for k = 1..steps-1, ended paths in their end node.

    A path ending at position k < steps flows into Converted (the customer has any conversion)
    or No conversion and stays there (end -> same end at later steps), so every step sums to
    the number of customers. Folded nodes are named Other.

    Returns:
        Columns step, source, target, count; by step, count descending, source, target.
    """
    return step_flows_with_fold(events, level, steps, keep_repeats, top_k)[0]


# -- top paths -----------------------------------------------------------------------------

_TOP_PATH_COLUMNS = {
    "path": "str",
    "length": "int64",
    "customers": "int64",
    "share": "float64",
    "conversion_rate": "float64",
    "median_duration_days": "float64",
}


def _path_ids(path: NodePath) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Give identical paths one id; returns id per customer and (first id, unique rows) by length.

    Customers are bucketed by path length; within a bucket the paths form a matrix whose
    identical rows `np.unique(axis=0)` finds, so the loop runs over distinct lengths only.
    """
    lengths = path.lengths
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    path_id = np.full(len(lengths), -1, dtype=np.int64)
    buckets: list[tuple[int, np.ndarray]] = []
    next_id = 0
    for length in np.unique(lengths[lengths > 0]):
        members = np.flatnonzero(lengths == length)
        cells = starts[members][:, None] + np.arange(length)[None, :]
        rows, inverse = np.unique(path.node[cells], axis=0, return_inverse=True)
        path_id[members] = next_id + inverse.reshape(-1)
        buckets.append((next_id, rows))
        next_id += len(rows)
    return path_id, buckets


def _path_strings(
    ids: np.ndarray, buckets: list[tuple[int, np.ndarray]], names: np.ndarray
) -> dict[int, str]:
    """Names of the given path ids, joined column by column (vectorised over paths)."""
    wanted = np.asarray(ids)
    out: dict[int, str] = {}
    for first_id, rows in buckets:
        local = wanted[(wanted >= first_id) & (wanted < first_id + len(rows))] - first_id
        if not len(local):
            continue
        text = names[rows[local, 0]].astype(object)
        for column in range(1, rows.shape[1]):
            text = text + PATH_SEPARATOR + names[rows[local, column]]
        out.update(zip((local + first_id).tolist(), text.tolist(), strict=True))
    return out


def _choose_paths(path: NodePath, n: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Path id per customer, and the top `n` paths (all for 0): id, path, customers."""
    path_id, buckets = _path_ids(path)
    counts = np.bincount(path_id)
    if 0 < n < len(counts):  # name only the paths that can make the cut
        threshold = np.sort(counts)[::-1][n - 1]
        candidates = np.flatnonzero(counts >= threshold)
    else:
        candidates = np.arange(len(counts))
    strings = _path_strings(candidates, buckets, path.names)
    chosen = pd.DataFrame(
        {
            "id": candidates,
            "path": [strings[i] for i in candidates.tolist()],
            "customers": counts[candidates],
        }
    ).sort_values(["customers", "path"], ascending=[False, True], ignore_index=True)
    return path_id, chosen.head(n) if n > 0 else chosen


def _describe_paths(
    events: pd.DataFrame, path: NodePath, path_id: np.ndarray, chosen: pd.DataFrame
) -> pd.DataFrame:
    """Length, share, conversion rate and median duration of the chosen paths."""
    order = path.order
    ts = order.timestamps(events)
    ends = np.r_[order.starts[1:], len(ts)] - 1
    duration = (ts[ends] - ts[order.starts]) / _DAY
    member = np.isin(path_id, chosen["id"].to_numpy())
    per_path = pd.DataFrame(
        {"id": path_id[member], "days": duration[member], "conv": path.converted[member]}
    ).groupby("id")
    ids = chosen["id"]
    length_of = pd.Series(path.lengths, index=path_id).groupby(level=0).first()
    return pd.DataFrame(
        {
            "path": pd.array(chosen["path"], dtype="str"),
            "length": length_of.reindex(ids).to_numpy(dtype=np.int64),
            "customers": chosen["customers"].to_numpy(dtype=np.int64),
            "share": chosen["customers"].to_numpy(dtype=np.float64) / order.n_customers,
            "conversion_rate": per_path["conv"].mean().reindex(ids).to_numpy(dtype=np.float64),
            "median_duration_days": per_path["days"]
            .median()
            .reindex(ids)
            .to_numpy(dtype=np.float64),
        }
    )


def top_paths(
    events: pd.DataFrame, level: str = CHANNEL, keep_repeats: bool = False, n: int = 20
) -> pd.DataFrame:
    """The most frequent complete paths (after collapsing repeats unless `keep_repeats`).

    Returns:
        Columns path (" > "-joined), length (nodes), customers, share (of all customers),
        conversion_rate (share of the path's customers with any conversion),
        median_duration_days (median of last - first event time of those customers, all their
        events counted); by customers descending, then path. `n` = 0 returns every path.
    """
    path = build_path(events, level, keep_repeats)
    if path.order.n_customers == 0:
        return empty_frame(list(_TOP_PATH_COLUMNS), list(_TOP_PATH_COLUMNS.values()))
    path_id, chosen = _choose_paths(path, n)
    return _describe_paths(events, path, path_id, chosen)


# -- phase flows ---------------------------------------------------------------------------


def phase_flows(events: pd.DataFrame, level: str = CHANNEL) -> pd.DataFrame:
    """Flows for the four-column phase Sankey (awareness -> onboarding -> ... -> post-purchase).

    Per customer, take the set of nodes (at `level`) they used in each phase they reached,
    and the phases they reached in Phase order. For each pair of consecutive reached phases
    p -> p' (a skipped phase is jumped over), link every node a used in p to every node b
    used in p'. A link's weight is the number of distinct customers with that (p, a, p', b).

    Returns:
        Columns source_phase, source, target_phase, target, customers; by source_phase and
        target_phase in Phase order, customers descending, source, target.
    """
    require_columns(events, PHASE)
    order = path_order(events)
    node, names = encode_level(events, level, order)
    phase_codes = pd.Categorical(events[PHASE], categories=_PHASE_NAMES).codes
    if (phase_codes < 0).any():
        raise SettingsError("some events have no known phase: assign phases first")
    phase = phase_codes[order.index].astype(np.int64)
    triples = pd.DataFrame({"c": order.customer, "p": phase, "n": node}).drop_duplicates()
    reached = triples[["c", "p"]].drop_duplicates().sort_values(["c", "p"], ignore_index=True)
    following = reached.groupby("c")["p"].shift(-1)
    steps = reached.assign(q=following).dropna(subset=["q"]).astype({"q": np.int64})
    links = triples.merge(steps, on=["c", "p"]).merge(
        triples.rename(columns={"p": "q", "n": "m"}), on=["c", "q"]
    )
    counts = links.groupby(["p", "n", "q", "m"], as_index=False).size()
    return _name_phase_links(counts, names)


def _name_phase_links(counts: pd.DataFrame, names: np.ndarray) -> pd.DataFrame:
    """Phase and node names of coded (p, n, q, m, size) links, sorted by the contract."""
    phase_names = np.asarray(_PHASE_NAMES, dtype=object)
    out = pd.DataFrame(
        {
            "source_phase": pd.array(phase_names[counts["p"].to_numpy()], dtype="str"),
            "source": pd.array(names[counts["n"].to_numpy()], dtype="str"),
            "target_phase": pd.array(phase_names[counts["q"].to_numpy()], dtype="str"),
            "target": pd.array(names[counts["m"].to_numpy()], dtype="str"),
            "customers": counts["size"].to_numpy(dtype=np.int64),
        }
    )
    return (
        out.assign(_p=counts["p"].to_numpy(), _q=counts["q"].to_numpy())
        .sort_values(
            ["_p", "_q", "customers", "source", "target"],
            ascending=[True, True, False, True, True],
            ignore_index=True,
        )
        .drop(columns=["_p", "_q"])
    )
