"""Adversary, issue 11 round 5, in a real terminal: a click on a row drawn before, after rows moved."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.e2e.test_terminal import SCRIPT, Terminal, terminal_env, with_services

pytestmark = [pytest.mark.skipif(subprocess.run(["which", "tmux"], capture_output=True).returncode, reason="needs tmux")]

USER = "s.adv5@example.com"
PASSWORD = "adv5-password"


def click(terminal: Terminal, x: int, y: int) -> None:
    """A left click at (x, y), 0-based, as xterm's SGR mouse reports it."""
    for end in "Mm":
        subprocess.run(["tmux", "send-keys", "-t", terminal.name, "-l", f"\x1b[<0;{x + 1};{y + 1}{end}"], check=True)
        time.sleep(0.1)


def test_a_click_after_two_deletes_here_and_two_tasks_added_elsewhere_lands_on_the_row_clicked(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, f"u = s.accounts.register('{USER}', '{PASSWORD}', 'Adv');"
                       "[s.tasks.create(u, TaskDraft(f'task {n:02}')) for n in range(30)]")  # fmt: skip
    term = Terminal(f"{SCRIPT}; sleep 30", env)
    try:
        term.log_in(USER, PASSWORD)
        term.wait_for("task 29")
        for _ in range(2):  # the first two rows deleted here: the rows below move up two
            term.keys("Home", "d")
            term.wait_for("Delete task?")
            term.keys("y")
            time.sleep(0.5)
        term.wait_for("Deleted “task 28”")
        time.sleep(3)  # a poll: the same rows read again, nothing redrawn
        with_services(env, f"u = s.accounts.log_in('{USER}', '{PASSWORD}');"
                           "[s.tasks.create(u, TaskDraft(t)) for t in ('new one', 'new two')]")  # fmt: skip
        term.wait_for("new two")
        time.sleep(0.5)
        lines = term.screen().splitlines()
        y = next(i for i, line in enumerate(lines) if "task 25" in line)
        click(term, 10, y)
        time.sleep(0.5)
        term.keys("Space")  # done: the task the cursor is on
        time.sleep(1.5)
        done = with_services(env, f"u = s.accounts.log_in('{USER}', '{PASSWORD}');"
                                  "print([t.title for t in s.tasks.page(u).tasks if t.completed])")  # fmt: skip
        assert done == "['task 25']", term.screen()
    finally:
        term.close()
