"""Errors that are data for the user: each says which file, row and column, and why."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches


class JourneyError(Exception):
    """Base of every error the user can act on (shown as a message, never a traceback)."""


class InputError(JourneyError):
    """A problem in the user's file, located as precisely as possible."""

    def __init__(self, file: str, row: int | None, column: str | None, reason: str) -> None:
        self.file, self.row, self.column, self.reason = file, row, column, reason
        where = [file, f"row {row}" if row else "", f"column '{column}'" if column else ""]
        super().__init__(f"{', '.join(w for w in where if w)}: {reason}")


class MappingError(InputError):
    """A column mapping that cannot work: unknown column, required column unmapped."""


class FileTooLargeError(InputError):
    """A file over the configured size limit."""


class SettingsError(JourneyError):
    """A setting or parameter the user gave that cannot be used (bad window, bad stage list)."""


class WorkspaceError(JourneyError):
    """A workspace problem: unknown dataset, name taken, unreadable workspace file."""


class ModelError(JourneyError):
    """A model that cannot be trained or used (too few labels, one class only, not trained)."""


def unknown_column(file: str, column: str, known: Sequence[str]) -> MappingError:
    """Build the error for a mapped column the file does not have."""
    close = get_close_matches(column, list(known), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return MappingError(file, None, column, f"no such column.{hint}")
