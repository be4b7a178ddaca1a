"""Migration 0007 on a database with data, from 0004 and from 0006: every task, tag, index and id is kept, a due
date becomes the end of that local day and reads back as the same date, every task gets its own uuid, and
the new foreign keys delete as they should."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timezone
from datetime import time as dtime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from tui_tasks.db import migrations
from tui_tasks.db.engine import Database, make_engine
from tui_tasks.db.migrate import MIGRATIONS_DIR, ensure_schema, upgrade
from tui_tasks.db.tables import Task
from tui_tasks.domain import TaskDraft, TaskQuery, UserView
from tui_tasks.services.tasks import Tasks

CREATED = datetime(2026, 1, 5, 8, 30, tzinfo=timezone.utc)
DONE_AT = datetime(2026, 2, 1, 17, 45, 12, 345678, tzinfo=timezone.utc)
# (owner, title, due, done, tags); the dues include the days the clocks change in Berlin and New York
TASKS = [
    ("ann", "Plan the zeppelin trip", date(2026, 3, 29), False, ("travel", "fun")),
    ("ann", "Call the bank", date(2026, 10, 25), True, ("money",)),
    ("ann", "New York spring", date(2026, 3, 8), False, ()),
    ("ann", "New York autumn", date(2026, 11, 1), True, ("travel",)),
    ("ann", "Someday", None, False, ("later",)),
    ("ann", "Year end", date(2026, 12, 31), False, ()),
    ("ben", "Ben's zeppelin model", date(2026, 6, 15), False, ("travel",)),
    ("ben", "Ben's leap day", date(2028, 2, 29), True, ()),
]
SET_NULL = "SET NULL"


@pytest.fixture(params=["Europe/Berlin", "America/New_York"])
def zone(request, monkeypatch) -> str:
    """The local time zone of the process that upgrades and reads (the C library's and Python's)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def stamp(dialect: str, moment: datetime):
    """A timestamp as its column holds it, for a plain INSERT (SQLite: UTC text with microseconds)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment


def build(target, revision: str, tasks=TASKS) -> dict:
    """A database at `revision` holding two users and `tasks`, written with plain SQL as that version of
    tui-tasks would have; the highest task id is deleted again (the next id must still go above it)."""
    upgrade(target, MIGRATIONS_DIR, revision)
    engine = make_engine(target, poolclass=NullPool)
    dialect = engine.dialect.name
    old_lockout = revision < "0005"  # 0005 moved failed logins out of the user table
    users: dict[str, int] = {}
    with engine.begin() as conn:
        for name in ("ann", "ben"):
            columns = "email, display_name, password_hash, created_at, task_changes" + (", failed_logins" if old_lockout else "")
            values = ":email, :name, :hash, :created, 0" + (", 0" if old_lockout else "")
            conn.execute(text(f'INSERT INTO "user" ({columns}) VALUES ({values})'),
                         {"email": f"{name}@example.com", "name": name, "hash": b"$2b$04$not.a.real.hash",
                          "created": stamp(dialect, CREATED)})  # fmt: skip
            users[name] = conn.execute(text('SELECT id FROM "user" WHERE display_name = :n'), {"n": name}).scalar_one()
        for owner, title, due, done, tags in [*tasks, ("ann", "deleted before the upgrade", None, False, ())]:
            conn.execute(text(
                "INSERT INTO task (user_id, title, description, completed, completed_at, priority, due, project,"
                " created_at, updated_at, version) VALUES (:user, :title, :desc, :done, :done_at, 2, :due, :project,"
                " :created, :created, 3)"
            ), {"user": users[owner], "title": title, "desc": f"about {title}", "done": done,
                "done_at": stamp(dialect, DONE_AT) if done else None, "due": due, "project": "Home",
                "created": stamp(dialect, CREATED)})  # fmt: skip
            task_id = conn.execute(text("SELECT max(id) FROM task")).scalar_one()
            for tag in tags:
                conn.execute(text("INSERT INTO task_tag (task_id, tag, user_id) VALUES (:t, :tag, :u)"),
                             {"t": task_id, "tag": tag, "u": users[owner]})  # fmt: skip
        deleted = conn.execute(text("SELECT max(id) FROM task")).scalar_one()
        conn.execute(text("DELETE FROM task WHERE id = :id"), {"id": deleted})
        state = snapshot(conn) | {"users": users, "deleted": deleted}
    engine.dispose()
    return state


def snapshot(conn) -> dict:
    """What must survive the upgrade unchanged: the rows but their due, the tags, the indexes and triggers."""
    sqlite = conn.dialect.name == "sqlite"
    return {
        "tasks": conn.execute(text(
            "SELECT id, user_id, title, description, completed, completed_at, priority, project, created_at,"
            " updated_at, version FROM task ORDER BY id"
        )).all(),  # fmt: skip
        "dues": dict(conn.execute(text("SELECT id, due FROM task")).all()),
        "tags": conn.execute(text("SELECT task_id, tag, user_id FROM task_tag ORDER BY task_id, tag")).all(),
        "indexes": {i["name"] for i in inspect(conn).get_indexes("task")} | {i["name"] for i in inspect(conn).get_indexes("task_tag")},
        "triggers": set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()) if sqlite else set(),
        "text_rows": conn.execute(text("SELECT count(*) FROM task_text")).scalar() if sqlite else None,
    }


def user_view(user_id: int, name: str) -> UserView:
    return UserView(user_id, f"{name}@example.com", name, CREATED, None)


@pytest.fixture
def db(target):
    database = Database(target)
    yield database
    database.close()


@pytest.mark.parametrize("revision", ["0004", "0006"])
def test_upgrading_keeps_every_task_tag_and_index_and_makes_dues_their_floating_day(db, target, zone, revision):
    before = build(target, revision)
    ensure_schema(db)
    with db.engine.connect() as conn:
        after = snapshot(conn)
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migrations.HEAD  # and on through every later one
        uuids = conn.execute(text("SELECT uuid FROM task")).scalars().all()
    assert after["tasks"] == before["tasks"] and len(after["tasks"]) == len(TASKS)
    assert after["tags"] == before["tags"] and len(after["tags"]) == 6
    assert before["indexes"] <= after["indexes"]
    assert before["triggers"] == after["triggers"]
    assert after["text_rows"] == before["text_rows"]
    assert len(set(uuids)) == len(TASKS) and all(uuid.UUID(u) for u in uuids)

    with Session(db.engine) as session:
        stored = {i: (due, has_time) for i, due, has_time in session.exec(select(Task.id, Task.due, Task.due_has_time))}
    tasks, users = Tasks(db), before["users"]
    for (task_id, *_), (owner, title, due, _, tags) in zip(after["tasks"], TASKS):
        # a day without a time floats: 23:59:59 of it written as UTC, whatever the zone that upgrades
        floating = None if due is None else datetime.combine(due, dtime(23, 59, 59), tzinfo=timezone.utc)
        assert stored[task_id] == (floating, False), title
        view = tasks.get(user_view(users[owner], owner), task_id)
        assert (view.title, view.due, view.tags) == (title, due, tuple(sorted(tags)))
        assert view.uuid and view.parent_id is None and view.series_id is None and view.wait is None


@pytest.mark.parametrize("revision", ["0004", "0006"])
def test_after_upgrading_search_finds_words_and_the_text_index_follows_changes(db, target, zone, revision):
    before = build(target, revision)
    ensure_schema(db)
    ann = user_view(before["users"]["ann"], "ann")
    tasks = Tasks(db)
    assert db.text_index == (target.kind == "sqlite")
    assert [t.title for t in tasks.page(ann, TaskQuery(search="zeppelin")).tasks] == ["Plan the zeppelin trip"]
    edited = tasks.page(ann, TaskQuery(search="bank")).tasks[0]
    tasks.update(ann, edited.id, TaskDraft("Call the airship company"))
    assert [t.title for t in tasks.page(ann, TaskQuery(search="airship")).tasks] == ["Call the airship company"]
    assert tasks.page(ann, TaskQuery(search="bank")).tasks == ()


@pytest.mark.parametrize("revision", ["0004", "0006"])
def test_after_upgrading_a_new_task_gets_an_id_above_every_old_one(db, target, zone, revision):
    before = build(target, revision)
    ensure_schema(db)
    ann = user_view(before["users"]["ann"], "ann")
    new = Tasks(db).create(ann, TaskDraft("after the upgrade", due=date(2026, 12, 1)))
    assert new.id > before["deleted"] > max(row[0] for row in before["tasks"])
    assert new.due == date(2026, 12, 1)


def test_the_new_foreign_keys_hold_and_delete_as_they_should(db, target, zone):
    before = build(target, "0004")
    ensure_schema(db)
    with db.engine.connect() as conn:
        if target.kind == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            keys = {row[3]: (row[2], row[4], row[6]) for row in conn.execute(text("PRAGMA foreign_key_list(task)"))}
        else:
            keys = {column: (table, ref, {"n": SET_NULL, "c": "CASCADE"}.get(rule, rule)) for column, table, ref, rule in conn.execute(text(
                "SELECT a.attname, cl.relname, ra.attname, c.confdeltype FROM pg_constraint c"
                " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                " JOIN pg_class cl ON cl.oid = c.confrelid"
                " JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]"
                " WHERE c.conrelid = 'task'::regclass AND c.contype = 'f'"
            ))}  # fmt: skip
    assert keys["parent_id"] == ("task", "id", SET_NULL)
    assert keys["series_id"] == ("task_series", "id", SET_NULL)
    assert keys["user_id"] == ("user", "id", "CASCADE")
    ann = user_view(before["users"]["ann"], "ann")
    tasks = Tasks(db)
    parent = before["tasks"][0][0]
    child = tasks.create(ann, TaskDraft("child of an old task", parent_id=parent))
    tasks.delete(ann, parent)
    assert tasks.get(ann, child.id).parent_id is None


# Dues that tui-tasks accepted before 0007 (any date at all), which the migration must not move by a day.
def test_a_due_in_a_summer_whose_clocks_differed_from_todays_reads_back_as_the_same_date(db, target, local_zone):
    """Berlin kept UTC+3 in the summers of 1945 and 1947 and no summer time in 1960: the end of those days is
    not where today's rules put it. SQLite's 'utc' modifier takes the offset of a year within 1970-2037."""
    local_zone("Europe/Berlin")
    days = [date(1945, 6, 1), date(1947, 6, 1), date(1960, 7, 1), date(2100, 7, 1)]
    before = build(target, "0006", [("ann", f"due {day}", day, False, ()) for day in days])
    ensure_schema(db)
    ann = user_view(before["users"]["ann"], "ann")
    assert [Tasks(db).get(ann, row[0]).due for row in before["tasks"]] == days


def test_the_first_and_last_days_of_the_calendar_read_back_as_themselves(db, target, local_zone):
    """Tokyo is east of UTC and kept its local mean time (UTC+9:18:59) until 1888: the end of 9999-12-31 there is
    not in UTC's years (nor may reading it back overflow), and the end of 0001-01-01 is not at today's +9."""
    local_zone("Asia/Tokyo")
    days = [date(1, 1, 1), date(9999, 12, 30), date(9999, 12, 31)]
    before = build(target, "0006", [("ann", f"due {day}", day, False, ()) for day in days])
    ensure_schema(db)
    ann = user_view(before["users"]["ann"], "ann")
    assert [Tasks(db).get(ann, row[0]).due for row in before["tasks"]] == days
