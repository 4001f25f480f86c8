"""Show data as text where markdown (and HTML) is rendered: names, values, transcripts.

Streamlit renders markdown in st.markdown, captions, toasts, alerts, metric, expander and widget
labels; with `unsafe_allow_html` it renders HTML too. A channel, dataset name or transcript
from a file is data, so it must never become a link, an image or a tag there. `md_text` writes
every ASCII punctuation character as a numeric character reference: markdown and HTML both
show the character, but neither reads it as syntax (tried in chromium: `![i](…)`, `[a](…)`,
`<img …>`, `:red[…]`, `$…$` all show as typed). A backslash escape is not enough:
Streamlit's GFM links bare URLs (`http://…`, `www.…`, `a@b.c`) after escapes are resolved,
so a WORD JOINER (U+2060, invisible) is put inside each such start. Line breaks become spaces
so that a value cannot open a new block.
"""

from __future__ import annotations

import re
from typing import Final

WORD_JOINER: Final = "\u2060"

_PUNCTUATION: Final = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character
_LINE_BREAK: Final = re.compile(r"\r\n|[\r\n\f\v\u2028\u2029\x85]")
# the starts GFM turns into links: scheme URLs, www. hosts, and the `@` of an e-mail address
_AUTOLINK_START: Final = re.compile(r"(?i)(https?|www|mailto|xmpp)(?=[:.])|(?=@)")


def md_text(text: object) -> str:
    """Return `text` as markdown (or HTML) source that renders exactly as the text, inert."""
    source = "" if text is None else str(text)
    source = _LINE_BREAK.sub(" ", source)
    source = _AUTOLINK_START.sub(lambda m: (m.group(1) or "") + WORD_JOINER, source)
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", source)
