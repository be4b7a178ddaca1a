"""The terminal's modes around the full-screen app: quiet (no echo, no line editing, Enter as \\r) from the
launch, before Textual's driver starts, and given back exactly as the user had them however the app ends."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import termios
import time

import pytest

from tests.e2e.test_terminal import SCRIPT, Terminal, pytestmark, terminal_env  # noqa: F401
from tui_tasks import tty_guard

MODES = ("echo", "icanon", "icrnl", "isig")


def modes_after(window: Terminal) -> set[str]:
    """The modes `stty -a` printed in the pane once the app was gone (the command is `...; stty -a; ...`)."""
    screen = window.wait_for("exit-code=")
    window.wait_for("speed")
    words = set(subprocess.run(["tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", window.name],
                               capture_output=True, text=True).stdout.split())  # fmt: skip
    assert words & {mode for mode in MODES} or words & {f"-{mode}" for mode in MODES}, screen
    return {mode for mode in MODES if mode in words} | {f"-{mode}" for mode in MODES if f"-{mode}" in words}


def app_pid(window: Terminal) -> int:
    shell = subprocess.run(["tmux", "display", "-p", "-t", window.name, "#{pane_pid}"], capture_output=True, text=True)
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", shell.stdout.strip()], capture_output=True, text=True)
    return int(children.stdout.split()[0])  # `env ... tui-tasks` execs the app: the shell's one child


@pytest.mark.parametrize("end", ["quit", "sigterm", "hangup"])
def test_the_terminal_is_left_as_the_user_had_it_however_the_app_ends(tmp_path, end):
    window = Terminal(f"{SCRIPT}; echo exit-code=$?; stty -a; sleep 30", terminal_env(tmp_path))
    try:
        window.wait_for("Log in")
        if end == "quit":
            window.keys("C-q")
        else:
            os.kill(app_pid(window), signal.SIGTERM if end == "sigterm" else signal.SIGHUP)
        assert modes_after(window) == set(MODES), window.screen()
    finally:
        window.close()


def test_the_terminal_is_left_as_the_user_had_it_after_ctrl_c_at_the_start(tmp_path):
    window = Terminal(f"{SCRIPT}; echo exit-code=$?; stty -a; sleep 30", terminal_env(tmp_path))
    try:
        time.sleep(0.05)
        window.keys("C-c")  # before Textual's driver starts: SIGINT (ISIG is kept on), exit 130
        try:
            window.wait_for("exit-code=", timeout=3)
        except AssertionError:  # the driver had started: ctrl+c was a key to the app
            window.keys("C-q")
        assert modes_after(window) == set(MODES), window.screen()
    finally:
        window.close()


def test_the_terminal_is_given_back_after_an_error_at_the_start(tmp_path):
    env = {**terminal_env(tmp_path), "TUI_TASKS_DB": "nosuchdriver://x"}  # refused before the app draws
    window = Terminal(f"{SCRIPT}; echo exit-code=$?; stty -a; sleep 30", env)
    try:
        screen = window.wait_for("exit-code=")
        assert "exit-code=0" not in screen, screen
        assert modes_after(window) == set(MODES), window.screen()
    finally:
        window.close()


def test_quiet_turns_off_echo_line_editing_and_cr_to_nl_and_restore_gives_back_every_attribute(monkeypatch):
    leader, follower = os.openpty()
    try:
        monkeypatch.setattr(tty_guard, "_FD", follower)
        before = termios.tcgetattr(follower)
        assert tty_guard.quiet()
        quiet = termios.tcgetattr(follower)
        assert not quiet[3] & (termios.ECHO | termios.ICANON) and not quiet[0] & termios.ICRNL
        assert quiet[3] & termios.ISIG  # ctrl+c still stops the start
        assert not tty_guard.quiet()  # once
        os.write(leader, b"typed, not read\r")
        tty_guard.restore()
        assert termios.tcgetattr(follower) == before
        time.sleep(0.05)
        assert select.select([follower], [], [], 0)[0] == []  # what was typed and not read is dropped
        tty_guard.restore()  # twice: nothing
    finally:
        tty_guard.restore()
        os.close(leader)
        os.close(follower)
