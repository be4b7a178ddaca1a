"""A soak of one database shared by several real tui-tasks processes, checked against a model.

Two windows of the real app run in tmux (each logged in to its own account, health checked every
0.5 s) and add, toggle and delete tasks through the keyboard; at the same time CLI processes import
into the first account, export both, run `--check`, and the second window takes "Back up now" backups
(SQLite). Every write's outcome is read from the screen, as a user reads it: saved, refused, or of
unknown outcome. At the end the database must pass its integrity check and hold exactly what was
reported saved, and nothing reported refused. Used by tests/e2e/test_soak.py (bounded, in CI) and
benchmarks/soak.py (minutes long).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("tui-tasks")
ERRORS = ("Not saved", "Could not", "Not sure it was saved", "may or may not", "Unexpected error", "Not backed up",
          "corrupt", "is locked", "disk I/O", "read-only", "disk is full", "cannot reach")  # fmt: skip
ACCOUNTS = {"w1": ("ann@example.com", "ann-password"), "w2": ("ben@example.com", "ben-password")}
PER_IMPORT = 20
ONE_SHOWN = re.compile(r"(?<!\d)1 shown")  # not "101 shown"


@dataclass
class Outcomes:
    """What the soak did and saw."""

    operations: dict[str, int] = field(default_factory=dict)  # kind -> count
    refused: list[str] = field(default_factory=list)  # what the screens or the CLI said failed
    problems: list[str] = field(default_factory=list)  # what must not happen at all

    def count(self, kind: str) -> None:
        self.operations[kind] = self.operations.get(kind, 0) + 1


class Window:
    """The real app in a tmux pane of a private tmux server, driven key by key."""

    def __init__(self, socket: str, name: str, env: dict[str, str]) -> None:
        self.socket, self.name = socket, name
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        command = f"env -u COLUMNS -u LINES {exports} {SCRIPT}; echo exit-code=$?; sleep 120"
        self._tmux("new-session", "-d", "-s", name, "-x", "110", "-y", "30", command)
        self._tmux("set-option", "-s", "escape-time", "0")  # else Escape and the next key arrive as alt+key

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            # A key that follows Escape closely is read as alt+key, as in any terminal: pause after it.
            time.sleep(0.3 if key == "Escape" else 0.05)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.05)

    def until(self, done, timeout: float = 15, *, settle: bool = False) -> tuple[str, str]:
        """Wait until `done(screen)` or an error shows: ("ok" | "error", screen). `settle`: then pause as a
        person does when a screen opens (this soak is about the data: type-ahead has tests of its own)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(error in screen for error in ERRORS):
                return "error", screen
            if done(screen):
                time.sleep(0.25 if settle else 0)
                return "ok", screen
            time.sleep(0.05)
        raise AssertionError(f"{self.name}: nothing happened in {timeout} s; the screen was:\n{self.screen()}")

    def stacks(self) -> str:
        """The app's threads' stacks, where py-spy is installed (a diagnosis for a hang), else ''."""
        if shutil.which("py-spy") is None:
            return ""
        shell = self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        dumps = [subprocess.run(["py-spy", "dump", "--pid", pid], capture_output=True, text=True).stdout for pid in children]
        return "\n" + "\n".join(dumps)

    def log_in(self, email: str, password: str) -> None:
        self.until(lambda s: "Log in" in s and "Email" in s, settle=True)
        self.type(email)
        self.keys("Tab")
        time.sleep(0.25)
        self.type(password)
        time.sleep(0.25)
        self.keys("Enter")
        self.until(lambda s: "pending ·" in s and "Log in" not in s)

    def wait_quiet(self) -> None:
        """Until no notification is left on screen (each says what it says once)."""
        self.until(lambda s: True)
        deadline = time.monotonic() + 15
        while any(error in self.screen() for error in ERRORS) and time.monotonic() < deadline:
            time.sleep(0.2)

    def find(self, title: str) -> str:
        """Search for one task (titles are unique words); the cursor goes to the result."""
        self.keys("/")
        self.until(lambda s: "Go to the results" in s, settle=True)  # the search box has the focus
        self.type(title)
        self.until(lambda s: ONE_SHOWN.search(s) is not None and _row(s, title) is not None)
        self.keys("Enter")
        self.until(lambda s: "Go to the results" not in s, settle=True)  # the list has it
        return self.screen()

    def clear_search(self) -> None:
        self.keys("Escape")
        self.until(lambda s: "search title" in s)


def _row(screen: str, title: str) -> str | None:
    """The list's row of the task titled `title` (it starts with its done mark), or None."""
    return next((line for line in screen.splitlines() if line.lstrip()[:1] in ("✓", "·") and f" {title}" in line), None)


class Soak:
    """One run: the windows, the CLI loop, the model of what was reported saved."""

    def __init__(self, db: str, workdir: Path, seed: int = 1) -> None:
        self.db, self.workdir, self.rng = db, workdir, random.Random(seed)
        self.socket = f"soak-{uuid.uuid4().hex[:8]}"
        self.env = {
            "XDG_DATA_HOME": str(workdir / "data"), "XDG_CONFIG_HOME": str(workdir / "config"),
            "XDG_STATE_HOME": str(workdir / "state"), "TUI_TASKS_BCRYPT_ROUNDS": "4", "TERM": "xterm-256color",
            "TUI_TASKS_HEALTH_INTERVAL_SECONDS": "0.5", "TUI_TASKS_DB": db,
        }  # fmt: skip
        # Every app and CLI process runs with the file guard (tests/guard_site): an open of a database
        # file its SQLite holds is refused and reported in guard.txt.
        self.guard_report = workdir / "guard.txt"
        paths = [os.environ.get("PYTHONPATH", ""), str(Path(__file__).parent / "guard_site")]  # (PYTHONPATH: another checkout)
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        self.env["TUI_TASKS_FILE_GUARD"] = str(self.guard_report)
        self.model: dict[str, dict[str, bool]] = {email: {} for email, _ in ACCOUNTS.values()}
        self.unknown: dict[str, set[str]] = {email: set() for email, _ in ACCOUNTS.values()}
        self.outcomes = Outcomes()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._serial = 0

    # --- setup and checks through a child process (this process never holds the database) -------
    def _services(self, code: str) -> str:
        """Run `code` in a child process with `s`, the services of the soak's database, open; its output."""
        script = ("from tui_tasks.config import load_settings\nfrom tui_tasks.services.facade import open_services\n"
                  f"import json\ns = open_services(load_settings())\n{code}\ns.close()\n")  # fmt: skip
        done = subprocess.run([sys.executable, "-c", script], env={**os.environ, **self.env}, check=True,
                              capture_output=True, text=True, cwd=self.workdir)  # fmt: skip
        return done.stdout

    def held(self) -> dict[str, dict[str, bool]]:
        """Every account's tasks as the database holds them: title -> done."""
        code = (
            "out = {}\n"
            f"for email, password in {list(ACCOUNTS.values())!r}:\n"
            "    u = s.accounts.log_in(email, password); tasks = []; cursor = None\n"
            "    while True:\n"
            "        page = s.tasks.page(u, cursor=cursor, limit=500); tasks += page.tasks; cursor = page.next_cursor\n"
            "        if cursor is None: break\n"
            "    out[email] = {t.title: t.completed for t in tasks}\n"
            "print(json.dumps(out))"
        )
        return json.loads(self._services(code))

    def _cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.env, "TUI_TASKS_PASSWORD": ACCOUNTS["w1"][1]}
        return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)

    # --- the CLI processes beside the windows ---------------------------------------------------
    def _cli_loop(self) -> None:
        ann, ben = ACCOUNTS["w1"][0], ACCOUNTS["w2"][0]
        kinds = ["import", "export", "export", "check"]
        while not self._stop.is_set():
            kind = self.rng.choice(kinds)
            if kind == "import":
                self._serial += 1
                titles = [f"imp{self._serial:03d}n{j:02d}x" for j in range(PER_IMPORT)]
                source = self.workdir / f"import-{self._serial}.json"
                source.write_text(json.dumps({"format": "tui-tasks", "version": 1, "tasks": [{"title": t} for t in titles]}))
                done = self._cli("import", str(source), "--user", ann)
                with self._lock:
                    if done.returncode == 0:
                        self.model[ann].update(dict.fromkeys(titles, False))
                    else:
                        self.outcomes.refused.append(f"import: {done.stderr.strip()}")
            elif kind == "export":
                who = self.rng.choice([ann, ben])
                env_password = ACCOUNTS["w1" if who == ann else "w2"][1]
                out = self.workdir / "export.json"
                done = subprocess.run([str(SCRIPT), "export", "--user", who, "-o", str(out)],
                                      env={**os.environ, **self.env, "TUI_TASKS_PASSWORD": env_password},
                                      capture_output=True, text=True, timeout=120)  # fmt: skip
                if done.returncode != 0:
                    self.outcomes.problems.append(f"export failed: {done.stderr.strip()}")
                else:
                    json.loads(out.read_text())  # a whole file, never half of one
            else:
                done = self._cli("--check")
                if done.returncode != 0:
                    self.outcomes.problems.append(f"--check failed: {done.stdout.strip()} {done.stderr.strip()}")
            self.outcomes.count(f"cli {kind}")

    # --- what a window does ---------------------------------------------------------------------
    def _step(self, name: str, window: Window, email: str) -> None:
        mine = [t for t in self.model[email] if t.startswith(name)]
        kind = self.rng.choices(["add", "toggle", "delete", "backup"], [5, 3, 2, 1 if name == "w2" and self.db_is_file else 0])[0]
        if kind != "add" and kind != "backup" and not mine:
            kind = "add"
        self.outcomes.count(kind)
        if kind == "add":
            self._serial += 1
            title = f"{name}n{self._serial:04d}x"
            window.keys("A")  # the full form (a is quick add)
            window.until(lambda s: "New task" in s, settle=True)
            window.type(title)
            window.until(lambda s: f" {title} " in s, settle=True)
            window.keys("C-s")
            result, screen = window.until(lambda s: "New task" not in s and _row(s, title) is not None)
            self._record(window, email, result, screen, f"add {title}", title, False)
        elif kind in ("toggle", "delete"):
            title = self.rng.choice(mine)
            before = self.model[email][title]
            window.find(title)
            if kind == "toggle":
                window.keys("Space")
                mark = "·" if before else "✓"
                result, screen = window.until(lambda s: (row := _row(s, title)) is not None and mark in row)
                self._record(window, email, result, screen, f"toggle {title}", title, not before)
            else:
                window.keys("d")
                window.until(lambda s: "Delete task?" in s, settle=True)
                window.keys("y")
                result, screen = window.until(lambda s: re.search(r"(?<!\d)0 shown", s) is not None)
                self._record(window, email, result, screen, f"delete {title}", title, None)
            window.clear_search()
        else:
            window.keys("C-p")
            window.until(lambda s: "Search for commands" in s, settle=True)
            window.type("Back up now")
            window.until(lambda s: "Back up now" in s, settle=True)
            window.keys("Enter")
            result, screen = window.until(lambda s: "Backed up" in s)
            if result == "error":
                self.outcomes.problems.append(f"backup refused:\n{screen}")
            window.wait_quiet()

    def _record(self, window: Window, email: str, result: str, screen: str, what: str, title: str, state) -> None:
        with self._lock:
            if result == "ok":
                if state is None:
                    self.model[email].pop(title)
                else:
                    self.model[email][title] = state
            elif any(word in screen for word in ("Not sure it was saved", "may or may not")):
                self.unknown[email].add(title)
                self.outcomes.refused.append(f"{what}: outcome unknown")
            else:
                self.outcomes.refused.append(f"{what}: refused")
                if "New task" in screen:
                    window.keys("Escape", "y")  # give up the form (and its "discard?" question)
        if result == "error":
            window.wait_quiet()

    @property
    def db_is_file(self) -> bool:
        return "://" not in self.db

    # --- the run --------------------------------------------------------------------------------
    def run(self, seconds: float) -> Outcomes:
        self._services("\n".join(f"s.accounts.register({e!r}, {p!r})" for e, p in ACCOUNTS.values()))
        windows = {name: Window(self.socket, name, self.env) for name in ACCOUNTS}
        try:
            for name, window in windows.items():
                window.log_in(*ACCOUNTS[name])
            cli = threading.Thread(target=self._cli_loop, daemon=True)
            cli.start()
            workers = [threading.Thread(target=self._window_loop, args=(n, w, seconds), daemon=True)
                       for n, w in windows.items()]  # fmt: skip
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            self._stop.set()
            cli.join(timeout=180)
            for name, window in windows.items():
                try:
                    window.keys("C-q")  # the app's quit, from any screen or dialog a failed step left open
                    _, screen = window.until(lambda s: "exit-code=" in s, timeout=30)
                    if "exit-code=0" not in screen:
                        self.outcomes.problems.append(f"{name} did not exit cleanly:\n{screen}")
                except AssertionError as exc:
                    self.outcomes.problems.append(f"{name} did not quit: {exc}{window.stacks()}")
        finally:
            subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        return self.outcomes

    def _window_loop(self, name: str, window: Window, seconds: float) -> None:
        email = ACCOUNTS[name][0]
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                self._step(name, window, email)
        except AssertionError as exc:  # this window is stuck: the others go on, and the run fails
            self.outcomes.problems.append(str(exc))

    def verify(self) -> list[str]:
        """What the database holds against the model; [] when they agree and the file is sound."""
        problems = list(self.outcomes.problems)
        if self.guard_report.exists():
            problems.append(f"a database file was opened outside SQLite:\n{self.guard_report.read_text()}")
        if self.db_is_file:
            path = Path(self.db)
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                check = conn.execute("PRAGMA integrity_check").fetchall()
            finally:
                conn.close()
            if check != [("ok",)]:
                problems.append(f"integrity_check: {check[:5]}")
        held = self.held()
        for email, expected in self.model.items():
            got = held.get(email, {})
            for title in set(expected) | set(got):
                if title in self.unknown[email]:
                    continue
                if expected.get(title) != got.get(title):
                    problems.append(f"{email} {title}: reported {expected.get(title)!r}, the database holds {got.get(title)!r}")
        return problems
