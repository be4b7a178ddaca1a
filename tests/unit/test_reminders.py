"""Reminders: a timed due is told once when it comes, while the app is open; snoozes tell it again; an edit of
the due arms it again; a date alone never reminds; the terminal's notification cannot carry a command."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

from tui_tasks.domain import Priority, TaskView
from tui_tasks.ui.reminders import Reminders, reminder_text, snoozed_until, terminal_notification

START = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def task(task_id: int, due, title: str = "Call the bank", completed: bool = False) -> TaskView:
    return TaskView(task_id, title, "", completed, None, Priority.NONE, due, None, (), START, START, 1)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_a_timed_due_is_told_once_when_it_comes() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(30))], START)
    assert reminders.due(at(29)) == []
    told = reminders.due(at(30.2))
    assert [(r.task_id, r.title, r.due) for r in told] == [(1, "Call the bank", at(30))]
    assert reminders.due(at(31)) == [] and reminders.due(at(300)) == []
    reminders.feed([task(1, at(30))], at(31))  # fed again (a change elsewhere): still told once
    assert reminders.due(at(32)) == []


def test_what_was_due_before_reminding_began_a_date_alone_and_a_done_task_never_remind() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(-5)), task(2, date(2026, 3, 10)), task(3, at(5), completed=True)], START)
    assert reminders.due(at(60 * 24)) == []


def test_an_edit_of_the_due_arms_it_again_and_drops_its_snooze() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(10))], START)
    assert len(reminders.due(at(10))) == 1
    reminders.snooze(at(60))
    reminders.feed([task(1, at(20))], at(11))
    assert reminders.snoozed_ids == ()
    assert [r.due for r in reminders.due(at(20))] == [at(20)]
    assert reminders.due(at(61)) == []


def test_a_snooze_tells_the_pending_reminders_again_once_at_its_end() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(10), "A"), task(2, at(10), "B"), task(3, at(50), "C")], START)
    told = reminders.due(at(10))
    assert reminder_text(told) == "Due now: A (+1 more)" and reminders.pending == told
    assert reminders.snooze(snoozed_until("10m", at(11))) == told
    assert reminders.pending == [] and reminders.snoozed_ids == (1, 2)
    assert reminders.due(at(20.9)) == []
    again = reminders.due(at(21))
    assert [(r.title, r.snoozed) for r in again] == [("A", True), ("B", True)]
    assert reminders.due(at(22)) == [] and reminders.snoozed_ids == ()


def test_a_snoozed_task_done_or_deleted_meanwhile_is_not_told_again() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(10)), task(2, at(10))], START)
    reminders.due(at(10))
    reminders.snooze(at(20))
    reminders.feed([task(1, at(10), completed=True)], at(15))
    assert reminders.due(at(25)) == []


def test_dismissed_reminders_are_not_snoozed_by_a_later_snooze() -> None:
    reminders = Reminders(START)
    reminders.feed([task(1, at(10))], START)
    reminders.due(at(10))
    reminders.dismiss()
    assert reminders.snooze(at(20)) == [] and reminders.snoozed_ids == ()


def test_a_new_day_needs_a_new_feed() -> None:
    reminders = Reminders(START)
    assert reminders.needs_feed(START)
    reminders.feed([], START)
    assert not reminders.needs_feed(at(60)) and reminders.needs_feed(START + timedelta(days=1))


def test_snoozes_end_in_ten_minutes_an_hour_or_tomorrow_morning() -> None:
    assert snoozed_until("10m", START) == at(10)
    assert snoozed_until("1h", START) == at(60)
    tomorrow = snoozed_until("tomorrow", START).astimezone()
    assert (tomorrow.date(), tomorrow.hour, tomorrow.minute) == (START.astimezone().date() + timedelta(days=1), 9, 0)


def test_the_terminal_notification_is_osc_9_and_osc_777_with_control_characters_shown_as_symbols() -> None:
    assert terminal_notification("Due now: Call the bank") == (
        "\x1b]9;Due now: Call the bank\x07\x1b]777;notify;tui-tasks;Due now: Call the bank\x07"
    )
    hostile = terminal_notification("Due now: x\x07\x1b]0;pwned\x1b\\\x9c")
    assert hostile.count("\x1b") == 2 and hostile.count("\x07") == 2 and "\x9c" not in hostile
    assert "x␇␛]0;pwned␛\\" in hostile


def test_reminders_never_import_textual() -> None:
    code = "import sys, tui_tasks.ui.reminders, tui_tasks.ui.form_fields; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
