"""Team views: how other teams' touchpoints are shown (the engine's and the app's choice).

"fold" keeps other teams' events in the path as "Other teams"; "hide" drops them
(`ui.handle`; pandas reference: `tests/oracle/teams.py`).
"""

from __future__ import annotations

TEAM_MODES = ("fold", "hide")
