"""What a page works on: two cohorts to compare and what is drawn of each, one customer.

The cohorts, the focus (phase, team view) and the prepared events are computed on the
engine (`journey.query.engine.compare`, `.prepare`, `ui.handle`); their pandas reference
is `tests/oracle/scope.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from journey.errors import SettingsError
from journey.schema import CUSTOMER_ID, TIMESTAMP

CohortKind = Literal["conversion", "segment", "period"]


def dominant_phases(node_table: pd.DataFrame) -> dict[str, str]:
    """Node -> dominant phase ('' when none) from a node stats table (`engine.stats.node_stats`)."""
    phases = node_table["dominant_phase"].fillna("")
    return dict(zip(node_table["node"], phases, strict=True))


@dataclass(frozen=True)
class Cohorts:
    """Two groups to compare: converters vs the rest, two segment values, or two periods.

    Build one with `Cohorts.conversion()`, `Cohorts.segment(...)` or `Cohorts.period(...)`.
    """

    kind: CohortKind
    column: str | None = None  # segment: the attribute column
    value_a: str | None = None  # segment: group A's value
    value_b: str | None = None  # segment: group B's value
    period_a: tuple[date, date] | None = None  # period: group A's first and last day
    period_b: tuple[date, date] | None = None  # period: group B's first and last day

    def __post_init__(self) -> None:
        segment = (self.column, self.value_a, self.value_b)
        periods = (self.period_a, self.period_b)
        needed = {
            "conversion": all(v is None for v in (*segment, *periods)),
            "segment": all(v is not None for v in segment) and periods == (None, None),
            "period": all(v is not None for v in periods) and segment == (None, None, None),
        }
        if not needed.get(self.kind, False):
            raise SettingsError(f"cohorts of kind {self.kind!r} with fields that do not fit it")

    @classmethod
    def conversion(cls) -> Cohorts:
        """Customers who converted (A) and customers who did not (B)."""
        return cls("conversion")

    @classmethod
    def segment(cls, column: str, value_a: str, value_b: str) -> Cohorts:
        """Customers with `column` == value_a at least once (A), and == value_b (B)."""
        return cls("segment", column=column, value_a=value_a, value_b=value_b)

    @classmethod
    def period(cls, period_a: tuple[date, date], period_b: tuple[date, date]) -> Cohorts:
        """The events within each date range (both ends inclusive)."""
        return cls("period", period_a=tuple(period_a), period_b=tuple(period_b))


@dataclass(frozen=True)
class CohortFigures:
    """What the Compare page draws for one cohort."""

    n_customers: int
    steps: pd.DataFrame  # `flows.step_flows`
    transitions: pd.DataFrame  # `flows.count_transitions`
    node_stats: pd.DataFrame  # `engine.stats.node_stats`
    phases: dict[str, str]  # node -> dominant phase


@dataclass(frozen=True)
class CohortComparison:
    """Both cohorts' figures and the difference in their transition shares."""

    a: CohortFigures
    b: CohortFigures
    compare: pd.DataFrame  # `compare.compare_transitions`


def customer_transcripts(transcripts: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    """One customer's transcripts in time order (file order for ties, no time last)."""
    mine = transcripts[transcripts[CUSTOMER_ID] == customer_id]
    if TIMESTAMP in mine.columns:
        mine = mine.sort_values(TIMESTAMP, kind="stable", na_position="last")
    return mine.reset_index(drop=True)
