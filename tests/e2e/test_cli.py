"""The `tui-tasks` command as scripts use it: exit codes, one line per check, JSON, and nothing written by --check.

Each test runs the real command in a subprocess with its own XDG folders and no TUI_TASKS_* variables.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL, app_database, damaged_database, folder_snapshot
from tui_tasks import __version__
from tui_tasks.config import DatabaseTarget, Settings, parse_database
from tui_tasks.db.engine import BUSY_TIMEOUT_S
from tui_tasks.db.migrations import HEAD
from tui_tasks.services.facade import open_services

XDG_KINDS = ("DATA", "CONFIG", "STATE", "CACHE")
SECRET = "secretpw"
UNREACHABLE = f"postgresql://u:{SECRET}@127.0.0.1:1/x"
CHECK_LINE = re.compile(r"^(ok|warn|fail) {2,}(\w+) {2,}(\S.*)$")


@dataclass
class Cli:
    """The command, run with XDG folders under a test's tmp_path."""

    root: Path
    env: dict[str, str]

    @property
    def db_path(self) -> Path:
        return self.root / "xdg" / "data" / "tui-tasks" / "tasks.db"

    @property
    def config_path(self) -> Path:
        return self.root / "xdg" / "config" / "tui-tasks" / "config.toml"

    @property
    def workdir(self) -> Path:
        return self.root / "work"

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui_tasks", *args],
            env={**self.env, **(env or {})},
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=60,
        )


def isolated_env(root: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TUI_TASKS_")}
    env.update({f"XDG_{kind}_HOME": str(root / "xdg" / kind.lower()) for kind in XDG_KINDS})
    env["HOME"] = str(root / "home")  # no ~/.pgpass or other personal files
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A machine where tui-tasks never ran: empty XDG folders and an empty working folder."""
    for kind in XDG_KINDS:
        (tmp_path / "xdg" / kind.lower()).mkdir(parents=True)
    (tmp_path / "work").mkdir()
    return Cli(tmp_path, isolated_env(tmp_path))


def file_state(path: Path) -> tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_mode


@dataclass
class TextReport:
    header: str
    checks: dict[str, tuple[str, str]]  # name -> (status, message)
    status: str


def parse_text(stdout: str) -> TextReport:
    """The text report: a header, one line per check, a status line; nothing else."""
    lines = stdout.splitlines()
    assert stdout.endswith("\n") and len(lines) >= 3, stdout
    assert lines[0].startswith(f"tui-tasks {__version__}: "), lines[0]
    final = re.fullmatch(r"status: (ok|warn|fail)", lines[-1])
    assert final, lines[-1]
    checks: dict[str, tuple[str, str]] = {}
    for line in lines[1:-1]:
        match = CHECK_LINE.match(line)
        assert match, f"not a check line: {line!r}\n--- whole output ---\n{stdout}"
        status, name, message = match.groups()
        assert name not in checks, f"{name} reported twice"
        checks[name] = (status, message)
    return TextReport(lines[0].partition(": ")[2], checks, final.group(1))


def parse_json(stdout: str) -> dict[str, Any]:
    """The JSON report: exactly one object on stdout, with exactly the documented keys and types."""
    assert stdout.endswith("\n") and stdout.count("\n") == 1, stdout
    report = json.loads(stdout)  # raises if anything but the one object is printed
    assert isinstance(report, dict)
    assert set(report) == {"status", "version", "database", "checks"}
    assert report["status"] in {"ok", "warn", "fail"}
    assert report["version"] == __version__
    assert isinstance(report["database"], str) and report["database"]
    assert isinstance(report["checks"], list) and report["checks"]
    for check in report["checks"]:
        assert set(check) == {"name", "status", "message", "latency_ms"}, check
        assert isinstance(check["name"], str) and check["name"]
        assert check["status"] in {"ok", "warn", "fail"}
        assert isinstance(check["message"], str) and check["message"]
        latency = check["latency_ms"]
        assert latency is None or (isinstance(latency, (int, float)) and not isinstance(latency, bool) and latency >= 0)
    states = {check["status"] for check in report["checks"]}
    worst = "fail" if "fail" in states else "warn" if "warn" in states else "ok"
    assert report["status"] == worst
    return report


def json_checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


# --------------------------------------------------------------------------- --version, --help, usage


def test_version_prints_the_program_name_and_version(cli: Cli) -> None:
    result = cli.run("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"tui-tasks {__version__}\n", "")


def test_the_installed_console_script_runs(cli: Cli) -> None:
    script = Path(sys.executable).with_name("tui-tasks")
    if not script.exists():
        pytest.skip(f"the tui-tasks console script is not installed next to {sys.executable}")
    result = subprocess.run(
        [str(script), "--version"], env=cli.env, cwd=cli.workdir, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, f"tui-tasks {__version__}\n")


def test_help_describes_check_and_db(cli: Cli) -> None:
    result = cli.run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: tui-tasks")
    for option in ("--check", "--db", "--json", "--version", "--debug"):
        assert option in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--json"], "--json goes with --check"),
        (["--check", "--db"], "argument --db: expected one argument"),
    ],
)
def test_bad_usage_exits_2_with_the_reason(cli: Cli, args: list[str], error: str) -> None:
    before = folder_snapshot(cli.root)
    result = cli.run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"tui-tasks: error: {error}"
    assert "Traceback" not in result.stderr
    assert folder_snapshot(cli.root) == before


BAD_SETTINGS = {
    "environment value": (
        {"TUI_TASKS_BCRYPT_ROUNDS": "99"},
        None,
        "tui-tasks: TUI_TASKS_BCRYPT_ROUNDS must be a whole number from 4 to 16, not '99'",
    ),
    "environment database": (
        {"TUI_TASKS_DB": "mysql://localhost/tasks"},
        None,
        "tui-tasks: TUI_TASKS_DB must be a file path, sqlite:///PATH or postgresql://user@host/dbname, "
        "not 'mysql://localhost/tasks'",
    ),
    "config.toml value": (
        {},
        "idle_lock_minutes = 5000\n",
        "tui-tasks: idle_lock_minutes in {config} must be a whole number from 0 to 1440, not 5000",
    ),
    "config.toml key": (
        {},
        "colour = 'blue'\n",
        "tui-tasks: {config}: unknown setting 'colour' "
        "(known: db, bcrypt_rounds, idle_lock_minutes, health_interval_seconds, theme, log_level, notify, keys)",
    ),
    "config.toml syntax": ({}, "theme = \n", "tui-tasks: {config} is not valid TOML: "),
}


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_a_bad_setting_exits_2_with_one_line_naming_it(cli: Cli, case: str, json_flag: list[str]) -> None:
    env, config_text, expected = BAD_SETTINGS[case]
    if config_text is not None:
        cli.config_path.parent.mkdir(parents=True)
        cli.config_path.write_text(config_text)
    expected = expected.format(config=cli.config_path)

    result = cli.run("--check", *json_flag, env=env)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert not cli.db_path.parent.exists()


# --------------------------------------------------------------------------- a machine where tui-tasks never ran


def test_check_on_a_fresh_machine_says_where_the_database_will_be_created_and_creates_nothing(cli: Cli) -> None:
    before = folder_snapshot(cli.root)

    result = cli.run("--check")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = parse_text(result.stdout)
    assert report.header == str(cli.db_path)
    assert report.checks["database"] == ("ok", f"not created yet: will be created at {cli.db_path}")
    assert list(report.checks) == ["database", "data_folder", "disk_space", "permissions", "log_file"]  # no backups yet: no file
    assert report.status == "ok"
    assert folder_snapshot(cli.root) == before


def test_check_json_on_a_fresh_machine_is_one_object_and_creates_nothing(cli: Cli) -> None:
    before = folder_snapshot(cli.root)

    result = cli.run("--check", "--json")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = parse_json(result.stdout)
    assert report["status"] == "ok"
    assert report["database"] == str(cli.db_path)
    database = json_checks(report)["database"]
    assert database == {
        "name": "database",
        "status": "ok",
        "message": f"not created yet: will be created at {cli.db_path}",
        "latency_ms": None,
    }
    assert folder_snapshot(cli.root) == before


@pytest.mark.parametrize("created", [False, True], ids=["no database yet", "a database"])
def test_check_never_imports_textual_nor_on_sqlite_sqlalchemy(cli: Cli, created: bool) -> None:
    """--check on an SQLite file reads it with the sqlite3 module alone: SQLAlchemy's import was most
    of its time (0.5 s against `import sqlmodel`'s 0.43 s at 100k tasks; now 0.15 s)."""
    if created:
        app_database(cli.db_path)
    code = (
        "import json, sys\n"
        "from tui_tasks.cli import main\n"
        "codes = [main(['--check']), main(['--check', '--json'])]\n"
        "loaded = sorted(name for name in sys.modules if name.startswith(('textual', 'sqlalchemy', 'sqlmodel')))\n"
        "print(json.dumps({'codes': codes, 'loaded': loaded}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=cli.env, cwd=cli.workdir, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["codes"] == [0, 0]
    assert outcome["loaded"] == []
    report = json_checks(parse_json(result.stdout.splitlines()[-2] + "\n"))  # the checks really ran
    assert report["database"]["status"] == "ok" and ("integrity" in report) == created


# --------------------------------------------------------------------------- databases the app created


def test_the_app_creates_a_private_database_that_checks_healthy(cli: Cli) -> None:
    app_database(cli.db_path)  # what the app does at start (its own run is in the tmux test)
    assert cli.db_path.is_file()
    assert oct(cli.db_path.stat().st_mode & 0o777) == oct(0o600)
    assert oct(cli.db_path.parent.stat().st_mode & 0o777) == oct(0o700)

    text = cli.run("--check")
    assert text.returncode == 0, text.stdout + text.stderr
    assert text.stderr == ""
    report = parse_text(text.stdout)
    assert report.checks["database"][0] == "ok"
    assert report.checks["database"][1].startswith("SQLite file readable in ")
    assert report.checks["schema"] == ("ok", f"current (revision {HEAD})")
    assert report.checks["integrity"] == ("ok", "ok")
    assert report.checks["journal_mode"] == ("ok", "wal")
    assert report.checks["permissions"][0] == "ok"
    assert {status for status, _ in report.checks.values()} == {"ok"}
    assert report.status == "ok"

    as_json = cli.run("--check", "--json")
    assert as_json.returncode == 0
    checks = json_checks(parse_json(as_json.stdout))
    assert isinstance(checks["database"]["latency_ms"], float)
    assert [name for name in checks] == [
        "database", "schema", "integrity", "journal_mode", "data_folder", "disk_space", "permissions", "backups",
        "log_file",
    ]  # fmt: skip


def test_a_database_readable_by_others_is_a_warning_and_still_exits_0(cli: Cli) -> None:
    app_database(cli.db_path)
    os.chmod(cli.db_path, 0o644)

    result = cli.run("--check")

    assert result.returncode == 0
    report = parse_text(result.stdout)
    assert report.checks["permissions"][0] == "warn"
    assert f"{cli.db_path} is readable by others (mode 0644)" in report.checks["permissions"][1]
    assert report.status == "warn"


def test_check_leaves_the_database_file_and_its_folder_as_they_were(cli: Cli) -> None:
    app_database(cli.db_path)
    database = file_state(cli.db_path)
    folder = folder_snapshot(cli.db_path.parent)

    result = cli.run("--check")

    assert result.returncode == 0
    assert file_state(cli.db_path) == database
    assert sorted(folder_snapshot(cli.db_path.parent)) == sorted(folder)


def test_a_schema_newer_than_this_version_fails(cli: Cli) -> None:
    app_database(cli.db_path)
    with sqlite3.connect(cli.db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff0042'")
    conn.close()
    before = cli.db_path.read_bytes()

    result = cli.run("--check")

    assert result.returncode == 1
    report = parse_text(result.stdout)
    status, message = report.checks["schema"]
    assert status == "fail"
    assert "ffff0042" in message and "newer" in message and "upgrade tui-tasks" in message
    assert report.status == "fail"
    assert cli.db_path.read_bytes() == before


def test_a_database_of_another_program_fails(cli: Cli) -> None:
    other = cli.workdir / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.close()
    before = file_state(other)

    result = cli.run("--check", "--db", "other.db")

    assert result.returncode == 1
    report = parse_text(result.stdout)
    assert report.header == str(other)
    assert report.checks["schema"] == ("fail", "the database holds tables that are not tui-tasks' (no schema version)")
    assert file_state(other) == before


# --------------------------------------------------------------------------- files that are not usable databases


def test_random_bytes_fail_and_are_left_untouched(cli: Cli) -> None:
    junk = cli.workdir / "junk.db"
    junk.write_bytes(os.urandom(16384))
    before = file_state(junk)
    entries = folder_snapshot(cli.workdir)

    result = cli.run("--check", "--db", str(junk))

    assert result.returncode == 1
    assert result.stderr == ""
    report = parse_text(result.stdout)
    assert report.checks["database"] == ("fail", f"the file is not an SQLite database ({junk})")
    assert report.status == "fail"
    assert file_state(junk) == before
    assert folder_snapshot(cli.workdir) == entries


def test_a_folder_given_as_the_database_fails(cli: Cli) -> None:
    folder = cli.workdir / "a-folder"
    folder.mkdir()

    result = cli.run("--check", "--db", str(folder))

    assert result.returncode == 1
    report = parse_text(result.stdout)
    assert report.checks["database"] == ("fail", f"{folder} is a folder, not a database file")
    assert list(folder.iterdir()) == []


def test_a_damaged_database_is_still_reported_one_line_per_check(cli: Cli) -> None:
    damaged = damaged_database(cli.workdir / "damaged.db")

    result = cli.run("--check", "--db", str(damaged))

    assert result.returncode == 1
    report = parse_text(result.stdout)
    assert report.checks["integrity"][0] == "fail"


def test_a_locked_database_fails_after_the_busy_timeout(cli: Cli) -> None:
    app_database(cli.db_path)
    with sqlite3.connect(cli.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)  # WAL readers never wait
    conn.close()
    holder = sqlite3.connect(cli.db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        result = cli.run("--check")
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()

    assert result.returncode == 1
    report = parse_text(result.stdout)
    status, message = report.checks["database"]
    assert status == "fail"
    assert "locked" in message, message
    assert BUSY_TIMEOUT_S <= elapsed < BUSY_TIMEOUT_S + 20


# --------------------------------------------------------------------------- a file the user cannot read

NOBODY = pwd.getpwnam("nobody") if os.geteuid() == 0 else None


def run_main_in_child(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """tui_tasks.cli.main(args) in a forked child; as root, the child first becomes 'nobody'.

    Root reads any file whatever its mode, so as root only an unprivileged child shows what a
    user sees. The interpreter under /root is not readable by 'nobody', hence fork, not subprocess;
    and the code under test is imported here, before the fork, because a checkout in a private
    folder (such as /root) is not readable by 'nobody' either.
    """
    import tui_tasks.cli
    import tui_tasks.services.health  # noqa: F401  (--check imports it lazily)

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        sys.stdout.flush()
        sys.stderr.flush()
        with warnings.catch_warnings():  # Python >= 3.12 warns about fork in threaded processes
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            code = 99
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = open(1, "w", closefd=False)
                sys.stderr = open(2, "w", closefd=False)
                os.environ.update(env)
                if NOBODY is not None:
                    os.setgroups([])
                    os.setgid(NOBODY.pw_gid)
                    os.setuid(NOBODY.pw_uid)
                code = tui_tasks.cli.main(args)
            except BaseException:
                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read(), err.read()


@pytest.fixture
def user_folder(tmp_path: Path) -> Iterator[Path]:
    """A private folder owned by the user the check runs as ('nobody' when the tests run as root)."""
    if NOBODY is None:
        folder = tmp_path / "user"
        folder.mkdir(mode=0o700)
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="tui-tasks-nobody-", dir="/tmp"))  # tmp_path's parents are root's
    try:
        os.chown(folder, NOBODY.pw_uid, NOBODY.pw_gid)
        os.chmod(folder, 0o700)
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_database_file_the_user_cannot_read_fails(user_folder: Path) -> None:
    env = {f"XDG_{kind}_HOME": str(user_folder / "xdg" / kind.lower()) for kind in XDG_KINDS}
    db = user_folder / "tasks.db"
    db.touch()
    if NOBODY is not None:
        os.chown(db, NOBODY.pw_uid, NOBODY.pw_gid)
    os.chmod(db, 0o600)

    # The same user, folder and file, readable: healthy. Only the mode below makes the difference.
    code, out, err = run_main_in_child(["--check", "--db", str(db)], env)
    assert (code, err) == (0, ""), out + err
    assert parse_text(out).checks["database"][0] == "ok"

    os.chmod(db, 0o000)
    code, out, err = run_main_in_child(["--check", "--db", str(db)], env)

    assert code == 1, out + err
    assert err == ""
    report = parse_text(out)
    assert report.checks["database"] == ("fail", f"cannot read {db}: permission denied")
    assert report.status == "fail"
    assert db.stat().st_size == 0 and db.stat().st_mode & 0o777 == 0


# --------------------------------------------------------------------------- PostgreSQL that cannot be reached


def test_an_unreachable_server_fails_quickly_without_showing_the_password(cli: Cli) -> None:
    started = time.monotonic()
    result = cli.run("--check", "--db", UNREACHABLE)
    elapsed = time.monotonic() - started

    assert result.returncode == 1
    assert elapsed < 5
    assert SECRET not in result.stdout + result.stderr
    report = parse_text(result.stdout)
    assert report.header == "postgresql+psycopg://u:***@127.0.0.1:1/x"
    status, message = report.checks["database"]
    assert status == "fail"
    assert "cannot reach" in message and "127.0.0.1" in message
    assert report.status == "fail"


def test_an_unreachable_server_in_json_shows_the_url_with_stars(cli: Cli) -> None:
    result = cli.run("--check", "--json", env={"TUI_TASKS_DB": UNREACHABLE})

    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    report = parse_json(result.stdout)
    assert report["status"] == "fail"
    assert report["database"] == "postgresql+psycopg://u:***@127.0.0.1:1/x"
    assert json_checks(report)["database"]["status"] == "fail"
    assert json_checks(report)["database"]["latency_ms"] is None


@pytest.mark.parametrize("target", ["postgresql"], indirect=True)
def test_check_on_an_empty_postgresql_database_creates_no_table_and_the_app_does(
    cli: Cli, target: DatabaseTarget
) -> None:
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    def tables() -> list[str]:
        engine = create_engine(target.url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return inspect(conn).get_table_names()
        finally:
            engine.dispose()

    url = PG_URL  # this worker's database (tests/conftest.py), which `target` wiped
    empty = cli.run("--check", "--json", "--db", url)
    assert empty.returncode == 0, empty.stdout + empty.stderr
    checks = json_checks(parse_json(empty.stdout))
    assert checks["database"]["status"] == "ok" and isinstance(checks["database"]["latency_ms"], float)
    assert checks["schema"]["status"] == "ok"
    assert checks["schema"]["message"] == f"empty: revision {HEAD} will be created at start"
    assert tables() == []

    open_services(Settings(db=target, bcrypt_rounds=4)).close()  # what the app does at start
    current = cli.run("--check", "--db", url)
    assert current.returncode == 0, current.stdout
    assert parse_text(current.stdout).checks["schema"] == ("ok", f"current (revision {HEAD})")
    assert "alembic_version" in tables()


def test_a_password_with_a_slash_is_never_shown(cli: Cli) -> None:
    result = cli.run("--check", "--json", "--db", "postgresql://u:secret/pw@127.0.0.1:1/x")

    assert result.returncode == 1
    assert "secret/pw" not in result.stdout + result.stderr, result.stdout
    assert parse_json(result.stdout)["database"] == "postgresql+psycopg://u:***@127.0.0.1:1/x"


def test_a_port_that_is_not_a_number_is_a_one_line_usage_error(cli: Cli) -> None:
    result = cli.run("--check", "--db", f"postgresql://u:{SECRET}@127.0.0.1:abc/x")

    assert "Traceback" not in result.stderr, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.returncode == 2
    assert result.stderr.startswith("tui-tasks: --db must be")


# --------------------------------------------------------------------------- import and export: the file before the password


def run_without_password(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """The command with no password to read and no terminal to ask one on."""
    return subprocess.run(
        [sys.executable, "-m", "tui_tasks", *args], env=cli.env, cwd=cli.workdir, input="",
        capture_output=True, text=True, timeout=60, start_new_session=True,
    )  # fmt: skip


def test_a_file_that_cannot_be_imported_is_said_before_the_password_is_asked(cli: Cli) -> None:
    app_database(cli.db_path)
    (cli.workdir / "folder").mkdir()
    cases = {
        "missing.json": "cannot read missing.json: no such file or directory",
        "folder": "cannot read folder: it is a folder",
        str(cli.db_path): f"cannot read {cli.db_path}: it is the database itself",
        f"{cli.db_path}-wal": f"cannot read {cli.db_path}-wal: it is the database itself",
    }
    Path(f"{cli.db_path}-wal").write_bytes(b"")  # as a running app's would be
    for file, message in cases.items():
        result = run_without_password(cli, "import", file, "--user", "a@example.com")
        assert (result.returncode, result.stdout, result.stderr) == (1, "", f"tui-tasks: {message}\n")


def test_an_export_target_that_cannot_be_written_is_said_before_the_password_is_asked(cli: Cli) -> None:
    app_database(cli.db_path)
    (cli.workdir / "folder").mkdir()
    cases = {
        "folder": "cannot write folder: it is a folder (give a file name)",
        "no/such/out.json": "cannot write no/such/out.json: no such file or directory",
        str(cli.db_path): f"cannot write {cli.db_path}: it is the database itself (choose another file)",
    }
    for target, message in cases.items():
        result = run_without_password(cli, "export", "--user", "a@example.com", "-o", target)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", f"tui-tasks: {message}\n")


# --------------------------------------------------------------------------- the log file


def test_a_link_at_the_log_name_is_warned_about_and_never_written_through(cli: Cli) -> None:
    log = cli.root / "xdg" / "state" / "tui-tasks" / "log" / "tui-tasks.log"
    log.parent.mkdir(parents=True)
    victim = cli.root / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    log.symlink_to(victim)
    app_database(cli.db_path)

    result = cli.run("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert parse_text(result.stdout).checks["log_file"] == (
        "warn", f"{log} is a symbolic link: nothing is logged until it is removed (the log is never written through a link)")
    # The commands still work, without a log: a wrong password is logged as an event, but not here.
    result = cli.run("export", "--user", "a@example.com", env={"TUI_TASKS_PASSWORD": "wrong-password"})
    assert (result.returncode, result.stderr) == (1, "tui-tasks: Invalid email or password\n")
    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644


# --------------------------------------------------------------------------- permissions: what others can do


def test_check_on_a_file_that_is_no_database_says_so_and_advises_no_chmod(cli: Cli) -> None:
    for target in ("/etc/passwd", str(cli.workdir)):
        result = cli.run("--check", "--db", target)
        assert result.returncode == 1
        report = parse_text(result.stdout)
        assert report.checks["database"][0] == "fail"
        assert "not an SQLite database" in report.checks["database"][1] or "is a folder" in report.checks["database"][1]
        assert "permissions" not in report.checks and "chmod" not in result.stdout


def test_check_fails_when_others_can_replace_the_database(cli: Cli) -> None:
    app_database(cli.db_path)
    os.chmod(cli.db_path.parent, 0o777)
    result = cli.run("--check")
    assert result.returncode == 1
    status, message = parse_text(result.stdout).checks["permissions"]
    assert status == "fail" and "writable by others (mode 0777): others can replace or delete the database" in message


# --------------------------------------------------------------------------- the app when the database cannot be used


@pytest.mark.parametrize("key", ["q", "escape", "ctrl+q"])
async def test_leaving_the_problem_screen_exits_1_and_the_hint_names_the_database(tmp_path: Path, key: str) -> None:
    from tests.ui.conftest import settle
    from tui_tasks.ui.app import TasksApp
    from tui_tasks.ui.screens.problem import ProblemScreen

    folder = tmp_path / "it's a folder"
    folder.mkdir()
    app = TasksApp(Settings(db=parse_database(str(folder)), bcrypt_rounds=4), live=False)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProblemScreen)
        hint = str(app.screen.query_one("#problem-hint").render())
        assert f"tui-tasks --check --db {shlex.quote(str(folder))}" in hint
        await pilot.press("ctrl+p")  # the palette's Quit would end it as if all were well: not offered here
        await settle(pilot)
        assert isinstance(app.screen, ProblemScreen)
        await pilot.press(key)
    assert app.return_code == 1


async def test_the_problem_hint_for_a_server_never_shows_its_password(tmp_path: Path) -> None:
    from tests.ui.conftest import settle
    from tui_tasks.ui.app import TasksApp
    from tui_tasks.ui.screens.problem import ProblemScreen

    app = TasksApp(Settings(db=parse_database(UNREACHABLE), bcrypt_rounds=4), live=False)
    async with app.run_test(size=(140, 30)) as pilot:
        for _ in range(100):
            await settle(pilot)
            if isinstance(app.screen, ProblemScreen):
                break
        assert isinstance(app.screen, ProblemScreen)
        hint = str(app.screen.query_one("#problem-hint").render())
        assert "tui-tasks --check --db 'postgresql+psycopg://u:***@127.0.0.1:1/x'" in hint
        assert SECRET not in app.export_screenshot()
        await pilot.press("q")
    assert app.return_code == 1


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (.ci/run installs it)")
def test_the_real_program_exits_1_after_the_database_cannot_be_used(cli: Cli) -> None:
    """In a terminal (tmux on a private socket), as a person or a script starting it would see it."""
    folder = cli.workdir / "a folder"
    folder.mkdir()
    code_file = cli.root / "exit-code"
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in {**cli.env, "TERM": "xterm-256color"}.items())
    command = (f"cd {shlex.quote(str(cli.workdir))} && env -u COLUMNS -u LINES {env} "
               f"{shlex.quote(sys.executable)} -m tui_tasks --db {shlex.quote(str(folder))}; "
               f"echo $? > {shlex.quote(str(code_file))}")  # fmt: skip
    socket_name = f"tui-tasks-test-{os.getpid()}-{time.monotonic_ns()}"
    tmux = ["tmux", "-L", socket_name]
    subprocess.run([*tmux, "new-session", "-d", "-s", "t", "-x", "160", "-y", "30", command], check=True)
    try:
        deadline = time.monotonic() + 30
        screen = ""
        while "forafullreport" not in screen.replace(" ", "").replace("█\n█", "") and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True).stdout
        assert "The database cannot be used" in screen, screen
        boxed = "".join(line.strip(" █▀▄") for line in screen.splitlines())  # the box wraps its long lines
        assert f"tui-tasks --check --db {shlex.quote(str(folder))}".replace(" ", "") in boxed.replace(" ", ""), screen
        time.sleep(0.5)  # a person's pace: this is about the exit code (type-ahead has tests of its own)
        subprocess.run([*tmux, "send-keys", "-t", "t", "q"], check=True)
        deadline = time.monotonic() + 30
        while not code_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert code_file.read_text().strip() == "1"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def test_check_warns_of_a_malformed_keys_entry_on_stderr_and_still_reports(tmp_path):
    """`--check` says what is wrong in the [keys] table (one line), and its report and exit code are the
    database's as always (the app keeps the default key for that entry)."""
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "config" / "tui-tasks"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[keys]\n"tasks.toggle" = ""\n"tasks.delete" = 5\n')
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run([str(Path(sys.executable).with_name("tui-tasks")), "--check"], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    warnings = [line for line in done.stderr.splitlines() if line.startswith("tui-tasks: warning:")]
    assert len(warnings) == 2 and all("tasks.toggle" in w or "tasks.delete" in w for w in warnings), done.stderr
    assert "Traceback" not in done.stderr and "status:" in done.stdout
