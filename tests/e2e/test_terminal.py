"""The installed `tui-tasks` in a real terminal (tmux): what a person does on the first day."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("tui-tasks")
pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (.ci/run installs it)"),
    pytest.mark.skipif(not SCRIPT.exists(), reason=f"needs the tui-tasks script next to {sys.executable}"),
]


class Terminal:
    """One tmux session running a command, driven key by key."""

    def __init__(self, command: str, env: dict[str, str]) -> None:
        self.name = f"tui-tasks-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        # COLUMNS/LINES would fix the app's size at 80x24 whatever the pane's: under pytest the C-level
        # environment holds them (readline exports them), and a tmux server started from here inherits it.
        start = ["tmux", "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", f"env -u COLUMNS -u LINES {exports} {command}"]
        for attempt in range(3):  # a session started as another test's last one closes meets a tmux server on
            # its way out ("server exited unexpectedly"): the next attempt starts a server of its own
            started = subprocess.run(start, capture_output=True, text=True)
            if started.returncode == 0:
                break
            if attempt == 2 or "server exited" not in started.stderr:
                raise subprocess.CalledProcessError(started.returncode, start, started.stdout, started.stderr)
            time.sleep(0.2)

    def screen(self) -> str:
        result = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return result.stdout

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Each key on its own, as a person types (a batch can outrun a focus change)."""
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), key], check=True)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def log_in(self, email: str, password: str) -> None:
        self.wait_for("Log in")
        self.type(email)
        self.keys("Tab")
        self.type(password)
        self.keys("Enter")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def terminal_env(tmp_path: Path) -> dict[str, str]:
    """A fresh machine's folders under tmp_path, and the cheapest bcrypt cost."""
    return {
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"), "TUI_TASKS_BCRYPT_ROUNDS": "4", "TERM": "xterm-256color",
    }  # fmt: skip


def with_services(env: dict[str, str], code: str) -> str:
    """Run `code` in a child process with `s`, the services of env's database, open; what it prints."""
    script = (
        "from tui_tasks.config import load_settings; from tui_tasks.services.facade import open_services;"
        f"from tui_tasks.domain import TaskDraft; s = open_services(load_settings()); {code}; s.close()"
    )
    done = subprocess.run([sys.executable, "-c", script], env={**env, "PATH": "/usr/bin:/bin"}, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


def test_first_day_account_task_toggle_quit_and_back(tmp_path):
    env = {
        "XDG_DATA_HOME": tmp_path / "data", "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_STATE_HOME": tmp_path / "state", "TUI_TASKS_BCRYPT_ROUNDS": "4", "TERM": "xterm-256color",
    }  # fmt: skip
    command = f"{SCRIPT}; echo exit-code=$?; sleep 30"
    first = Terminal(command, {k: str(v) for k, v in env.items()})
    try:
        first.wait_for("Log in")
        first.keys("C-n")
        first.wait_for("Confirm password")
        first.type("sam@example.com")
        first.keys("Tab")
        first.type("sams-password")
        first.keys("Tab")
        first.type("sams-password")
        first.keys("Tab")
        first.type("Sam")
        first.keys("Enter")
        first.wait_for("No tasks yet")
        first.keys("a")
        first.wait_for("New task")
        first.type("Call the plumber")
        first.keys("Enter")
        first.wait_for("1 pending · 0 done")
        first.keys("Space")
        first.wait_for("0 pending · 1 done")
        first.keys("q")
        first.wait_for("exit-code=0")
    finally:
        first.close()

    second = Terminal(command, {k: str(v) for k, v in env.items()})
    try:
        second.wait_for("sam@example.com")  # the last email is remembered; the focus is on the password
        second.type("sams-password")
        second.keys("Enter")
        second.wait_for("Call the plumber")
        screen = second.wait_for("0 pending · 1 done")  # the counts follow the rows
        assert "✓" in screen.splitlines()[next(i for i, line in enumerate(screen.splitlines()) if "Call the plumber" in line)]
        second.keys("q")
        second.wait_for("exit-code=0")
    finally:
        second.close()
    remembered = [p.read_text(errors="replace") for p in (tmp_path / "state").rglob("*") if p.is_file()]
    assert remembered and not any("sams-password" in text for text in remembered)


def test_two_windows_on_one_database_see_each_others_changes(tmp_path):
    """Two real tui-tasks processes, one account: what one saves or toggles, the other shows within seconds."""
    env = terminal_env(tmp_path)
    with_services(env, "s.accounts.register('kim@example.com', 'kims-password', 'Kim')")
    windows = [Terminal(f"{SCRIPT}; sleep 30", env) for _ in range(2)]
    try:
        for window in windows:
            window.log_in("kim@example.com", "kims-password")
            window.wait_for("No tasks yet")
        first, second = windows
        first.keys("a")
        first.wait_for("New task")
        first.type("Written in the first window")
        first.keys("Enter")
        first.wait_for("1 pending · 0 done")
        second.wait_for("Written in the first window", timeout=8)  # polled every 2 s
        second.wait_for("1 pending · 0 done")
        second.keys("Space")
        second.wait_for("0 pending · 1 done")
        first.wait_for("0 pending · 1 done", timeout=8)
        assert "✓" in next(line for line in first.screen().splitlines() if "Written in the first window" in line)
    finally:
        for window in windows:
            window.close()


def test_stored_escape_sequences_are_shown_as_text_and_wide_characters_keep_the_columns(tmp_path):
    """Text in the database that did not come through tui-tasks (another client, an old version, a hand
    edit) can hold terminal escapes: they must be drawn as symbols, never obeyed by the terminal."""
    import sqlite3

    from rich.cells import cell_len

    env = terminal_env(tmp_path)
    path = with_services(env, (
        "u = s.accounts.register('eve@example.com', 'eves-password', 'Eve');"
        "[s.tasks.create(u, TaskDraft(t, project='proj')) for t in ('日本語のタスク', 'e\u0301clair au cafe\u0301', "
        "'party 🎉🎉 time', 'escapes')]; print(s.db.target.path)"
    ))  # fmt: skip
    with sqlite3.connect(path) as conn:  # what tui-tasks itself would refuse to write
        conn.execute(
            "UPDATE task SET title = ?, project = ? WHERE title = 'escapes'",
            ("A\x1b[31mRED\x1b[0m \x1b]0;PWNED\x07 \x1b[2J \x9b31m end", "p\x1b[5mX"),
        )
    window = Terminal(f"{SCRIPT}; sleep 30", env)
    try:
        window.log_in("eve@example.com", "eves-password")
        screen = window.wait_for("4 pending")
        title = subprocess.run(["tmux", "display", "-p", "-t", window.name, "#{pane_title}"], capture_output=True,
                               text=True).stdout  # fmt: skip
        assert "PWNED" not in title  # the window title was not set by the task's text
        assert "A␛[31mRED" in screen and "p␛[5mX" in screen  # (the rest of that title is cut to the column)
        assert "Eve" in screen.splitlines()[0]  # and the screen was not cleared
        rows = [line for line in screen.splitlines() if line.startswith(" · ")]
        assert len(rows) == 4
        columns = {cell_len(line[: line.index("p")]) if "p␛" in line else cell_len(line[: line.index("proj")])
                   for line in rows}  # fmt: skip
        assert len(columns) == 1, rows  # wide and combining characters keep the Project column aligned
    finally:
        window.close()
