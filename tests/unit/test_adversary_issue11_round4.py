"""Adversarial checks of issue 11, round 4, at the services: undo of an import stamped ahead of this clock,
and hostile import files. Each test is a bug found by hand, marked xfail until it was fixed (all are, now)."""

from __future__ import annotations

import json

import pytest

from tui_tasks.changes import HistoryRefused
from tui_tasks.services.history import History
from tui_tasks.services.transfer import import_tasks


@pytest.fixture
def history(services, clock) -> History:
    return History(services.db, clock)


def _write_json(path, tasks):
    path.write_text(json.dumps({"format": "tui-tasks", "version": 2, "tasks": tasks}))
    return path


def test_one_task_stamped_far_ahead_does_not_hide_a_change_to_another_task_of_the_import(services, alice, history, tmp_path, clock):
    from sqlalchemy import text

    path = _write_json(tmp_path / "in.json", [{"title": "Far", "updated_at": "9999-12-31T00:00:00+00:00"},
                                              {"title": "Plain", "updated_at": clock().isoformat()}])  # fmt: skip
    import_tasks(services, alice, path)
    clock.advance(minutes=10)
    with services.db.session(write=True) as session:  # as the test of a stamp ahead does: a change behind the log
        session.exec(text("UPDATE task SET title = 'Renamed', version = version + 1, updated_at = :at WHERE title = 'Plain'"),
                     params={"at": clock()})  # fmt: skip
    with pytest.raises(HistoryRefused, match="“Renamed” was changed after this"):
        history.undo(alice)
    assert services.tasks.count(alice) == 2


@pytest.mark.parametrize("name, text", [
    ("in.json", '{"format":"tui-tasks","version":2,"tasks":[{"title":"t","updated_at":"2024-01-01T00:00:00+00:00\\u0000"}]}'),
    ("in.tw", '{"description":"t","status":"pending","due":"20240101T000000Z\\u0000"}\n'),
])  # fmt: skip
def test_a_timestamp_with_a_nul_in_it_is_refused(services, alice, tmp_path, name, text):
    from tui_tasks.services.import_results import InvalidRecords

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InvalidRecords):
        import_tasks(services, alice, path, "json" if name.endswith(".json") else "taskwarrior")
    assert services.tasks.count(alice) == 0
