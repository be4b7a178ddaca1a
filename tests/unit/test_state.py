"""What is remembered between runs (the last email, the list's order): per database, never a password,
and a state file that is damaged or a link is never trusted or written through."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tui_tasks.config import parse_database
from tui_tasks.state import load_state, save_state, state_file


@pytest.fixture
def two(tmp_path):
    return parse_database(str(tmp_path / "home.db")), parse_database(str(tmp_path / "work.db"))


def test_each_database_remembers_its_own_email_and_order(two):
    home, work = two
    save_state(home, last_email="me@home.example", list={"filter": "done", "sort": "due", "descending": False})
    save_state(work, last_email="me@work.example")
    assert load_state(home) == {
        "last_email": "me@home.example", "list": {"filter": "done", "sort": "due", "descending": False}
    }  # fmt: skip
    assert load_state(work) == {"last_email": "me@work.example"}
    save_state(work, last_email="")
    assert load_state(home)["last_email"] == "me@home.example"


def test_the_same_file_however_it_is_named_is_the_same_database(tmp_path):
    (tmp_path / "data").mkdir()
    os.symlink(tmp_path / "data", tmp_path / "link")
    save_state(parse_database(str(tmp_path / "data" / "tasks.db")), last_email="a@example.com")
    assert load_state(parse_database(f"sqlite:///{tmp_path}/link/tasks.db"))["last_email"] == "a@example.com"


def test_a_database_url_is_kept_only_as_a_hash_and_its_password_nowhere(tmp_path):
    url = "postgresql://tasks_app:S3cret-Pa55@db.example.com:5432/tasks?sslmode=require"
    save_state(parse_database(url), last_email="kim@example.com")
    text = state_file().read_text()
    for secret in ("S3cret-Pa55", "db.example.com", "tasks_app", "***"):
        assert secret not in text
    same_without_password = parse_database("postgresql://tasks_app@db.example.com:5432/tasks?sslmode=require")
    assert load_state(same_without_password)["last_email"] == "kim@example.com"  # ~/.pgpass or not: one database
    assert load_state(parse_database("postgresql://tasks_app@db.example.com:5432/other")) == {}


def test_the_state_file_is_private(two):
    save_state(two[0], last_email="a@example.com")
    assert stat.S_IMODE(state_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file().parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[1, 2]", "null", '{"databases": []}', '{"databases": {"x": 3}}', '"text"', "\x00\xff" * 10,
     '{"last_email": "old@example.com", "list": {"sort": "due"}}'],  # fmt: skip
)
def test_a_damaged_or_foreign_state_file_is_ignored_then_replaced(two, content):
    home, _ = two
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text(content, encoding="utf-8", errors="surrogateescape")
    assert load_state(home) == {}  # (the old file's one shared email is not offered for every database)
    save_state(home, last_email="a@example.com")
    assert load_state(home) == {"last_email": "a@example.com"}
    assert isinstance(json.loads(state_file().read_text()), dict)


def test_a_state_file_that_is_a_link_is_neither_read_nor_written_through(two, tmp_path):
    home, _ = two
    elsewhere = tmp_path / "someone-elses-file"
    theirs = json.dumps({"version": 2, "databases": {}})
    elsewhere.write_text(theirs)
    state_file().parent.mkdir(parents=True, exist_ok=True)
    os.symlink(elsewhere, state_file())
    assert load_state(home) == {}
    save_state(home, last_email="a@example.com")
    assert elsewhere.read_text() == theirs  # the link is replaced, its target untouched
    assert not state_file().is_symlink() and load_state(home) == {"last_email": "a@example.com"}


def test_a_huge_state_file_is_not_read(two):
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text('{"pad": "' + "x" * 2_000_000 + '"}')
    assert load_state(two[0]) == {}


def test_only_the_most_recent_databases_are_remembered(tmp_path):
    targets = [parse_database(str(tmp_path / f"db{n}.db")) for n in range(60)]
    for target in targets:
        save_state(target, last_email="a@example.com")
    save_state(targets[0], last_email="first@example.com")  # used again: now the most recent
    assert load_state(targets[0]) == {"last_email": "first@example.com"}
    assert load_state(targets[59]) == {"last_email": "a@example.com"}
    assert load_state(targets[1]) == {}
    assert len(json.loads(state_file().read_text())["databases"]) == 50


def test_a_state_folder_that_cannot_be_made_is_not_an_error(two):
    state_file().parent.parent.mkdir(parents=True, exist_ok=True)
    state_file().parent.write_text("a file where the folder should be")
    save_state(two[0], last_email="a@example.com")  # nothing raised: remembering is not worth an error
    assert load_state(two[0]) == {}


def test_a_state_file_that_is_a_fifo_does_not_hang_the_start(two):
    """Opening a FIFO to read blocks until someone writes to it: the log-in screen would never appear."""
    home, _ = two
    state_file().parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(state_file())
    assert load_state(home) == {}
    save_state(home, last_email="a@example.com")  # replaced by a regular file
    assert stat.S_ISREG(os.lstat(state_file()).st_mode) and load_state(home) == {"last_email": "a@example.com"}


@pytest.mark.parametrize("saved", ["not a dict", ["due"], {"filter": "done"}, {"filter": "x", "sort": "due", "descending": 1}])
def test_a_remembered_order_of_the_wrong_kind_opens_the_default_order(two, saved):
    from tui_tasks.domain import TaskQuery
    from tui_tasks.ui.screens.task_list import remembered_query

    save_state(two[0], list=saved)
    assert remembered_query(two[0]) == TaskQuery()
