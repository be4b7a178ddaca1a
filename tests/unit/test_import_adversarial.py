"""What an adversarial pass over import found, kept: NaN and huge numbers, lone surrogates, BOMs, CR and
CRLF, NUL bytes, the calendar's edges, a folder as FILE, CSV's own field limit, endless header keys."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.unit.test_import_hostile import NATIVE_HEAD, titles, write
from tui_tasks.services.transfer import InvalidRecords, TransferError, import_tasks


def problems(services, user, path: Path, fmt: str = "auto") -> tuple[int, list[str]]:
    """What --skip-invalid imports, and the problems it lists."""
    result = import_tasks(services, user, path, fmt, skip_invalid=True)
    return result.imported, [str(problem) for problem in result.problems]


def test_nan_infinity_and_huge_numbers_are_bad_records_with_short_reasons(services, alice, tmp_path):
    text = NATIVE_HEAD + ('{"title": NaN},\n{"title": "a", "priority": Infinity},\n{"title": "b", "due": 1e999999},\n'
                          '{"title": "c", "priority": -' + "1" * 4299 + '},\n{"title": "fine"}\n]}')  # fmt: skip
    imported, found = problems(services, alice, write(tmp_path, "n.json", text))
    assert imported == 1
    assert found[:3] == ["line 2: Title must be text", "line 3: priority must be none, low, medium or high, not inf",
                         "line 4: due must be a date YYYY-MM-DD, not inf"]  # fmt: skip
    assert found[3].startswith("line 5: priority must be none, low, medium or high, not -111") and len(found[3]) < 120


def test_lone_surrogates_escaped_in_json_are_bad_records_and_raw_ones_are_not_utf8(services, alice, tmp_path):
    text = NATIVE_HEAD + '{"title": "\\ud800"},\n{"\\udfff": 1},\n{"title": "fine"}\n]}'
    imported, found = problems(services, alice, write(tmp_path, "s.json", text))
    assert (imported, found) == (1, ["line 2: Title must not contain control characters (found U+D800)",
                                     "line 3: unknown field '\\udfff'"])  # fmt: skip
    with pytest.raises(TransferError, match=r"is not UTF-8 text \(invalid continuation byte"):
        import_tasks(services, alice, write(tmp_path, "raw.txt", b"\xed\xa0\x80 task\n"))


def test_a_bom_starts_any_format_and_crlf_or_cr_end_lines(services, alice, tmp_path):
    assert problems(services, alice, write(tmp_path, "b.csv", b"\xef\xbb\xbftitle,due\r\nwith bom,2026-03-01\r\n")) == (1, [])
    assert problems(services, alice, write(tmp_path, "c.txt", b"\xef\xbb\xbf(A) one\r\ntwo\rthree\r\n\r\n")) == (3, [])
    tw = b'\xef\xbb\xbf[{"description": "tw"}]\r\n'
    assert problems(services, alice, write(tmp_path, "t.json", tw)) == (1, [])
    assert titles(services, alice) == ["one", "three", "tw", "two", "with bom"]


def test_a_nul_byte_ends_the_file_in_one_line_whatever_the_format(services, alice, tmp_path):
    """A NUL is in no text file (UTF-16 read as UTF-8 has one every other byte): the file is refused at it,
    not each of its lines as a record with a control character."""
    for name, data in (("n.txt", b"fine\ntask\x00one\n"), ("n.json", b'[{"description": "a\x00b"}]'),
                       ("n.csv", b"title\nfine\nt\x00\n")):  # fmt: skip
        with pytest.raises(TransferError) as caught:
            import_tasks(services, alice, write(tmp_path, name, data))
        said = {"n.txt": "line 2: a NUL character: not a text file", "n.csv": "line 3: a NUL character: not a text file",
                "n.json": f"{tmp_path / name} is not a text file (a NUL byte near byte 19)"}[name]  # (found as its format is)
        assert caught.value.message == said, name
    assert services.tasks.count(alice) == 0


def test_dates_at_the_calendars_edges_are_bad_records_or_kept(services, alice, tmp_path):
    text = '[{"description": "a", "entry": "0001-01-01T00:00:00+01:00"}, {"description": "b", "due": "99991231T235959Z"}]'
    imported, found = problems(services, alice, write(tmp_path, "d.json", text))
    assert found[0].startswith("line 1: entry must be a Taskwarrior date")
    # 9999-12-31T23:59:59Z, the last second there is, is kept as a due with a time (read back, east of UTC,
    # on the UTC day: its local day is past the calendar)
    assert imported + len(found) == 2 and found[1:] == []
    native = NATIVE_HEAD + '{"title": "c", "created_at": "0001-01-01T00:30:00+01:00"}\n]}'
    assert problems(services, alice, write(tmp_path, "n.json", native)) == (0, ["line 2: created_at is out of range in UTC"])
    todo = "0001-01-01 first day\nx 9999-12-31 last day due:9999-12-31\n"
    imported, found = problems(services, alice, write(tmp_path, "todo.txt", todo))
    # the last day there is may not be a due (tasks refuse 9999-12-31: its end is past the calendar east of UTC)
    assert imported + len(found) == 2 and all(" is out of range here" in reason or reason.endswith(
        "Due must be between 1900 and 9999") for reason in found), found  # fmt: skip


def test_a_folder_or_a_missing_file_is_one_line(services, alice, tmp_path):
    for path in (tmp_path, tmp_path / "none.csv"):
        with pytest.raises(TransferError) as caught:
            import_tasks(services, alice, path)
        assert caught.value.message.startswith(f"cannot read {path}: ") and "\n" not in caught.value.message


def test_a_control_character_in_the_path_does_not_break_the_line(services, alice, tmp_path):
    path = tmp_path / "two\nlines.json"
    with pytest.raises(TransferError) as caught:
        import_tasks(services, alice, path)
    assert "\n" not in caught.value.message and "two\\nlines.json" in caught.value.message


def test_a_csv_field_past_the_csv_modules_own_limit_is_a_bad_record(services, alice, tmp_path):
    text = f'title,description\nfirst,\nsecond,"{"d" * 200_000}"\nthird,\n'
    imported, found = problems(services, alice, write(tmp_path, "f.csv", text))
    assert (imported, found) == (2, ["line 3: not valid CSV: field larger than field limit (131072)"])


def test_a_native_header_of_endless_unknown_keys_is_read_past(services, alice, tmp_path):
    keys = "".join(f'"k{n}": [{n}], ' for n in range(200_000))
    text = '{"format": "tui-tasks", ' + keys + '"version": 1, "tasks": [{"title": "kept"}]}'
    started = time.monotonic()
    assert problems(services, alice, write(tmp_path, "h.json", text), "json") == (1, [])
    assert time.monotonic() - started < 10


def test_a_refused_import_names_every_record_by_line_in_one_pass(services, alice, tmp_path):
    lines = [json.dumps({"description": f"t{n}", "status": [n]}) for n in range(3)]
    with pytest.raises(InvalidRecords) as caught:
        import_tasks(services, alice, write(tmp_path, "tw.json", "\n".join(lines)), "taskwarrior")
    assert [str(p) for p in caught.value.problems] == [f"line {n + 1}: unknown status [{n}]" for n in range(3)]
