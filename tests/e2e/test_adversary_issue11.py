"""Adversarial checks of issue 11 in real terminals (tmux): two windows on one account undoing and redoing
at once, the CLI importing while the app is open, small terminals, and a [keys] table that is all wrong."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.e2e.test_terminal import SCRIPT, Terminal, pytestmark, terminal_env, with_services  # noqa: F401

SEED = (
    "u = s.accounts.register('kim@example.com', 'kims-password', 'Kim');"
    "s.accounts.register('eve@example.com', 'eves-password', 'Eve');"
    "[s.tasks.create(u, TaskDraft(f'Item {i:02d}', project='work')) for i in range(30)]"
)
TITLES = (
    "from tui_tasks.domain import TaskQuery; u = s.accounts.log_in('kim@example.com', 'kims-password');"
    "print(len(s.tasks.page(u, TaskQuery(), limit=500).tasks))"
)


def resize(terminal: Terminal, width: int, height: int) -> None:
    subprocess.run(["tmux", "resize-window", "-t", terminal.name, "-x", str(width), "-y", str(height)], check=True)
    time.sleep(1.0)


def count(env) -> int:
    return int(with_services(env, TITLES))


def test_two_windows_redo_and_undo_at_the_same_moment_apply_each_step_once(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    windows = [Terminal(f"{SCRIPT}; sleep 30", env) for _ in range(2)]
    try:
        for window in windows:
            window.log_in("kim@example.com", "kims-password")
            window.wait_for("Item 29")
        first, second = windows
        first.keys("C-a")
        first.wait_for("30 selected")
        first.keys("d")
        first.wait_for("Delete 30 tasks?")
        first.keys("y")
        first.wait_for("delete 30 tasks")
        assert count(env) == 0
        second.wait_for("0 pending", timeout=8)
        # both windows press u at once: one undoes the delete, the other the next step back (the last add)
        subprocess.run(["tmux", "send-keys", "-t", first.name, "u", ";", "send-keys", "-t", second.name, "u"], check=True)
        time.sleep(2)
        assert count(env) == 29
        subprocess.run(["tmux", "send-keys", "-t", first.name, "C-r", ";", "send-keys", "-t", second.name, "C-r"], check=True)
        time.sleep(2)
        assert count(env) == 0  # both redone, each once: the add, then the delete
        first.keys("u")
        first.wait_for("Undone: delete 30 tasks")
        assert count(env) == 30
        second.wait_for("30 pending", timeout=8)
    finally:
        for window in windows:
            window.close()


def test_an_import_by_the_cli_while_the_app_is_open_is_undone_by_u_in_the_app(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    window = Terminal(f"{SCRIPT}; sleep 30", env)
    try:
        window.log_in("kim@example.com", "kims-password")
        window.wait_for("30 pending")
        source = tmp_path / "in.csv"
        source.write_text("title,project\nImported A,imp\nImported B,imp\n")
        done = subprocess.run([str(SCRIPT), "import", str(source), "--user", "kim@example.com"], capture_output=True, text=True,
                              env={**env, "PATH": "/usr/bin:/bin", "TUI_TASKS_PASSWORD": "kims-password"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        window.wait_for("32 pending", timeout=8)
        window.keys("u")
        window.wait_for("Undone: import")
        window.wait_for("30 pending", timeout=8)
        assert count(env) == 30
        check = subprocess.run([str(SCRIPT), "--check"], capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"})
        assert check.returncode == 0, check.stdout + check.stderr
        assert "Eve" not in window.screen()
    finally:
        window.close()


def test_a_keys_table_all_wrong_starts_and_every_problem_can_be_read(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    config = tmp_path / "config" / "tui-tasks"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        '[keys]\n"tasks.toggle" = ""\n"tasks.delete" = "x,x"\n"tasks.undo" = 5\n"bogus" = "z"\n'
        '"tasks.quit" = "ctrl+alt+"\n"tasks.add" = ["a", "b"]\n"tasks.nonexistent" = "x"\n"tasks.redo" = "u"\n'
    )
    window = Terminal(f"{SCRIPT}; echo exit-code=$?; sleep 30", env)
    try:
        screen = window.wait_for("'tasks.redo'")  # the last problem said: the app started
        assert "'tasks.toggle'" in screen and "'tasks.delete'" in screen, screen
    finally:
        window.close()


def test_a_keys_table_all_wrong_still_starts_and_the_default_keys_work(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    config = tmp_path / "config" / "tui-tasks"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text('[keys]\n"tasks.toggle" = ""\n"tasks.undo" = 5\n"tasks.redo" = "u"\n"x" = {a = 1}\n')
    window = Terminal(f"{SCRIPT}; echo exit-code=$?; sleep 30", env)
    try:
        window.log_in("kim@example.com", "kims-password")
        window.wait_for("Item 29")
        window.keys("Space")
        window.wait_for("29 pending · 1 done")
        window.keys("u")
        window.wait_for("30 pending · 0 done")
        window.keys("C-q")
        window.wait_for("exit-code=0")
    finally:
        window.close()


def test_the_month_footer_at_40_columns_shows_no_cut_word(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    window = Terminal(f"{SCRIPT}; sleep 30", env)
    try:
        window.log_in("kim@example.com", "kims-password")
        window.wait_for("Item 29")
        resize(window, 40, 15)
        window.keys("m")
        window.wait_for("Mo ")
        time.sleep(1.5)  # the footer's last layout at this width
        footer = window.screen().rstrip("\n").splitlines()[-1]
        assert "Month" in footer, footer
        assert "? K▏" not in footer and "? K " not in footer, footer
    finally:
        window.close()
