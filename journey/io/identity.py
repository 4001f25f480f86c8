"""Identity stitching: several identifier columns (email, device, CRM id...) -> one customer_id.

Two rows belong to the same customer when they share an identifier, directly or through a
chain of rows (connected components over the row-identifier graph).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journey.errors import SettingsError, unknown_column
from journey.io.parse import STRING, stripped_text
from journey.schema import CUSTOMER_ID, RawTable


@dataclass(frozen=True)
class StitchReport:
    """How identifiers merged into customers.

    `by_column` has columns `column`, `identifiers` (distinct identifiers in that column), in
    the order the identifier columns were given.
    """

    n_identifiers: int
    n_customers: int
    n_merged_customers: int  # customers made of more than one identifier
    by_column: pd.DataFrame


def stitch_identities(
    frame: pd.DataFrame, id_columns: Sequence[str]
) -> tuple[pd.Series, StitchReport]:
    """Give each row one customer_id from the connected components of shared identifiers.

    An identifier is a non-empty value (whitespace stripped) scoped by its column, written
    "column:value"; a customer's id is the smallest such identifier of its component, so ids
    do not depend on row order. Rows without any identifier get a missing id (validation
    rejects them as "missing customer id").

    Args:
        frame: Rows with the identifier columns.
        id_columns: Columns holding identifiers, e.g. ["email", "device_id", "crm_id"].

    Returns:
        A `customer_id` Series (string dtype, same index as `frame`) and a StitchReport.
    """
    columns = list(dict.fromkeys(id_columns))
    if not columns:
        raise SettingsError("choose at least one identifier column to stitch")
    for column in columns:
        if column not in frame.columns:
            raise unknown_column("", column, [str(c) for c in frame.columns])
    links = _identifier_links(frame, columns)
    labels = _components(len(frame), links)
    customer = _customer_ids(frame, links, labels)
    sizes = pd.Series(labels[len(frame) :]).value_counts()
    report = StitchReport(
        n_identifiers=len(links.identifiers),
        n_customers=len(sizes),
        n_merged_customers=int((sizes > 1).sum()),
        by_column=pd.DataFrame(
            {
                "column": pd.Series(columns, dtype=STRING),
                "identifiers": pd.Series(links.counts, dtype="int64"),
            }
        ),
    )
    return customer, report


@dataclass(frozen=True)
class _Links:
    """Row -> identifier edges: row `rows[i]` holds identifier number `codes[i]`."""

    rows: np.ndarray
    codes: np.ndarray
    identifiers: pa.ChunkedArray  # "column:value" labels
    counts: list[int]  # distinct identifiers per identifier column


def _identifier_links(frame: pd.DataFrame, columns: list[str]) -> _Links:
    """Number each non-empty identifier, scoped by its column, and list the rows holding it."""
    rows_parts, code_parts, label_parts, counts = [], [], [], []
    offset = 0
    for column in columns:
        values = stripped_text(frame[column])
        present = (values != "").to_numpy(dtype=bool)
        codes, uniques = pd.factorize(values[present])
        rows_parts.append(np.flatnonzero(present))
        code_parts.append(codes.astype(np.int64) + offset)
        label_parts.append(pa.array(f"{column}:" + pd.Series(uniques, dtype=STRING)))
        counts.append(len(uniques))
        offset += len(uniques)
    return _Links(
        rows=np.concatenate(rows_parts),
        codes=np.concatenate(code_parts),
        identifiers=pa.chunked_array(label_parts, type=pa.large_string()),
        counts=counts,
    )


def _components(n_rows: int, links: _Links) -> np.ndarray:
    """Component label of every node: row nodes 0..n_rows-1, then identifier nodes."""
    # scipy only when ids are stitched: every CLI command that reads a file imports this module
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_nodes = n_rows + len(links.identifiers)
    graph = coo_matrix(
        (np.ones(len(links.rows), dtype=np.int8), (links.rows, n_rows + links.codes)),
        shape=(n_nodes, n_nodes),
    )
    _, labels = connected_components(graph, directed=False)
    return labels


def _customer_ids(frame: pd.DataFrame, links: _Links, labels: np.ndarray) -> pd.Series:
    """Name each row's component by its smallest identifier; rows without any get NA."""
    n_rows, n_ids = len(frame), len(links.identifiers)
    # Rank identifiers by their text, so a component's smallest rank is its smallest identifier.
    rank = np.empty(n_ids, dtype=np.int64)
    rank[np.asarray(pc.sort_indices(links.identifiers))] = np.arange(n_ids)
    best_rank = np.full(labels.max() + 1 if len(labels) else 0, n_ids, dtype=np.int64)
    np.minimum.at(best_rank, labels[n_rows:], rank)
    by_rank = np.empty(n_ids, dtype=np.int64)
    by_rank[rank] = np.arange(n_ids)  # identifier index of each rank
    has_id = np.zeros(n_rows, dtype=bool)
    has_id[links.rows] = True
    chosen = np.zeros(n_rows, dtype=np.int64)
    chosen[has_id] = by_rank[best_rank[labels[:n_rows][has_id]]]
    taken = pc.take(links.identifiers, pa.array(chosen, mask=~has_id))  # no ids: null
    return pd.Series(
        pd.arrays.ArrowStringArray(taken), index=frame.index, name=CUSTOMER_ID, dtype=STRING
    )


def stitch_table(
    raw: RawTable, id_columns: Sequence[str], column: str = CUSTOMER_ID
) -> tuple[RawTable, StitchReport]:
    """Return `raw` with a stitched customer id in `column` (replacing one of that name).

    Map customer_id to `column` afterwards; the identifier columns stay as attributes.
    """
    customer, report = stitch_identities(raw.frame, id_columns)
    frame = raw.frame.assign(**{column: customer.fillna("").astype("str")})
    return (
        RawTable(frame, raw.file, raw.format, raw.encoding, raw.delimiter, raw.rejects),
        report,
    )


__all__ = ["StitchReport", "stitch_identities", "stitch_table"]
