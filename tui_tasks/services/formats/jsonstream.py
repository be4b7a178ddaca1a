"""Read a large JSON document piece by piece: the items of an array one at a time, with their line.

Only one item is held in memory at a time, and never more than LIMIT characters of it: a longer value
is read on to its end without being kept, and so is one nested deeper than MAX_DEPTH (which the json
module would otherwise decode by recursing, up to a RecursionError). Either is a `BadValue`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from tui_tasks.services.formats import LIMIT, MAX_DEPTH, TOO_DEEP, TOO_LONG, Bad, TransferError, read_past

CHUNK = 1 << 16
_SPACE = re.compile(r"[ \t\r\n]*")
_NEXT_ITEM = re.compile(r"[ \t\r\n]*,[ \t\r\n]*")
# Whole strings and what is not a bracket. Possessive (*+, ++): a backtracking repeat would keep state
# for every character of a long string (100 MiB of memory for a 1 MiB one).
_PLAIN = re.compile(r'(?:[^\[\]{}"\\]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+')
_IN_STRING = re.compile(r'["\\]')
_OPENING = re.compile(r"[\[{]+")
_CLOSING = re.compile(r"[\]}]+")
_SCALAR_END = re.compile(r'[\s,:\[\]{}"]')
_decoder = json.JSONDecoder()
TOO_MANY_DIGITS = f"a number with more than {sys.get_int_max_str_digits() or 'any'} digits"


class BadValue(Exception):
    """A value was read past and not kept: `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Extent:
    """Where one JSON value ends, found a piece of text at a time without keeping any: the nesting depth
    and whether inside a string, across pieces. Assumes well-formed JSON; the decoder checks the rest."""

    def __init__(self) -> None:
        self.depth = self.deepest = 0
        self.started = self.in_string = self.escaped = self.scalar = False

    def end(self, text: str, i: int) -> int | None:
        """The index just past the value's end in `text` (read from `i`), or None: it goes on."""
        while i < len(text):
            if self.escaped:
                i, self.escaped = i + 1, False
            elif self.in_string:
                found = _IN_STRING.search(text, i)
                if found is None:
                    return None
                i = found.end()
                if found.group() == "\\":
                    self.escaped = True
                else:
                    self.in_string = False
                    if not self.depth:
                        return i
            elif not self.started and text[i] == '"':
                self.started = self.in_string = True
                i += 1
            elif self.scalar or (not self.started and text[i] not in "[{"):
                self.started = self.scalar = True
                found = _SCALAR_END.search(text, i)
                return None if found is None else found.start()
            else:
                self.started = True
                i = _PLAIN.match(text, i).end()
                if i == len(text):
                    return None
                if text[i] == '"':
                    self.in_string, i = True, i + 1  # a string that goes on in the next piece
                elif text[i] in "[{":
                    i, self.depth = (run := _OPENING.match(text, i).end()), self.depth + run - i
                    self.deepest = max(self.deepest, self.depth)
                elif text[i] in "]}":
                    run = _CLOSING.match(text, i).end() - i
                    if run >= self.depth:
                        return i + self.depth
                    i, self.depth = i + run, self.depth - run
                else:
                    i += 1  # a backslash outside a string: the decoder will say what is wrong
        return None


def too_deep(text: str) -> bool:
    """Whether the complete JSON value `text` nests deeper than MAX_DEPTH (counted only if it could)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    extent = _Extent()
    extent.end(text, 0)
    return extent.deepest > MAX_DEPTH


def loads(text: str) -> Any:
    """One complete JSON text held in memory (a line): ValueError, or BadValue when too deep or big."""
    if too_deep(text):
        raise BadValue(TOO_DEEP)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer longer than Python converts
        raise BadValue(TOO_MANY_DIGITS) from None


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
        if (nul := chunk.find("\0")) >= 0:  # in no JSON text: a binary file, or /dev/zero
            line = self.line + self.buf.count("\n", self.pos) + chunk.count("\n", 0, nul)
            raise TransferError(f"line {line}: a NUL character: not a text file")
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def _advance(self, end: int) -> None:
        self.line += self.buf.count("\n", self.pos, end)
        self.pos = end

    def error(self, message: str, at: int | None = None) -> TransferError:
        line = self.line if at is None else self.line + self.buf.count("\n", self.pos, at)
        return TransferError(f"line {line}: not valid JSON: {message.removesuffix(' at')}")  # json's "... at"

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        skipped = 0
        while True:
            end = _SPACE.match(self.buf, self.pos).end()
            skipped = read_past(self.buf[self.pos : end], self.line, skipped)  # (white space for ever: given up)
            self._advance(end)
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
        """The next complete JSON value; BadValue, once read past, when it is too long or too deep."""
        if not self.peek():
            raise self.error("unexpected end of the file")
        while True:
            try:
                value, end = _decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                self._skip()
                raise BadValue(TOO_DEEP) from None
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > LIMIT:
                    line, length = self.line, self._skip()
                    if length <= LIMIT:  # the value ended within the limit: the error was real
                        raise TransferError(f"line {line}: not valid JSON: {exc.msg.removesuffix(' at')}") from None
                    raise BadValue(TOO_LONG) from None
                if not self._fill():
                    raise self.error(exc.msg, exc.pos) from None
                continue
            except ValueError:  # an integer longer than Python converts
                self._skip()
                raise BadValue(TOO_MANY_DIGITS) from None
            # A number at the very end of the buffer may go on in the next chunk.
            if end == len(self.buf) and self._fill():
                continue
            if end - self.pos > LIMIT:
                self._advance(end)
                raise BadValue(TOO_LONG)
            deep = too_deep(self.buf[self.pos : end]) if self.buf[self.pos] in "[{" else False
            self._advance(end)
            if deep:
                raise BadValue(TOO_DEEP)
            return value

    def _skip(self) -> int:
        """Move past the value that starts here, reading on without keeping it; its length."""
        extent, length, line = _Extent(), 0, self.line
        at = self.pos
        while (end := extent.end(self.buf, at)) is None:
            length = read_past(self.buf[self.pos :], line, length)  # (a value that never ends: given up)
            self._advance(len(self.buf))
            if not self._fill():
                if extent.scalar:
                    return length
                raise self.error("unexpected end of the file")
            at = 0
        length += end - self.pos
        self._advance(end)
        return length

    def items(self) -> Iterator[tuple[int, Any]]:
        """The items of the array that starts here, each with the line it starts on; an item read past
        (too long, too deep) is a `Bad` record."""
        self.expect("[")
        if self.peek() == "]":
            self._advance(self.pos + 1)
            return
        while True:  # here: at the item (peeked)
            line = self.line
            try:
                yield line, self.value()
            except BadValue as exc:
                yield line, Bad(exc.reason)
            step = _NEXT_ITEM.match(self.buf, self.pos)
            if step is not None and step.end() < len(self.buf):  # (most items: the next one is in the buffer)
                self._advance(step.end())
                continue
            found = self.peek()
            if found == "]":
                self._advance(self.pos + 1)
                return
            if found != ",":
                raise self.error(f"expected ',' or ']', found {found or 'the end of the file'!r}")
            self._advance(self.pos + 1)
            self.peek()

    def header_value(self) -> Any:
        """The next value, outside the records: one too long or too deep is an error for the file."""
        line = self.line
        try:
            return self.value()
        except BadValue as exc:
            raise TransferError(f"line {line}: {exc.reason}") from None

    def keys(self) -> Iterator[str]:
        """The keys of the object that starts here; after each, the caller reads its value."""
        self.expect("{")
        if self.peek() == "}":
            self._advance(self.pos + 1)
            return
        while True:
            key = self.header_value()
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
