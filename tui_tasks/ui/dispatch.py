"""Running service calls off the UI thread, and keeping writes in the order they were asked for."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from textual.message import Message

from tui_tasks.errors import StorageError, TasksError


class ServiceFailed(Message):
    """A service call raised a user-facing error. Screens may handle it (inline errors); the app
    shows any that reach it as a notification."""

    def __init__(self, error: TasksError, tag: str) -> None:
        super().__init__()
        self.error = error
        self.tag = tag


class WriteQueue:
    """First come, first served: each write takes a ticket on the UI thread, and its worker waits for
    its turn, so writes reach the database in the order the keys were pressed."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0
        self._closed = False

    def take(self) -> int:
        self._issued += 1
        return self._issued - 1

    @contextmanager
    def turn(self, ticket: int) -> Iterator[None]:
        """Wait for `ticket`'s turn; raise StorageError if the queue closed first (the app is exiting
        and an earlier write will never run: waiting would hang the exit)."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket or self._closed)
            if self._closed:
                raise StorageError("Not saved: tui-tasks was closing")
        try:
            yield
        finally:
            with self._turn:
                self._serving += 1
                self._turn.notify_all()

    def close(self) -> None:
        """Release every write still waiting (each gives up without writing)."""
        with self._turn:
            self._closed = True
            self._turn.notify_all()
