"""Adversarial pass, issue 9 ("nothing lost"): which files "Back up now" deletes as old backups.

db/backup.py keeps the newest 5 of `path.parent.glob(f"{path.name}.*.bak")`, sorted by name. Found by
trying names a user might give:
- a copy the user made by hand, `cp tasks.db tasks.db.1.bak`, matches, sorts before every real backup
  ("1" < "2026..."), and is deleted by the 5th "Back up now";
- the database's name is used as a glob pattern: `tasks [work].db` matches none of its own backups (they
  pile up for ever, and --check says "none yet"), and `tasks[12].db` matches the backups of `tasks1.db` and
  `tasks2.db`, and its "Back up now" deletes the older five of them.
"""

from __future__ import annotations

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.config import Settings, parse_database
from tui_tasks.services.facade import open_services
from tui_tasks.services.health import check_health


def back_up(path, times: int) -> None:
    services = open_services(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    try:
        for _ in range(times):
            services.back_up()
    finally:
        services.close()


def test_back_up_now_never_deletes_a_copy_the_user_made(tmp_path):
    path = tmp_path / "tasks.db"
    back_up(path, 0)
    mine = tmp_path / "tasks.db.1.bak"
    mine.write_bytes(b"a copy made with cp, before a risky change")
    back_up(path, 6)
    assert mine.exists()


def test_a_database_name_with_brackets_keeps_5_backups_and_check_sees_them(tmp_path):
    path = tmp_path / "tasks [work].db"
    back_up(path, 7)
    assert len(list(tmp_path.glob("*.bak"))) == 5
    report = check_health(Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    assert "none yet" not in next(c.message for c in report.checks if c.name == "backups")


def test_back_up_now_never_deletes_another_databases_backups(tmp_path):
    back_up(tmp_path / "tasks1.db", 5)
    back_up(tmp_path / "tasks2.db", 5)
    theirs = sorted(p.name for p in tmp_path.glob("tasks[12].db.*.bak"))
    assert len(theirs) == 10
    back_up(tmp_path / "tasks[12].db", 1)  # its pattern matches the other two's 10 backups: 5 are "old"
    assert sorted(p.name for p in tmp_path.glob("tasks[12].db.*.bak")) == theirs
