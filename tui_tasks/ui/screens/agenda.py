"""The agenda: pending tasks under Overdue, Today, Tomorrow, each day left in this week, Later and No date.

Enter on a task closes the screen with its id (the list selects it); escape closes it with None.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label

from tui_tasks.agenda_model import AgendaView
from tui_tasks.dates import DAY_ABBR, MONTH_ABBR
from tui_tasks.ui.agenda_rows import NARROW
from tui_tasks.ui.screens.following import FollowsChanges
from tui_tasks.ui.widgets.agenda_list import AgendaList
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.key_footer import KeyFooter

SCREEN_LIMIT = 30  # tasks shown per section (a tall screen holds about 60 lines); the heading counts them all


class AgendaLoaded(Message):
    """The agenda arrived from the service layer."""

    def __init__(self, view: AgendaView) -> None:
        super().__init__()
        self.view = view


class AgendaScreen(FollowsChanges, Screen[int | None]):
    """The logged-in user's agenda, read in a worker; read again when the tasks change elsewhere."""

    DEFAULT_CSS = """
    AgendaScreen #agenda-header { height: 1; padding: 0 1; background: $primary-muted; color: $text; text-style: bold; }
    AgendaScreen #agenda-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    AgendaScreen #agenda-date { width: auto; padding-left: 2; }
    """
    COMMAND_CATEGORY = "Agenda"
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="agenda.back"),
        Binding("enter", "choose", "Open", id="agenda.open", key_display="⏎", priority=True),
        Binding("r", "reload", "Refresh", id="agenda.refresh", show=False),  # changes elsewhere show by themselves
        Binding("question_mark", "help", "Keys", id="agenda.help"),
    ]

    POLL_GROUP = "agenda-poll"

    def __init__(self) -> None:
        super().__init__()
        self.view: AgendaView | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="agenda-header"):
            yield Label(id="agenda-title")
            yield Label(id="agenda-date")
        yield AgendaList(empty="Nothing pending: no task is due or waiting to be done", id="agenda-list")
        yield StatusBar()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(AgendaList).focus()
        self.action_reload()
        self.follow_changes()

    def action_reload(self) -> None:
        user = self.app.user
        self.app.run_service(
            self, lambda s: s.agenda.agenda(user, limit_per_section=SCREEN_LIMIT), AgendaLoaded,
            exclusive=True, group="agenda",
        )  # fmt: skip

    def day_passed(self, today: date) -> None:
        if self.view is not None and today != self.view.today:
            self.action_reload()  # past midnight: the agenda's days are others

    @on(AgendaLoaded)
    def _loaded(self, event: AgendaLoaded) -> None:
        self.view = event.view
        self._show_header()
        self.query_one(AgendaList).show_agenda(event.view)

    def on_resize(self) -> None:
        self._show_header()

    def _show_header(self) -> None:
        """'Agenda · name' and 'N pending · Tue 10 Mar'; below 60 columns 'Agenda' and 'N · Tue 10 Mar'."""
        narrow = self.size.width < NARROW
        name = "" if narrow else f"  ·  {self.app.user.display_name}"
        self.query_one("#agenda-title", Label).update(Content(f"Agenda{name}"))  # not markup
        if self.view is not None:
            today, total = self.view.today, self.view.total
            day = f"{DAY_ABBR[today.weekday()]} {today.day} {MONTH_ABBR[today.month - 1]}"
            self.query_one("#agenda-date", Label).update(f"{total}  ·  {day}" if narrow else f"{total} pending  ·  {day}")

    def action_choose(self) -> None:
        task_id = self.query_one(AgendaList).current_task_id()
        if task_id is not None:
            self.dismiss(task_id)

    @on(AgendaList.TaskChosen)
    def _chosen(self, event: AgendaList.TaskChosen) -> None:
        """A click on a task."""
        self.dismiss(event.task_id)

    def action_help(self) -> None:
        from tui_tasks.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_close(self) -> None:
        self.dismiss(None)
