"""CSV and todo.txt with the task model's new fields: due times, wait, uuid, links, repeats."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from tests.unit.test_merge_uuid import everything, rich  # noqa: F401  (the fixture)
from tui_tasks.domain import Priority, Recurrence
from tui_tasks.services.formats import Bad, TaskRecord, todotxt
from tui_tasks.services.transfer import export_tasks, import_tasks

UUID = "8f14e45f-ceea-467a-9af6-8c9e1f2a3b4c"


def test_csv_gives_every_field_back_to_a_fresh_account_and_changes_nothing_in_the_same(services, alice, bob, rich, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "all.csv"
    export_tasks(services, alice, path, "csv")
    again = import_tasks(services, alice, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    copied = import_tasks(services, bob, path)
    assert (copied.added, copied.dropped) == (5, 0)
    assert everything(services, bob) == everything(services, alice)


def test_todotxt_reads_times_thresholds_repeats_and_uuids() -> None:
    [(_, timed), (_, after), (_, weekdays)] = list(todotxt.read(io.StringIO(
        f"Call due:2026-12-04T17:00 t:2026-12-01 rec:+1w uuid:{UUID.upper()}\n"
        "Water due:2026-12-04 rec:3d\nStand-up rec:1b due:2026-12-07T09:30+01:00\n"
    )))  # fmt: skip
    assert timed.due == datetime(2026, 12, 4, 17).astimezone().astimezone(timezone.utc)
    assert (timed.wait, timed.recurrence, timed.uuid) == (date(2026, 12, 1), Recurrence("FREQ=WEEKLY"), UUID)
    assert (after.due, after.recurrence) == (date(2026, 12, 4), Recurrence("FREQ=DAILY;INTERVAL=3", after_completion=True))
    assert weekdays.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert weekdays.due == datetime(2026, 12, 7, 8, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("line", "reason"), [
    ("x due:2026-12-04T25:00", "due must be a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, not '2026-12-04T25:00'"),
    ("x rec:every", "rec must be such as 1w or +2m (d, w, m, y or b), not 'every'"),
    ("x rec:2b", "rec: in business days can only be 1b (every weekday)"),
    ("x uuid:nope", "uuid must be a uuid such as 8f14e45f-ceea-467a-9af6-8c9e1f2a3b4c, not 'nope'"),
])  # fmt: skip
def test_todotxt_bad_new_tokens_say_why(line: str, reason: str) -> None:
    assert todotxt.parse_line(line) == Bad(reason)


def test_todotxt_writes_what_it_reads() -> None:
    record = TaskRecord("Call", priority=Priority.HIGH, due=datetime(2026, 12, 4, 16, 5, 9, tzinfo=timezone.utc),
                        wait=date(2026, 12, 1), uuid=UUID, recurrence=Recurrence("FREQ=MONTHLY;INTERVAL=2", True))  # fmt: skip
    line = todotxt.format_line(record)
    assert line.endswith(f"t:2026-12-01 rec:2m uuid:{UUID}") and line.startswith("(A) Call due:")
    back = todotxt.parse_line(line)
    assert (back.due, back.wait, back.recurrence, back.uuid) == (record.due, record.wait, record.recurrence, record.uuid)
    # a rule rec: cannot say is left out (the README says so)
    assert "rec:" not in todotxt.format_line(TaskRecord("x", recurrence=Recurrence("FREQ=MONTHLY;BYDAY=-1FR")))


def test_todotxt_reimported_with_its_uuids_changes_nothing(services, alice, rich, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "todo.txt"
    export_tasks(services, alice, path, "todotxt")
    result = import_tasks(services, alice, path)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 5)
