"""Notifications that replace the one they supersede, instead of stacking.

Textual's `App.notify` returns nothing and every call adds a toast: "Deleted … press u to undo" stayed
after the undo, and a task changed elsewhere three times showed three toasts. Each notice here has a
key (by default its text): a new notice with the same key removes the one before it at once, and
`forget(key)` removes it when what it offered is done.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel

if TYPE_CHECKING:
    from textual.app import App

PRUNE_AT = 64  # keyed notices remembered before the expired ones are let go


class Notices:
    """The app's keyed notifications (thread-safe, as `App.notify` is)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._shown: dict[str, Notification] = {}
        self._lock = threading.Lock()

    def say(
        self,
        message: str,
        *,
        key: str | None = None,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show `message`, removing the notice shown before with the same key (default: the same text)."""
        timeout = self.app.NOTIFICATION_TIMEOUT if timeout is None else timeout
        notification = Notification(message, title, severity, timeout, markup=markup)
        with self._lock:
            if len(self._shown) >= PRUNE_AT:  # keys such as "changed:<task id>" pile up over a long session
                self._shown = {k: n for k, n in self._shown.items() if not n.has_expired}
            before = self._shown.get(key or message)
            self._shown[key or message] = notification
        self._post(before, notification)

    def forget(self, key: str) -> None:
        """Remove the notice with this key, if it is still shown (what it offered is done)."""
        with self._lock:
            before = self._shown.pop(key, None)
        self._post(before, None)

    def shown(self, key: str) -> Notification | None:
        """The notice with this key while it is on screen (tests, and callers deciding what to say)."""
        with self._lock:
            notification = self._shown.get(key)
        return notification if notification is not None and notification in self.app._notifications else None

    def _post(self, before: Notification | None, after: Notification | None) -> None:
        # Both go through the app's queue, in order: the old toast goes in the same refresh the new one comes.
        if before is not None:
            self.app.post_message(Forgotten(before))
        if after is not None:
            self.app.post_message(Notify(after))


class Forgotten(Message, bubble=False):
    """A keyed notice superseded or no longer true: the app removes its toast (`App.on_forgotten`)."""

    def __init__(self, notification: Notification) -> None:
        super().__init__()
        self.notification = notification
