"""The installed `tui-tasks` in tmux, sent whole bursts of keys in one `tmux send-keys` call (as a
password manager's autotype or a fast typist does): every key lands where the keys before it sent the focus."""

from __future__ import annotations

import subprocess
import tempfile

import pytest

from tests.e2e.test_terminal import SCRIPT, Terminal, pytestmark, terminal_env, with_services  # noqa: F401

PASSWORD = "long-password"


@pytest.fixture
def private_tmux(monkeypatch):
    """A tmux server of this test's own (its socket in a short temporary folder), stopped afterwards."""
    folder = tempfile.mkdtemp(prefix="tmux-")
    monkeypatch.setenv("TMUX_TMPDIR", folder)
    yield
    subprocess.run(["tmux", "kill-server"], capture_output=True)


def burst(terminal: Terminal, *keys: str) -> None:
    """All of `keys` in one `send-keys` call: tmux writes them to the program together."""
    subprocess.run(["tmux", "send-keys", "-t", terminal.name, *keys], check=True)


def test_autotype_at_log_in_then_a_task_typed_at_once_is_saved(tmp_path, private_tmux):
    env = terminal_env(tmp_path)
    with_services(env, f"s.accounts.register('ada@example.com', '{PASSWORD}', 'Ada')")
    terminal = Terminal(f"{SCRIPT}; echo exit-code=$?; sleep 30", env)
    try:
        terminal.wait_for("Log in")
        burst(terminal, "ada@example.com", "Tab", PASSWORD, "Enter", "a", "Call the plumber", "Enter",
              "/", "plumb")  # fmt: skip
        screen = terminal.wait_for("1 pending · 0 done")
        assert "Call the plumber" in screen and PASSWORD not in screen
        terminal.wait_for("plumb")
        terminal.keys("Escape", "q")  # apart: escape and a key in one read are alt+key to any terminal app
        terminal.wait_for("exit-code=0")
    finally:
        terminal.close()
    titles = with_services(env, "u = s.accounts.log_in('ada@example.com', 'long-password'); "
                                "from tui_tasks.domain import TaskQuery; "
                                "print([t.title for t in s.tasks.page(u, TaskQuery(), None, 10).tasks])")  # fmt: skip
    assert titles == "['Call the plumber']"


def test_keys_typed_while_the_log_in_hashes_go_to_the_task_list(tmp_path, private_tmux):
    """At a high bcrypt cost the log-in takes a while; what is typed meanwhile waits for the list."""
    env = {**terminal_env(tmp_path), "TUI_TASKS_BCRYPT_ROUNDS": "12"}
    with_services(env, f"s.accounts.register('ada@example.com', '{PASSWORD}', 'Ada')")
    terminal = Terminal(f"{SCRIPT}; echo exit-code=$?; sleep 30", env)
    try:
        terminal.wait_for("Log in")
        burst(terminal, "ada@example.com", "Tab", PASSWORD, "Enter")
        burst(terminal, "a", "Typed during the hash")
        screen = terminal.wait_for("Typed during the hash", timeout=30)
        assert "New task" in screen
        burst(terminal, "C-s")
        terminal.wait_for("1 pending · 0 done")
        burst(terminal, "C-q")
        terminal.wait_for("exit-code=0")
    finally:
        terminal.close()
