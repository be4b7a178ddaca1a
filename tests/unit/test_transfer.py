"""Import and export through the service, on real databases: round trips, bad records, one transaction."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import Clock
from tui_tasks.domain import Priority, TaskDraft, TaskQuery, TaskView, UserView
from tui_tasks.errors import StorageError
from tui_tasks.services import export as export_module
from tui_tasks.services import bulk_insert, transfer
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import jsonstream
from tui_tasks.services.transfer import FORMATS, InvalidRecords, TransferError, export_tasks, import_tasks

TRICKY = [
    TaskDraft('Say "hi", then leave; ok?', 'line one\nline two, with "quotes"\n\tindented 🎉, done', Priority.HIGH,
              date(2026, 3, 12), "home", ("errands", "x-1")),
    TaskDraft("Ünïcödé — 日本語 🚀", "", Priority.LOW, None, None, ("ärger",)),
    TaskDraft("Finished thing", "note", Priority.MEDIUM, date(2025, 12, 31), "work", ()),
    TaskDraft("Plain"),
    TaskDraft("Comma, \"quote\" and 'single'", "a,b,c\n\n\"quoted\"\nlast line", Priority.NONE, None, "work", ("a_b",)),
]  # fmt: skip


def all_tasks(services: Services, user: UserView) -> list[TaskView]:
    page = services.tasks.page(user, TaskQuery(sort="created", descending=False), limit=500)
    assert page.next_cursor is None
    return sorted(page.tasks, key=lambda task: task.title)


def fields(task: TaskView) -> dict:
    values = {name: getattr(task, name) for name in TaskView.__slots__}
    del values["id"], values["version"]
    return values


@pytest.fixture
def tricky_tasks(services: Services, alice: UserView, clock: Clock) -> list[TaskView]:
    """Tasks with quotes, commas, newlines, non-ASCII text and emoji; one done; microsecond timestamps."""
    clock.now = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
    for draft in TRICKY:
        clock.advance(minutes=7, microseconds=1)
        created = services.tasks.create(alice, draft)
        if draft.title == "Finished thing":
            clock.advance(hours=5)
            services.tasks.toggle(alice, created.id)
    clock.advance(days=1)
    return all_tasks(services, alice)


def round_trip(services: Services, source: UserView, target: UserView, fmt: str, tmp_path: Path) -> list[TaskView]:
    path = tmp_path / f"export.{fmt}"
    assert export_tasks(services, source, path, fmt) == len(all_tasks(services, source))
    result = import_tasks(services, target, path, fmt)
    assert (result.imported, result.skipped, result.problems) == (len(all_tasks(services, source)), 0, ())
    return all_tasks(services, target)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_json_and_csv_give_back_every_field_exactly(
    services: Services, alice: UserView, bob: UserView, tricky_tasks: list[TaskView], fmt: str, tmp_path: Path
) -> None:
    copies = round_trip(services, alice, bob, fmt, tmp_path)
    assert [fields(task) for task in copies] == [fields(task) for task in tricky_tasks]
    assert {task.id for task in copies}.isdisjoint(task.id for task in tricky_tasks)
    assert all_tasks(services, alice) == tricky_tasks  # the source is untouched


def test_taskwarrior_keeps_every_field_to_the_second(
    services: Services, alice: UserView, bob: UserView, tricky_tasks: list[TaskView], tmp_path: Path
) -> None:
    copies = round_trip(services, alice, bob, "taskwarrior", tmp_path)

    def whole_seconds(task: TaskView) -> dict:
        values = fields(task)
        for name in ("created_at", "updated_at", "completed_at"):
            values[name] = values[name] and values[name].replace(microsecond=0)
        return values

    assert [fields(task) for task in copies] == [whole_seconds(task) for task in tricky_tasks]


def test_todotxt_keeps_title_state_priority_dates_project_and_tags_but_not_the_description(
    services: Services, alice: UserView, bob: UserView, tricky_tasks: list[TaskView], tmp_path: Path
) -> None:
    copies = round_trip(services, alice, bob, "todotxt", tmp_path)

    def kept(task: TaskView) -> tuple:
        completed_on = task.completed_at and task.completed_at.astimezone().date()
        return (task.title, task.completed, completed_on, task.priority, task.due, task.project, task.tags,
                task.created_at.astimezone().date())  # fmt: skip

    assert [kept(task) for task in copies] == [kept(task) for task in tricky_tasks]
    assert {task.description for task in copies} == {""}


def test_todotxt_writes_a_projects_spaces_as_underscores(
    services: Services, alice: UserView, bob: UserView, tmp_path: Path
) -> None:
    services.tasks.create(alice, TaskDraft("Paint", project="Home office"))
    [copy] = round_trip(services, alice, bob, "todotxt", tmp_path)
    assert copy.project == "Home_office"


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_streams_in_pages_and_holds_only_the_users_tasks(
    services: Services, alice: UserView, bob: UserView, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "PAGE", 2)
    monkeypatch.setattr(jsonstream, "CHUNK", 7)  # values split across reads
    for n in range(5):
        services.tasks.create(alice, TaskDraft(f"alice {n}", tags=(f"t{n}", "shared")))
    services.tasks.create(bob, TaskDraft("bob's", tags=("shared", "secret")))
    copies = round_trip(services, alice, bob, fmt, tmp_path)
    assert [task.title for task in copies] == ["alice 0", "alice 1", "alice 2", "alice 3", "alice 4", "bob's"]
    assert [task.tags for task in copies] == [("shared", f"t{n}") for n in range(5)] + [("secret", "shared")]


def test_an_empty_account_exports_an_empty_file_that_imports(
    services: Services, alice: UserView, bob: UserView, tmp_path: Path
) -> None:
    for fmt in FORMATS:
        assert round_trip(services, alice, bob, fmt, tmp_path) == []


# --------------------------------------------------------------------------- bad records

BAD_JSON = """{"format": "tui-tasks", "version": 1, "tasks": [
{"title": "good one"},
{"title": "   "},
{"title": "bad priority", "priority": "urgent"},
{"title": "naive", "created_at": "2026-03-01T10:00:00"},
{"title": "good two", "tags": ["ok"]},
{"title": "bad tag", "tags": ["two words"]}
]}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_records_are_reported_by_line_and_nothing_is_written(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, alice, write(tmp_path, "bad.json", BAD_JSON))
    assert caught.value.invalid == 4
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "Title is required"),
        (4, "priority must be none, low, medium or high, not 'urgent'"),
        (5, "created_at must include its UTC offset (such as Z or +00:00), not '2026-03-01T10:00:00'"),
        (7, "Tag 'two words' must be one word of letters, digits, - or _ (at most 40)"),
    ]
    assert caught.value.message == "nothing imported: 4 invalid records"
    assert all_tasks(services, alice) == []


def test_an_import_counts_one_change_and_a_refused_one_none(services, alice, tmp_path):
    with pytest.raises(InvalidRecords):
        import_tasks(services, alice, write(tmp_path, "bad.json", BAD_JSON))
    assert services.tasks.changes(alice) == 0
    import_tasks(services, alice, write(tmp_path, "bad.json", BAD_JSON), skip_invalid=True)
    assert services.tasks.changes(alice) == 1  # other windows look again once, however many tasks came in


def test_skip_invalid_imports_the_good_records_and_lists_the_others(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    result = import_tasks(services, alice, write(tmp_path, "bad.json", BAD_JSON), skip_invalid=True)
    assert (result.imported, result.invalid, result.ignored) == (2, 4, 0)
    assert [str(p) for p in result.problems][0] == "line 3: Title is required"
    assert [(t.title, t.tags) for t in all_tasks(services, alice)] == [("good one", ()), ("good two", ("ok",))]


def test_a_record_failing_in_the_database_midway_leaves_nothing(
    services: Services, alice: UserView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "\n".join(f"2026-03-01 task {n} @tag{n}" for n in range(10))
    real_row = transfer._row

    def row_breaking_the_priority_check(user, record, now, line, spool):
        row, *rest = real_row(user, record, now, line, spool)
        at = bulk_insert.COLUMNS.index("priority")
        return ((*row[:at], 9, *row[at + 1 :]) if record.title == "task 7" else row), *rest

    monkeypatch.setattr(transfer, "BATCH", 3)  # batches of tasks 0-2 and 3-5 are inserted before task 7 fails
    monkeypatch.setattr(transfer, "_row", row_breaking_the_priority_check)
    with pytest.raises(StorageError):
        import_tasks(services, alice, write(tmp_path, "todo.txt", lines), skip_invalid=True)
    assert all_tasks(services, alice) == []
    assert services.stats.counts(alice).total == 0


def test_progress_is_reported_in_batches_up_to_the_whole_file(
    services: Services, alice: UserView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 4)
    path = write(tmp_path, "todo.txt", "".join(f"task {n}\n" for n in range(10)))
    seen = []
    result = import_tasks(services, alice, path, progress=seen.append)
    assert result.imported == 10
    assert [(p.stage, p.records, p.written) for p in seen] == [
        ("reading", 4, 0), ("reading", 8, 0), ("writing", 10, 4), ("writing", 10, 8), ("writing", 10, 10),
    ]  # fmt: skip
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_timestamps_missing_from_a_file_are_now_and_completion_follows_the_state(
    services: Services, alice: UserView, clock: Clock, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.csv", "title,completed\nopen,false\ndone,true\n")
    import_tasks(services, alice, path)
    done, still_open = all_tasks(services, alice)
    assert done.created_at == done.updated_at == done.completed_at == clock()
    assert still_open.completed_at is None and still_open.created_at == clock()


def test_completed_at_on_an_open_task_is_invalid(services: Services, alice: UserView, tmp_path: Path) -> None:
    text = json.dumps({"format": "tui-tasks", "version": 1, "tasks": [
        {"title": "x", "completed": False, "completed_at": "2026-03-01T10:00:00Z"}]})  # fmt: skip
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, alice, write(tmp_path, "t.json", text))
    assert str(caught.value.problems[0]) == "line 1: completed_at is set but the task is not done"


# --------------------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("missing.json", None, "auto", "cannot read {path}: no such file or directory"),
        ("t.json", '{"format": "tui-tasks", "version": 1, "tasks": [{"title": "a"},', "auto",
         "line 1: not valid JSON: unexpected end of the file"),
        ("t.json", '{"format": "tui-tasks", "version": 7, "tasks": []}', "json",
         "export version 7 is newer than this tui-tasks reads: upgrade tui-tasks"),
        ("t.json", '{"tasks": []}', "json", 'not a tui-tasks export (it must start with {"format": "tui-tasks", ...})'),
        ("t.dat", "hello\n", "auto", "cannot tell the format of {path}: give it with --format json|csv|taskwarrior|todotxt"),
        ("t.csv", "name,notes\nx,y\n", "auto", "line 1: the header row must name the columns, title among them"),
        ("t.txt", b"caf\xe9\n", "auto", "{path} is not UTF-8 text (invalid continuation byte near byte 3)"),
        ("t.json", '[{"description": "a"}]'.encode("utf-16"), "auto",
         "{path} is not UTF-8 text (UTF-16, by the look of it): save it as UTF-8"),
        ("t.dat", '{"description": "a"}'.encode("utf-16-le"), "auto",
         "{path} is not UTF-8 text (UTF-16, by the look of it): save it as UTF-8"),
        ("t.dat", bytes(4096), "auto", "{path} is not a text file (a NUL byte near byte 0)"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_one_clear_error_and_nothing_is_written(
    services: Services, alice: UserView, tmp_path: Path, name: str, content, fmt: str, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(TransferError) as caught:
        import_tasks(services, alice, path, fmt)
    assert caught.value.message == message.replace("{path}", str(path))
    assert all_tasks(services, alice) == []


def test_export_to_a_path_is_private_and_replaces_the_file_whole(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    services.tasks.create(alice, TaskDraft("one"))
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    path = tmp_path / "out.json"
    path.write_text("old content")
    export_tasks(services, alice, path, "json")
    assert json.loads(path.read_text())["tasks"][0]["title"] == "one"
    assert list(tmp_path.iterdir()) == [path]
    new = tmp_path / "new.csv"
    export_tasks(services, alice, new, "csv")
    assert new.stat().st_mode & 0o777 == 0o600


def test_detecting_the_format(tmp_path: Path) -> None:
    cases = {
        "a.json": ('{"format": "tui-tasks", "version": 1, "tasks": []}', "json"),
        "b.json": ('[{"description": "x"}]', "taskwarrior"),
        "c.json": ('{"description": "x", "status": "pending"}\n', "taskwarrior"),
        "d.csv": ("title\nx\n", "csv"),
        "todo.txt": ("(A) x\n", "todotxt"),
        "export": ("title,description\nx,y\n", "csv"),
        "data": ("\n  [\n]", "taskwarrior"),
    }
    for name, (text, fmt) in cases.items():
        assert transfer.detect_format(write(tmp_path, name, text)) == fmt, name


def test_an_unknown_format_is_refused(services: Services, alice: UserView, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="unknown format 'xml'"):
        export_tasks(services, alice, tmp_path / "x.xml", "xml")
    assert not (tmp_path / "x.xml").exists()


def test_timestamps_are_stored_in_utc_whatever_offset_the_file_gives(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    text = json.dumps({"format": "tui-tasks", "version": 1, "tasks": [
        {"title": "x", "created_at": "2026-03-01T12:00:00+02:00", "updated_at": "2026-03-01T10:00:00.5Z"}]})  # fmt: skip
    import_tasks(services, alice, write(tmp_path, "t.json", text))
    [task] = all_tasks(services, alice)
    assert task.created_at == datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
    assert task.updated_at == task.created_at + timedelta(microseconds=500000)
    assert replace(task, id=0).created_at.tzinfo == timezone.utc


def _indexes(services) -> set[str]:
    from sqlalchemy import inspect

    with services.db.engine.connect() as conn:
        return {index["name"] for table in ("task", "task_tag") for index in inspect(conn).get_indexes(table)}


@pytest.mark.parametrize("bad_last", [False, True], ids=["whole", "refused"])
def test_a_large_import_builds_the_indexes_once_and_a_refused_one_keeps_them(services, alice, tmp_path, bad_last):
    """Large imports into a small table drop the task indexes and build them at the end (SQLite): after
    the import every index is there and in use. One refused at its last record is refused before it
    writes anything: no index is touched."""
    from tui_tasks.services.transfer import DEFER_INDEXES_ROWS

    indexes = _indexes(services)
    kept = len(indexes & transfer.KEPT_INDEXES)  # the links' second pass looks up by them
    records = [{"description": f"task {n}", "annotations": [{"description": "x" * 250}], "status": "pending",
                "entry": "20260101T000000Z"} for n in range(10_000)]  # fmt: skip
    if bad_last:
        records[-1]["status"] = "bogus"
    path = tmp_path / "large.json"
    path.write_text(json.dumps(records))
    assert len(records) > DEFER_INDEXES_ROWS
    from sqlalchemy import event

    ddl: list[str] = []
    record = lambda conn, cursor, statement, *args: ddl.append(statement.split()[0])  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        if bad_last:
            with pytest.raises(InvalidRecords):
                import_tasks(services, alice, path, "taskwarrior")
        else:
            assert import_tasks(services, alice, path, "taskwarrior").imported == 10_000
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)
    deferred = services.db.target.kind == "sqlite"
    trigger = int(services.db.text_index)  # the text index's insert trigger is dropped, then made again
    assert ddl.count("DROP") == (len(indexes) - kept + trigger if deferred and not bad_last else 0)
    assert ddl.count("CREATE") == (len(indexes) - kept + trigger if deferred and not bad_last else 0)
    assert _indexes(services) == indexes and len(indexes) >= 8
    assert services.tasks.count(alice) == (0 if bad_last else 10_000)
    assert [t.title for t in services.tasks.page(alice, limit=2).tasks] == ([] if bad_last else ["task 9999", "task 9998"])
    if services.db.text_index:  # every imported task is in the text index, and the trigger is back
        assert [t.title for t in services.tasks.page(alice, TaskQuery(search="task 9876")).tasks] == (
            [] if bad_last else ["task 9876"])  # fmt: skip
        services.tasks.create(alice, TaskDraft("written after the import"))
        assert [t.title for t in services.tasks.page(alice, TaskQuery(search="after the imp")).tasks] == [
            "written after the import"]  # fmt: skip
        with services.db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM task_text").scalar() == services.tasks.count(alice)


def test_indexes_are_rebuilt_by_the_rows_written_not_the_files_size_and_analysed_after(services, alice, tmp_path):
    """The rows to write are known before the write: a large file of mostly deleted Taskwarrior tasks
    keeps the indexes; one that brings enough rows rebuilds them, and the planner gets its statistics back."""
    if services.db.target.kind != "sqlite":
        pytest.skip("indexes are rebuilt on SQLite only")
    from sqlalchemy import event, text

    from tui_tasks.services.transfer import DEFER_INDEXES_ROWS

    records = [{"description": f"task {n}", "annotations": [{"description": "x" * 300}],
                "status": "deleted" if n >= 500 else "pending"} for n in range(9_500)]  # fmt: skip
    path = tmp_path / "mostly-deleted.json"
    path.write_text(json.dumps(records))
    ddl: list[str] = []
    record = lambda conn, cursor, statement, *args: ddl.append(" ".join(statement.split()[:2]))  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", record)
    try:
        assert import_tasks(services, alice, path, "taskwarrior").imported == 500
        assert "DROP INDEX" not in ddl
        path.write_text("".join(f"todo {n}\n" for n in range(DEFER_INDEXES_ROWS)))
        assert import_tasks(services, alice, path, "todotxt").imported == DEFER_INDEXES_ROWS
        assert "DROP INDEX" in ddl
    finally:
        event.remove(services.db.engine, "before_cursor_execute", record)
    with services.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'task'")).scalar() >= 8


@pytest.mark.parametrize("descending", [False, True])
def test_imported_tasks_sharing_a_timestamp_page_by_created_like_any_others(services, alice, tmp_path, descending):
    """todo.txt gives every task of a day the same created_at. They were stored as sqlite3 writes a
    datetime ("... 00:00:00+00:00"), not as SQLAlchemy does ("... 00:00:00.000000"): keyset paging by
    created compared the two and showed 50 of 120 tasks ascending, and never ended descending."""
    path = write(tmp_path, "todo.txt", "".join(f"2026-03-01 task {n}\n" for n in range(120)))
    import_tasks(services, alice, path)
    services.tasks.create(alice, TaskDraft("made in the app"))
    seen, cursor = [], None
    for _ in range(10):
        page = services.tasks.page(alice, TaskQuery(sort="created", descending=descending), cursor=cursor, limit=50)
        seen += [task.title for task in page.tasks]
        if (cursor := page.next_cursor) is None:
            break
    assert sorted(seen) == sorted([f"task {n}" for n in range(120)] + ["made in the app"])
