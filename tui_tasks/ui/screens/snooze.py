"""Reminders in the app: `ReminderBell` feeds `ui.reminders.Reminders` from the services, tells what fell due
(a notification, and the terminal's own when `notify = "terminal"`), and `SnoozeScreen` offers the snoozes.

A notification cannot hold buttons, so the choice is a key away instead: ctrl+o (the app's "Snooze
reminder") opens the snooze choices for the reminders told since the last snooze. Nothing blocks while a
reminder waits, and the choices are one key each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from tui_tasks.domain import SortField, TaskFilter, TaskQuery, TaskView
from tui_tasks.ui.reminders import SNOOZES, Reminder, Reminders, reminder_text, snoozed_until, terminal_notification
from tui_tasks.ui.screens.choice import ChoiceScreen

if TYPE_CHECKING:
    from tui_tasks.ui.app import TasksApp

CHECK_EVERY_S = 15.0  # how often the app asks whether a due came: a reminder is at most this late
SHOWN_FOR_S = 30.0  # a reminder's notification stays longer than most
TODAY_FIRST_DUE = TaskQuery(filter=TaskFilter.TODAY, sort=SortField.DUE, descending=False)
PAGE, PAGES = 500, 4  # at most 2,000 tasks due today are watched


class RemindersFetched(Message):
    """The tasks due today and the snoozed ones, for the `Reminders` that asked (a log-out drops them)."""

    def __init__(self, tasks: tuple[TaskView, ...], reminders: Reminders) -> None:
        super().__init__()
        self.tasks = tasks
        self.reminders = reminders


class SnoozeScreen(ChoiceScreen):
    """The snooze choices for the reminders told: 10 min, 1 hour, tomorrow morning; escape dismisses them."""

    def __init__(self, reminders: list[Reminder]) -> None:
        choices = [(answer, label, str(n)) for n, (answer, label) in enumerate(SNOOZES.items(), 1)]
        super().__init__(reminder_text(reminders), "Remind me again:", choices, cancel="Dismiss")


class ReminderBell:
    """The app's side of reminders: one per session, from log-in to log-out. The app calls `check` on a
    timer, `changes_polled` when the list polls, and `fetched` when the tasks arrive."""

    def __init__(self, app: TasksApp) -> None:
        self.app = app
        self.reminders = Reminders(app.clock())
        self._changes: int | None = None

    def fetch(self) -> None:
        """Read today's tasks, earliest due first, and the snoozed ones, in a worker."""
        user, reminders, snoozed = self.app.user, self.reminders, self.reminders.snoozed_ids

        def read(services) -> RemindersFetched:
            tasks: list[TaskView] = []
            cursor = None
            for _ in range(PAGES):
                page = services.tasks.page(user, TODAY_FIRST_DUE, cursor, PAGE)
                tasks += page.tasks
                if (cursor := page.next_cursor) is None:
                    break
            known = {task.id for task in tasks}
            missing = [task_id for task_id in snoozed if task_id not in known]
            return RemindersFetched(tuple(tasks) + tuple(services.tasks.related(user, missing) if missing else ()), reminders)

        self.app.run_service(self.app, read, lambda message: message, exclusive=True, group="reminders", tag="reminders")

    def fetched(self, event: RemindersFetched) -> None:
        if event.reminders is self.reminders:
            self.reminders.feed(event.tasks, self.app.clock())
            self.check()

    def changes_polled(self, changes: int) -> None:
        """The user's tasks changed (here or elsewhere): read them again."""
        if changes != self._changes:
            self._changes = changes
            self.fetch()

    def check(self) -> None:
        """Tell what fell due; after midnight, read the new day's tasks. Not while the screen is locked:
        a title must not show over the lock; what came is told after it."""
        from tui_tasks.ui.screens.unlock import UnlockScreen

        if isinstance(self.app.screen, UnlockScreen):
            return
        now = self.app.clock()
        if self.reminders.fed_day is not None and self.reminders.needs_feed(now):
            self.fetch()
        told = self.reminders.due(now)
        if told:
            self.tell(reminder_text(told))

    def tell(self, text: str) -> None:
        self.app.notify(text, title="Reminder · ctrl+o to snooze", timeout=SHOWN_FOR_S, markup=False)
        driver = self.app._driver  # no public way to write to the terminal: App.bell and copy_to_clipboard do this
        if self.app.settings.notify == "terminal" and driver is not None:
            driver.write(terminal_notification(text))

    def offer_snooze(self) -> None:
        """Open the snooze choices for the reminders told since the last snooze (or say there are none)."""
        pending = list(self.reminders.pending)
        if not pending:
            self.app.notify("No reminder to snooze", severity="warning", timeout=3)
            return
        reminders = self.reminders

        def chosen(answer: str | None) -> None:
            if reminders is not self.reminders:
                return  # logged out meanwhile
            if answer is None:
                reminders.dismiss(pending)
                return
            until = snoozed_until(answer, self.app.clock())
            reminders.snooze(until, pending)
            self.app.notify(f"Snoozed until {until.astimezone():%a %H:%M}", timeout=3, markup=False)

        self.app.clear_notifications()  # the reminder's toast would cover the choices it asked for
        self.app.push_screen(SnoozeScreen(pending), chosen)
