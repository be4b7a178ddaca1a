"""The stats screen: counts, completion, 30 days of activity, priorities, top projects and tags."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label

from tui_tasks.domain import TaskStats, local_date
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.widgets.stats_panel import StatsPanel
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.key_footer import KeyFooter


LOADING_DELAY_S = 0.25


class StatsLoaded(Message):
    """The logged-in user's stats arrived from the service layer."""

    def __init__(self, stats: TaskStats) -> None:
        super().__init__()
        self.stats = stats


class StatsScreen(Screen[None]):
    """The logged-in user's stats, loaded in a worker; `r` loads them again."""

    DEFAULT_CSS = """
    #stats-header { height: 1; padding: 0 1; background: $primary-muted; color: $text; text-style: bold; }
    #stats-title { width: 1fr; }
    #stats-date { width: auto; }
    """
    COMMAND_CATEGORY = "Stats"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="stats.back"),
        Binding("r", "reload", "Refresh", id="stats.refresh"),
    ]

    def __init__(self, stats: TaskStats | None = None) -> None:
        super().__init__()
        self.initial = stats  # read before the screen opened, or None: this screen reads them

    def compose(self) -> ComposeResult:
        with Horizontal(id="stats-header"):
            yield Label(id="stats-title")
            yield Label(id="stats-date")
        yield StatsPanel(id="stats")
        yield StatusBar()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stats-title", Label).update(Content(f"Stats  ·  {self.app.user.display_name}"))  # not markup
        if self.initial is None:
            self.action_reload()
        else:
            self._show_date()
            self.query_one(StatsPanel).stats = self.initial

    def action_reload(self) -> None:
        """Ask the service layer for fresh stats; a loading indicator shows if they take a while (mounting
        one at once, to take it down 80 ms later, cost a third of the screen's time to open)."""
        user = self.app.user
        self._show_date()
        self._loading = self.set_timer(LOADING_DELAY_S, lambda: setattr(self.query_one(StatsPanel), "loading", True))
        self.app.run_service(self, lambda s: s.stats.summary(user), StatsLoaded, exclusive=True, group="stats")

    def _show_date(self) -> None:
        today = local_date(self.app.clock())
        self.query_one("#stats-date", Label).update(f"as of {today:%a} {today.day} {today:%b %Y}")

    def _loaded(self) -> None:
        self._loading.stop()
        self.query_one(StatsPanel).loading = False

    @on(StatsLoaded)
    def _stats_loaded(self, event: StatsLoaded) -> None:
        self._loaded()
        self.query_one(StatsPanel).stats = event.stats

    @on(ServiceFailed)
    def _stats_failed(self) -> None:
        """Stop the loading indicator; the app still shows the error as a notification."""
        self._loaded()
