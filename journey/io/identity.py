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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from journey.errors import SettingsError, unknown_column
from journey.io.ingest import RawTable
from journey.io.validate import STRING, stripped_text
from journey.schema import CUSTOMER_ID


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
    n_rows = len(frame)
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
    rows = np.concatenate(rows_parts)
    codes = np.concatenate(code_parts)
    identifiers = pa.chunked_array(label_parts, type=pa.large_string())
    n_ids = offset
    # Rank identifiers by their text, so a component's smallest rank is its smallest identifier.
    rank = np.empty(n_ids, dtype=np.int64)
    rank[np.asarray(pc.sort_indices(identifiers))] = np.arange(n_ids)
    # Bipartite graph: row nodes 0..n_rows-1, identifier nodes n_rows..n_rows+n_ids-1.
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (rows, n_rows + codes)),
        shape=(n_rows + n_ids, n_rows + n_ids),
    )
    _, labels = connected_components(graph, directed=False)
    id_labels = labels[n_rows:]
    best_rank = np.full(labels.max() + 1 if len(labels) else 0, n_ids, dtype=np.int64)
    np.minimum.at(best_rank, id_labels, rank)
    by_rank = np.empty(n_ids, dtype=np.int64)
    by_rank[rank] = np.arange(n_ids)  # identifier index of each rank
    has_id = np.zeros(n_rows, dtype=bool)
    has_id[rows] = True
    chosen = np.zeros(n_rows, dtype=np.int64)
    chosen[has_id] = by_rank[best_rank[labels[:n_rows][has_id]]]
    taken = pc.take(identifiers, pa.array(chosen, mask=~has_id))  # rows without ids: null
    customer = pd.Series(
        pd.arrays.ArrowStringArray(taken), index=frame.index, name=CUSTOMER_ID, dtype=STRING
    )
    sizes = pd.Series(id_labels).value_counts()
    report = StitchReport(
        n_identifiers=n_ids,
        n_customers=len(sizes),
        n_merged_customers=int((sizes > 1).sum()),
        by_column=pd.DataFrame(
            {
                "column": pd.Series(columns, dtype=STRING),
                "identifiers": pd.Series(counts, dtype="int64"),
            }
        ),
    )
    return customer, report


def stitch_table(raw: RawTable, id_columns: Sequence[str]) -> tuple[RawTable, StitchReport]:
    """Return `raw` with a stitched `customer_id` column (replacing one of that name).

    Map customer_id to "customer_id" afterwards; the identifier columns stay as attributes.
    """
    customer, report = stitch_identities(raw.frame, id_columns)
    frame = raw.frame.assign(**{CUSTOMER_ID: customer.fillna("").astype("str")})
    return (
        RawTable(frame, raw.file, raw.format, raw.encoding, raw.delimiter, raw.rejects),
        report,
    )


__all__ = ["StitchReport", "stitch_identities", "stitch_table"]
