"""Search box and the list's current filter, sort and match count. The box reads the filter language
(filter_language): recognised fields are coloured as they are typed, and the first mistake is said in place
of the counts, without stopping the typing."""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from tui_tasks.domain import SortField, TaskQuery, utcnow
from tui_tasks.filter_language import Highlights, highlights

NARROW = 70  # below this width the filter and sort are said in short
SORT_NAMES = {SortField.URGENCY: "next"}  # what people call an order, where that is not its value


STYLES = {"tag": "bold green", "project": "bold magenta", "priority": "bold yellow", "due": "bold cyan",
          "is": "bold blue", "text": "italic", "negated": "strike"}  # fmt: skip
ERROR_STYLE = "underline red"


def sort_name(field: SortField) -> str:
    return SORT_NAMES.get(field, field.value)


class FilterHighlighter(Highlighter):
    """Colours the fields of the filter language in the search box, and underlines its first mistake."""

    def __init__(self) -> None:
        self._last: tuple[str, Highlights] | None = None

    def read(self, value: str) -> Highlights:
        """The highlights of `value` (the last one is kept: the box draws it once a line, a key at a time)."""
        if self._last is None or self._last[0] != value:
            self._last = (value, highlights(value, utcnow()))
        return self._last[1]

    def highlight(self, text: Text) -> None:
        shown = self.read(text.plain)
        for start, end, kind in shown.spans:
            text.stylize(STYLES.get(kind, ""), start, end)
        if shown.error is not None:
            text.stylize(ERROR_STYLE, shown.error.start, shown.error.end)


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

    DEFAULT_CSS = "FilterBar #filter-state { max-width: 50%; text-wrap: nowrap; text-overflow: ellipsis; }"

    query_options: reactive[TaskQuery] = reactive(TaskQuery, init=False)
    matching: reactive[int | None] = reactive(None)
    problem: reactive[str | None] = reactive(None)  # the search's first mistake, said in place of the counts

    def __init__(self, query_options: TaskQuery) -> None:
        super().__init__()
        self.set_reactive(FilterBar.query_options, query_options)

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="/ search title, notes, project, #tag", id="search", compact=True,
                          highlighter=FilterHighlighter())
        yield Label(id="filter-state")

    def on_mount(self) -> None:
        self.query_one(SearchInput).cursor_blink = self.app.live
        self._describe()

    def watch_query_options(self) -> None:
        self._describe()

    def watch_matching(self) -> None:
        self._describe()

    def watch_problem(self) -> None:
        self._describe()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        """Say the first mistake as it is typed (the event goes on up to the screen, which runs the search)."""
        highlighter = event.input.highlighter
        shown = highlighter.read(event.value) if isinstance(highlighter, FilterHighlighter) else highlights(event.value, utcnow())
        self.problem = None if shown.error is None else shown.error.message

    def on_resize(self) -> None:
        self._describe()

    def _describe(self) -> None:
        label = self.query_one("#filter-state", Label)
        label.set_class(self.problem is not None, "-error")
        if self.problem is not None:
            narrow = self.size.width and self.size.width < NARROW
            message = self.problem.split(" — ")[0] if narrow else self.problem  # the hint needs room
            label.update(Text(f"✗ {message}", style="bold red"))
            return
        options = self.query_options
        arrow = "↓" if options.descending else "↑"
        filter_name, sort = options.filter.value, sort_name(options.sort)
        shown = "" if self.matching is None else f"{self.matching}"
        forms = [  # the first that fits whole in its half of the bar (the search box keeps room to type in)
            f"{shown} shown · " * bool(shown) + f"filter [b]{filter_name}[/] · sort [b]{sort} {arrow}[/]",
            f"{shown} · " * bool(shown) + f"[b]{filter_name}[/] · [b]{sort}{arrow}[/]",
            f"[b]{filter_name}[/] · [b]{sort}{arrow}[/]",
            f"[b]{sort}{arrow}[/]",
        ]
        room = self.size.width // 2 - 2 if self.size.width else 1 << 16
        if self.size.width and self.size.width < NARROW:
            forms = forms[1:]
        text = next((form for form in forms if Text.from_markup(form).cell_len <= room), forms[-1])
        label.update(text)
