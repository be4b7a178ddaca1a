"""Adversarial checks of issue 11, round 4, with real processes: hostile import streams through the CLI,
and windows in tmux. Each test is a bug found by hand, marked xfail until it was fixed (all are, now)."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from tests.e2e.test_adversary_issue11_round2 import run_import
from tests.e2e.test_terminal import SCRIPT, pytestmark, terminal_env, with_services  # noqa: F401

REGISTER = "s.accounts.register('kim@example.com', 'kims-password', 'Kim')"


def import_stream(env, head: str, tail: str, fmt: str, seconds: int = 30) -> subprocess.CompletedProcess:
    """Import what `head` then `tail` (a shell command that never ends) write to a pipe; the import is
    ended by `timeout` after `seconds` (exit 124) if it does not end by itself."""
    command = (f"( printf %s {shlex.quote(head)}; {tail} ) | timeout {seconds} {SCRIPT} import /dev/stdin "
               f"--format {fmt} --user kim@example.com")  # fmt: skip
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          env={**env, "PATH": "/usr/bin:/bin", "TUI_TASKS_PASSWORD": "kims-password"})  # fmt: skip


ENDLESS_A = "tr '\\0' a </dev/zero"


@pytest.mark.parametrize("fmt, head", [
    ("taskwarrior", '[{"description":"'),
    ("json", '{"format":"tui-tasks","version":2,"tasks":[{"title":"'),
])  # fmt: skip
def test_a_json_record_that_never_ends_is_given_up_past_256_mib(tmp_path, fmt, head):
    env = terminal_env(tmp_path)
    with_services(env, REGISTER)
    done = import_stream(env, head, ENDLESS_A, fmt)
    assert done.returncode == 1 and "longer than 256 MiB: not read on" in done.stderr, (done.returncode, done.stderr)
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("fmt, head", [
    ("taskwarrior", '[{"description":"'),
    ("json", '{"format":"tui-tasks","version":2,"tasks":[{"title":"'),
])  # fmt: skip
def test_nuls_in_a_json_record_read_past_end_the_import_at_once(tmp_path, fmt, head):
    env = terminal_env(tmp_path)
    with_services(env, REGISTER)
    done = import_stream(env, head, "cat /dev/zero", fmt, seconds=30)
    assert done.returncode == 1 and "a NUL character: not a text file" in done.stderr, (done.returncode, done.stderr)


def test_white_space_for_ever_between_json_records_is_given_up(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, REGISTER)
    done = import_stream(env, "[", "tr '\\0' ' ' </dev/zero", "taskwarrior")
    assert done.returncode == 1 and "256 MiB" in done.stderr, (done.returncode, done.stderr)


@pytest.mark.parametrize("skip", [False, True])
def test_a_utf16_todo_file_is_refused_in_one_line(tmp_path, skip):
    env = terminal_env(tmp_path)
    with_services(env, REGISTER)
    source = tmp_path / "todo.txt"
    source.write_bytes("".join(f"task {i}\n" for i in range(2000)).encode("utf-16-le"))
    done = run_import(env, source, *(["--skip-invalid"] if skip else []))
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert len(done.stderr.splitlines()) == 1 and "NUL" in done.stderr, done.stderr[-300:]
