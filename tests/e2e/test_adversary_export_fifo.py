"""Adversarial pass, issue 9: the app's Export… to a FIFO of the user's own that nobody reads (a pipe a
script was meant to read, left behind; export_target accepts it and _open_stream opens it blocking).

Found with the real program in tmux: the dialog sat at 0% for as long as nobody read. Cancel (esc) does
nothing while a transfer runs, keys went into the File field, and ctrl+q did not end the app (still
running 15 s later). Only opening the FIFO for reading from another terminal let it go. A careless user
has no way out but kill.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.config import Settings, parse_database
from tui_tasks.services.facade import open_services

SCRIPT = os.path.join(os.path.dirname(sys.executable), "tui-tasks")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Pane:
    """The app in a tmux session on a private server socket."""

    def __init__(self, command: str) -> None:
        self.socket = f"adv-{uuid.uuid4().hex[:8]}"
        self.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", command)
        self.tmux("set-option", "-s", "escape-time", "0")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return True
            time.sleep(0.2)
        return False

    def keys(self, *keys: str, literal: bool = False) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "app", *(["-l"] if literal else []), key)
            time.sleep(0.4)

    def close(self) -> None:
        self.tmux("kill-server")


def test_the_app_can_be_left_while_an_export_waits_for_a_fifo_reader(tmp_path):
    db = tmp_path / "data" / "tasks.db"
    services = open_services(Settings(db=parse_database(str(db)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    services.accounts.register("pat@example.com", "password-123")
    services.close()
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo, 0o600)
    env = (f"XDG_DATA_HOME={tmp_path}/xdg XDG_CONFIG_HOME={tmp_path}/xdg XDG_STATE_HOME={tmp_path}/xdg "
           "TUI_TASKS_BCRYPT_ROUNDS=4 TERM=xterm-256color")  # fmt: skip
    pane = Pane(f"env -u COLUMNS -u LINES {env} {SCRIPT} --db {db}; echo EXITED=$?; sleep 120")
    try:
        assert pane.wait_for("Log in", 20), pane.screen()
        pane.keys("pat@example.com", literal=True)
        pane.keys("Tab")
        pane.keys("password-123", literal=True)
        pane.keys("Enter")
        assert pane.wait_for("No tasks yet", 20), pane.screen()
        pane.keys("C-p")
        pane.keys("Export", literal=True)
        pane.keys("Enter")
        assert pane.wait_for("Export tasks to", 10), pane.screen()
        pane.keys(str(fifo), literal=True)
        pane.keys("Enter")
        assert pane.wait_for("0%", 10), pane.screen()  # waiting for a reader
        pane.keys("Escape")
        pane.keys("C-q")
        assert pane.wait_for("EXITED=", 6), f"the app was still running; the screen was:\n{pane.screen()}"
    finally:
        try:  # let the export go, so the app can end
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        except OSError:
            pass
        time.sleep(0.5)
        pane.close()
