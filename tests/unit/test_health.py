"""check_health in-process: what each check reports, on real files and (when available) a real server."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, app_database, damaged_database, folder_snapshot
from tui_tasks import __version__
from tui_tasks.config import Settings, parse_database
from tui_tasks.db.migrations import HEAD
from tui_tasks.domain import CheckResult, HealthReport, Status
from tui_tasks.db.backup import list_backups
from tui_tasks.services.facade import Services, open_services
from tui_tasks.services.health import check_health

SQLITE_CHECKS = [
    "database",
    "schema",
    "integrity",
    "journal_mode",
    "data_folder",
    "disk_space",
    "permissions",
    "backups",
    "log_file",
]


def sqlite_settings(path: Path) -> Settings:
    return Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)


def checks_of(report: HealthReport) -> dict[str, CheckResult]:
    return {check.name: check for check in report.checks}


def statuses(report: HealthReport) -> dict[str, str]:
    return {check.name: check.status.value for check in report.checks}


# --------------------------------------------------------------------------- healthy databases


def test_a_healthy_database_reports_ok_with_a_measured_latency(services: Services, settings: Settings) -> None:
    report = check_health(settings)

    assert report.status is Status.OK, statuses(report)
    assert all(check.status is Status.OK for check in report.checks), statuses(report)
    database = checks_of(report)["database"]
    assert isinstance(database.latency_ms, float) and database.latency_ms >= 0
    assert checks_of(report)["schema"].message == f"current (revision {HEAD})"
    assert report.version == __version__
    assert report.database == settings.db.display
    expected = SQLITE_CHECKS if settings.db.kind == "sqlite" else ["database", "schema", "credentials", "log_file"]
    assert [check.name for check in report.checks] == expected


def test_a_healthy_sqlite_database_is_in_wal_mode_intact_and_private(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    checks = checks_of(check_health(sqlite_settings(path)))

    assert checks["journal_mode"] == CheckResult("journal_mode", Status.OK, "wal")
    assert checks["integrity"] == CheckResult("integrity", Status.OK, "ok")
    assert checks["permissions"].status is Status.OK
    assert checks["data_folder"].message == f"data folder writable: {path.parent}"
    assert checks["database"].message.startswith("SQLite file readable in ")


def test_the_integrity_check_can_be_left_out(tmp_path: Path) -> None:
    settings = sqlite_settings(app_database(tmp_path / "data" / "tasks.db"))

    with_integrity = [check.name for check in check_health(settings).checks]
    without = [check.name for check in check_health(settings, integrity=False).checks]

    assert "integrity" in with_integrity
    assert without == [name for name in with_integrity if name != "integrity"]


def test_checking_a_database_leaves_its_file_unchanged(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    check_health(sqlite_settings(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_checking_a_database_leaves_its_folder_as_it_was(tmp_path: Path) -> None:
    # A read-only connection to a WAL database can create tasks.db-wal and tasks.db-shm
    # (and leave them behind): --check "never creates or changes a database".
    path = app_database(tmp_path / "data" / "tasks.db")
    before = sorted(p.name for p in path.parent.iterdir())
    check_health(sqlite_settings(path))
    assert sorted(p.name for p in path.parent.iterdir()) == before


# --------------------------------------------------------------------------- missing and broken files


def test_a_missing_database_will_be_created_and_nothing_is_created_now(tmp_path: Path) -> None:
    path = tmp_path / "xdg" / "data" / "tui-tasks" / "tasks.db"
    before = folder_snapshot(tmp_path)

    report = check_health(sqlite_settings(path))

    assert report.status is Status.OK, statuses(report)
    database = checks_of(report)["database"]
    assert database == CheckResult("database", Status.OK, f"not created yet: will be created at {path}")
    assert checks_of(report)["data_folder"].message == f"data folder will be created: {path.parent}"
    assert "schema" not in checks_of(report) and "integrity" not in checks_of(report)
    assert folder_snapshot(tmp_path) == before


def test_a_missing_database_fails_when_the_app_expects_one(tmp_path: Path) -> None:
    path = tmp_path / "gone" / "tasks.db"

    report = check_health(sqlite_settings(path), expect_database=True)

    assert report.status is Status.FAIL
    assert checks_of(report)["database"] == CheckResult("database", Status.FAIL, f"{path} is missing")
    assert not (tmp_path / "gone").exists()


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    report = check_health(sqlite_settings(path))

    assert report.status is Status.FAIL
    assert checks_of(report)["database"].message == f"the file is not an SQLite database ({path})"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    report = check_health(sqlite_settings(tmp_path))
    assert checks_of(report)["database"] == CheckResult(
        "database", Status.FAIL, f"{tmp_path} is a folder, not a database file"
    )


def test_damage_inside_the_file_fails_the_integrity_check_in_one_line(tmp_path: Path) -> None:
    path = damaged_database(tmp_path / "damaged.db")

    integrity = checks_of(check_health(sqlite_settings(path)))["integrity"]

    assert integrity.status is Status.FAIL
    assert integrity.message.startswith("damaged: ")
    # PRAGMA quick_check's first row is "*** in database main ***\nOn tree page ...": the message
    # must still be one line, or `tui-tasks --check` prints more than one line for this check.
    assert "\n" not in integrity.message, integrity.message


def test_a_database_of_another_program_fails_the_schema_check(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()

    checks = checks_of(check_health(sqlite_settings(path)))

    assert checks["schema"] == CheckResult(
        "schema", Status.FAIL, "the database holds tables that are not tui-tasks' (no schema version)"
    )
    assert checks["journal_mode"].status is Status.WARN
    assert checks["journal_mode"].message == "rollback journal (tui-tasks switches it to wal)"


def test_a_schema_newer_than_this_version_fails(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()

    schema = checks_of(check_health(sqlite_settings(path)))["schema"]

    assert schema.status is Status.FAIL
    assert "(revision 9999) is unknown to this version" in schema.message


def test_an_empty_file_is_an_empty_database_ready_to_be_set_up(tmp_path: Path) -> None:
    path = tmp_path / "data" / "tasks.db"
    path.parent.mkdir(mode=0o700)
    path.touch(mode=0o600)
    os.chmod(path.parent, 0o700)
    os.chmod(path, 0o600)

    report = check_health(sqlite_settings(path))

    assert report.status is Status.OK, statuses(report)
    assert checks_of(report)["schema"].message == f"empty: revision {HEAD} will be created at start"


def test_a_database_readable_by_others_is_a_warning_naming_the_modes(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o750)

    report = check_health(sqlite_settings(path))

    assert report.status is Status.WARN
    permissions = checks_of(report)["permissions"]
    assert permissions.status is Status.WARN
    assert f"{path} is readable by others (mode 0644)" in permissions.message
    assert f"{path.parent} is readable by others (mode 0750)" in permissions.message


def test_a_data_folder_others_can_write_fails_because_they_can_replace_the_database(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    os.chmod(path.parent, 0o777)

    report = check_health(sqlite_settings(path))

    permissions = checks_of(report)["permissions"]
    assert (report.status, permissions.status) == (Status.FAIL, Status.FAIL)
    assert permissions.message == (f"{path.parent} is writable by others (mode 0777): others can replace or "
                                   f"delete the database (fix: chmod 700 {path.parent})")  # fmt: skip
    assert "readable" not in permissions.message


def test_a_database_file_others_can_write_fails_and_a_group_that_can_is_a_warning(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    os.chmod(path, 0o666)
    permissions = checks_of(check_health(sqlite_settings(path)))["permissions"]
    assert permissions.status is Status.FAIL
    assert f"{path} is writable by others (mode 0666): others can change or destroy the database" in permissions.message

    os.chmod(path, 0o600)
    os.chmod(path.parent, 0o770)
    permissions = checks_of(check_health(sqlite_settings(path)))["permissions"]
    assert permissions == CheckResult("permissions", Status.WARN, f"{path.parent} is writable by its group (mode 0770): "
                                      f"the group can replace or delete the database (fix: chmod 700 {path.parent})")  # fmt: skip


def test_a_shared_sticky_folder_is_a_warning_to_move_the_database_not_to_chmod_it(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    permissions = checks_of(check_health(sqlite_settings(shared / "tasks.db")))["permissions"]
    assert permissions.status is Status.WARN
    assert "others can put files beside the database" in permissions.message
    assert permissions.message.endswith(f"(fix: move the database to a private folder, not {shared})")


@pytest.mark.parametrize("kind", ["text file", "folder"])
def test_something_that_is_no_database_gets_no_advice_about_its_mode(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "passwd"
    path.mkdir() if kind == "folder" else path.write_text("root:x:0:0:root:/root:/bin/bash\n")
    os.chmod(path, 0o755 if kind == "folder" else 0o644)

    report = checks_of(check_health(sqlite_settings(path)))

    expected = f"{path} is a folder, not a database file" if kind == "folder" else f"the file is not an SQLite database ({path})"
    assert report["database"] == CheckResult("database", Status.FAIL, expected)
    assert "permissions" not in report and "backups" not in report
    assert not any("chmod" in check.message for check in report.values())


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_database_of_another_user_is_not_advised_a_chmod_that_would_fail(tmp_path: Path) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    path = app_database(tmp_path / "data" / "tasks.db")
    os.chmod(path, 0o644)
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    permissions = checks_of(check_health(sqlite_settings(path)))["permissions"]
    assert permissions == CheckResult("permissions", Status.WARN, f"{path} is readable by others (mode 0644) "
                                      f"(fix: {path} belongs to another user)")  # fmt: skip


def test_backups_report_the_age_of_the_newest_and_warn_when_it_is_old(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    assert checks_of(check_health(sqlite_settings(path)))["backups"] == CheckResult(
        "backups", Status.OK, "none yet: one is made before each upgrade, or with “Back up now”"
    )
    services = open_services(sqlite_settings(path))
    made = [services.back_up() for _ in range(7)]
    services.close()
    assert list_backups(path) == sorted(made[-5:], reverse=True)  # the newest five are kept
    backups = checks_of(check_health(sqlite_settings(path)))["backups"]
    assert backups == CheckResult("backups", Status.OK, f"newest 0 minutes old (5 kept): {made[-1].name}")
    old = time.time() - 40 * 86400
    for backup in made[-5:]:
        os.utime(backup, (old, old))
    report = check_health(sqlite_settings(path))
    assert checks_of(report)["backups"].status is Status.WARN and "newest 40 days old" in checks_of(report)["backups"].message
    assert report.status is Status.WARN


def test_a_password_in_the_server_url_or_a_password_file_others_can_read_is_a_warning(tmp_path, monkeypatch) -> None:
    from tui_tasks.services.health import _credentials

    passfile = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with_password = Settings(db=parse_database("postgresql://kim:s3cret@db.example.com/tasks"))
    without = Settings(db=parse_database("postgresql://kim@db.example.com/tasks"))
    assert _credentials(without) == CheckResult("credentials", Status.OK, "no password in the database URL")
    warned = _credentials(with_password)
    assert warned.status is Status.WARN and str(passfile) in warned.message and "s3cret" not in warned.message
    passfile.write_text("db.example.com:5432:tasks:kim:s3cret\n")
    passfile.chmod(0o644)
    warned = _credentials(without)
    assert warned.status is Status.WARN and "mode 0644" in warned.message and "s3cret" not in warned.message
    passfile.chmod(0o600)
    assert _credentials(without).status is Status.OK


def test_back_up_now_on_postgresql_says_how_instead(tmp_path) -> None:
    from tui_tasks.db.engine import Database
    from tui_tasks.errors import TasksError

    services = Services(Database(parse_database("postgresql://kim@localhost/tasks")), *[None] * 6)
    with pytest.raises(TasksError, match="pg_dump"):
        services.back_up()


def test_a_data_folder_that_is_a_file_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")

    checks = checks_of(check_health(sqlite_settings(blocker / "tasks.db")))

    assert checks["data_folder"] == CheckResult("data_folder", Status.FAIL, f"{blocker} is not a folder")


def test_a_log_file_that_cannot_be_created_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))

    log_file = checks_of(check_health(sqlite_settings(tmp_path / "tasks.db")))["log_file"]

    assert log_file.status is Status.FAIL
    assert log_file.message.startswith("cannot create the log file ")
    assert f"{blocker} is not writable" in log_file.message


# --------------------------------------------------------------------------- PostgreSQL


def test_an_unreachable_server_fails_quickly_without_showing_the_password() -> None:
    settings = Settings(db=parse_database("postgresql://u:secretpw@127.0.0.1:1/x"))

    started = time.monotonic()
    report = check_health(settings)
    elapsed = time.monotonic() - started

    assert elapsed < 4
    assert report.status is Status.FAIL
    database = checks_of(report)["database"]
    assert database.status is Status.FAIL and database.latency_ms is None
    assert "cannot reach" in database.message and "127.0.0.1" in database.message
    assert report.database == "postgresql+psycopg://u:***@127.0.0.1:1/x"
    assert "secretpw" not in json.dumps(report.to_json())


@pytest.mark.parametrize("target", ["postgresql"], indirect=True)
def test_the_app_engine_is_reused_instead_of_connecting_afresh(services: Services) -> None:
    # Settings naming a server nobody listens on: only the engine passed in can reach the database.
    elsewhere = Settings(db=parse_database("postgresql://u:secretpw@127.0.0.1:1/x"))

    report = check_health(elsewhere, engine=services.db.engine)

    # (and the password in that URL is worth a warning)
    assert statuses(report) == {"database": "ok", "schema": "ok", "credentials": "warn", "log_file": "ok"}
    assert "secretpw" not in checks_of(report)["credentials"].message
    assert isinstance(checks_of(report)["database"].latency_ms, float)
    # The engine is the app's: it is left open, its connection back in the pool.
    assert services.db.engine.pool.checkedin() >= 1
    with services.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


# --------------------------------------------------------------------------- the report


def test_the_report_status_is_the_worst_check_status() -> None:
    ok = CheckResult("a", Status.OK, "fine")
    warn = CheckResult("b", Status.WARN, "hmm")
    fail = CheckResult("c", Status.FAIL, "broken")

    assert HealthReport("1", "db").status is Status.OK
    assert HealthReport("1", "db", (ok, ok)).status is Status.OK
    assert HealthReport("1", "db", (ok, warn)).status is Status.WARN
    assert HealthReport("1", "db", (warn, fail, ok)).status is Status.FAIL


def test_the_report_as_json_has_exactly_the_documented_keys(tmp_path: Path) -> None:
    path = app_database(tmp_path / "data" / "tasks.db")
    os.chmod(path, 0o640)
    report = check_health(sqlite_settings(path))

    as_json = report.to_json()

    assert json.loads(json.dumps(as_json)) == as_json
    assert set(as_json) == {"status", "version", "database", "checks"}
    assert as_json["status"] == "warn"
    assert as_json["version"] == __version__
    assert as_json["database"] == str(path)
    assert [check["name"] for check in as_json["checks"]] == SQLITE_CHECKS
    for check in as_json["checks"]:
        assert set(check) == {"name", "status", "message", "latency_ms"}
        assert check["status"] in {"ok", "warn", "fail"}
        assert isinstance(check["message"], str) and check["message"]
        assert check["latency_ms"] is None or isinstance(check["latency_ms"], float)
    assert isinstance(as_json["checks"][0]["latency_ms"], float)
    assert [check["latency_ms"] for check in as_json["checks"][1:]] == [None] * (len(SQLITE_CHECKS) - 1)


def test_a_folder_others_can_write_fails_the_check_but_only_warns_in_the_app(tmp_path):
    """--check fails (others can replace the database), while the app keeps taking the user's changes
    and its bar says why it is degraded: a refused write would lose more than the loose mode risks."""
    from tui_tasks.config import Settings, parse_database
    from tui_tasks.services.facade import open_services
    from tui_tasks.services.health import check_health

    settings = Settings(db=parse_database(str(tmp_path / "shared" / "tasks.db")), bcrypt_rounds=4)
    open_services(settings).close()
    (tmp_path / "shared").chmod(0o777)
    checks = {c.name: c for c in check_health(settings).checks}
    assert checks["permissions"].status.value == "fail" and "others can replace" in checks["permissions"].message
    in_app = {c.name: c for c in check_health(settings, integrity=False, expect_database=True).checks}
    assert in_app["permissions"].status.value == "warn"
    assert in_app["permissions"].message == checks["permissions"].message
