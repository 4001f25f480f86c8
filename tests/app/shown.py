"""What a markdown element shows: data inside it is written inert by journey.io.markup."""

from __future__ import annotations

import html

from journey.io.markup import WORD_JOINER


def shown(source: object) -> str:
    """The text a markdown source built with md_text shows (references decoded, joiners gone)."""
    return html.unescape(str(source)).replace(WORD_JOINER, "")
