"""Identity stitching: several identifier columns (email, device, CRM id...) -> one customer_id.

Two rows belong to the same customer when they share an identifier, directly or through a
chain of rows (connected components over the row-identifier graph).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from journey.errors import SettingsError, unknown_column
from journey.ingest import RawTable
from journey.schema import CUSTOMER_ID
from journey.validate import STRING, stripped_text


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
    rows_parts, keys_parts, counts = [], [], []
    for column in columns:
        values = stripped_text(frame[column])
        present = (values != "").to_numpy(dtype=bool)
        rows_parts.append(np.flatnonzero(present))
        keys_parts.append((f"{column}:" + values[present]).to_numpy(dtype=object))
        counts.append(int(values[present].nunique()))
    rows = np.concatenate(rows_parts) if rows_parts else np.array([], dtype=np.int64)
    keys = np.concatenate(keys_parts) if keys_parts else np.array([], dtype=object)
    # sort=True: identifier codes follow the identifiers' sort order, so a component's
    # smallest code is its smallest identifier.
    codes, identifiers = pd.factorize(keys, sort=True)
    n_ids = len(identifiers)
    # Bipartite graph: row nodes 0..n_rows-1, identifier nodes n_rows..n_rows+n_ids-1.
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (rows, n_rows + codes)),
        shape=(n_rows + n_ids, n_rows + n_ids),
    )
    _, labels = connected_components(graph, directed=False)
    id_labels = labels[n_rows:]
    smallest = pd.Series(np.arange(n_ids)).groupby(id_labels).min()
    row_labels = labels[:n_rows]
    has_id = np.zeros(n_rows, dtype=bool)
    has_id[rows] = True
    first_code = pd.Series(row_labels[has_id]).map(smallest).to_numpy(dtype=np.int64)
    ids = np.full(n_rows, None, dtype=object)
    ids[has_id] = np.asarray(identifiers, dtype=object)[first_code]
    customer = pd.Series(ids, index=frame.index, name=CUSTOMER_ID, dtype=STRING)
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
