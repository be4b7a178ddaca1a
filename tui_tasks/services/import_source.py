"""Reading an import file: telling its format, and reading it once, pipes and FIFOs included.

Errors are TransferErrors that name the file as the user gave it. Part of the transfer API
(`tui_tasks.services.transfer.detect_format`); no Textual here.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui_tasks.services.formats import FORMATS, TransferError
from tui_tasks.services.targets import shown_path

HEAD_BYTES = 4096  # what --format auto reads of a file to tell its format
_OUR_JSON = re.compile(r'^\s*\{\s*"format"\s*:\s*"tui-tasks"')


def detect_format(path: Path) -> str:
    """The format of a file, from its extension and, for .json or unknown ones, its first bytes."""
    try:
        with open(path, "rb") as stream:
            return format_of(path, stream.read(HEAD_BYTES))
    except OSError as exc:
        raise _cannot_read(path, exc) from None


def format_of(path: Path, head_bytes: bytes) -> str:
    """The format of a file from its extension and `head_bytes`, its first HEAD_BYTES."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".todo"):
        return "todotxt"
    if _utf16(head_bytes):
        raise TransferError(f"{shown_path(path)} is not UTF-8 text (UTF-16, by the look of it): save it as UTF-8")
    if (nul := head_bytes.find(b"\0")) >= 0:
        raise TransferError(f"{shown_path(path)} is not a text file (a NUL byte near byte {nul})")
    head = head_bytes.decode("utf-8-sig", "replace")
    if _OUR_JSON.match(head):
        return "json"
    if head.lstrip()[:1] in ("[", "{"):
        return "taskwarrior"
    if suffix != ".json" and head.partition("\n")[0].strip().lower().startswith("title,"):
        return "csv"
    raise TransferError(f"cannot tell the format of {shown_path(path)}: give it with --format {'|'.join(FORMATS)}")


def _utf16(head: bytes) -> bool:
    """Whether `head` looks like UTF-16: its byte order mark, or a NUL every other byte (Latin text)."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or max(even, odd) > len(head) // 4 > 0 and min(even, odd) < len(head) // 16


def _cannot_read(path: Path, exc: OSError) -> TransferError:
    """The error for a file the system would not read: its path as given, the system's reason."""
    return TransferError(f"cannot read {shown_path(path)}: {(exc.strerror or str(exc)).lower()}")


class Source(io.RawIOBase):
    """The file read once, pipes and FIFOs included: the bytes read ahead to tell its format come first,
    and the bytes read so far are counted (a pipe has no position to ask)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        try:
            self.file = open(path, "rb", buffering=0)
            self.size = os.fstat(self.file.fileno()).st_size  # 0 for a pipe
        except OSError as exc:
            raise _cannot_read(path, exc) from None
        self.ahead = b""
        self.count = 0

    def head(self) -> bytes:
        """The first HEAD_BYTES of the file (fewer if it is shorter), which reading will still give."""
        while len(self.ahead) < HEAD_BYTES and (more := self.file.read(HEAD_BYTES - len(self.ahead))):
            self.ahead += more
        return self.ahead

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.ahead:
            n = min(len(buffer), len(self.ahead))
            buffer[:n], self.ahead = self.ahead[:n], self.ahead[n:]
        else:
            n = self.file.readinto(buffer) or 0
        self.count += n
        return n

    def close(self) -> None:
        if hasattr(self, "file"):  # (not when opening it failed)
            self.file.close()
        super().close()


def decoded(items: Iterator[Any], path: Path) -> Iterator[Any]:
    """The reader's items; a file that is not UTF-8, or that fails while read, is one clear error."""
    try:
        yield from items
    except UnicodeDecodeError as exc:
        raise TransferError(f"{shown_path(path)} is not UTF-8 text ({exc.reason} near byte {exc.start})") from None
    except OSError as exc:
        raise _cannot_read(path, exc) from None