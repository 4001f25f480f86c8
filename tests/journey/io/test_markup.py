"""Data shown as text in markdown: md_text escapes every piece of syntax, shows every character."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.io.markup import WORD_JOINER, md_text

WJ = WORD_JOINER


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Email", "Email"),
        ("", ""),
        (None, ""),
        (42, "42"),
        ("a_b", "a&#95;b"),
        ("**bold**", "&#42;&#42;bold&#42;&#42;"),
        ("[x](y)", "&#91;x&#93;&#40;y&#41;"),
        ("![i](x.png)", "&#33;&#91;i&#93;&#40;x&#46;png&#41;"),
        ("<b>", "&#60;b&#62;"),
        ("&amp;", "&#38;amp&#59;"),
        ("a\\b", "a&#92;b"),
        (":red[x]", "&#58;red&#91;x&#93;"),
        ("$x$", "&#36;x&#36;"),
        ("`c`", "&#96;c&#96;"),
        ("{name}", "&#123;name&#125;"),
        ("ok\n# head", "ok &#35; head"),
        ("a\r\nb\rc", "a b c"),
        ("http://e.com", f"http{WJ}&#58;&#47;&#47;e&#46;com"),
        ("HTTPS://e", f"HTTPS{WJ}&#58;&#47;&#47;e"),
        ("www.e.com", f"www{WJ}&#46;e&#46;com"),
        ("a@b.com", f"a{WJ}&#64;b&#46;com"),
        ("Café – zł", "Café – zł"),  # only ASCII punctuation is syntax
    ],
)
def test_md_text_by_hand(value, expected):
    assert md_text(value) == expected


def test_hyperlink_formula_is_inert():
    escaped = md_text('=HYPERLINK("http://example.com")')
    assert escaped == (f"&#61;HYPERLINK&#40;&#34;http{WJ}&#58;&#47;&#47;example&#46;com&#34;&#41;")


@given(st.text())
def test_md_text_shows_the_text(text):
    shown = html.unescape(md_text(text)).replace(WJ, "")
    expected = re.sub(r"\r\n|[\r\n\f\v\u2028\u2029\x85]", " ", text).replace(WJ, "")
    assert shown == expected


@given(st.text())
def test_md_text_leaves_no_syntax(text):
    escaped = md_text(text)
    # outside its own character references, no ASCII punctuation and no line break is left
    rest = re.sub(r"&#\d+;", "", escaped)
    assert re.search(r"[!-/:-@\[-`{-~\r\n]", rest) is None
    assert re.search(r"(?i)(https?:|www\.)", html.unescape(escaped)) is None
    assert re.search(r"[\w.+-]@", html.unescape(escaped)) is None
