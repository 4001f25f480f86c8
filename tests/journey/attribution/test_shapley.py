"""Shapley attribution by hand over every coalition and in closed form.

Every expected number below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.attribution.models import (
    AttributionSettings,
    attribute_paths,
)
from journey.attribution.paths import (
    PathSet,
)
from journey.attribution.shapley import (
    SHAPLEY_CLOSED_FORM,
    SHAPLEY_PER_COALITION,
    shapley_model,
)
from tests.journey.attribution.examples import credit

SHAPLEY_PATHS = pd.DataFrame(
    {
        "path": ["A > B", "A", "B > C > B", "C"],
        "n_conversions": [2, 1, 1, 0],
        "n_null": [0, 0, 0, 5],
        "revenue": [20.0, 30.0, 8.0, 0.0],
    }
)


def test_shapley_by_hand_over_every_coalition():
    # r({A,B}) = 2, r({A}) = 1, r({B,C}) = 1 (C alone never converts).
    # v: {} 0, A 1, B 0, C 0, AB 3, AC 1, BC 1, ABC 4. Weights |S|!(3-|S|-1)!/3!: 1/3, 1/6, 1/3.
    # phi_A = 1/3 * 1 + 1/6 * (3 - 0) + 1/6 * (1 - 0) + 1/3 * (4 - 1) = 2
    # phi_B = 1/3 * 0 + 1/6 * (3 - 1) + 1/6 * (1 - 0) + 1/3 * (4 - 1) = 1.5
    # phi_C = 1/3 * 0 + 1/6 * (1 - 1) + 1/6 * (1 - 0) + 1/3 * (4 - 3) = 0.5
    # Revenue v: A 30, AB 50, BC 8, ABC 58 -> A 40, B 14, C 4.
    paths = PathSet.from_counts(SHAPLEY_PATHS)
    result = shapley_model(paths)
    assert result.attrs["shapley_method"] == SHAPLEY_PER_COALITION
    assert result["conversions"].tolist() == pytest.approx([2.0, 1.5, 0.5])
    assert result["revenue"].tolist() == pytest.approx([40.0, 14.0, 4.0])


def test_shapley_closed_form_beyond_the_coalition_limit_gives_the_same_values():
    paths = PathSet.from_counts(SHAPLEY_PATHS)
    result = shapley_model(paths, max_exact_channels=2)
    assert result.attrs["shapley_method"] == SHAPLEY_CLOSED_FORM
    assert result["conversions"].tolist() == pytest.approx([2.0, 1.5, 0.5])
    assert result["revenue"].tolist() == pytest.approx([40.0, 14.0, 4.0])


def test_shapley_on_sixteen_channels_uses_the_closed_form():
    names = [f"ch{i:02d}" for i in range(16)]
    paths = PathSet.from_counts(
        pd.DataFrame({"path": [" > ".join(names), "ch00"], "n_conversions": [16, 4]})
    )
    result = attribute_paths(paths, AttributionSettings(models=("shapley",)))
    assert result.attrs["shapley_method"] == SHAPLEY_CLOSED_FORM
    # the long path's 16 conversions split 1 each; ch00 also has the 4 of its own path
    assert credit(result, "shapley")["ch00"] == (5.0, 0.0)
    assert credit(result, "shapley")["ch15"] == (1.0, 0.0)


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(list("ABCDEFG")), min_size=1, max_size=5),
            st.integers(0, 4),
            st.integers(0, 90),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_shapley_per_coalition_equals_closed_form(rows):
    frame = pd.DataFrame(
        {
            "path": [" > ".join(p) for p, _, _ in rows],
            "n_conversions": [c for _, c, _ in rows],
            "revenue": [float(r) for _, _, r in rows],
        }
    )
    paths = PathSet.from_counts(frame)
    exact = shapley_model(paths)
    closed = shapley_model(paths, max_exact_channels=0)
    assert exact["conversions"].to_numpy() == pytest.approx(closed["conversions"].to_numpy())
    assert exact["revenue"].to_numpy() == pytest.approx(closed["revenue"].to_numpy())
