"""The propensity model's kinds, importable without loading scikit-learn (links, menus)."""

from __future__ import annotations

from typing import Final

KINDS: Final = ("gradient_boosting", "logistic")
