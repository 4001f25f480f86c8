"""UI text catalogues (en, id, pl): `t(key)` looks a key up in the chosen language.

Every module in `ui/locales/` defines `TEXT = {"key": {"en": ..., "id": ..., "pl": ...}}`;
English is required, other languages fall back to it.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import ui.locales
from ui import state

LANGUAGES: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia", "pl": "Polski"}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Merge the TEXT dictionaries of every module in ui/locales/."""
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(ui.locales.__path__):
        module = importlib.import_module(f"ui.locales.{info.name}")
        for key, texts in getattr(module, "TEXT", {}).items():
            if key in merged:
                msg = f"UI text key {key!r} is defined twice (ui/locales/{info.name}.py)"
                raise ValueError(msg)
            merged[key] = texts
    return merged


def language() -> str:
    """Return the language code the user chose (English by default)."""
    code = state.language()
    return code if code in LANGUAGES else "en"


def t(key: str, **fmt: object) -> str:
    """Return the UI text for `key` in the current language, formatted with `fmt`."""
    texts = catalogue().get(key)
    if texts is None:
        msg = f"no UI text for key {key!r}: add it to a module in ui/locales/"
        raise KeyError(msg)
    text = texts.get(language()) or texts["en"]
    return text.format(**fmt) if fmt else text
