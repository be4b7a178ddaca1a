"""Search box and the list's current filter, sort and match count."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from tui_tasks.domain import SortField, TaskQuery

NARROW = 70  # below this width the filter and sort are said in short
SORT_NAMES = {SortField.URGENCY: "next"}  # what people call an order, where that is not its value


def sort_name(field: SortField) -> str:
    return SORT_NAMES.get(field, field.value)


class SearchInput(Input):
    """Enter or down goes to the results; escape clears the search and goes back to the list."""

    BINDINGS = [
        Binding("escape", "leave(True)", "Clear search", id="search.clear"),
        Binding("down,enter", "leave(False)", "Go to the results", id="search.results"),
    ]

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        self.post_message(FilterBar.SearchLeft())


class FilterBar(Horizontal):
    """Shows what the list holds: search text, filter, sort, and how many tasks match."""

    class SearchLeft(Message):
        """The user left the search box (escape)."""

    query_options: reactive[TaskQuery] = reactive(TaskQuery, init=False)
    matching: reactive[int | None] = reactive(None)

    def __init__(self, query_options: TaskQuery) -> None:
        super().__init__()
        self.set_reactive(FilterBar.query_options, query_options)

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="/ search title, notes, project, #tag", id="search", compact=True)
        yield Label(id="filter-state")

    def on_mount(self) -> None:
        self.query_one(SearchInput).cursor_blink = self.app.live
        self._describe()

    def watch_query_options(self) -> None:
        self._describe()

    def watch_matching(self) -> None:
        self._describe()

    def on_resize(self) -> None:
        self._describe()

    def _describe(self) -> None:
        options = self.query_options
        arrow = "↓" if options.descending else "↑"
        if self.size.width and self.size.width < NARROW:  # the search box keeps room to type in
            count = "" if self.matching is None else f"{self.matching} · "
            text = f"{count}[b]{options.filter.value}[/] · [b]{sort_name(options.sort)}{arrow}[/]"
        else:
            count = "" if self.matching is None else f"{self.matching} shown · "
            text = f"{count}filter [b]{options.filter.value}[/] · sort [b]{sort_name(options.sort)} {arrow}[/]"
        self.query_one("#filter-state", Label).update(text)
