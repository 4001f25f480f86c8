"""Phase names as users spell them: the engine's phase assignment reads them with this.

The phase rules are applied by the engine (`journey.query.engine.prepare`, window
functions); their pandas reference is `tests/oracle/phases.py`.
"""

from __future__ import annotations

import re

from journey.schema import Phase

_PHASES = tuple(p.value for p in Phase)


def normalise_phase(value: object) -> str | None:
    """Return the Phase a user spelling names ("Post purchase" -> "post-purchase"), or None."""
    text = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    if text == "postpurchase":
        text = Phase.POST_PURCHASE.value
    return text if text in _PHASES else None
