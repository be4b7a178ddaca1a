"""Hostile import files: every input ends in the project's own one-line errors, and a bad record is one
Bad record that --skip-invalid skips. Real SQLite files and the PostgreSQL test database, no mocks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlalchemy import delete

from tui_tasks.db.tables import User
from tui_tasks.domain import TaskQuery, UserView
from tui_tasks.errors import NotFound, TasksError
from tui_tasks.services.facade import Services
from tui_tasks.services.formats import LIMIT_TEXT, MAX_DEPTH, csvfile, native, taskwarrior
from tui_tasks.services.transfer import FORMATS, ImportResult, InvalidRecords, TransferError, import_tasks

NATIVE_HEAD = '{"format": "tui-tasks", "version": 1, "tasks": [\n'
DEEP = "[" * 100_000 + "]" * 100_000
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"
TOO_LONG = f"longer than {LIMIT_TEXT}"


def titles(services: Services, user: UserView) -> list[str]:
    return sorted(task.title for task in services.tasks.page(user, TaskQuery(), limit=500).tasks)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def refused_then_skipped(services, user, path, fmt, problems) -> ImportResult:
    """The import is refused listing `problems`; with skip_invalid the other records go in."""
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, user, path, fmt)
    assert [str(p) for p in caught.value.problems] == problems
    assert titles(services, user) == []
    return import_tasks(services, user, path, fmt, skip_invalid=True)


# --------------------------------------------------------------------------- what was seen (issue 9, point 4)


@pytest.mark.parametrize("fmt", ["json", "taskwarrior"])
def test_a_task_nested_100000_deep_is_a_bad_record_that_skip_invalid_skips(services, alice, tmp_path, fmt):
    first = '{"title": "first"}' if fmt == "json" else '{"description": "first"}'
    last = '{"title": "last"}' if fmt == "json" else '{"description": "last"}'
    text = f"{NATIVE_HEAD if fmt == 'json' else '['}{first},\n{DEEP},\n{last}\n]{'}' if fmt == 'json' else ''}\n"
    path = write(tmp_path, "deep.json", text)
    result = refused_then_skipped(services, alice, path, fmt, [f"line 3: {TOO_DEEP}"] if fmt == "json" else [f"line 2: {TOO_DEEP}"])
    assert (result.imported, result.invalid) == (2, 1)
    assert titles(services, alice) == ["first", "last"]


def test_a_whole_file_nested_too_deep_is_one_transfer_error(services, alice, tmp_path):
    path = write(tmp_path, "deep.json", "[" * 100_000)
    with pytest.raises(TransferError) as caught:
        import_tasks(services, alice, path, "taskwarrior")
    assert caught.value.message == "line 1: not valid JSON: unexpected end of the file"
    header = write(tmp_path, "header.json", '{"format": "tui-tasks", "version": ' + DEEP + ', "tasks": []}')
    with pytest.raises(TransferError) as caught:
        import_tasks(services, alice, header, "json")
    assert caught.value.message == f"line 1: {TOO_DEEP}"


@pytest.mark.parametrize("field", ["status", "priority", "tags", "project", "annotations", "entry", "due"])
@pytest.mark.parametrize("layout", ["array", "lines"])
def test_a_taskwarrior_field_of_the_wrong_type_is_a_bad_record(services, alice, tmp_path, field, layout):
    bad = {"description": "bad", "status": "pending", field: [["x"]]}
    records = [{"description": "good"}, bad]
    if layout == "array":
        text = "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"
    else:
        text = "\n".join(json.dumps(r) for r in records) + "\n"
    result = import_tasks(services, alice, write(tmp_path, "tw.json", text), "taskwarrior", skip_invalid=True)
    assert (result.imported, result.invalid) == (1, 1), result.problems
    assert result.problems[0].line == (3 if layout == "array" else 2) and "\n" not in result.problems[0].reason
    assert titles(services, alice) == ["good"]


@pytest.mark.parametrize("field", ["title", "description", "completed", "priority", "due", "project", "tags",
                                   "created_at", "completed_at"])  # fmt: skip
def test_a_native_field_of_the_wrong_type_is_a_bad_record(services, alice, tmp_path, field):
    text = NATIVE_HEAD + '{"title": "good"},\n' + json.dumps({"title": "bad", field: {"x": [1]}}) + "\n]}"
    result = import_tasks(services, alice, write(tmp_path, "t.json", text), "json", skip_invalid=True)
    assert (result.imported, result.invalid) == (1, 1), result.problems
    assert result.problems[0].line == 3


def test_a_number_beyond_pythons_digit_limit_is_a_bad_record(services, alice, tmp_path):
    text = NATIVE_HEAD + '{"title": "good"},\n{"title": "x", "priority": ' + "9" * 5000 + "}\n]}"
    result = refused_then_skipped(services, alice, write(tmp_path, "t.json", text), "json",
                                  ["line 3: a number with more than 4300 digits"])  # fmt: skip
    assert result.imported == 1


# --------------------------------------------------------------------------- limits (issue 9, point 6)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_record_longer_than_the_limit_is_refused_by_line_and_the_others_still_count(services, alice, tmp_path, fmt):
    huge = "x" * ((1 << 20) + 1)
    if fmt == "todotxt":
        text = f"first\n{huge}\nlast\n"
    elif fmt == "csv":
        text = f'title,description\nfirst,\n"{huge[:9]}\n{huge}",d\nlast,\n'
    elif fmt == "json":
        text = NATIVE_HEAD + f'{{"title": "first"}},\n{{"title": "{huge}"}},\n{{"title": "last"}}\n]}}'
    else:
        text = f'[{{"description": "first"}},\n{{"description": "{huge}"}},\n{{"description": "last"}}]'
    line = 3 if fmt in ("csv", "json") else 2
    result = refused_then_skipped(services, alice, write(tmp_path, f"long.{fmt}", text), fmt, [f"line {line}: {TOO_LONG}"])
    assert titles(services, alice) == ["first", "last"] and result.invalid == 1


def test_a_csv_record_is_resumed_after_a_bad_quote(services, alice, tmp_path):
    text = 'title,description\n"a"b,"spans\ntwo lines"\nnext,\n'
    result = import_tasks(services, alice, write(tmp_path, "q.csv", text), "csv", skip_invalid=True)
    assert [str(p) for p in result.problems] == ["line 2: not valid CSV: ',' expected after '\"'"]
    assert titles(services, alice) == ["next"]


def test_a_long_value_is_shown_cut_short_in_its_message(services, alice, tmp_path):
    text = '[{"description": "x", "status": "' + "z" * 5000 + '"}]'
    result = import_tasks(services, alice, write(tmp_path, "t.json", text), "taskwarrior", skip_invalid=True)
    [problem] = result.problems
    assert problem.reason.startswith("unknown status 'zzz") and len(problem.reason) < 120


# --------------------------------------------------------------------------- reading before the write lock


def test_an_account_deleted_while_its_import_is_read_gets_nothing_and_a_clear_message(services, alice, tmp_path):
    text = "".join(f"task {n}\n" for n in range(3000))

    def delete_while_reading(progress) -> None:
        if progress.stage == "reading" and not deleted:
            with services.db.session(write=True) as session:  # as the account form or another window would
                deleted.append(session.exec(delete(User).where(User.id == alice.id)))

    deleted: list = []
    with pytest.raises(NotFound, match="^This account no longer exists$"):
        import_tasks(services, alice, write(tmp_path, "todo.txt", text), progress=delete_while_reading)
    with services.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM task").scalar() == 0


def test_others_write_while_an_import_is_read(services, alice, bob, tmp_path):
    """The write lock is taken only once the file is read: a write by another account made while the import
    reads goes through at once (on SQLite it used to wait 5 s for the lock and fail)."""
    from tui_tasks.domain import TaskDraft

    text = "".join(f"task {n}\n" for n in range(3000))
    written = []

    def write_while_reading(progress) -> None:
        if progress.stage == "reading" and not written:
            written.append(services.tasks.create(bob, TaskDraft("bob's, during alice's import")))

    result = import_tasks(services, alice, write(tmp_path, "todo.txt", text), progress=write_while_reading)
    assert result.imported == 3000 and written
    assert titles(services, bob) == ["bob's, during alice's import"]


# --------------------------------------------------------------------------- anything at all


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
NATIVE_RECORDS = st.fixed_dictionaries({}, optional={name: VALUES | SCALARS for name in native.FIELDS})
TW_FIELDS = ("description", "status", "priority", "entry", "modified", "end", "due", "project", "tags", "annotations")
TW_RECORDS = st.fixed_dictionaries(
    {}, optional={name: VALUES | st.sampled_from(["pending", "completed", "deleted", "recurring", "H", "20260312T000000Z"])
                  for name in TW_FIELDS},
)  # fmt: skip
DEEP_VALUES = st.integers(1, 3000).map(lambda depth: json.loads("[" * min(depth, 900) + "]" * min(depth, 900)))


def serialised(fmt: str, records: list, layout: int) -> str:
    """Records in `fmt`: the JSON formats as an array (or, for Taskwarrior, one per line), CSV cells and
    todo.txt lines as the records' JSON text."""
    dump = lambda value: json.dumps(value, ensure_ascii=layout % 2 == 0)  # noqa: E731
    if fmt == "json":
        return NATIVE_HEAD + ",\n".join(map(dump, records)) + "\n]}"
    if fmt == "taskwarrior":
        return "[" + ",\n".join(map(dump, records)) + "]" if layout < 2 else "\n".join(map(dump, records))
    if fmt == "csv":
        out = io.StringIO()
        rows = csv.writer(out)
        rows.writerow(csvfile.FIELDS)
        for record in records:
            values = list(record.values()) if isinstance(record, dict) else [record]
            rows.writerow([value if isinstance(value, str) else dump(value) for value in values])
        return out.getvalue()
    return "\n".join(r if isinstance(r, str) else dump(r) for r in records)


def check_outcome(services, user, path: Path, fmt: str, skip_invalid: bool) -> None:
    """Only the project's errors, each one line; problems name a line of the file."""
    lines = path.read_bytes().count(b"\n") + path.read_bytes().count(b"\r") + 1
    try:
        result = import_tasks(services, user, path, fmt, skip_invalid=skip_invalid)
    except InvalidRecords as exc:
        assert not skip_invalid
        problems = exc.problems
        assert exc.message.startswith("nothing imported: ")
    except TasksError as exc:
        assert type(exc) in (TransferError,), exc
        assert exc.message and "\n" not in exc.message and "\r" not in exc.message and len(exc.message) < 300, exc.message
        return
    else:
        problems = result.problems
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert "\n" not in problem.reason and "\r" not in problem.reason and len(problem.reason) < 300, problem


HYPOTHESIS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RECORDS = {"json": NATIVE_RECORDS, "taskwarrior": TW_RECORDS, "csv": NATIVE_RECORDS, "todotxt": st.text(max_size=40)}


@pytest.mark.parametrize("fmt", FORMATS)
@HYPOTHESIS
@given(data=st.data(), skip_invalid=st.booleans(), layout=st.integers(0, 3))
def test_any_json_values_in_any_format_give_only_our_one_line_errors(services, alice, tmp_path, fmt, data,
                                                                      skip_invalid, layout):  # fmt: skip
    records = data.draw(st.lists(RECORDS[fmt] | VALUES | DEEP_VALUES, max_size=5))
    path = write(tmp_path, f"any.{fmt}", serialised(fmt, records, layout))
    check_outcome(services, alice, path, fmt, skip_invalid)


@pytest.mark.parametrize("fmt", FORMATS)
@HYPOTHESIS
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode), skip_invalid=st.booleans())
def test_any_bytes_in_any_format_give_only_our_one_line_errors(services, alice, tmp_path, fmt, content, skip_invalid):
    check_outcome(services, alice, write(tmp_path, f"any.{fmt}", content), fmt, skip_invalid)


def test_a_deep_value_the_decoder_can_read_is_still_refused_past_the_depth_limit(services, alice, tmp_path):
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    text = NATIVE_HEAD + '{"title": "ok", "tags": ' + deep + "}\n]}"
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, alice, write(tmp_path, "t.json", text), "json")
    assert [str(p) for p in caught.value.problems] == [f"line 2: {TOO_DEEP}"]


def test_taskwarrior_names_its_records(services, alice, tmp_path):
    assert taskwarrior.from_taskwarrior({"description": "x", "status": {"a": 1}}).reason == "unknown status {'a': 1}"
