"""Read a large JSON document piece by piece: the items of an array one at a time, with their line.

Only one item is held in memory at a time, so a 100,000-task export is read in flat memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from tui_tasks.services.formats import TransferError

CHUNK = 1 << 16
MAX_VALUE_CHARS = 1 << 24  # no task comes near this: beyond it the file is broken, not big
_SPACE = re.compile(r"[ \t\r\n]*")
_decoder = json.JSONDecoder()


class JsonStream:
    """A cursor over a JSON text that reads its stream a chunk at a time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def _fill(self) -> bool:
        """Read one more chunk; False at the end of the stream."""
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def _advance(self, end: int) -> None:
        self.line += self.buf.count("\n", self.pos, end)
        self.pos = end

    def error(self, message: str, at: int | None = None) -> TransferError:
        line = self.line if at is None else self.line + self.buf.count("\n", self.pos, at)
        return TransferError(f"line {line}: not valid JSON: {message}")

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            self._advance(_SPACE.match(self.buf, self.pos).end())
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {found or 'the end of the file'!r}")
        self._advance(self.pos + 1)

    def value(self) -> Any:
        """The next complete JSON value."""
        if not self.peek():
            raise self.error("unexpected end of the file")
        while True:
            try:
                value, end = _decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_VALUE_CHARS or not self._fill():
                    raise self.error(exc.msg, exc.pos) from None
                continue
            # A number at the very end of the buffer may go on in the next chunk.
            if end == len(self.buf) and self._fill():
                continue
            self._advance(end)
            return value

    def items(self) -> Iterator[tuple[int, Any]]:
        """The items of the array that starts here, each with the line it starts on."""
        self.expect("[")
        if self.peek() == "]":
            self._advance(self.pos + 1)
            return
        while True:
            self.peek()
            yield self.line, self.value()
            found = self.peek()
            if found == "]":
                self._advance(self.pos + 1)
                return
            if found != ",":
                raise self.error(f"expected ',' or ']', found {found or 'the end of the file'!r}")
            self._advance(self.pos + 1)

    def keys(self) -> Iterator[str]:
        """The keys of the object that starts here; after each, the caller reads its value."""
        self.expect("{")
        if self.peek() == "}":
            self._advance(self.pos + 1)
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("object keys must be strings")
            self.expect(":")
            yield key
            found = self.peek()
            if found == "}":
                self._advance(self.pos + 1)
                return
            if found != ",":
                raise self.error(f"expected ',' or '}}', found {found or 'the end of the file'!r}")
            self._advance(self.pos + 1)

    def end(self) -> None:
        """Nothing but white space may follow the document."""
        if self.peek():
            raise self.error("extra data after the end of the document")
