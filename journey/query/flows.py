"""What a flow query says about folding: shared by the engine's flows and maps and the app.

Folding keeps the top K nodes by volume (events at that level after collapsing repeats,
ties by name) and renames the rest "Other" after the path is built
(`journey.query.engine.flows`; pandas reference: `tests/oracle/flows.py`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FoldResult:
    """How nodes were folded: node -> kept name or "Other", how many and how much volume."""

    mapping: dict[str, str]
    n_folded: int
    folded_volume: int  # events at the level, after collapsing repeats, of the folded nodes
    kept: list[str]
