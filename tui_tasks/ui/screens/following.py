"""What a screen showing the user's tasks needs to stay current: a poll of the change counter (a task
changed in another window or client) and of the date (past midnight "today" is another day)."""

from __future__ import annotations

from datetime import date

from tui_tasks.domain import local_date
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.messages import ChangesPolled

POLL_S = 2.0  # as the list: one primary-key read


class FollowsChanges:
    """Mixed into a Screen before Screen: `follow_changes()` on mount; the screen's `action_reload`
    runs when the tasks changed elsewhere, and `day_passed(today)` at every poll."""

    seen_changes: int | None = None
    POLL_GROUP = "poll"

    def follow_changes(self) -> None:
        self.poll_changes()
        if self.app.live:
            self.set_interval(POLL_S, self.poll_changes)

    def poll_changes(self) -> None:
        """Ask how many changes the user's tasks have had (read again when that moved)."""
        self.day_passed(local_date(self.app.clock()))
        user = self.app.user
        self.app.run_service(self, lambda s: s.tasks.changes(user), ChangesPolled, exclusive=True, group=self.POLL_GROUP, tag="poll")

    def day_passed(self, today: date) -> None:
        """Called at every poll with today's date: a screen that shows days reacts when it moved."""

    def on_service_failed(self, event: ServiceFailed) -> None:
        if event.tag == "poll":
            event.stop()  # as on the list: a failed poll says nothing, the status bar says what is wrong

    def on_changes_polled(self, event: ChangesPolled) -> None:
        seen, self.seen_changes = self.seen_changes, event.changes
        if seen is not None and event.changes != seen:
            self.action_reload()
