"""The body of the stats screen: count tiles, completion, 30 days of activity, and ranked bars."""

from __future__ import annotations

from math import ceil

from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, Static

from tui_tasks.domain import DayCount, Priority, TaskStats

COLUMN = " ▁▂▃▄▅▆▇█"  # a column cell filled by 0..8 eighths, from the bottom
MUTED = "$foreground-muted"
TRACK = "$foreground 20%"  # the unfilled part of a bar, and the chart's zero line
PRIORITY_STYLES = {Priority.HIGH: "$error", Priority.MEDIUM: "$warning", Priority.LOW: "$success",
                   Priority.NONE: MUTED}  # fmt: skip
TILES = (("total", "Total"), ("done", "Done"), ("pending", "Pending"), ("overdue", "Overdue"),
         ("due_today", "Due today"))  # fmt: skip

Row = tuple[str, int, str]  # label, count, style of the bar


def _bar(cells: float) -> str:
    """A bar `cells` long in heavy lines, to the nearest half cell."""
    halves = round(cells * 2)
    return "━" * (halves // 2) + "╸" * (halves % 2)


class CompletionBar(Widget):
    """Done tasks as a share of all tasks, as a bar the width of the widget."""

    DEFAULT_CSS = "CompletionBar { height: 1; width: 1fr; }"

    rate: reactive[float] = reactive(0.0)

    def render(self) -> RenderResult:
        width = self.size.width
        filled = _bar(width * self.rate)
        track = "━" * (width - len(filled))
        if filled.endswith("━") and track:
            track = "╺" + track[1:]  # the track starts half a cell in, after a whole-cell bar
        return Content.assemble((filled, "$success"), (track, TRACK))


class ActivityChart(Widget):
    """Done and created per day as columns that start at zero, one series above the other, dates below.

    Every day gets the same whole number of cells (so no column looks wider than another); the chart
    ends at the right edge and the series' labels take the cells left over on the left."""

    DEFAULT_CSS = "ActivityChart { height: 1fr; min-height: 3; }"
    MIN_LABEL_WIDTH = 12

    done: reactive[tuple[DayCount, ...]] = reactive(tuple)
    created: reactive[tuple[DayCount, ...]] = reactive(tuple)

    def _geometry(self) -> tuple[int, int, int]:
        """Cells per day, cells per column, and where the first column starts."""
        days = max(1, len(self.done))
        cell = max(1, (self.size.width - self.MIN_LABEL_WIDTH + 1) // days)
        bar = max(1, cell - 1)
        return cell, bar, max(0, self.size.width - (days - 1) * cell - bar)

    def render(self) -> RenderResult:
        days = [d.day for d in self.done]
        if not days:
            return ""
        height = self.size.height
        gap = 1 if height >= 5 else 0
        rows = max(1, (height - 1 - gap) // 2)
        lines = self._series("Done", self.done, "$success", rows)
        lines += [Content("")] * gap + self._series("Created", self.created, "$primary", rows)
        cell, _bar, left = self._geometry()
        first, last = f"{days[0].day} {days[0]:%b}", f"{days[-1].day} {days[-1]:%b}"
        axis = " " * left + first.ljust(self.size.width - left - len(last)) + last
        return Content("\n").join([*lines, Content.styled(axis, MUTED)])

    def _series(self, name: str, counts: tuple[DayCount, ...], style: str, rows: int) -> list[Content]:
        cell, bar, left = self._geometry()
        peak = max((d.count for d in counts), default=0)
        heights = [ceil(d.count / (peak or 1) * rows * 8) for d in counts]
        total = sum(d.count for d in counts)
        labels = [(name, f"bold {style}"), (f"{total} total", MUTED), (f"max {peak}/day", MUTED)]
        if rows == 1:
            labels = [(f"{name} {total}", f"bold {style}")]
        lines = []
        for row in range(rows - 1, -1, -1):  # top line first
            floor = ("▁", TRACK) if row == 0 else (" ", "")  # the zero line is drawn on the bottom line
            parts: list[tuple[str, str]] = []
            for eighths in heights:
                fill = min(8, max(0, eighths - row * 8))
                parts += [floor] * (cell - bar) + [(COLUMN[fill], style) if fill else floor] * bar
            label = Content.styled(*labels[rows - 1 - row]) if rows - 1 - row < len(labels) else Content("")
            label = label.truncate(max(0, left - 1), pad=True) + " " * (left > 0)
            lines.append(Content.assemble(label, *parts[cell - bar :]))  # no gap before the first day
        return lines

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Hovering over a day says what happened on it."""
        cell, bar, left = self._geometry()
        day = (event.x - left + cell - bar) // cell
        if event.x >= left and day < min(len(self.done), len(self.created)):
            done, created = self.done[day], self.created[day]
            self.tooltip = f"{done.day:%a} {done.day.day} {done.day:%b}: {done.count} done, {created.count} created"
        else:
            self.tooltip = None


class RankedBars(Widget):
    """Labelled bars, one a line, scaled to the largest count; says `empty` when there are no rows."""

    DEFAULT_CSS = "RankedBars { height: 1fr; }"

    rows: reactive[tuple[Row, ...]] = reactive(tuple)

    def __init__(self, empty: str, *, id: str) -> None:
        super().__init__(id=id)
        self.empty = empty

    def render(self) -> RenderResult:
        if not self.rows:
            return Content.styled(self.empty, MUTED)
        width = self.size.width
        count_width = max(len(str(count)) for _, count, _ in self.rows)
        label_width = max(1, min(max(Content(label).cell_length for label, _, _ in self.rows), width // 2))
        bar_width = max(1, width - label_width - count_width - 2)
        peak = max(count for _, count, _ in self.rows) or 1
        spacing = "\n\n" if self.size.height >= 2 * len(self.rows) - 1 else "\n"
        return Content(spacing).join(
            Content.assemble(
                Content(label).truncate(label_width, ellipsis=True, pad=True),
                " ",
                (_bar(count / peak * bar_width).ljust(bar_width), style),
                (f" {count:>{count_width}}", "bold" if count else MUTED),
            )
            for label, count, style in self.rows
        )


class StatsPanel(Vertical):
    """Everything the stats screen shows about one TaskStats; the screen sets `stats` when they arrive."""

    DEFAULT_CSS = """
    StatsPanel { height: 1fr; padding: 0 1; overflow-y: auto; }
    StatsPanel .card { height: auto; padding: 0 1; border: round $foreground 20%;
                       border-title-color: $foreground-muted; }
    StatsPanel #tiles { height: 3; }
    StatsPanel .tile { width: 1fr; height: 3; border: round $foreground 20%; border-title-color: $foreground-muted;
                       content-align: center middle; text-style: bold; }
    StatsPanel #stat-done { color: $success; }
    StatsPanel .tile.-overdue { color: $error; border: round $error; }
    StatsPanel .tile.-due-today { color: $warning; border: round $warning; }
    StatsPanel #completion-text { width: auto; padding-left: 2; color: $foreground-muted; }
    StatsPanel #activity-card { height: 2fr; min-height: 6; max-height: 20; }
    StatsPanel #ranked { height: 1fr; min-height: 7; max-height: 13; }
    StatsPanel #ranked .card { width: 1fr; height: 1fr; }
    """

    stats: reactive[TaskStats | None] = reactive(None)

    def compose(self) -> ComposeResult:
        with Horizontal(id="tiles"):
            for key, title in TILES:
                tile = Static("–", id=f"stat-{key}", classes="tile")
                tile.border_title = title
                yield tile
        with Horizontal(id="completion-card", classes="card") as card:
            card.border_title = "Completion"
            yield CompletionBar(id="completion")
            yield Label(id="completion-text")
        with Vertical(id="activity-card", classes="card") as card:
            card.border_title = "Last 30 days"
            yield ActivityChart(id="activity")
        with Horizontal(id="ranked"):
            for key, title, empty in (("by-priority", "By priority", ""), ("top-projects", "Top projects",
                                      "No projects yet"), ("top-tags", "Top tags", "No tags yet")):  # fmt: skip
                with Vertical(classes="card") as card:
                    card.border_title = title
                    yield RankedBars(empty, id=key)

    def watch_stats(self, stats: TaskStats | None) -> None:
        if stats is None:
            return
        counts = stats.counts
        for key, _title in TILES:
            self.query_one(f"#stat-{key}", Static).update(str(getattr(counts, key)))
        # Two class names, not one "-alert" told apart by id: with one, set while the screen mounted, both
        # tiles were drawn in the overdue colour (Textual 8; tests/ui/test_stats_screen.py checks the colours).
        self.query_one("#stat-overdue").set_class(counts.overdue > 0, "-overdue")
        self.query_one("#stat-due_today").set_class(counts.due_today > 0, "-due-today")
        self.query_one(CompletionBar).rate = stats.completion_rate
        self.query_one("#completion-text", Label).update(
            f"[b]{stats.completion_rate:.0%}[/]  {counts.done} of {counts.total} done"
            f" · {stats.done_last_7_days} in the last 7 days"
        )
        chart = self.query_one(ActivityChart)
        chart.done, chart.created = stats.done_per_day, stats.created_per_day
        self.query_one("#by-priority", RankedBars).rows = tuple(
            (priority.label, count, PRIORITY_STYLES[priority]) for priority, count in stats.by_priority
        )
        self.query_one("#top-projects", RankedBars).rows = tuple((n, c, "$primary") for n, c in stats.top_projects)
        self.query_one("#top-tags", RankedBars).rows = tuple((f"#{n}", c, "$accent") for n, c in stats.top_tags)
