"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"

# CI sets HYPOTHESIS_PROFILE=ci; shared 2-core machines have no stable timings. 50 examples
# per property (tests that need more say so) keep the whole suite inside CI's 30 minutes.
settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


PRIVATE_MARK = "JOURNEY_TESTS_PRIVATE_WORKSPACE"  # set when the workspace below is the tests'


def _private_workspace() -> None:
    """Point the workspace at a temporary file so tests never touch the user's HOME.

    Each test process gets its own: pytest-xdist's workers inherit the controller's
    environment, and two processes must not share one DuckDB file or cache folder.
    """
    ours = os.environ.get(PRIVATE_MARK) == os.environ.get("JOURNEY_WORKSPACE")
    if "JOURNEY_WORKSPACE" not in os.environ or ours:
        folder = Path(tempfile.mkdtemp(prefix="journey-tests-"))
        os.environ["JOURNEY_WORKSPACE"] = str(folder / "workspace.duckdb")
        os.environ[PRIVATE_MARK] = os.environ["JOURNEY_WORKSPACE"]


_private_workspace()
