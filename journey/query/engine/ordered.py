"""Path tables of a prepared file's row subsets, built without a sort (DuckDB only).

A prepared events file is written in path order (`files.prepare_file`: customer_id, then
timestamp, ties by row). A filtered scope, a phase focus, one team's events and Compare's
cohorts keep some of its rows and change none of its columns, so their path order is the
file's, restricted. The
window functions of `flows.path_sql` sort those rows again: about 3 s for 6 million events
on two cores, the bulk of a sidebar filter change at 10 million events.

This module keeps, once per prepared file, a *path index*: the file's rows in path order as
arrays (a customer number, the timestamp, the conversion flag and each map level's value as a
code, and where each input row sits). For a relation noted as a row subset of the file
(`note_file`, `note_subset`), the engine only lists the kept rows (their input row); the path
table (`path_arrow`) and the phase flows' distinct (customer, phase, node) rows
(`phase_nodes`) are then computed on those arrays in linear time, and handed to DuckDB as
Arrow tables for the same SQL aggregations every engine runs (`flows`, `stats`).

The results are those of `flows.path_sql` and `flows.phase_flows` (the tests hold them to
it, and to the pandas oracle); whatever this module cannot serve (Spark, another relation, a
file not in path order, input rows that repeat) returns None and takes the SQL path.
"""

from __future__ import annotations

import json
import logging
import mmap
import shutil
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journey.errors import SettingsError
from journey.query.engine.runner import DuckDBRunner, Runner
from journey.query.engine.sql import ident, lit
from journey.query.nodes import data_labels
from journey.schema import (
    CONVERSION,
    CUSTOMER_ID,
    GENERATED_NODES,
    LEVELS,
    MISSING_NODE,
    PHASE,
    ROW,
    TIMESTAMP,
    Phase,
)

log = logging.getLogger(__name__)

INDEX_FORMAT: Final = 1  # bump when the arrays or their meaning change
_PHASES: Final = tuple(p.value for p in Phase)
_LOCK = threading.Lock()
_FILES: dict[str, Path] = {}  # a prepared file's view -> the file
_SUBSETS: dict[str, str] = {}  # a view keeping rows of a file view (columns unchanged) -> it
_LOADED: dict[Path, PathIndex | None] = {}


@dataclass(frozen=True)
class PathIndex:
    """A prepared file's rows in path order, as arrays (one entry per row of the file)."""

    customer: np.ndarray  # int32: the customer's number, ascending in path order
    timestamp: np.ndarray  # int64: microseconds since the epoch (naive UTC)
    conversion: np.ndarray  # bool
    codes: dict[str, np.ndarray]  # level -> int32 code of the row's value, -1 when missing
    values: dict[str, tuple[str, ...]]  # level -> the value of each code
    row_min: int
    position: np.ndarray  # int32 (int64 past 2**31 rows): input row `row_min + i`'s, or -1


# -- which relations are row subsets of which file -------------------------------------------


def note_file(view: str, path: Path) -> None:
    """Note that `view` reads every row of the prepared events file `path`, unchanged."""
    with _LOCK:
        _FILES[view] = Path(path)


def note_subset(view: str, base: str) -> None:
    """Note that `view` keeps some rows of relation `base` and changes none of its columns."""
    with _LOCK:
        root = base if base in _FILES else _SUBSETS.get(base)
        if root is not None:
            _SUBSETS[view] = root


def forget(view: str) -> None:
    """Forget a noted row subset (a temporary view about to be dropped)."""
    with _LOCK:
        _SUBSETS.pop(view, None)


def source_file(view: str) -> Path | None:
    """The prepared file whose rows `view` keeps (every row or some), None when not noted."""
    with _LOCK:
        root = view if view in _FILES else _SUBSETS.get(view)
        return None if root is None else _FILES[root]


# -- the index: built once per prepared file, memory-mapped after ------------------------------


def index_folder(path: Path) -> Path:
    """Where the path index of the prepared events file `path` is kept."""
    return path.with_name(f"{path.stem}.index-{INDEX_FORMAT}")


def _column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def _codes(values: pa.Array) -> tuple[np.ndarray, tuple[str, ...]]:
    """int32 codes (-1 for missing) and the distinct values of a text column."""
    encoded = pc.dictionary_encode(values.cast(pa.string()))
    codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int32)
    return codes, tuple(str(v) for v in encoded.dictionary.to_pylist())


def _flags(values: pa.Array) -> np.ndarray:
    """A boolean column as a numpy bool array (missing: False)."""
    return pc.fill_null(values, False).cast(pa.int8()).to_numpy().astype(bool)


class _Refused(Exception):
    """The file's rows are not a usable path order (the message says why)."""


def _read(runner: DuckDBRunner, path: Path, columns: str) -> pa.Table:
    """Some columns of every row of a Parquet file, checked to come in the file's order.

    The index reads a column group at a time (a 10-million-row file's text columns together
    would take gigabytes); each read carries DuckDB's row number, so the groups align.
    """
    table = runner.arrow(
        f"SELECT file_row_number AS f, {columns} "
        f"FROM read_parquet({lit(str(path))}, file_row_number = true)"
    )
    order = _column(table, "f").to_numpy() if len(table) else np.empty(0, np.int64)
    if len(order) and (order[0] != 0 or not bool(np.all(np.diff(order) == 1))):
        raise _Refused("the file was not read in its order")
    return table.drop_columns(["f"])


def _customer_starts(runner: DuckDBRunner, path: Path) -> np.ndarray:
    """True at each row whose customer differs from the row before (customers in order)."""
    customers = _column(_read(runner, path, ident(CUSTOMER_ID)), CUSTOMER_ID)
    if customers.null_count:
        raise _Refused("a customer id is missing")
    n = len(customers)
    new = np.ones(n, dtype=bool)
    if n > 1:
        after, before = customers.slice(1), customers.slice(0, n - 1)
        if pc.any(pc.less(after, before)).as_py():
            raise _Refused("customers are not in order")
        new[1:] = pc.not_equal(after, before).cast(pa.int8()).to_numpy().astype(bool)
    return new


def _index_arrays(runner: DuckDBRunner, path: Path, work: Path) -> dict[str, object]:
    """Write the index's arrays into `work`, one column group at a time; return its meta."""
    new = _customer_starts(runner, path)
    np.save(work / "customer.npy", (np.cumsum(new, dtype=np.int64) - 1).astype(np.int32))
    table = _read(
        runner, path, f"epoch_us({ident(TIMESTAMP)}) AS ts, {ident(ROW)}, {ident(CONVERSION)}"
    )
    ts, rows = _column(table, "ts").to_numpy(), _column(table, ROW).to_numpy()
    later = (ts[1:] > ts[:-1]) | ((ts[1:] == ts[:-1]) & (rows[1:] > rows[:-1]))
    if not bool(np.all(later | new[1:])):
        raise _Refused("a customer's events are not in time order")
    row_min = int(rows.min()) if len(rows) else 0
    kind = np.int32 if len(rows) < np.iinfo(np.int32).max else np.int64  # half the reading
    position = np.full(int(rows.max()) - row_min + 1 if len(rows) else 0, -1, kind)
    position[rows - row_min] = np.arange(len(rows), dtype=kind)
    if int(np.count_nonzero(position >= 0)) != len(rows):
        raise _Refused("input rows repeat")
    np.save(work / "position.npy", position)
    np.save(work / "timestamp.npy", ts.astype(np.int64))
    np.save(work / "conversion.npy", _flags(_column(table, CONVERSION)))
    del table, ts, rows, position
    values: dict[str, list[str]] = {}
    for level in LEVELS:
        codes, found = _codes(_column(_read(runner, path, ident(level)), level))
        np.save(work / f"code_{level}.npy", codes)
        values[level] = list(found)
    return {"levels": list(LEVELS), "values": values, "row_min": row_min}


def build_index(runner: DuckDBRunner, path: Path) -> Path:
    """Write the path index of the prepared events file `path` once; return its folder.

    A file whose rows are not in path order, or whose input rows repeat, gets a folder
    saying why (`refused.json`): its relations take the SQL path.
    """
    out = index_folder(path)
    if out.exists():
        return out
    work = out.with_name(f"{out.name}.{uuid.uuid4().hex}.partial")
    work.mkdir(parents=True)
    try:
        try:
            meta = _index_arrays(runner, path, work)
        except _Refused as refused:  # its relations take the SQL path
            log.info("no path index for %s: %s", path, refused)
            for kept in work.iterdir():
                kept.unlink()
            (work / "refused.json").write_text(json.dumps({"reason": str(refused)}))
        else:
            (work / "index.json").write_text(json.dumps(meta))
        try:
            work.rename(out)
        except OSError:  # another session wrote it first: theirs is the same
            if not out.exists():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return out


def _mapped(path: Path) -> np.ndarray:
    """A read-only .npy array mapped from its file, its pages mapped at once where possible.

    Mapping every page up front (Linux MAP_POPULATE) costs milliseconds when the file is in
    the page cache; touching them one fault at a time during a filter change costs more.
    """
    populate = getattr(mmap, "MAP_POPULATE", 0)
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        if version not in ((1, 0), (2, 0)) or not populate:
            return np.load(path, mmap_mode="r")
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else None
        shape, fortran, dtype = (read or np.lib.format.read_array_header_2_0)(handle)
        offset = handle.tell()
        count = int(np.prod(shape))
        if fortran or dtype.hasobject or count == 0:
            return np.load(path, mmap_mode="r")
        mapped = mmap.mmap(
            handle.fileno(), 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ
        )
    return np.frombuffer(mapped, dtype=dtype, count=count, offset=offset).reshape(shape)


def load_index(folder: Path) -> PathIndex | None:
    """The path index in `folder` (memory-mapped, shared by every session), None if refused."""
    with _LOCK:
        if folder in _LOADED:
            return _LOADED[folder]
    found: PathIndex | None = None
    if (folder / "index.json").exists():
        meta = json.loads((folder / "index.json").read_text())

        def array(name: str) -> np.ndarray:
            return _mapped(folder / f"{name}.npy")

        levels = [str(level) for level in meta["levels"]]
        found = PathIndex(
            customer=array("customer"),
            timestamp=array("timestamp"),
            conversion=array("conversion"),
            codes={level: array(f"code_{level}") for level in levels},
            values={level: tuple(meta["values"][level]) for level in levels},
            row_min=int(meta["row_min"]),
            position=array("position"),
        )
    with _LOCK:
        _LOADED[folder] = found
    return found


def index_of(runner: DuckDBRunner, view: str) -> PathIndex | None:
    """The path index of the prepared file `view` keeps rows of (built on first use)."""
    path = source_file(view)
    if path is None or not path.exists():
        return None
    return load_index(build_index(runner, path))


# -- the rows a relation keeps, and their nodes ----------------------------------------------


@dataclass(frozen=True)
class Subset:
    """The rows a relation keeps, in path order: their positions and customers."""

    positions: np.ndarray  # intp, ascending: rows of the index
    customer: np.ndarray  # int32: each row's customer number
    new: np.ndarray  # bool: the row is its customer's first
    nodes: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)  # `_node_names`

    @property
    def customers(self) -> int:
        """How many customers the rows belong to."""
        return int(np.count_nonzero(self.new))


_SEEN_CELLS: Final = 1 << 26  # phase flows: a flag array up to 64 MB, else a sort
_SUBSET_CACHE: Final = 2  # the last scopes' rows (a page asks for them 2-3 times)
_SUBSETS_KEPT: OrderedDict[tuple[str, str, str], Subset] = OrderedDict()


def _positions(runner: DuckDBRunner, view: str, index: PathIndex) -> np.ndarray | None:
    """The path positions of the relation's rows, ascending (None: a row the index lacks)."""
    # each row's offset in the index, computed by the engine (no pass over the rows here)
    kind = "INTEGER" if index.position.dtype == np.int32 else "BIGINT"
    offset = f"CAST({ident(ROW)} - {int(index.row_min)} AS {kind})"
    found = runner.arrow(f"SELECT {offset} AS o FROM {ident(view)}").column("o")
    if found.null_count:
        return None
    offsets = found.combine_chunks().to_numpy() if len(found) else np.empty(0, np.int64)
    if len(offsets) and (offsets.min() < 0 or offsets.max() >= len(index.position)):
        return None
    # as intp: every later gather by these positions then needs no converted copy of them
    positions = np.take(index.position, offsets).astype(np.intp, copy=False)
    if len(positions) and positions.min() < 0:
        return None
    if len(positions) > 1 and not bool(np.all(positions[1:] > positions[:-1])):
        positions = np.sort(positions)  # DuckDB kept the file's order: this is a safeguard
    return positions


def subset(runner: Runner, view: str) -> tuple[PathIndex, Subset] | None:
    """A noted relation's path index and the rows it keeps; None for any other relation.

    The last few relations' rows are kept in memory, keyed by the file, the view's name and
    its definition: the app's views are named by their data and filters, so a name never
    changes meaning.
    """
    if not isinstance(runner, DuckDBRunner):
        return None
    index = index_of(runner, view)
    path = source_file(view)
    if index is None or path is None:
        return None
    found = runner.con.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]
    ).fetchall()
    key = (str(path), view, str(found[0][0]) if found else "")
    with _LOCK:
        kept = _SUBSETS_KEPT.get(key)
        if kept is not None:
            _SUBSETS_KEPT.move_to_end(key)
            return index, kept
    positions = _positions(runner, view, index)
    if positions is None:
        return None
    customer = np.take(index.customer, positions)
    new = np.ones(len(positions), dtype=bool)
    if len(positions) > 1:
        np.not_equal(customer[1:], customer[:-1], out=new[1:])
    rows = Subset(positions, customer, new)
    with _LOCK:
        _SUBSETS_KEPT[key] = rows
        while len(_SUBSETS_KEPT) > _SUBSET_CACHE:
            _SUBSETS_KEPT.popitem(last=False)
    return index, rows


def counts(runner: Runner, view: str) -> tuple[int, int] | None:
    """(customers, events) of a noted relation from its rows; None for any other relation.

    A whole file's are read from its index when one is built (never building it here).
    """
    path = _FILES.get(view)
    if path is not None:
        index = load_index(index_folder(path)) if index_folder(path).exists() else None
        if index is None:
            return None
        n = len(index.customer)
        return (int(index.customer[-1]) + 1 if n else 0), n
    found = subset(runner, view)
    if found is None:
        return None
    rows = found[1]
    return rows.customers, len(rows.positions)


def _node_names(index: PathIndex, rows: Subset, level: str) -> tuple[np.ndarray, list[str]]:
    """Each row's node id (one per distinct node name) at `level`, and the names (id order).

    As `flows.node_sql` names them: a missing value is "(missing)" (id 0); data values named
    like a generated node get their label (`nodes.data_labels`, over the values present, as
    the SQL finds them). Worked out once per relation and level (the path table and the
    phase flows both ask).
    """
    known = rows.nodes.get(level)
    if known is not None:
        return known
    values = index.values[level]
    shifted = np.take(index.codes[level], rows.positions)
    shifted += np.int32(1)  # 0: missing
    present = np.flatnonzero(np.bincount(shifted, minlength=len(values) + 1)[1:])
    clashing = [values[i] for i in present if values[i].startswith(GENERATED_NODES)]
    labels = data_labels(clashing, level)
    names = [MISSING_NODE, *(labels.get(v, v) for v in values)]
    ids: dict[str, int] = {}
    of_code = np.asarray([ids.setdefault(name, len(ids)) for name in names], dtype=np.int32)
    found = of_code[shifted], list(ids)
    rows.nodes[level] = found
    return found


def _dictionary(ids: np.ndarray, names: list[str], valid: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(ids.astype(np.int32), mask=None if valid is None else ~valid)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string()))


# -- the path table and the phase flows' nodes ----------------------------------------------


def path_arrow(
    runner: Runner, events: str, level: str, keep_repeats: bool, phase: bool = False
) -> pa.Table | None:
    """`flows.path_sql`'s table for a noted row subset of a prepared file; None otherwise.

    The same columns and values, except `c`: a customer number instead of the id (every
    aggregation only groups, counts and joins on it).
    """
    found = subset(runner, events) if level in LEVELS else None
    if found is None or level not in found[0].codes:
        return None
    index, rows = found
    positions, new = rows.positions, rows.new
    nodes, names = _node_names(index, rows, level)
    if level == PHASE and bool(np.any(nodes == 0)):  # id 0: a missing value
        raise SettingsError("some events have no phase: assign phases before using level phase")
    n = len(positions)
    run_start = np.ones(n, dtype=bool)
    if n > 1:
        np.not_equal(nodes[1:], nodes[:-1], out=run_start[1:])
        run_start |= new
    starts = np.flatnonzero(new)
    group = np.cumsum(new, dtype=np.int32) - np.int32(1)
    ends = np.empty_like(starts)  # each customer's last row
    ends[:-1] = starts[1:] - 1
    ends[-1:] = n - 1
    # per customer: converted, days (last - first event), the last conversion's position
    converted = np.zeros(len(starts), dtype=np.int32)
    last_conversion = np.full(len(starts), -1, dtype=np.int64)
    hits = np.flatnonzero(np.take(index.conversion, positions))
    hit_group = group[hits]
    converted[hit_group] = 1
    last_conversion[hit_group] = hits  # ascending: the last assignment per customer wins
    last, first_seen = index.timestamp[positions[ends]], index.timestamp[positions[starts]]
    days = (last - first_seen).astype(np.float64) / 86_400_000_000.0
    kept = np.arange(n) if keep_repeats else np.flatnonzero(run_start)
    kept_group = group[kept]
    first = new[kept]
    # the position among the kept rows: 1 at a customer's first, counting on
    ordinal = np.arange(len(kept), dtype=np.int64)
    position = np.where(first, ordinal, 0)
    np.maximum.accumulate(position, out=position)  # the customer's first kept row
    np.subtract(ordinal, position, out=position)
    position += 1
    del ordinal
    kept_nodes = nodes[kept]
    following = np.zeros(len(kept), dtype=np.int32)
    has_next = np.zeros(len(kept), dtype=bool)
    if len(kept) > 1:
        following[:-1] = kept_nodes[1:]
        has_next[:-1] = ~first[1:]
    columns: dict[str, pa.Array | np.ndarray] = {
        "c": kept_group,
        "node": _dictionary(kept_nodes, names),
        "converted": converted[kept_group],
        "days": days[kept_group],
        "run_start": run_start[kept],
        "conv_after": (kept <= last_conversion[kept_group]).astype(np.int32),
    }
    if phase:
        phase_codes = np.take(index.codes[PHASE], positions[kept])
        columns["phase"] = _dictionary(
            np.maximum(phase_codes, 0), list(index.values[PHASE]) or [""], phase_codes >= 0
        )
    columns["position"] = position
    columns["next_node"] = _dictionary(following, names, has_next)
    return pa.table(columns)


def phase_nodes(runner: Runner, events: str, level: str) -> pa.Table | None:
    """The distinct (customer, phase rank, node) rows `flows.phase_flows` starts from.

    Columns c (customer number), p (the phase's rank in Phase order), n (node name) and q
    (the rank of the next phase the customer reached, null after the last), for a noted row
    subset of a prepared file; None otherwise. An event with no known phase is the
    SettingsError the SQL raises.
    """
    found = subset(runner, events) if level in LEVELS else None
    if found is None or level not in found[0].codes or PHASE not in found[0].codes:
        return None
    index, rows = found
    positions = rows.positions
    rank_of_code = np.asarray(
        [_PHASES.index(v) if v in _PHASES else -1 for v in index.values[PHASE]] + [-1],
        dtype=np.int32,
    )
    ranks = rank_of_code[np.take(index.codes[PHASE], positions)]  # code -1: the last, -1
    if bool(np.any(ranks < 0)):
        raise SettingsError("some events have no known phase: assign phases first")
    nodes, names = _node_names(index, rows, level)
    width = max(len(names), 1)
    cells = len(_PHASES) * width  # (phase, node) pairs a customer can have
    # each row's key: its customer's number in this relation, then its (phase, node) pair
    keys = np.cumsum(rows.new, dtype=np.int64)
    n_customers = int(keys[-1]) if len(keys) else 0
    keys -= 1
    keys *= cells
    ranks *= np.int32(width)
    ranks += nodes
    keys += ranks
    del ranks
    if n_customers * cells <= _SEEN_CELLS:  # a flag per (customer, pair): no sort at all
        seen = np.zeros(n_customers * cells, dtype=bool)
        seen[keys] = True
        distinct = np.flatnonzero(seen)
    else:  # a customer's rows sit together: the stable sort merges runs quickly
        keys.sort(kind="stable")
        distinct = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    node_ids = distinct % width
    rest = distinct // width
    customer, rank = rest // len(_PHASES), (rest % len(_PHASES)).astype(np.int64)
    return pa.table(
        {"c": customer, "p": rank, "n": _dictionary(node_ids, names), "q": _next_rank(rest)}
    )


def _next_rank(rest: np.ndarray) -> pa.Array:
    """Each row's next reached phase rank: the p of the customer's next (c, p) run, or null.

    `rest` is c * len(Phase) + p per row, ascending (rows sorted by customer, then phase).
    """
    n = len(rest)
    starts = np.ones(n, dtype=bool)  # the first row of each (customer, phase) run
    if n > 1:
        np.not_equal(rest[1:], rest[:-1], out=starts[1:])
    run = np.cumsum(starts) - 1
    firsts = rest[starts]
    following = np.full(len(firsts), -1, dtype=np.int64)
    if len(firsts) > 1:
        same = firsts[1:] // len(_PHASES) == firsts[:-1] // len(_PHASES)
        following[:-1] = np.where(same, firsts[1:] % len(_PHASES), -1)
    q = following[run]
    return pa.array(q, mask=q < 0)
