"""The log file is a private regular file of its user, or there is none: never written through a
link someone put at its name, never a FIFO that hangs the start, never loud on stderr."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from tui_tasks import locations
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import Status
from tui_tasks.logs import PrivateRotatingFileHandler, setup_logging
from tui_tasks.services.health import check_health


@pytest.fixture(autouse=True)
def _fresh_logger():
    """setup_logging changes the process's `tui_tasks` logger: put it back as it was."""
    logger = logging.getLogger("tui_tasks")
    before = list(logger.handlers)
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    file = tmp_path / "victim.txt"
    file.write_text("precious\n")
    file.chmod(0o644)
    return file


def log_path() -> Path:
    path = locations.log_file()
    locations.make_private_dir(path.parent)
    return path


def test_a_link_at_the_log_name_means_no_log_and_nothing_written_through_it(victim: Path, capsys) -> None:
    path = log_path()
    path.symlink_to(victim)

    assert setup_logging("INFO") is None
    logging.getLogger("tui_tasks.test").error("an event with an id: 42")

    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert path.is_symlink()
    assert capsys.readouterr().err == ""  # and not printed by Python's last-resort handler instead


def test_a_fifo_at_the_log_name_does_not_hang_and_means_no_log(capsys) -> None:
    path = log_path()
    os.mkfifo(path, 0o600)
    assert setup_logging("INFO") is None  # opening it for writing would wait for a reader forever
    logging.getLogger("tui_tasks.test").error("nothing to see")
    assert stat.S_ISFIFO(path.lstat().st_mode) and capsys.readouterr().err == ""


def test_a_log_file_others_could_read_is_made_private_when_opened() -> None:
    path = log_path()
    path.write_text("earlier\n")
    path.chmod(0o644)
    assert setup_logging("INFO") == path
    logging.getLogger("tui_tasks.test").info("event")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("earlier\n") and "event" in path.read_text()


def test_a_link_put_at_the_log_name_before_a_reopening_is_not_written_through(
    tmp_path: Path, victim: Path, capsys
) -> None:
    """As at a rotation: the file is renamed away, then opened afresh by name."""
    path = tmp_path / "log" / "tui-tasks.log"
    path.parent.mkdir()
    handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")
    logger = logging.getLogger("tui_tasks.rotation-test")
    logger.addHandler(handler)
    try:
        logger.error("x" * 150)
        (tmp_path / "log" / "tui-tasks.log.1").symlink_to(victim)  # a planted rotated name
        os.rename(path, tmp_path / "moved.log")
        path.symlink_to(victim)
        handler.close()  # the next record opens the file by name again, then rotates
        for _ in range(5):
            logger.error("y" * 150)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert capsys.readouterr().err == ""


def test_check_warns_when_the_log_file_is_a_link_and_the_status_stays_ok(tmp_path: Path, victim: Path) -> None:
    path = log_path()
    path.symlink_to(victim)
    report = check_health(Settings(db=parse_database(str(tmp_path / "none" / "tasks.db"))))
    log_check = {c.name: c for c in report.checks}["log_file"]
    assert log_check.status is Status.WARN
    assert log_check.message == (f"{path} is a symbolic link: nothing is logged until it is removed "
                                 "(the log is never written through a link)")  # fmt: skip
    assert report.status is Status.WARN
