"""Every category colour stays visible on Streamlit's light and dark backgrounds."""

from __future__ import annotations

import pytest

from journey.schema import CATEGORY_COLORS, PHASE_COLORS
from journey.viz import palette


def test_contrast_ratio_matches_wcag_by_hand():
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # #777777: channel 119/255 = 0.46667 -> ((0.46667 + 0.055) / 1.055) ** 2.4 = 0.18448
    # ratio (1 + 0.05) / (0.18448 + 0.05) = 4.478, the same either way round
    assert palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.478, abs=1e-3)
    assert palette.contrast_ratio("#ffffff", "#777777") == pytest.approx(4.478, abs=1e-3)


@pytest.mark.parametrize("color", [*CATEGORY_COLORS, *PHASE_COLORS.values()])
@pytest.mark.parametrize("background", [palette.LIGHT_BACKGROUND, palette.DARK_BACKGROUND])
def test_chart_colours_are_readable_on_both_themes(color, background):
    assert palette.contrast_ratio(color, background) >= palette.MIN_MARK_CONTRAST


def test_category_colours_are_distinct():
    assert len(set(CATEGORY_COLORS)) == len(CATEGORY_COLORS) == 8
