"""Every st.cache_data / st.cache_resource wrapper, keyed by a dataset fingerprint or scope key.

Streamlit hashes frames of 50,000+ rows from a sample, so frames are passed as `_name`
(not hashed) and an explicit key names the data instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from journey import schema
from journey.attribution import engine as engine_attribution
from journey.attribution import models as attribution
from journey.attribution.markov import MarkovResult
from journey.attribution.models import AttributionSettings
from journey.errors import WorkspaceError
from journey.io import limits, load, read, store, stream
from journey.io.markup import md_text
from journey.present import opening
from journey.query import (
    filters,
    grouping,
    scope,
)
from journey.query.engine import filters as engine_filters
from journey.query.engine import funnels as engine_funnels
from journey.query.engine import scored as engine_scored
from journey.query.engine import sentiment as engine_sentiment
from journey.query.engine import timeline as engine_timeline
from journey.query.engine.attribution import PathSpec
from journey.query.engine.runner import DuckDBRunner
from journey.query.flows import FoldResult
from journey.schema import DatasetSettings, ValidationResult
from journey.sentiment import score, stored
from ui import handle
from ui.i18n import t

if TYPE_CHECKING:
    # imported where used: the report, next best action, network and sentiment-model stacks
    # (scikit-learn, pyvis, python-pptx) load with their page, not with the app's first page
    from journey.present import content
    from journey.recommend import kept as recommend_kept
    from journey.recommend import model as recommend_model
    from journey.recommend import pipeline as recommend_pipeline
    from journey.recommend import replay as recommend_replay
    from journey.viz import network
    from ui import state

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SAMPLE_EVENTS = SAMPLE_DIR / "events.csv"
SAMPLE_TRANSCRIPTS = SAMPLE_DIR / "transcripts.csv"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@st.cache_data(max_entries=2, show_spinner=False)
def sample_files(digest: str) -> tuple[ValidationResult, dict[str, str], ValidationResult, dict]:
    """Read and validate the bundled sample events and transcripts (named by their digest)."""
    del digest  # names the cache entry only
    with limits.bundled():  # shipped files, not uploads: the upload limits do not apply
        events, events_map = load.load_file(SAMPLE_EVENTS, kind="events")
        transcripts, transcripts_map = load.load_file(SAMPLE_TRANSCRIPTS, kind="transcripts")
    return events, events_map, transcripts, transcripts_map


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def read_upload(digest: str, _data: bytes, name: str, sheet: str | None = None) -> schema.RawTable:
    """Cached `read.read_table` of uploaded bytes (one Excel sheet) named by their digest."""
    return read.read_table(_data, name, sheet=sheet)


@st.cache_resource(max_entries=2, show_spinner=False)
def spooled_upload(digest: str, _data: bytes, name: str) -> str:
    """A big upload's bytes written once to the cache folder (named by digest), for DuckDB."""
    return str(handle.spool(_data, digest, name))


@st.cache_resource(max_entries=2, show_spinner=False)
def stream_validated(
    path: str, digest: str, mapping: dict[str, str], _settings: DatasetSettings, settings_key: str
) -> stream.StreamResult:
    """`stream.validate_file` of a spooled upload with a mapping and settings (one open result)."""
    del digest, settings_key  # name the file's bytes and the settings
    return stream.validate_file(path, "events", overrides=mapping, settings=_settings)


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def upload_sheets(digest: str, _data: bytes, name: str) -> list[str]:
    """Cached `read.list_sheets` of uploaded bytes named by their digest ([] if not Excel)."""
    return read.list_sheets(_data, name)


# -- the engine: one DuckDB per process, datasets as Parquet files, scopes as views ---------
# Every session on the same data shares the files and views (named by the dataset key and
# filters, so only a session holding the same data can reach them); each query runs on a
# cursor of its own, so sessions query in parallel threads.


@st.cache_resource(show_spinner=False)
def engine() -> DuckDBRunner:
    """The process's one in-memory DuckDB database (views over the datasets' Parquet files)."""
    return handle.open_engine()


def runner() -> DuckDBRunner:
    """A runner on a new cursor of the app's DuckDB, for this thread's queries."""
    return engine().cursor()


# a page's independent computations run side by side: DuckDB and numpy release the GIL, so
# on two cores the slower one's time is what the user waits (e.g. the Journey map's step
# flows and phase flows after a filter change)
T = TypeVar("T")
_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="journey-page")


def _in_context(context: object, compute: Callable[..., T], args: tuple[object, ...]) -> T:
    add_script_run_ctx(threading.current_thread(), context)  # type: ignore[arg-type]
    return compute(*args)


def in_background(compute: Callable[..., T], *args: object) -> Future[T]:
    """Start a cached computation in a worker thread of this script run; `.result()` it later.

    The worker carries the run's context, so the computation's cache is the session's.
    """
    return _BACKGROUND.submit(_in_context, get_script_run_ctx(), compute, args)


@st.cache_resource(max_entries=16, show_spinner=False)
def stored_files(path: str, name: str, key: str) -> tuple[str, str | None, tuple[str, ...]]:
    """Export a workspace dataset's events and transcripts to Parquet once per data (`key`)."""
    events, has_transcripts = handle.export_stored(_workspace_at(path), name, key)
    transcripts = str(handle.raw_transcripts_path(key)) if has_transcripts else None
    return str(events), transcripts, handle.columns_of(engine(), events)


@st.cache_resource(max_entries=16, show_spinner=False)
def session_files(
    fingerprint: str, _events: pd.DataFrame, _transcripts: pd.DataFrame | None
) -> tuple[str, str | None, tuple[str, ...]]:
    """Write an upload's accepted events and transcripts to Parquet once per data."""
    events = handle.raw_events_path(fingerprint)
    if not events.exists():
        handle.frame_to_parquet(engine(), _events, events)
    transcripts = None
    if _transcripts is not None:
        transcripts = handle.raw_transcripts_path(fingerprint)
        if not transcripts.exists():
            handle.frame_to_parquet(engine(), _transcripts, transcripts)
    return str(events), None if transcripts is None else str(transcripts), tuple(_events.columns)


@st.cache_resource(max_entries=16, show_spinner=False)
def prepared_view(key: str, events_path: str, _settings: DatasetSettings) -> str:
    """The view of dataset `key`'s prepared events (a Parquet file written once per key)."""
    out = handle.prepare_file(engine(), Path(events_path), _settings, handle.prepared_path(key))
    return handle.prepared_view(engine(), out)


@st.cache_resource(max_entries=64, show_spinner=False)
def scope_view(key: str, base: str, _chosen: filters.Filters) -> str:
    """The view of the prepared events the global filters keep (`key` names data + filters)."""
    return handle.filtered_view(engine(), base, _chosen, key)


@st.cache_data(max_entries=64, show_spinner=False)
def relation_counts(view: str) -> tuple[int, int]:
    """(customers, events) of a view (views are named by their data and filters)."""
    return handle.counts(engine(), view)


@st.cache_data(max_entries=64, show_spinner=False)
def relation_dates(view: str) -> tuple[date, date] | None:
    """The first and last day of a view's events, None when it has none."""
    bounds = handle.date_bounds(engine(), view)
    return None if bounds is None else (bounds[0].date(), bounds[1].date())


@st.cache_data(max_entries=16, show_spinner=False)
def attribute_columns(view: str) -> list[str]:
    """Categorical columns of a view offered as filters (as `filters.attribute_columns`)."""
    return engine_filters.attribute_columns(runner(), view)


@st.cache_data(max_entries=64, show_spinner=False)
def column_values(view: str, column: str) -> list[str]:
    """Sorted distinct values of one column of a view, as text (as `filters.values_of`)."""
    return engine_filters.values_of(runner(), view, column)


@st.cache_resource(max_entries=4, show_spinner=False)
def dataset_transcripts(path: str | None) -> pd.DataFrame | None:
    """A dataset's transcripts, read once from their Parquet file and shared read-only."""
    if path is None:
        return None
    return handle.read_file(engine(), path)


def scope_transcripts(scope: state.Scope) -> pd.DataFrame | None:
    """The transcripts of the customers and dates the scope's filters keep."""
    transcripts = dataset_transcripts(scope.dataset.transcripts_path)
    if transcripts is None or scope.filters.is_empty():
        return transcripts
    return _filtered_transcripts(scope.key, scope.events, transcripts, scope.filters)


@st.cache_resource(max_entries=8, show_spinner=False)
def _filtered_transcripts(
    key: str, view: str, _transcripts: pd.DataFrame, _chosen: filters.Filters
) -> pd.DataFrame:
    del key
    return filters.filter_transcripts(_transcripts, handle.customers_of(engine(), view), _chosen)


# Cache wrappers of later modules are appended below this line, one section each.


# -- overview ---------------------------------------------------------------------------


# Engine results are small and keyed by the view they read, whose name says which data,
# settings and filters it holds: one entry serves every session on the same view.


@st.cache_data(max_entries=64, show_spinner=False)
def overview_kpis(view: str) -> dict[str, object]:
    """The engine's `overview.kpis` of a view (kept for a whole view: `opening`)."""
    return opening.overview_kpis(runner(), view)


@st.cache_data(max_entries=64, show_spinner=False)
def channel_overview(view: str) -> pd.DataFrame:
    """The engine's `overview.channel_overview` of a view (kept for a whole view)."""
    return opening.channel_overview(runner(), view)


@st.cache_data(max_entries=64, show_spinner=False)
def phase_summary(view: str) -> pd.DataFrame:
    """The engine's `overview.phase_summary` (as `phases.phase_summary`) of a view, kept."""
    return opening.phase_summary(runner(), view)


# -- data page --------------------------------------------------------------------------


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def validate_upload(
    key: str,
    _raw: schema.RawTable,
    _mapping: dict[str, str],
    kind: str,
    _settings: DatasetSettings,
) -> ValidationResult:
    """Cached validation of an upload; `key` names its content, mapping and settings."""
    del key
    return load.validate_table(_raw, _mapping, kind, _settings)


# -- journey maps: Journey map, Network map, Compare, Funnels, Customer, Rules ----------


def focus(scope: state.Scope, phase: str | None, team: str | None, team_mode: str) -> str:
    """The view of the scope's events a map works on: one team's, then one phase's."""
    return _focus(scope.events, phase, team, team_mode)


@st.cache_resource(max_entries=64, show_spinner=False)
def _focus(view: str, phase: str | None, team: str | None, team_mode: str) -> str:
    return handle.focus_view(engine(), view, phase, team, team_mode)


@st.cache_data(max_entries=64, show_spinner=False)
def map_step_flows(
    view: str, level: str, steps: int, keep_repeats: bool, top_k: int
) -> tuple[pd.DataFrame, FoldResult, dict[str, str], pd.DataFrame]:
    """A view's step flows with their fold, node -> dominant phase, and top 20 paths.

    All from the view's path table file (`path_view`): built once per view, level and repeat
    rule, then shared with the Network map and every later setting (steps, top-K); the
    result is kept for a whole view (`opening.journey_map`). A filtered scope's path table
    lives for this call only.
    """
    path = path_view(view, level, keep_repeats) if handle.is_file_view(view) else None
    steps_frame, fold, phases, top = opening.journey_map(
        runner(), view, path, level, steps, keep_repeats, top_k
    )
    return steps_frame, fold, scope.dominant_phases(phases), top


@st.cache_resource(max_entries=16, show_spinner=False)
def path_view(view: str, level: str, keep_repeats: bool) -> str:
    """The shared view over a dataset view's path table file (written once: `path_file`)."""
    return handle.parquet_view(engine(), handle.path_file(runner(), view, level, keep_repeats))


@st.cache_data(max_entries=64, show_spinner=False)
def map_phase_flows(view: str, level: str) -> pd.DataFrame:
    """The engine's `flows.phase_flows` of a view (kept for a whole view)."""
    return opening.phase_flows(runner(), view, level)


@st.cache_data(max_entries=64, show_spinner=False)
def map_network(
    view: str, level: str, keep_repeats: bool, end_nodes: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's transitions and node stats of a view (the network map's inputs).

    Both from the view's path table file (`path_view`), shared with the Journey map, and
    kept for a whole view; a filtered scope's path table is built for this call only.
    """
    path = path_view(view, level, keep_repeats) if handle.is_file_view(view) else None
    return opening.network_map(runner(), view, path, level, keep_repeats, end_nodes)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def network_page(
    key: str,
    _transitions: pd.DataFrame,
    _stats: pd.DataFrame,
    min_weight: int,
    max_nodes: int,
    physics: bool,
    layout: str,
    title: str,
    _node_colors: dict[str, str] | None = None,
    _node_notes: dict[str, str] | None = None,
) -> network.NetworkPage:
    """Cached `network.network_page`; `key` names every input not hashed (`_` ones)."""
    from journey.viz import network

    del key
    return network.network_page(
        _transitions,
        _stats,
        min_weight=min_weight,
        max_nodes=max_nodes,
        physics=physics,
        layout=layout,  # type: ignore[arg-type]
        node_colors=_node_colors,
        title=title,
        node_notes=_node_notes,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def compare_cohorts(
    view: str, cohorts: scope.Cohorts, level: str, keep_repeats: bool, steps: int
) -> scope.CohortComparison:
    """The engine's `compare.compare_cohorts` of a view (kept for a whole view)."""
    return opening.compare_cohorts(runner(), view, cohorts, level, keep_repeats, steps)


FUNNEL_DROPOFFS_SHOWN = opening.FUNNEL_DROPOFFS_SHOWN


@st.cache_data(max_entries=16, show_spinner=False)
def funnel_page(view: str, by: str) -> engine_funnels.FunnelPage:
    """The Funnels page's first render: proposed funnel, its tables, drop-offs, one sort.

    Kept for a whole view (`opening.funnel_page`).
    """
    return opening.funnel_page(runner(), view, by)


@st.cache_data(max_entries=64, show_spinner=False)
def funnel_result(view: str, stages: tuple[str, ...], by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's `funnels.funnel` and `funnels.funnel_dropoff_next` of a view.

    Both from one numbering of the events (`funnels.funnel_with_dropoff`).
    """
    return engine_funnels.funnel_with_dropoff(runner(), view, stages, by)


@st.cache_data(max_entries=64, show_spinner=False)
def dropoff_points(view: str, level: str, keep_repeats: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engine's `funnels.biggest_dropoffs` (top 15) and `funnels.overrepresentation`."""
    return engine_funnels.dropoff_points(
        runner(), view, level, keep_repeats, n=FUNNEL_DROPOFFS_SHOWN
    )


@st.cache_data(max_entries=64, show_spinner=False)
def find_customers(view: str, query: str, limit: int) -> list[str]:
    """The engine's `timeline.find_customers` of a view."""
    return engine_timeline.find_customers(runner(), view, query, limit)


def customer_view(scope: state.Scope, customer_id: str) -> tuple[pd.DataFrame, dict[str, object]]:
    """The engine's customer timeline (the data's own columns) and profile, one point query."""
    return _customer_view(scope.events, scope.dataset.prepared_columns, customer_id)


@st.cache_data(max_entries=64, show_spinner=False)
def _customer_view(
    view: str, keep: tuple[str, ...], customer_id: str
) -> tuple[pd.DataFrame, dict[str, object]]:
    cursor = runner()
    timeline = engine_timeline.customer_timeline(cursor, view, customer_id)
    shown = [c for c in timeline.columns if c == "position" or c in keep]
    return timeline[shown], engine_timeline.customer_profile(cursor, view, customer_id)


def customer_scored_transcripts(
    chosen: state.Scope, customer_id: str, in_scope: bool, label: str
) -> pd.DataFrame:
    """One customer's transcripts in the scope, scored by the default scorer, in time order.

    When the dataset's scores are stored in the workspace this is a point query (the
    customer's rows of the transcripts file and their score records); otherwise the dataset
    is scored once (`default_scored_scope`, with progress under `label`) and subset.
    """
    path = chosen.dataset.transcripts_path
    name = _workspace_name(chosen.dataset.fingerprint) if path is not None else None
    if path is not None and name is not None:
        found = handle.transcripts_of(runner(), path, customer_id)
        if found is not None:
            rows, positions = found
            records = workspace().scores_of_rows(name, stored.DEFAULT, positions.tolist())
            if records is not None:
                scored = stored.scored_rows_from_store(rows, positions, records).rows
                customers = pd.DataFrame({schema.CUSTOMER_ID: [customer_id] if in_scope else []})
                kept = filters.filter_transcripts(scored, customers, chosen.filters)
                return scope.customer_transcripts(kept, customer_id)
    all_scored = default_scored_scope(
        chosen.dataset.fingerprint,
        dataset_transcripts(path),
        scope_transcripts(chosen),
        label,
    )
    return customer_transcripts(f"{chosen.key}:sentiment", all_scored.rows, customer_id)


@st.cache_data(scope="session", max_entries=32, show_spinner=False)
def customer_transcripts(key: str, _transcripts: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    """Cached `scope.customer_transcripts` for scope `key`."""
    del key
    return scope.customer_transcripts(_transcripts, customer_id)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def grouping_preview(
    key: str, events_path: str, rules: tuple[schema.GroupingRule, ...]
) -> pd.DataFrame:
    """Cached `grouping.preview_grouping` of the raw touchpoints of dataset `key`."""
    del key
    touchpoints = handle.read_columns(engine(), events_path, (schema.TOUCHPOINT,))
    return grouping.preview_grouping(touchpoints, rules)


# -- workspace --------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _workspace_at(path: str) -> store.Workspace:
    """One Workspace handle per file (it opens a short-lived connection per operation)."""
    return store.Workspace(Path(path))


def workspace() -> store.Workspace:
    """The workspace named by JOURNEY_WORKSPACE (or the default file), created once."""
    return _workspace_at(str(store.default_workspace_path()))


def stored_dataset(name: str) -> store.StoredDataset:
    """A workspace dataset's entry: settings, mapping and meta, without its rows."""
    return workspace().load(name, frames=False)


def dataset_frames(
    events_path: str, transcripts_path: str | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A dataset's accepted events and transcripts read from their Parquet files (to save them)."""
    events = handle.read_file(engine(), events_path)
    transcripts = None if transcripts_path is None else handle.read_file(engine(), transcripts_path)
    return events, transcripts


# -- attribution and channel metrics ----------------------------------------------------


def attribution_result(view: str, settings: AttributionSettings) -> tuple[pd.DataFrame, str]:
    """The engine's `attribute` of a view, and how Shapley was computed."""
    return _attribution_result(view, settings, opening.inputs_settings(settings))


@st.cache_data(max_entries=64, show_spinner=False)
def _attribution_result(
    view: str, settings: AttributionSettings, inputs_settings: AttributionSettings
) -> tuple[pd.DataFrame, str]:
    return opening.attribution_result(
        view, settings, lambda: _attribution_inputs(view, inputs_settings)
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _attribution_inputs(
    view: str, settings: AttributionSettings
) -> engine_attribution.EngineInputs:
    """One pass over a view's touches: heuristic credits and path counts (Markov, Shapley)."""
    return engine_attribution.engine_inputs(
        runner(), view, settings, touches=touches_view(view, settings)
    )


def touches_view(view: str, settings: AttributionSettings) -> str | None:
    """The shared view over a dataset view's attribution touches file for the settings' paths.

    None for a filtered scope: its touches are built for each call instead.
    """
    if not handle.is_file_view(view):
        return None
    return _touches_view(view, engine_attribution.path_spec(settings))


@st.cache_resource(max_entries=16, show_spinner=False)
def _touches_view(view: str, spec: PathSpec) -> str:
    return handle.parquet_view(engine(), handle.touches_file(runner(), view, spec))


@st.cache_data(max_entries=16, show_spinner=False)
def attribution_bootstrap(
    view: str, settings: AttributionSettings, n_resamples: int, label: str
) -> pd.DataFrame:
    """The engine's `bootstrap_shares` of a view (95% intervals, seed 0), with a progress bar."""
    bar = st.progress(0.0, text=label)
    intervals = engine_attribution.engine_bootstrap_shares(
        runner(),
        view,
        settings,
        n_resamples=n_resamples,
        progress=lambda f, m: bar.progress(min(1.0, max(0.0, f)), text=f"{label}: {m}"),
        touches=touches_view(view, settings),
    )
    bar.empty()
    return intervals


def attribution_markov(view: str, settings: AttributionSettings) -> MarkovResult:
    """The engine's Markov fit (removal effects, transitions) of a view.

    With Markov among the settings' models, it is the chain the result was computed from
    (no second pass over the events); kept for a whole view (`opening.attribution_markov`).
    """
    if "markov" in settings.models:
        chosen = opening.inputs_settings(settings)
        return opening.attribution_markov(
            runner(), view, settings, lambda: _attribution_inputs(view, chosen)
        )
    # keyed only on what the chain depends on: other models' settings must not refit it
    return _attribution_markov(view, opening.markov_chain_settings(settings))


@st.cache_data(max_entries=16, show_spinner=False)
def _attribution_markov(view: str, settings: AttributionSettings) -> MarkovResult:
    return opening.attribution_markov(runner(), view, settings, None)


def attribution_lookback(view: str, settings: AttributionSettings) -> pd.DataFrame:
    """`uncertainty.lookback_sensitivity` (7, 14, 30, 60, 90 days) on the engine, of a view."""
    # the lookback windows replace the settings' own: a window change must not recompute it
    unwindowed = dataclasses.replace(settings, window_days=attribution.DEFAULT_SETTINGS.window_days)
    return _attribution_lookback(view, unwindowed)


@st.cache_data(max_entries=16, show_spinner=False)
def _attribution_lookback(view: str, settings: AttributionSettings) -> pd.DataFrame:
    return handle.lookback_sensitivity(engine(), view, settings)


@st.cache_data(max_entries=64, show_spinner=False)
def channel_metrics(
    view: str,
    start: object,
    end: object,
    granularity: str,
    level: str,
    qualifying: tuple[str, ...],
    qualifying_column: str,
    window_days: float,
) -> pd.DataFrame:
    """The engine's `metrics.channel_metrics` of a view (kept for a whole view)."""
    args = opening.MetricsArgs(
        start,
        end,
        granularity,
        level,
        qualifying,
        qualifying_column,
        window_days,  # type: ignore[arg-type]
    )
    return opening.channel_metrics(runner(), view, args)


@st.cache_data(max_entries=16, show_spinner=False)
def contact_list(view: str, start: object, end: object, level: str) -> pd.DataFrame:
    """The engine's `metrics.contact_list` of a view (one row per customer).

    Kept for a whole view over its whole span of days (`opening.contact_list`).
    """
    whole_span = (start, end) == relation_dates(view)
    return opening.contact_list(runner(), view, start, end, level, whole_span)  # type: ignore[arg-type]


# -- sentiment (appended by the sentiment engineer) ---------------------------------------------


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def sentiment_model(fingerprint: str, transcripts_path: str) -> bytes:
    """A model trained on the dataset's labelled transcripts, as bytes (with CV metrics)."""
    from journey.sentiment.model import train_model

    del fingerprint
    # only the text and label columns are read: what a model trains on
    texts = handle.read_columns(engine(), transcripts_path, (schema.TEXT, schema.LABEL))
    labelled = texts[texts[schema.LABEL].notna()]
    model = train_model(labelled[schema.TEXT], labelled[schema.LABEL])
    return model.to_bytes()


def sentiment_scored(
    fingerprint: str,
    _transcripts: pd.DataFrame,
    scorer: str,
    _model: bytes | None,
    label: str,
) -> score.ScoredTranscripts:
    """Every transcript of the dataset scored once per scorer and model, for every session.

    Read from the workspace when the dataset is saved there with its scores (scored when it
    was saved, or by the first page that needed them); else scored once, with a progress
    bar, and saved there. A session dataset not saved is scored once per process. A filter
    change only subsets this result (`score.subset`), it never re-scores.
    """
    return _scored_once(fingerprint, scorer, stored.model_key(_model), _transcripts, _model, label)


@st.cache_resource(max_entries=4, show_spinner=False)
def _scored_once(
    fingerprint: str,
    scorer: str,
    model_key: str,
    _transcripts: pd.DataFrame,
    _model: bytes | None,
    label: str,
) -> score.ScoredTranscripts:
    """`sentiment_scored`, shared read-only by every session (keyed by data, scorer, model)."""
    from journey.sentiment.model import TranscriptSentiment

    name = _workspace_name(fingerprint)
    frame = workspace().scores(name, scorer, model_key) if name is not None else None
    if frame is None:
        bar = st.progress(0.0, text=label)
        model = TranscriptSentiment.from_bytes(_model) if _model else None
        frame = stored.score_for_store(
            _transcripts,
            model,
            lambda f, m: bar.progress(min(1.0, max(0.0, f)), text=f"{label}: {m}"),
            scorer=scorer,
        )
        bar.empty()
        if name is not None:
            _save_scores(name, scorer, frame, model_key)
    return stored.scored_from_store(_transcripts, frame)


def _workspace_name(fingerprint: str) -> str | None:
    """The workspace dataset holding exactly this data (its key), if any."""
    try:
        infos = workspace().list_datasets()
    except WorkspaceError:
        return None  # the frame already warns that the workspace is unavailable
    return next((info.name for info in infos if info.key == fingerprint), None)


def _save_scores(name: str, scorer: str, frame: pd.DataFrame, model_key: str) -> None:
    """Keep scores in the workspace; if it cannot, say so (the page still shows them)."""
    try:
        workspace().save_scores(name, scorer, frame, model_key)
    except WorkspaceError as err:
        st.warning(t("frame.workspace_unavailable", reason=md_text(err)))


def store_sentiment_scores(
    name: str, fingerprint: str, _transcripts: pd.DataFrame, label: str
) -> None:
    """Score a dataset just saved in the workspace (default scorer) and store the scores."""
    if workspace().scores(name, stored.DEFAULT) is not None:
        return
    scored = sentiment_scored(fingerprint, _transcripts, stored.DEFAULT, None, label)
    if workspace().scores(name, stored.DEFAULT) is None:  # scored earlier in this process
        _save_scores(name, stored.DEFAULT, stored.to_stored(scored), "")


# The Sentiment page reads the dataset's stored scores as a Parquet file (exported from the
# workspace once, or written once from an in-process scoring) joined to its transcripts file
# on the engine; pages aggregate views of the scope's scored rows (`engine_scored`).


@st.cache_data(max_entries=16, show_spinner=False)
def transcript_rows(path: str) -> int:
    """The number of transcript rows in a dataset's transcripts file."""
    return engine_scored.count_rows(runner(), path)


@st.cache_data(max_entries=16, show_spinner=False)
def transcripts_have_labels(path: str) -> bool:
    """Whether a dataset's transcripts carry at least one label (to train a model on)."""
    return engine_scored.has_labels(runner(), path)


def sentiment_scores_file(
    dataset: state.Dataset, scorer: str, model: bytes | None, label: str
) -> str:
    """The dataset's scores by `scorer` (and `model`) as a Parquet file in the cache folder.

    Exported from the workspace when stored there; else the dataset is scored once (with a
    progress bar under `label`; `_scored_once` saves the scores to the workspace when the
    dataset is there) and the scores written to the file.
    """
    if dataset.transcripts_path is None:
        raise ValueError("a dataset without transcripts has no sentiment scores")
    model_key = stored.model_key(model)
    return _scores_file(
        dataset.fingerprint, scorer, model_key, dataset.transcripts_path, model, label
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _scores_file(
    fingerprint: str,
    scorer: str,
    model_key: str,
    transcripts_path: str,
    _model: bytes | None,
    label: str,
) -> str:
    path = handle.scores_path(fingerprint, scorer, model_key)
    if path.exists():
        return str(path)
    name = _workspace_name(fingerprint)
    if name is not None:
        found = handle.export_scores(workspace(), name, fingerprint, scorer, model_key)
        if found is not None:
            return str(found)
    transcripts = dataset_transcripts(transcripts_path)
    scored = _scored_once(fingerprint, scorer, model_key, transcripts, _model, label)
    handle.frame_to_parquet(engine(), stored.to_stored(scored), path)
    return str(path)


def sentiment_relation(scope: state.Scope, scores_path: str) -> engine_scored.ScoredRelation:
    """The scope's scored transcripts as engine views (the filters as a SQL condition)."""
    transcripts = scope.dataset.transcripts_path
    if transcripts is None:
        raise ValueError("a dataset without transcripts has no scored transcripts")
    chosen = scope.filters
    # without filters the scope holds every transcript row, as `scope_transcripts`
    events = None if chosen.is_empty() else scope.events
    return _sentiment_relation(transcripts, scores_path, events, chosen.start, chosen.end)


@st.cache_resource(max_entries=32, show_spinner=False)
def _sentiment_relation(
    transcripts: str, scores: str, events: str | None, start: date | None, end: date | None
) -> engine_scored.ScoredRelation:
    condition = engine_scored.scope_condition(events, start, end)
    name = opening.scored_name(transcripts, scores, condition)
    return engine_scored.scored_relation(engine(), name, transcripts, scores, condition)


@st.cache_data(max_entries=64, show_spinner=False)
def sentiment_figures(view: str, rows: str, turns: str) -> dict[str, float | int]:
    """Headline figures of scored views (kept for a whole view: `opening`)."""
    return opening.sentiment_figures(runner(), view, rows, turns)


@st.cache_data(max_entries=64, show_spinner=False)
def sentiment_unscored(view: str, rows: str) -> pd.DataFrame:
    """Unscored rows by reason of a scored-rows view (kept for a whole view)."""
    return opening.sentiment_unscored(runner(), view, rows)


def sentiment_csv(relation: engine_scored.ScoredRelation) -> bytes:
    """Every scored row of the scope as CSV: built from SQL when the user asks for it."""
    return engine_scored.scored_csv(runner(), relation)


def sentiment_views(rows: str, view: str, level: str) -> dict[str, object]:
    """Drivers, most negative, topics, levels, trend and outcome of a scored-rows view.

    Everything but the word work is SQL: the joins to the journey (level, phase, later
    purchases) over the scope's prepared-events `view`. Cached (and kept for a whole view,
    `opening`) in three parts, so a change of `level` recomputes only what depends on the
    journey link.
    """
    return {
        **_sentiment_words(rows, view),
        **_sentiment_trends(rows, view),
        **_sentiment_levels(rows, view, level),
    }


@st.cache_data(max_entries=16, show_spinner=False)
def _sentiment_words(rows: str, view: str) -> dict[str, object]:
    return opening.sentiment_words(runner(), view, rows)


@st.cache_data(max_entries=16, show_spinner=False)
def _sentiment_trends(rows: str, view: str) -> dict[str, object]:
    return opening.sentiment_trends(runner(), view, rows)


@st.cache_data(max_entries=16, show_spinner=False)
def _sentiment_levels(rows: str, view: str, level: str) -> dict[str, object]:
    return opening.sentiment_levels(runner(), view, rows, level)


# -- sentiment on the journey maps (appended by the map-sentiment engineer) ----------------------


def default_scored_scope(
    fingerprint: str, _transcripts: pd.DataFrame, _in_scope: pd.DataFrame, label: str
) -> score.ScoredTranscripts:
    """The default scorer's result for the filtered scope, scored once per dataset.

    Shares `sentiment_scored`'s cache entry with the Sentiment page's default scorer; the
    filters only subset it.
    """
    scored = sentiment_scored(fingerprint, _transcripts, "default", None, label)
    # the scope's transcripts are rows of the dataset's: as many rows means every row
    if schema.ROW not in _in_scope or len(_in_scope) == len(_transcripts):
        return scored
    return score.subset(scored, _in_scope[schema.ROW])


@st.cache_data(max_entries=16, show_spinner=False)
def node_sentiment(rows: str, view: str, level: str) -> pd.DataFrame:
    """Node sentiment (node, mean_score, n) of scored rows `rows`, linked to the events `view`."""
    return engine_sentiment.node_sentiment(runner(), rows, view, level)


# -- trained sentiment models kept in the workspace -------------------------------------

SENTIMENT_MODEL_NAME = "sentiment"


def stored_sentiment_model(
    name: str, source: str, fingerprint: str, transcripts_path: str
) -> tuple[bytes, bool]:
    """The dataset's trained sentiment model: loaded from the workspace, else trained (and saved).

    Returns the model bytes and whether they are kept in the workspace. A workspace model is
    dropped whenever its dataset's data change, so a stored model always fits its data. Only
    training reads the transcripts (their text and label columns).
    """
    if source != "workspace":
        return sentiment_model(fingerprint, transcripts_path), False
    saved = workspace().load_model(name, SENTIMENT_MODEL_NAME)
    if saved is not None:
        return saved, True
    trained = sentiment_model(fingerprint, transcripts_path)
    workspace().save_model(name, SENTIMENT_MODEL_NAME, trained)
    return trained, True


# -- report ----------------------------------------------------------------------------------


def report_sentiment(scope: state.Scope) -> content.SentimentInput | None:
    """The sentiment section's figures for the scope, as the Sentiment page's default scorer.

    On the engine over the dataset's transcripts and stored scores (scored once per dataset),
    the filters as a SQL condition: no pandas copy of the transcripts. None without them.
    """
    if scope.dataset.transcripts_path is None:
        return None
    scores = sentiment_scores_file(scope.dataset, "default", None, t("sentiment.scoring"))
    relation = sentiment_relation(scope, scores)
    return _report_sentiment(relation.rows, relation.turns, scope.events)


@st.cache_data(max_entries=16, show_spinner=False)
def _report_sentiment(rows: str, turns: str, view: str) -> content.SentimentInput:
    from journey.present import content

    return content.sentiment_input(runner(), rows, turns, view)


def report_kept(view: str, level: str) -> content.Kept:
    """The kept path and touches files a report of `view` reads (none for a filtered scope).

    The same files the Journey map, Network and Attribution pages read, so a report after
    those pages, or after `load` wrote the defaults, builds neither again.
    """
    from journey.present import content

    if not handle.is_file_view(view):
        return content.Kept()
    return content.Kept(
        paths=path_view(view, level, False),
        touches=touches_view(view, attribution.DEFAULT_SETTINGS),
    )


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def report_content(
    key: str,
    view: str,
    _sentiment: content.SentimentInput | None,
    options: content.ReportOptions,
    _next_best_action: content.NextBestActionInput | None = None,
    _kept: content.Kept | None = None,
) -> content.ReportContent:
    """The engine's `content.build_report` of a scope's view (`key`: scope, options, inputs)."""
    from journey.present import content

    del key
    return content.build_report(
        runner(), view, _sentiment, options, next_best_action=_next_best_action, kept=_kept
    )


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def report_html(key: str, _report: content.ReportContent) -> bytes:
    """The report of `key` (scope and options) as one self-contained HTML file."""
    from journey.present import html as present_html

    del key
    return present_html.render_html(_report).encode("utf-8")


@st.cache_data(scope="session", max_entries=2, show_spinner=False)
def report_deck(key: str, _report: content.ReportContent) -> tuple[bytes, str]:
    """The deck of `key` (scope and options), and why chart images are missing ('' if not)."""
    from journey.present import deck, images

    del key
    try:
        pngs = images.render_pngs(_report.charts())
    except images.ImagesUnavailable as err:  # the deck falls back to tables: say why
        return deck.build_deck(_report, {}, str(err)), str(err)
    return deck.build_deck(_report, pngs), ""


# -- next best action (appended by the next-best-action engineer) -------------------------------
# The recommender settings are hashed by `nba_key` (a frozen dataclass's repr); the view names
# say which data, settings and filters the features read.


def nba_key(*parts: object) -> str:
    """A cache key for settings (frozen dataclasses) and names, from their repr."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def nba_contacts(dataset: state.Dataset) -> str | None:
    """The dataset's scored conversations as a shared engine view of contacts (None: none).

    Read from the kept contacts file (`load` writes it); else the transcripts are scored
    once (the Sentiment page's default scorer) and the file written.
    """
    if dataset.transcripts_path is None:
        return None
    path = handle.contacts_path(dataset.fingerprint)
    if not path.exists():
        scored = sentiment_scored(
            dataset.fingerprint,
            dataset_transcripts(dataset.transcripts_path),
            "default",
            None,
            t("nba.working"),
        )
        _write_contacts(dataset.fingerprint, scored.conversations)
    return handle.parquet_view(engine(), path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _write_contacts(fingerprint: str, _conversations: pd.DataFrame) -> None:
    from journey.recommend import features as recommend_features

    path = handle.contacts_path(fingerprint)
    if not path.exists():
        handle.frame_to_parquet(engine(), recommend_features.contacts_frame(_conversations), path)


def nba_opening(scope: state.Scope, rec: recommend_pipeline.Recommender, cutoff: date) -> bool:
    """Whether `rec` and `cutoff` are the page's opening settings on a dataset's whole view."""
    defaults = nba_page_defaults(scope)
    return handle.is_file_view(scope.events) and defaults is not None and defaults == (rec, cutoff)


@st.cache_resource(max_entries=4, show_spinner=False)
def nba_kept(
    view: str, contacts: str | None, key: str, _rec: recommend_pipeline.Recommender, cutoff: date
) -> recommend_kept.KeptRun:
    """The page's results at its opening settings, kept as files (`recommend.kept`).

    Read when `load` (or an earlier visit) kept them; else computed once and written, for
    every later session and restart. Shared read-only (`key`: every setting).
    """
    from journey.recommend import kept

    del key
    at = pd.Timestamp(cutoff)
    folder = _nba_folder(view, contacts, _rec, cutoff)
    return kept.kept_run(runner(), view, _rec, at, contacts, folder)


def _nba_folder(
    view: str, contacts: str | None, rec: recommend_pipeline.Recommender, cutoff: date
) -> Path:
    """Where the page's results for these inputs are kept (`recommend.kept.run_key`)."""
    from journey.recommend import kept

    return handle.nba_folder(kept.run_key(view, contacts, rec, pd.Timestamp(cutoff)))


@st.cache_resource(max_entries=8, show_spinner=False)
def nba_model(
    view: str,
    contacts: str | None,
    model_key: str,
    _rec: recommend_pipeline.Recommender,
    cutoff: object,
) -> recommend_model.PropensityModel:
    """The model trained on what was known by `cutoff`; `model_key` names its settings only."""
    from journey.recommend import pipeline as recommend_pipeline

    del model_key
    return recommend_pipeline.fit_model(runner(), view, pd.Timestamp(cutoff), _rec, contacts)


@st.cache_data(max_entries=16, show_spinner=False)
def nba_decisions(
    view: str,
    contacts: str | None,
    key: str,
    model_key: str,
    _rec: recommend_pipeline.Recommender,
    cutoff: object,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decisions per customer at `cutoff` (`key`: every setting), and value x propensity."""
    from journey.recommend import pipeline as recommend_pipeline

    del key
    model = nba_model(view, contacts, model_key, _rec, cutoff)
    nba = recommend_pipeline.recommend(runner(), view, pd.Timestamp(cutoff), _rec, contacts, model)
    matrix = recommend_pipeline.value_propensity(nba.features, nba.probability)
    return nba.decisions, matrix


@st.cache_data(max_entries=16, show_spinner=False)
def nba_evaluation(
    view: str, contacts: str | None, model_key: str, _rec: recommend_pipeline.Recommender
) -> recommend_model.Evaluation:
    """The model's time-split evaluation next to the recency baseline."""
    from journey.recommend import pipeline as recommend_pipeline

    del model_key
    return recommend_pipeline.evaluate(runner(), view, _rec, contacts)


@st.cache_data(max_entries=8, show_spinner=False)
def nba_replay(
    view: str,
    contacts: str | None,
    key: str,
    model_key: str,
    _rec: recommend_pipeline.Recommender,
    dates: tuple[object, object],
) -> recommend_replay.Replay:
    """The rules replayed day by day between `dates` with the model known at the first."""
    from journey.recommend import replay as recommend_replay

    del key
    start, end = (pd.Timestamp(d) for d in dates)
    model = nba_model(view, contacts, model_key, _rec, start)
    return recommend_replay.replay(runner(), view, model, start, end, _rec, contacts)


# -- next best action in the report ----------------------------------------------------------
# More events than this in the scope: the Report page leaves the section unselected (slow).
NBA_REPORT_MAX_EVENTS = handle.MAX_FRAME_ROWS


def nba_page_defaults(scope: state.Scope) -> tuple[recommend_pipeline.Recommender, date] | None:
    """The Next best action page's settings and cut-off as it opens (None: no events)."""
    from journey.recommend import pipeline as recommend_pipeline

    dates = relation_dates(scope.events)
    if dates is None:
        return None
    rec = recommend_pipeline.recommender_for(
        scope.dataset.settings,
        column_values(scope.events, schema.TOUCHPOINT),
        column_values(scope.events, schema.EVENT_TYPE),
    )
    return rec, dates[1] + timedelta(days=1)


def nba_kept_ready(scope: state.Scope) -> bool:
    """Whether the page's opening results for the scope are kept already (reading is quick)."""
    from journey.recommend import kept

    defaults = nba_page_defaults(scope) if handle.is_file_view(scope.events) else None
    if defaults is None:
        return False
    contacts = handle.contacts_path(scope.dataset.fingerprint)
    if scope.has_transcripts and not contacts.exists():
        return False  # nba_contacts would score the transcripts: not quick
    rec, cutoff = defaults
    return kept.is_kept(_nba_folder(scope.events, nba_contacts(scope.dataset), rec, cutoff))


def nba_report_input(scope: state.Scope) -> content.NextBestActionInput | None:
    """The Next best action page's decisions at its defaults, from the same caches."""
    from journey.present import content

    defaults = nba_page_defaults(scope)
    if defaults is None:
        return None
    rec, cutoff = defaults
    # the page uses the last contact's sentiment by default
    contacts = nba_contacts(scope.dataset)
    key = nba_key(rec, scope.key)
    if handle.is_file_view(scope.events):
        run = nba_kept(scope.events, contacts, key, rec, cutoff)
        return content.NextBestActionInput(run.decisions, run.matrix, cutoff)
    model_key = nba_key(rec.features, rec.train, scope.key)
    decisions, matrix = nba_decisions(scope.events, contacts, key, model_key, rec, cutoff)
    return content.NextBestActionInput(decisions, matrix, cutoff)
