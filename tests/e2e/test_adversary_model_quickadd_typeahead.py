"""Adversarial pass on issue #10's quick add, in a real terminal (tmux): the line closes at once on Enter
and the task is saved behind it, so a key sent in the same burst ("a Buy milk <enter> <space>", as a fast
typist or autotype sends them) acts on the row the cursor was on BEFORE the new task appeared: about four
times in five, Space completed (or reopened) ANOTHER task, and the task just added stayed open. Typed a
second apart the same keys do what they say. Fixed: type-ahead holds the keys after the Enter until the
list shows the new task with the cursor on it (or the line reopens with why it was not saved)."""

from __future__ import annotations

import subprocess
import time

from tests.e2e.test_terminal import SCRIPT, Terminal, pytestmark, terminal_env, with_services  # noqa: F401
from tests.e2e.test_typeahead_terminal import burst, private_tmux  # noqa: F401

PASSWORD = "long-password"
ROUNDS = ("Buy milk", "Call mum", "Pay rent", "Book dentist")
TITLES = "from tui_tasks.domain import TaskQuery; u = s.accounts.log_in('ada@example.com', 'long-password'); " \
         "print(sorted((t.title, t.completed) for t in s.tasks.page(u, TaskQuery(), None, 10).tasks))"  # fmt: skip


def test_space_typed_with_the_quick_add_enter_completes_the_new_task(tmp_path, private_tmux):
    env = terminal_env(tmp_path)
    with_services(env, f"u = s.accounts.register('ada@example.com', '{PASSWORD}', 'Ada'); "
                       "s.tasks.create(u, TaskDraft('Older task'))")  # fmt: skip
    terminal = Terminal(f"{SCRIPT}; echo exit-code=$?; sleep 30", env)
    subprocess.run(["tmux", "set-option", "-s", "escape-time", "0"], check=True)
    try:
        terminal.log_in("ada@example.com", PASSWORD)
        terminal.wait_for("1 pending · 0 done")
        for title in ROUNDS:  # the race is lost about 4 times in 5: each round is a chance
            burst(terminal, "a", title, "Enter", "Space")
            time.sleep(1.2)
        terminal.keys("C-q")
        terminal.wait_for("exit-code=0")
    finally:
        terminal.close()
    expected = sorted([("Older task", False), *((title, True) for title in ROUNDS)])
    assert with_services(env, TITLES) == str(expected)
