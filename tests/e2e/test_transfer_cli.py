"""`tui-tasks import` and `export` as scripts use them: stdout is data, stderr one line per problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tests.e2e.test_cli import Cli, cli  # noqa: F401  (the fixture)
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import Priority, TaskDraft
from tui_tasks.services.facade import open_services

EMAIL = "alice@example.com"
PASSWORD = "alice-password"


@pytest.fixture
def account(cli: Cli) -> Cli:  # noqa: F811
    """The default database with Alice's account and two tasks; runs that know her password."""
    services = open_services(Settings(db=parse_database(str(cli.db_path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register(EMAIL, PASSWORD)
    services.tasks.create(user, TaskDraft('Café, "déjà vu" 🎉', "two\nlines", Priority.HIGH, None, "home", ("x",)))
    services.tasks.create(user, TaskDraft("second"))
    services.close()
    cli.env.update({"TUI_TASKS_BCRYPT_ROUNDS": str(BCRYPT_TEST_ROUNDS), "TUI_TASKS_PASSWORD": PASSWORD})
    return cli


def test_export_writes_the_data_to_stdout_and_a_summary_to_stderr(account: Cli) -> None:
    result = account.run("export", "--user", EMAIL)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [task["title"] for task in document["tasks"]] == ['Café, "déjà vu" 🎉', "second"]
    assert result.stderr.startswith("tui-tasks: exported 2, in ") and result.stderr.count("\n") == 1


# The CLI's summary line is moving to ImportResult.summary ("added N, updated N, unchanged N"); until
# it has, it says "imported N" (added + updated). Either says the same here.
def _summary(stderr: str, imported: int, unchanged: int) -> bool:
    return stderr.startswith((f"tui-tasks: imported {imported}, skipped 0, in ",
                              f"tui-tasks: added {imported}, updated 0, unchanged {unchanged}"))  # fmt: skip


def test_export_to_a_file_then_import_it_back_merges_by_uuid_and_without_uuids_doubles(account: Cli) -> None:
    out = account.workdir / "tasks.csv"
    exported = account.run("--db", str(account.db_path), "export", "--user", EMAIL, "--format", "csv", "-o", str(out))
    assert (exported.returncode, exported.stdout) == (0, ""), exported.stderr
    assert out.read_bytes().startswith(b"title,description,completed,")

    imported = account.run("import", str(out), "--user", EMAIL, "--db", str(account.db_path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == ""
    assert _summary(imported.stderr, 0, 2), imported.stderr
    titles = lambda: sorted(task["title"] for task in json.loads(account.run("export", "--user", EMAIL).stdout)["tasks"])  # noqa: E731
    assert titles() == ['Café, "déjà vu" 🎉', "second"]

    import csv

    with out.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    without = account.workdir / "no-uuids.csv"
    with without.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, [name for name in rows[0] if name != "uuid"])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != "uuid"} for row in rows)
    imported = account.run("import", str(without), "--user", EMAIL, "--db", str(account.db_path))
    assert _summary(imported.stderr, 2, 0), imported.stderr
    assert titles() == ['Café, "déjà vu" 🎉', 'Café, "déjà vu" 🎉', "second", "second"]


@pytest.mark.parametrize("email", [EMAIL, "nobody@example.com"], ids=["wrong password", "unknown user"])
def test_a_wrong_password_or_unknown_user_is_one_line_and_exit_1(account: Cli, email: str) -> None:
    result = account.run("export", "--user", email, env={"TUI_TASKS_PASSWORD": "not-the-password"})
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "tui-tasks: Invalid email or password\n")


def test_no_password_and_no_terminal_is_one_line(account: Cli) -> None:
    env = {name: value for name, value in account.env.items() if name != "TUI_TASKS_PASSWORD"}
    result = subprocess.run(
        [sys.executable, "-m", "tui_tasks", "export", "--user", EMAIL], env=env, cwd=account.workdir,
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "tui-tasks: no terminal to ask the password on: set TUI_TASKS_PASSWORD\n"


def test_bad_records_are_listed_and_nothing_is_imported_without_skip_invalid(account: Cli) -> None:
    todo = account.workdir / "todo.txt"
    todo.write_text("(A) fine\n   \n(B) due:2026-02-30 broken\nalso fine\n@bad/tag x\n")

    refused = account.run("import", str(todo), "--user", EMAIL)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "tui-tasks: line 3: due must be a date YYYY-MM-DD, not '2026-02-30'",
        "tui-tasks: line 5: Tag 'bad/tag' must be one word of letters, digits, - or _ (at most 40)",
        "tui-tasks: nothing imported: 2 invalid records (fix them, or import the others with --skip-invalid)",
    ]
    assert len(json.loads(account.run("export", "--user", EMAIL).stdout)["tasks"]) == 2

    skipped = account.run("import", str(todo), "--user", EMAIL, "--skip-invalid")
    assert skipped.returncode == 0
    lines = skipped.stderr.splitlines()
    assert lines[:2] == [
        "tui-tasks: skipped line 3: due must be a date YYYY-MM-DD, not '2026-02-30'",
        "tui-tasks: skipped line 5: Tag 'bad/tag' must be one word of letters, digits, - or _ (at most 40)",
    ]
    assert lines[2].startswith("tui-tasks: added 2, updated 0, unchanged 0, skipped 2 (2 invalid), in ") and len(lines) == 3
    assert len(json.loads(account.run("export", "--user", EMAIL).stdout)["tasks"]) == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "tui-tasks: cannot read missing.json: no such file or directory\n"),
        ("broken.json", "[{", "tui-tasks: line 1: not valid JSON: Expecting property name enclosed in double quotes\n"),
        ("notes.md", "# hello\n", "tui-tasks: cannot tell the format of notes.md: give it with --format "
                                  "json|csv|taskwarrior|todotxt\n"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_clear_line(account: Cli, name: str, content: str | None, message: str) -> None:
    if content is not None:
        (account.workdir / name).write_text(content)
    result = account.run("import", name, "--user", EMAIL)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


def test_bad_usage_exits_2(account: Cli) -> None:
    assert account.run("import", "--user", EMAIL).returncode == 2
    result = account.run("export", "--user", EMAIL, "--format", "xml")
    assert result.returncode == 2 and "invalid choice: 'xml'" in result.stderr
    assert account.run("export").returncode == 2  # --user is required
    assert account.run("--check", "export", "--user", EMAIL).stderr.endswith("--check does not go with export\n")


def test_import_and_export_never_load_textual(account: Cli) -> None:
    out = account.workdir / "t.json"
    code = (
        "import json, sys\n"
        "from tui_tasks.cli import main\n"
        f"codes = [main(['export', '--user', {EMAIL!r}, '-o', {str(out)!r}]),\n"
        f"         main(['import', {str(out)!r}, '--user', {EMAIL!r}])]\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('textual'))\n"
        "print(json.dumps({'codes': codes, 'textual': loaded, 'transfer': 'tui_tasks.services.transfer' in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=account.env, cwd=account.workdir, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"codes": [0, 0], "textual": [], "transfer": True}


def test_the_help_lists_import_and_export(account: Cli) -> None:
    result = account.run("--help")
    assert "{import,export}" in result.stdout
    assert "--skip-invalid" in account.run("import", "--help").stdout
    assert "-o FILE" in account.run("export", "--help").stdout


def test_export_to_a_folder_that_does_not_exist_is_one_line(account: Cli) -> None:
    result = account.run("export", "--user", EMAIL, "-o", "no/such/folder/t.json")
    assert result.returncode == 1
    assert result.stderr == "tui-tasks: cannot write no/such/folder/t.json: no such file or directory\n"
    assert not Path(account.workdir / "no").exists()
