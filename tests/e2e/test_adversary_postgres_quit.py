"""Adversarial pass, issue 9: quitting the app while a change waits on a PostgreSQL server that stopped
answering (SIGSTOP: a hung host or a partition that sends no reset).

Found with the real program in tmux: Space on a task (nothing on screen), then q: the screen cleared and
the process stayed, for minutes; ctrl+c printed ^C and did not end it. When the server answered again the
toggle was applied (30 s after the user had quit and pressed ctrl+c) and the process exited 130. The
user has no way out but kill, and a change lands that was never shown as saved.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS, PG_URL, REQUIRE_POSTGRES, reset_postgres
from tests.e2e.test_adversary_postgres import server_processes, signal_all
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services

SCRIPT = Path(sys.executable).with_name("tui-tasks")
pytestmark = [
    pytest.mark.skipif(not (PG_URL and os.environ.get("PGROOT")) and not REQUIRE_POSTGRES,
                       reason="needs the throwaway server of .ci/with-postgres (PGROOT)"),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux"),
    pytest.mark.stops_the_server,  # run alone: every other test on the server would stall with it
]  # fmt: skip


class Pane:
    """The app in a tmux session on a private server socket."""

    def __init__(self, command: str) -> None:
        self.socket, self.name = f"adv-{uuid.uuid4().hex[:8]}", "app"
        self.tmux("new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", command)
        self.tmux("set-option", "-s", "escape-time", "0")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen():
                return True
            time.sleep(0.2)
        return False

    def keys(self, *keys: str, literal: bool = False) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), key)
            time.sleep(0.3)

    def close(self) -> None:
        self.tmux("kill-server")


def test_q_ends_the_app_while_a_change_waits_on_a_server_that_stopped_answering(tmp_path):
    reset_postgres(PG_URL)
    services = open_services(Settings(db=parse_database(PG_URL), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register("pat@example.com", "password-123")
    services.tasks.create(user, TaskDraft("Buy milk"))
    services.close()
    env = (f"XDG_DATA_HOME={tmp_path}/data XDG_CONFIG_HOME={tmp_path}/config XDG_STATE_HOME={tmp_path}/state "
           "TUI_TASKS_BCRYPT_ROUNDS=4 TUI_TASKS_HEALTH_INTERVAL_SECONDS=0.5 TERM=xterm-256color")  # fmt: skip
    pane = Pane(f"env -u COLUMNS -u LINES {env} {SCRIPT} --db '{PG_URL}'; echo EXITED=$?; sleep 120")
    pids: list[int] = []
    try:
        assert pane.wait_for("Log in", 20), pane.screen()
        pane.keys("pat@example.com", literal=True)
        pane.keys("Tab")
        pane.keys("password-123", literal=True)
        pane.keys("Enter")
        assert pane.wait_for("Buy milk", 20), pane.screen()
        pids = server_processes()  # now: with the backends serving the app
        signal_all(pids, signal.SIGSTOP)
        pane.keys("space")
        time.sleep(1)
        pane.keys("q")
        ended = pane.wait_for("EXITED=", 15)
        if not ended:
            pane.keys("C-c")
            ended = pane.wait_for("EXITED=", 5)
        assert ended, f"the app did not end with the server hung; the screen was:\n{pane.screen()}"
    finally:
        signal_all(pids, signal.SIGCONT)
        pane.close()
