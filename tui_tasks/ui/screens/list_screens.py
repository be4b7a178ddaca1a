"""The task list's ways to other screens: stats (read before the screen opens), agenda and month,
account, help, import/export and back-up. A part of `TaskListScreen`, kept in its own module; its
message handlers go by name (`on_...`): Textual does not see `@on` in a mixin."""

from __future__ import annotations

from textual.message import Message

from tui_tasks.domain import TaskView
from tui_tasks.ui.messages import BackedUp
from tui_tasks.ui.screens.account import AccountScreen
from tui_tasks.ui.screens.help import HelpScreen
from tui_tasks.ui.screens.stats import StatsLoaded, StatsScreen
from tui_tasks.ui.screens.task_form import TaskFormScreen
from tui_tasks.ui.screens.transfer import TransferScreen

STATS_WAIT_S = 0.15  # stats not read by then: their screen opens at once, with its loading indicator


class CalendarPicked(Message):
    """A task chosen in the agenda or the month, as it is now."""

    def __init__(self, task: TaskView) -> None:
        super().__init__()
        self.task = task


class OtherScreens:
    """Mixed into TaskListScreen (which has `user`, `app`, `_stats_wait`, `reload`, `_form_closed`)."""

    def action_transfer(self, exporting: bool) -> None:
        def finished(summary: str | None) -> None:
            if summary is not None:
                self.notify(summary, title="Export" if exporting else "Import", markup=False)
                if not exporting:
                    self.reload()

        self.app.push_screen(TransferScreen(exporting), finished)

    def action_back_up(self) -> None:
        """A consistent copy of the database next to it, now (one is also made before every upgrade)."""
        self.app.run_service(self, lambda s: s.back_up(), BackedUp)

    def on_backed_up(self, event: BackedUp) -> None:  # (handlers by name: @on in a mixin is not seen)
        self.notify(f"Saved {event.path.name} next to the database (the newest 5 are kept)", title="Backed up", markup=False)

    def action_stats(self) -> None:
        """Read the stats first, then open the screen already filled in: read while the screen mounts,
        the query shared the GIL with the mounting and took 3-6 times as long (~0.3 s instead of
        ~0.1 s from key to numbers at 100k tasks). A slow read opens the screen with its own loading."""
        self._drop_stats()
        user = self.app.user
        self._stats_wait = self.set_timer(STATS_WAIT_S, self._open_stats_unread)
        self.app.run_service(self, lambda s: s.stats.summary(user), StatsLoaded, exclusive=True, group="stats", tag="stats")

    def _drop_stats(self) -> None:
        """Forget a stats read on its way (its answer will open nothing)."""
        if self._stats_wait is not None:
            self._stats_wait.stop()
            self._stats_wait = None
            self.workers.cancel_group(self, "stats")

    def _open_stats_unread(self) -> None:
        """Not read by now: the screen opens and reads them itself."""
        self._drop_stats()
        if self.app.screen is self:
            self.app.push_screen(StatsScreen())

    def on_stats_loaded(self, event: StatsLoaded) -> None:
        if self._stats_wait is not None and self.app.screen is self:
            self._drop_stats()
            self.app.push_screen(StatsScreen(event.stats))

    def on_screen_suspend(self) -> None:
        self._drop_stats()  # the user went elsewhere: coming back must not open stats by surprise

    def action_agenda(self) -> None:
        """`c`: overdue, today, tomorrow, the days of this week, later, no date. Enter on a task edits it."""
        from tui_tasks.ui.screens.agenda import AgendaScreen

        self.app.push_screen(AgendaScreen(), self._calendar_closed)

    def action_month(self) -> None:
        """`m`: a month of due counts; Enter on a day lists it, Enter on a task edits it."""
        from tui_tasks.ui.screens.month import MonthScreen

        self.app.push_screen(MonthScreen(), self._calendar_closed)

    def _calendar_closed(self, task_id: int | None) -> None:
        if task_id is None:
            return
        user = self.user
        self.app.run_service(self, lambda s: s.tasks.get(user, task_id), CalendarPicked)

    def on_calendar_picked(self, event: CalendarPicked) -> None:
        self.app.push_screen(TaskFormScreen(event.task), self._form_closed)

    def action_account(self) -> None:
        self.app.push_screen(AccountScreen())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self))
