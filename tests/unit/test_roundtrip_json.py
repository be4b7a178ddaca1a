"""Export then import, for random tasks (due times, waits, subtasks, dependencies, notes, repeats): into the
same account nothing is added or updated; into a fresh one the same tasks come back field by field."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Clock
from tests.unit.test_merge_uuid import everything
from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.services.facade import Services
from tui_tasks.services.transfer import export_tasks, import_tasks

_accounts = itertools.count()
TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "So")), min_size=1, max_size=30).filter(str.strip)
DAYS = st.dates(date(2000, 1, 1), date(2100, 12, 31))
TIMES = st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31)).map(lambda d: d.replace(tzinfo=timezone.utc))
WHEN = st.none() | DAYS | TIMES
RULES = st.sampled_from([None, Recurrence("FREQ=DAILY;INTERVAL=3"), Recurrence("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,FR"),
                         Recurrence("FREQ=MONTHLY;INTERVAL=1", after_completion=True)])  # fmt: skip
TASK = st.fixed_dictionaries({
    "title": TEXT, "description": st.sampled_from(["", "a note", "two\nlines"]), "priority": st.sampled_from(list(Priority)),
    "due": WHEN, "wait": WHEN, "parent": st.none() | st.integers(0, 7), "depends": st.lists(st.integers(0, 7), max_size=3),
    "notes": st.lists(TEXT, max_size=2), "rule": RULES, "done": st.booleans(), "tags": st.lists(st.sampled_from(["a", "b-c", "d_e"])),
})  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(TASK, min_size=1, max_size=6))
def test_export_then_import_is_stable_and_lossless(services: Services, clock: Clock, tmp_path: Path, specs: list[dict]) -> None:
    n = next(_accounts)
    source = services.accounts.register(f"source{n}@example.com", "a-password", None)
    fresh = services.accounts.register(f"fresh{n}@example.com", "a-password", None)
    ids: list[int] = []
    for spec in specs:
        clock.advance(seconds=1, microseconds=7)
        known = lambda i: [ids[i % len(ids)]] if ids else []  # noqa: E731  (an earlier task)
        draft = TaskDraft(spec["title"], spec["description"], spec["priority"], spec["due"], None, tuple(spec["tags"]),
                          spec["wait"], (known(spec["parent"]) or [None])[0] if spec["parent"] is not None else None,
                          tuple(dict.fromkeys(i for d in spec["depends"] for i in known(d))), spec["rule"])  # fmt: skip
        task = services.tasks.create(source, draft)
        ids.append(task.id)
        for text in spec["notes"]:
            clock.advance(seconds=1)
            services.tasks.annotate(source, task.id, text)
        if spec["done"]:
            clock.advance(minutes=1)
            services.tasks.toggle(source, task.id)  # a repeating one makes its next instance
    clock.advance(days=1)
    path = tmp_path / f"export{n}.json"
    export_tasks(services, source, path, "json")
    before = everything(services, source)

    again = import_tasks(services, source, path)
    assert (again.added, again.updated, again.dropped, again.invalid) == (0, 0, 0, 0)
    assert everything(services, source) == before

    copied = import_tasks(services, fresh, path)
    assert (copied.updated, copied.unchanged, copied.dropped, copied.invalid) == (0, 0, 0, 0)
    assert everything(services, fresh) == before
