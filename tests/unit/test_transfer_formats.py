"""The file formats on their own: how each reads the lines other programs write, and reports bad ones."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from tui_tasks.domain import Priority
from tui_tasks.services.formats import Bad, Ignored, SeriesRecord, TaskRecord, TransferError, csvfile, local_midnight
from tui_tasks.services.formats import jsonstream, taskwarrior, todotxt
from tui_tasks.services.formats.jsonstream import JsonStream


def read(module, text: str) -> list:
    return list(module.read(io.StringIO(text)))


# --------------------------------------------------------------------------- todo.txt


def test_todotxt_reads_priority_dates_project_contexts_and_due() -> None:
    [(line, record)] = read(todotxt, "\n(A) 2026-03-01 Call mom +family +later @phone @Home due:2026-03-12 at 10:30\n")
    assert line == 2
    assert record == TaskRecord(
        title="Call mom +later at 10:30", priority=Priority.HIGH, due=date(2026, 3, 12), project="family",
        tags=("phone", "Home"), created_at=local_midnight(date(2026, 3, 1)), updated_at=local_midnight(date(2026, 3, 1)),
    )  # fmt: skip


def test_todotxt_reads_done_tasks_with_completion_and_creation_dates() -> None:
    [(_, done), (_, bare), (_, low)] = read(
        todotxt, "x 2026-03-10 2026-03-01 Review +work pri:B\nx Just done\n(D) whatever\n"
    )
    assert (done.completed, done.priority, done.project) == (True, Priority.MEDIUM, "work")
    assert done.completed_at == local_midnight(date(2026, 3, 10)) == done.updated_at
    assert done.created_at == local_midnight(date(2026, 3, 1))
    assert (bare.completed, bare.completed_at, bare.created_at, bare.title) == (True, None, None, "Just done")
    assert low.priority is Priority.LOW


def test_todotxt_bad_dates_are_bad_records() -> None:
    assert read(todotxt, "task due:2026-02-30\n") == [(1, Bad("due must be a date YYYY-MM-DD, not '2026-02-30'"))]


def test_todotxt_writes_the_documented_line() -> None:
    record = TaskRecord(
        "Review", completed=True, completed_at=datetime(2026, 3, 10, 12, tzinfo=timezone.utc), priority=Priority.HIGH,
        due=date(2026, 3, 12), project="work stuff", tags=("a", "b"), created_at=datetime(2026, 3, 1, 12, tzinfo=timezone.utc),
    )  # fmt: skip
    assert todotxt.format_line(record) == "x 2026-03-10 2026-03-01 Review +work_stuff @a @b due:2026-03-12 pri:A"


# --------------------------------------------------------------------------- Taskwarrior


def test_taskwarrior_reads_one_object_per_line_as_older_versions_write() -> None:
    text = (
        '{"description":"one","status":"pending","entry":"20260301T101500Z","priority":"M"},\n'
        "\n"
        '{"description":"gone","status":"deleted"}\n'
        "{not json\n"
        '{"description":"two","status":"completed","end":"20260302T080000Z","modified":"20260302T080001Z"}'
    )
    items = read(taskwarrior, text)
    assert [line for line, _ in items] == [1, 3, 4, 5]
    assert items[0][1].created_at == datetime(2026, 3, 1, 10, 15, tzinfo=timezone.utc)
    assert items[0][1].priority is Priority.MEDIUM
    assert isinstance(items[1][1], Ignored)
    assert isinstance(items[2][1], Bad) and items[2][1].reason.startswith("not valid JSON")
    done = items[3][1]
    assert (done.completed, done.completed_at, done.created_at) == (
        True, datetime(2026, 3, 2, 8, tzinfo=timezone.utc), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ('{"description": "x", "status": "pending", "priority": "X"}', "priority must be H, M or L, not 'X'"),
        ('{"description": "x", "status": "zombie"}', "unknown status 'zombie'"),
        ('{"description": "x", "due": "tomorrow"}', "due must be a Taskwarrior date such as 20260312T170000Z, not 'tomorrow'"),
        ('{"status": "pending"}', "Title is required (description is missing)"),
        ('"just text"', "a task must be a JSON object"),
    ],
)  # fmt: skip
def test_taskwarrior_bad_objects_say_why(obj: str, reason: str) -> None:
    assert read(taskwarrior, f"[\n{obj}\n]") == [(2, Bad(reason))]


def test_taskwarrior_reads_a_recurring_template_as_a_series_and_keeps_waiting_tasks() -> None:
    template = ('{"uuid":"d0a8a048-6a80-4961-b36f-75ad17dc7803","description":"r","status":"recurring","recur":"2wks",'
                '"due":"20260302T000000Z","mask":"+-","until":"20260401T000000Z","rtype":"periodic","entry":"20260301T000000Z"}')
    items = read(taskwarrior, f'[{template},{{"description":"w","status":"waiting"}},{{"status":"recurring"}}]')
    series = items[0][1]
    assert isinstance(series, SeriesRecord)
    assert (series.rule, series.first_due, series.last_occurrence) == ("FREQ=WEEKLY;INTERVAL=2;UNTIL=20260401", date(2026, 3, 2), 1)
    assert series.extras == {"until": "20260401T000000Z", "rtype": "periodic", "recur": "2wks", "mask": "+-"}
    assert items[1][1].title == "w" and not items[1][1].completed
    assert isinstance(items[2][1], Bad)


def test_taskwarrior_writes_what_task_import_reads() -> None:
    out = io.StringIO()
    created = datetime(2026, 3, 1, 10, 15, 30, 999999, tzinfo=timezone.utc)
    taskwarrior.write([TaskRecord("t", "a\nb", True, created, Priority.LOW, None, "p", ("x",), created, created)], out)
    [obj] = __import__("json").loads(out.getvalue())
    assert obj["entry"] == obj["modified"] == obj["end"] == "20260301T101530Z"
    assert (obj["status"], obj["priority"], obj["annotations"][0]["description"]) == ("completed", "L", "a\nb")
    assert len(obj["uuid"]) == 36


# --------------------------------------------------------------------------- CSV and the JSON reader


def test_csv_reads_columns_in_any_order_and_reports_short_rows_by_line() -> None:
    text = 'Tags,Title,extra\r\n"a, b",first,?\r\n\r\nc,"multi\nline title"\r\n,"third",x\r\n'
    items = read(csvfile, text)
    assert items[0] == (2, TaskRecord("first", tags=("a", "b")))
    assert items[1] == (4, Bad("2 columns where the header has 3"))
    assert items[2] == (6, TaskRecord("third"))


def test_csv_bad_values_name_the_column() -> None:
    text = "title,completed,due\nx,maybe,\ny,no,2026-13-01\n"
    assert [item for _, item in read(csvfile, text)] == [
        Bad("completed must be true or false, not 'maybe'"),
        Bad("due must be a date YYYY-MM-DD, not '2026-13-01'"),
    ]


class _Endless(io.TextIOBase):
    """A first line that never ends, as /dev/zero or `yes | tr -d '\\n'` give: counts what is read of it."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:
        assert 0 < size <= 1 << 24, size  # read with a bound, never to the line's end
        self.given += size
        assert self.given <= 1 << 23, "read on past the limit"  # (rather than forever)
        return "x" * size

    def read(self, size: int = -1) -> str:
        return self.readline(size if size > 0 else 1 << 16)


def test_a_csv_header_longer_than_the_limit_is_refused_without_reading_on() -> None:
    from tui_tasks.services.formats import LIMIT

    stream = _Endless()
    with pytest.raises(TransferError, match=r"^line 1: the header is longer than 1 MiB$"):
        list(csvfile.read(stream))  # type: ignore[arg-type]
    assert stream.given <= LIMIT + 1


class _EndlessFrom(io.TextIOBase):
    """`head`, then one character for ever (a line, or a quoted CSV field, that never ends)."""

    def __init__(self, head: str, char: str) -> None:
        self.head, self.char, self.given = head, char, 0

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:
        assert 0 < size <= 1 << 24, size
        if self.head:
            end = min(size, self.head.find("\n") + 1 or len(self.head))
            text, self.head = self.head[:end], self.head[end:]
            return text
        self.given += size
        assert self.given <= 1 << 24, "read on past the limit"
        return self.char * size

    def read(self, size: int = -1) -> str:  # (a JSON stream looks at its first characters with read)
        text, self.head = self.head[:size], self.head[size:]
        return text or self.readline(size)


@pytest.mark.parametrize("module", [todotxt, taskwarrior, csvfile])
def test_a_record_of_nul_characters_without_end_gives_the_file_up_at_once(module) -> None:
    head = "title\n" if module is csvfile else ""
    stream = _EndlessFrom(head + ('"' if module is csvfile else ""), "\0")
    with pytest.raises(TransferError, match=r"^line \d: a NUL character: not a text file$"):
        list(module.read(stream))  # type: ignore[arg-type]
    assert stream.given <= (1 << 20) + (1 << 16) + 1


@pytest.mark.parametrize("module", [todotxt, taskwarrior, csvfile])
def test_a_record_without_end_is_read_past_so_far_and_then_given_up(module, monkeypatch) -> None:
    import tui_tasks.services.formats as formats

    monkeypatch.setattr(formats, "SKIP_LIMIT", 4 << 20)
    head = 'title\nfirst\n"' if module is csvfile else "first\n"
    stream = _EndlessFrom(head, "x")
    line = 3 if module is csvfile else 2
    with pytest.raises(TransferError, match=rf"^line {line}: longer than 4 MiB: not read on$"):
        list(module.read(stream))  # type: ignore[arg-type]
    assert stream.given <= (5 << 20)


@pytest.mark.parametrize(("header", "twice"), [("title,priority,priority", "priority"), ("Title, title", "title"),
                                               ("title,Due,project,due", "due")])  # fmt: skip
def test_a_csv_header_naming_a_column_twice_is_refused_naming_it(header: str, twice: str) -> None:
    with pytest.raises(TransferError) as caught:
        read(csvfile, header + "\nz,high,low,x\n")
    assert caught.value.message == f"line 1: the header names the column {twice} twice"


def test_a_csv_header_may_repeat_columns_it_ignores() -> None:
    """A spreadsheet's own columns, blank ones included, are not read: naming them twice is no matter."""
    assert read(csvfile, "title,note,note,,\nz,a,b,,\n") == [(2, TaskRecord("z"))]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_the_json_stream_gives_items_with_their_line_across_any_chunk_size(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    doc = JsonStream(io.StringIO('\n{"a": 12345, "list": [\n  {"x": "y\\n"},\n 1234567 ,"é"\n]}  \n'))
    seen = {}
    for key in doc.keys():
        seen[key] = list(doc.items()) if key == "list" else doc.value()
    doc.end()
    assert seen == {"a": 12345, "list": [(3, {"x": "y\n"}), (4, 1234567), (4, "é")]}


def test_the_json_stream_reports_the_line_of_a_syntax_error() -> None:
    doc = JsonStream(io.StringIO('[\n{"a": 1},\n{"a": }\n]'))
    with pytest.raises(TransferError, match=r"^line 3: not valid JSON: Expecting value$"):
        list(doc.items())
