"""Adversarial pass, issue 9: logging in with the database's disk full.

Found with the real app in tmux (the database open, its disk then filled by another program): the
log-in screen answered "The database failed while saving (the disk is full): it may or may not have been
saved". The user saved nothing; the log-in's own bookkeeping write (the failure count, last_login_at)
failed, and its unknown outcome was put to the user in the words of a task change. The user cannot get
in to read their tasks (and every CLI import/export stops at the same place: tests/e2e/
test_adversary_disk.py).
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tests.e2e.test_adversary_disk import disk, fill  # noqa: F401 (fixture)
from tui_tasks.config import Settings, parse_database
from tui_tasks.errors import TasksError
from tui_tasks.services.facade import open_services

PASSWORD = "password-123"


def test_the_right_password_gets_in_on_a_full_disk(disk):
    path = disk / "tasks.db"
    settings = Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)
    services = open_services(settings)
    try:
        services.accounts.register("pat@example.com", PASSWORD)
        fill(disk, 0)
        try:
            user = services.accounts.log_in("pat@example.com", PASSWORD)
        except TasksError as error:
            pytest.fail(f"log-in refused: {error.message}")
        assert user.email == "pat@example.com"
    finally:
        services.close()


def test_a_wrong_password_on_a_full_disk_never_speaks_of_saving(disk):
    """(It said 'may or may not have been saved' before a629c27; the right password is the test above.)"""
    path = disk / "tasks.db"
    services = open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    try:
        services.accounts.register("pat@example.com", PASSWORD)
        fill(disk, 0)
        for password in ("wrong-password", "wrong-password"):
            with pytest.raises(TasksError) as refused:
                services.accounts.log_in("pat@example.com", password)
            assert "saved" not in refused.value.message, refused.value.message
    finally:
        services.close()
    (disk / "filler").unlink()
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
