"""Lines of a text stream read with a size limit, so that no line is ever held whole past LIMIT.

A line longer than the limit is read on to its end a piece at a time and dropped: the reader gets
None for it (and reports it as a Bad record), and the next line is read as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from tui_tasks.services.formats import LIMIT, no_nul, read_past

PIECE = 1 << 16  # characters read at a time while dropping a line too long
_ENDS = ("\n", "\r")  # the stream is opened with newline="": "\r\n" ends a line, so does a lone "\r"


class Lines:
    """The lines of `stream` with their numbers, starting with the text in `head` (already read from it)."""

    def __init__(self, stream: TextIO, head: str = "", first: int = 1, limit: int = LIMIT) -> None:
        self.stream = stream
        self.head = head
        self.number = first - 1
        self.limit = limit

    def _read(self, size: int) -> str:
        """At most `size` characters, up to and including the next line end."""
        if not self.head:
            return self.stream.readline(size)
        cut = min((i for i in (self.head.find(end) for end in _ENDS) if i >= 0), default=len(self.head) - 1)
        if self.head[cut] == "\r" and cut + 1 < len(self.head) and self.head[cut + 1] == "\n":
            cut += 1
        text, self.head = self.head[: min(cut + 1, size)], self.head[min(cut + 1, size) :]
        if not self.head and not text.endswith(_ENDS) and len(text) < size:
            text += self.stream.readline(size - len(text))  # the line goes on past what was read ahead
        return text

    def read(self) -> tuple[int, str | None] | None:
        """The next line and its number; None for its text when it is longer than the limit; None at the end."""
        text = self._read(self.limit + 1)
        if not text:
            return None
        self.number += 1
        no_nul(text, self.number)
        if len(text) <= self.limit or text.endswith(_ENDS):
            return self.number, text
        skipped = 0
        while text and not text.endswith(_ENDS):
            skipped = read_past(text, self.number, skipped)
            text = self._read(PIECE)
        return self.number, None

    def __iter__(self) -> Iterator[tuple[int, str | None]]:
        while (line := self.read()) is not None:
            yield line
