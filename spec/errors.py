"""The one error type of the spec package: it names the file and the reference at fault."""

from __future__ import annotations

from pathlib import Path


class SpecError(Exception):
    """The contract cannot be loaded; the message is one line naming the file and the reference."""

    def __init__(self, file: Path | str, message: str, reference: str | None = None) -> None:
        self.file = str(file)
        self.reference = reference
        self.message = message
        where = f"{self.file}: " if self.file else ""
        ref = f" (reference '{reference}')" if reference else ""
        super().__init__(f"{where}{message}{ref}")


class OverlayError(SpecError):
    """An overlay document is malformed or one of its actions cannot be applied."""


def display_path(file: Path | str) -> str:
    """A path as the user typed it: relative to the working directory when it lies below it."""
    path = Path(file)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
