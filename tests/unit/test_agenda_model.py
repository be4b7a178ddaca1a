"""The agenda's and month's arithmetic and drawing without a database or Textual: days of the week and
month, the month view's state, and lines that always fill exactly the width they are given."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui_tasks.agenda_model import AgendaSection, add_months, agenda_days, month_days, month_weeks, week_end
from tui_tasks.domain import Priority, TaskView
from tui_tasks.ui.agenda_rows import day_title, heading, more_row, task_row
from tui_tasks.ui.month_state import MonthState, cell_width, count_text, grid_lines, week_heights

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
months = st.tuples(st.integers(1900, 9999), st.integers(1, 12))


def task(title: str, due=None, priority=Priority.NONE, project=None, tags=()) -> TaskView:
    return TaskView(1, title, "", False, None, priority, due, project, tuple(tags), NOW, NOW, 1)


def test_a_week_runs_monday_to_sunday():
    assert week_end(date(2026, 3, 10)) == date(2026, 3, 15)
    assert week_end(date(2026, 3, 15)) == date(2026, 3, 15)
    assert week_end(date(2026, 3, 16)) == date(2026, 3, 22)
    assert [title for _, title, _ in agenda_days(date(2026, 3, 13))] == ["Today", "Tomorrow", "Sunday"]
    assert agenda_days(date(9999, 12, 31)) == [("today", "Today", date(9999, 12, 31))]


@given(months)
def test_every_month_is_whole_weeks_with_its_own_days_in_order(month):
    year, number = month
    weeks = month_weeks(year, number)
    cells = [day for week in weeks for day in week]
    assert all(len(week) == 7 for week in weeks) and 4 <= len(weeks) <= 6
    assert [d for d in cells if d is not None and (d.year, d.month) == month] == month_days(year, number)
    assert all(d is None or d.weekday() == n % 7 for n, d in enumerate(cells))  # Monday first


@given(months, st.integers(-30000, 30000))
def test_months_move_within_the_calendar(month, n):
    year, number = add_months(*month, n)
    assert (1, 1) <= (year, number) <= (9999, 12) and 1 <= number <= 12


@given(st.dates(date(1900, 1, 1), date(9999, 12, 31)), st.lists(st.sampled_from(["move", "month", "today"]), max_size=30),
       st.lists(st.integers(-40, 40), min_size=30, max_size=30))  # fmt: skip
def test_the_selected_day_is_always_in_the_month_shown(today, steps, amounts):
    state = MonthState.at(today)
    for step, amount in zip(steps, amounts):
        before = state.month
        changed = state.move(amount) if step == "move" else state.shift_month(amount) if step == "month" else state.go_today()
        assert changed == (state.month != before)
        assert state.month == (state.selected.year, state.selected.month)
        if changed:
            assert state.counts == {} and state.loaded is None


def test_a_shorter_month_keeps_its_last_day_and_counts_for_another_month_are_dropped():
    state = MonthState.at(date(2026, 1, 31))
    state.shift_month(1)
    assert state.selected == date(2026, 2, 28)
    assert not state.counts_loaded(2026, 1, {date(2026, 1, 3): 1})  # arrived after the move: dropped
    assert state.counts_loaded(2026, 2, {date(2026, 2, 3): 4}) and state.total() == 4
    state.shift_month(1)
    assert state.selected == date(2026, 3, 31)  # the day asked for, not February's last
    state.shift_month(1)
    assert state.selected == date(2026, 4, 30)
    state.move(-1)  # a day chosen: months keep to it from now on
    state.shift_month(-2)
    assert state.selected == date(2026, 2, 28)
    state.shift_month(1)
    assert state.selected == date(2026, 3, 29)


def test_counts_have_words_only_when_any_count_would_fit_them():
    assert [count_text(n, 8) for n in (0, 1, 2, 99)] == ["", "1 task", "2 tasks", "99 tasks"]
    assert [count_text(n, 6) for n in (1, 2, 999, 1234567)] == ["1", "2", "999", "99999+"]
    assert [count_text(n, 1) for n in (5, 10)] == ["5", "+"]


@settings(max_examples=60)
@given(months, st.integers(35, 250), st.integers(7, 70), st.dictionaries(st.integers(1, 28), st.integers(0, 10**6)))
def test_grid_lines_fill_seven_cells_of_the_same_width(month, width, height, counts):
    year, number = month
    state = MonthState.at(date(year, number, 1))
    state.counts_loaded(year, number, {date(year, number, d): n for d, n in counts.items()})
    lines = grid_lines(state, width, height)
    assert all(sum(cell_len(text) for text, _ in line) == 7 * cell_width(width) <= width for line in lines)
    assert len(lines) <= max(height, 7) + 1


@given(st.integers(1, 200), st.integers(4, 6), st.booleans())
def test_weeks_share_the_height_evenly_and_filled_take_all_of_it(height, weeks, fill):
    heights = week_heights(height, weeks, fill)
    assert len(heights) == weeks and min(heights) >= 1 and max(heights) - min(heights) <= (1 if fill else 0)
    if fill and height >= 1 + weeks:
        assert 1 + sum(heights) == height  # no empty rows under the grid
    if not fill:
        assert 1 + sum(heights) <= max(height, 1 + weeks)


@settings(max_examples=150)
@given(
    st.text(min_size=1, max_size=300), st.integers(20, 250), st.booleans(),
    st.one_of(st.none(), st.dates(date(1900, 1, 1), date(9999, 12, 31)),
              st.datetimes(datetime(1900, 1, 2), datetime(9999, 12, 30), timezones=st.just(timezone.utc))),
    st.sampled_from(list(Priority)), st.one_of(st.none(), st.text(min_size=1, max_size=80)),
    st.lists(st.text(min_size=1, max_size=40), max_size=5),
)  # fmt: skip
def test_a_task_row_fills_its_width_exactly(title, width, one_day, due, priority, project, tags):
    printable = "".join(ch for ch in title if ch.isprintable() and cell_len(ch) > 0) or "x"
    row = task_row(task(printable, due, priority, project, tags), one_day, NOW, width)
    assert sum(cell_len(text) for text, _ in row) == width


@given(st.integers(20, 250), st.integers(0, 10**7), st.sampled_from(["overdue", "today", "day", "later", "none"]))
def test_headings_and_more_lines_fill_their_width(width, total, key):
    day = date(2026, 3, 12) if key in ("today", "day") else None
    section = AgendaSection(key, "Thursday" if key == "day" else key.title(), day, day, (), total)
    assert sum(cell_len(text) for text, _ in heading(section, width)) == width
    assert sum(cell_len(text) for text, _ in more_row(section, width)) == width


def test_a_narrow_heading_shortens_the_day_name_and_drops_the_word():
    section = AgendaSection("day", "Thursday", date(2026, 3, 12), date(2026, 3, 12), (), 3)
    assert "".join(t for t, _ in heading(section, 40)).split() == ["Thu", "·", "12", "Mar", "3"]
    assert "".join(t for t, _ in heading(section, 80)).split() == ["Thursday", "·", "12", "Mar", "3", "tasks"]
    assert day_title(date(2026, 3, 10), 1, 80) == "Tue 10 Mar 2026 · 1 task"


def test_a_row_shows_the_time_in_a_day_and_the_date_elsewhere():
    timed = datetime(2026, 3, 13, 17, 0, tzinfo=timezone.utc)
    day_row = "".join(t for t, _ in task_row(task("Call", timed, Priority.HIGH), True, NOW, 80))
    later_row = "".join(t for t, _ in task_row(task("Call", timed), False, NOW, 80))
    narrow_row = "".join(t for t, _ in task_row(task("Call", timed), False, NOW, 40))
    assert day_row.split()[:3] == [f"{timed.astimezone():%H:%M}", "!!!", "Call"]
    assert "in 3 d" in later_row and f"{timed.astimezone():%H:%M}" in later_row
    assert "in 3 d" in narrow_row and ":" not in narrow_row  # no room for the time: the day says more
    assert task_row(task("x", date(2026, 3, 9)), False, NOW, 60)[0][1] == "overdue"
    assert task_row(task("x", NOW + timedelta(days=1)), False, NOW, 60)[0][1] == "when"
