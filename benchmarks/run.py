"""Benchmarks of the targets in issue 4, on the real `tui-tasks` in a real terminal (tmux).

    python benchmarks/run.py [--sizes 1000 10000 100000] [--repeat 5] [--only startup keys]

Builds one database per size through the real import path (Taskwarrior JSON, `tui-tasks import`),
then drives the installed app in tmux and times, from the key press to the screen showing the
result (screen polled every few milliseconds): start-up, log-in, toggle, search, End, PgDn, stats.
Start-up and every navigation key (j, k, PgDn, PgUp, Home, End, f) are measured side by side with a
minimal Textual app in the same run (for the keys: a DataTable of the same number of rows), and the
ratios printed (issue 11: start-up <= 1.15x, key p95 <= 2x).
Also: import/export time and peak memory, the app's peak RSS, and `--check` against
`python -c "import sqlmodel"`. Prints a table of medians and writes benchmarks/out/results.json.
Needs tmux. Timings are wall-clock on a shared machine: read medians, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
SCRIPT = Path(sys.executable).with_name("tui-tasks")
EMAIL, PASSWORD = "bench@example.com", "bench-password"
ROUNDS = 12  # the default cost: log-in is measured with the real bcrypt check
POLL_S = 0.003


def taskwarrior_file(path: Path, count: int) -> str:
    """`count` tasks as `task export` writes them (one JSON array), seeded, spread over two years: a tenth
    are instances of weekly recurring templates (up to 5 a template, the templates written at the end), a
    fifth of the others subtasks of an earlier task (`tuitasks_parent`, any depth).

    Returns the start of the title the default list (newest first) ends with: what `End` must show (the
    oldest top task: its subtasks, if any, follow it on the same last screen)."""
    oldest = (datetime.max.replace(tzinfo=timezone.utc), 0)
    rng = random.Random(count)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    stamp = lambda moment: moment.strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    plain: list[str] = []  # uuids of tasks that can be parents
    templates: list[dict] = []
    with path.open("w") as out:
        out.write("[\n")
        for n in range(count):
            entry = start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            task = {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))), "description": f"Task {n:06} {rng.choice(WORDS)} {rng.choice(WORDS)}",
                "status": "completed" if rng.random() < 0.4 else "pending", "entry": stamp(entry), "modified": stamp(entry),
            }  # fmt: skip
            if task["status"] == "completed":
                task["end"] = stamp(entry + timedelta(days=rng.randrange(30)))
            kind = rng.random()
            if kind < 0.1:  # an instance of a weekly series
                if not templates or len(templates[-1]["mask"]) == 5:
                    first = entry + timedelta(days=rng.randrange(-30, 30))
                    templates.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128))), "status": "recurring",
                                      "description": f"Series {len(templates):05}", "recur": "weekly", "due": first,
                                      "entry": stamp(entry), "modified": stamp(entry), "mask": ""})  # fmt: skip
                template = templates[-1]
                task.update(parent=template["uuid"], imask=len(template["mask"]), recur="weekly",
                            due=stamp(template["due"] + timedelta(weeks=len(template["mask"]))))  # fmt: skip
                template["mask"] += "+" if task["status"] == "completed" else "-"
            else:
                if rng.random() < 0.6:
                    task["due"] = stamp(entry + timedelta(days=rng.randrange(-30, 90)))
                if plain and kind < 0.1 + 0.2 / 0.9:  # a fifth of all tasks: subtasks of an earlier one
                    task["tuitasks_parent"] = rng.choice(plain)
                plain.append(task["uuid"])
            if "tuitasks_parent" not in task:
                oldest = min(oldest, (entry, n))  # ties: the lowest id comes last
            if rng.random() < 0.5:
                task["priority"] = rng.choice("HML")
            if rng.random() < 0.7:
                task["project"] = rng.choice(PROJECTS)
            if rng.random() < 0.5:
                task["tags"] = rng.sample(TAGS, rng.randrange(1, 3))
            out.write(("" if n == 0 else ",\n") + json.dumps(task))
        for template in templates:
            template["due"] = stamp(template["due"])
            out.write(",\n" + json.dumps(template))
        out.write("\n]\n")
    return f"Task {oldest[1]:06} "


WORDS = "report milk dentist passport garden invoice email review budget plan call book".split()
PROJECTS = ["work", "home", "health", "admin", "garden", "travel"]
TAGS = ["urgent", "errand", "phone", "reading", "waiting", "someday"]


def environment(root: Path) -> dict[str, str]:
    # Without bytecode (PYTHONDONTWRITEBYTECODE, set in some sandboxes) every start compiles tui_tasks'
    # modules again (~25 ms here) while Textual's come compiled from its wheel: not a start a user has.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_TASKS_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        XDG_DATA_HOME=str(root / "data"), XDG_CONFIG_HOME=str(root / "config"), XDG_STATE_HOME=str(root / "state"),
        TUI_TASKS_BCRYPT_ROUNDS=str(ROUNDS), TUI_TASKS_PASSWORD=PASSWORD, TERM="xterm-256color",
    )  # fmt: skip
    return env


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command run to completion."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, usage = os.wait4(process.pid, 0)[1:]
    seconds = time.perf_counter() - started
    if process.stderr:
        process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def build_database(root: Path, count: int) -> tuple[dict[str, float], str]:
    """Register the user, then import `count` Taskwarrior tasks with the real CLI; time it."""
    env = environment(root)
    register = (
        "from tui_tasks.config import load_settings;"
        "from tui_tasks.services.facade import open_services;"
        f"s = open_services(load_settings()); s.accounts.register({EMAIL!r}, {PASSWORD!r}, 'Bench'); s.close()"
    )
    subprocess.run([sys.executable, "-c", register], env=env, check=True)
    source = root / "tasks.json"
    last_title = taskwarrior_file(source, count)
    seconds, peak = measured([str(SCRIPT), "import", str(source), "--user", EMAIL, "--format", "taskwarrior"], env)
    out = root / "export.json"
    export_s, export_peak = measured([str(SCRIPT), "export", "--user", EMAIL, "--format", "taskwarrior", "-o", str(out)], env)
    return {"import_s": seconds, "import_peak_mib": peak, "export_s": export_s, "export_peak_mib": export_peak}, last_title


class Terminal:
    """The app in a tmux session; `until` polls the screen for text and returns the seconds it took."""

    def __init__(self, command: str, env: dict[str, str], size=(120, 40)) -> None:
        self.name = f"bench-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("XDG_", "TUI_TASKS_", "TERM")))
        self.started = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        f"env -u COLUMNS -u LINES {exports} {command}; sleep 600"], check=True)  # fmt: skip

    def screen(self, colours: bool = False) -> str:
        command = ["tmux", "capture-pane", "-p", *(["-e"] if colours else []), "-t", self.name]
        return subprocess.run(command, capture_output=True, text=True).stdout

    def until_all(self, texts: tuple[str, ...], since: float, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return time.perf_counter() - since
            time.sleep(POLL_S)
        raise TimeoutError(f"{texts!r} never all appeared:\n{self.screen()}")

    def until(self, text: str, since: float, timeout: float = 60, absent: bool = False) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if (text in self.screen()) != absent:
                return time.perf_counter() - since
            time.sleep(POLL_S)
        raise TimeoutError(f"{text!r} {'stayed' if absent else 'never appeared'}:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> float:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), key], check=True)
        return time.perf_counter()

    def pid(self) -> int:
        shell = subprocess.run(["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"], capture_output=True, text=True)
        children = subprocess.run(["pgrep", "-P", shell.stdout.strip()], capture_output=True, text=True).stdout.split()
        for child in children:  # env -> tui-tasks (python)
            deeper = subprocess.run(["pgrep", "-P", child], capture_output=True, text=True).stdout.split()
            return int(deeper[0]) if deeper else int(child)
        raise RuntimeError("the app's process was not found")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("Minimal app ready")
Minimal().run()
"""

# The floor for key-to-paint: a bare DataTable of the same rows, its keys as near to the app's as Textual's
# own (j/k move the cursor, Home/End jump to the first/last row, `f` names another view in a header line and
# moves to the top: the least a view switch can paint, since the app's first change is its header too).
MINIMAL_TABLE_APP = """
import sys
from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable, Static
COUNT = int(sys.argv[1])
class MinimalTable(App):
    CSS = "DataTable { height: 1fr; }"
    BINDINGS = [Binding("j", "down"), Binding("k", "up"), Binding("f", "switch"),
                Binding("end", "last", priority=True), Binding("home", "first", priority=True)]
    views = 0
    def compose(self):
        yield Static("All tasks", id="header")
        yield DataTable(cursor_type="row")
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("", "Title", "Due", "Project")
        table.add_rows((" ", f"Task {n:06} report milk", "tomorrow", "work") for n in range(COUNT))
        table.focus()
        self.query_one("#header", Static).update("Minimal table ready")
    def action_down(self):
        self.query_one(DataTable).action_cursor_down()
    def action_up(self):
        self.query_one(DataTable).action_cursor_up()
    def action_last(self):
        self.query_one(DataTable).move_cursor(row=COUNT - 1)
    def action_first(self):
        self.query_one(DataTable).move_cursor(row=0)
    def action_switch(self):
        self.views += 1
        self.query_one("#header", Static).update(f"View {self.views}")
        self.query_one(DataTable).move_cursor(row=0)
MinimalTable().run()
"""


def startup(root: Path, env: dict[str, str]) -> dict[str, float]:
    """Process start -> log-in screen painted, against a one-line Textual app (the floor).

    Two marks: the first text of the screen ("Password"), and the screen complete (the password
    field's placeholder and the footer's last key: Textual paints the fields and border a frame later)."""
    minimal = root / "minimal.py"
    minimal.write_text(MINIMAL_APP)
    floor = Terminal(f"{sys.executable} {minimal}", env)
    floor_s = floor.until("Minimal app ready", floor.started)
    floor.close()
    app = Terminal(str(SCRIPT), env)
    first_s = app.until("Password", app.started)
    complete_s = app.until_all(("8 to 72 bytes", "palette"), app.started)
    app.close()
    return {"startup_s": first_s, "startup_complete_s": complete_s, "minimal_app_s": floor_s,
            "startup_ratio": complete_s / floor_s}  # fmt: skip


NAV_KEYS = (("j", "j"), ("k", "k"), ("PgDn", "PageDown"), ("PgUp", "PageUp"), ("End", "End"), ("Home", "Home"),
            ("f", "f"))  # fmt: skip


def key_latencies(app: Terminal, presses: int) -> dict[str, float]:
    """p95 of key -> the screen changed (colours included: j/k move only the highlight), per key.

    j then k, PgDn then PgUp, End/Home in turn, f cycling: every press changes the screen."""
    results: dict[str, float] = {}
    for name, key in NAV_KEYS:
        if name == "Home":
            continue  # measured with End, in turn
        times: dict[str, list[float]] = {}
        for n in range(presses):
            pair = (("End", "End"), ("Home", "Home"))[n % 2] if name == "End" else (name, key)
            time.sleep(0.15)  # the previous key's work is done: one key at a time, as a person presses them
            before = app.screen(colours=True)
            sent = app.keys(pair[1])
            times.setdefault(pair[0], []).append(_changed(app, before, sent, colours=True))
        for label, values in times.items():
            results[f"key_{label}_p95_s"] = _p95(values)
    return results


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def keys_side_by_side(root: Path, env: dict[str, str], count: int, presses: int) -> dict[str, float]:
    """The app's key p95s (logged in, the whole list) and a minimal DataTable app's, in the same run."""
    minimal = root / "minimal_table.py"
    minimal.write_text(MINIMAL_TABLE_APP)
    floor = Terminal(f"{sys.executable} {minimal} {count}", env)
    floor.until("Minimal table ready", floor.started, timeout=300)
    time.sleep(0.5)
    floor_keys = key_latencies(floor, presses)
    floor.close()
    app = Terminal(str(SCRIPT), env)
    app.until("Password", app.started)
    time.sleep(1.0)
    if EMAIL not in app.screen():
        app.keys(EMAIL, literal=True)
        time.sleep(0.1)
        app.keys("Tab")
        time.sleep(0.2)
    app.keys(PASSWORD, literal=True)
    app.until(" shown", app.keys("Enter"))  # whichever filter the last run left (the app remembers it)
    time.sleep(0.5)
    app_keys = key_latencies(app, presses)
    for _ in range(10):  # back to the whole list, which the next run (and `session`) expects
        if f"{count} shown" in app.screen():
            break
        app.keys("f")
        time.sleep(0.5)
    app.keys("q")
    app.close()
    out = {f"app_{k}": v for k, v in app_keys.items()} | {f"minimal_{k}": v for k, v in floor_keys.items()}
    for key in app_keys:
        out[f"ratio_{key}"] = app_keys[key] / floor_keys[key]
    return out


def session(root: Path, env: dict[str, str], count: int, last_title: str) -> dict[str, float]:
    """One run of the app: log in, toggle, search, End, PgDn, stats; and its peak RSS."""
    app = Terminal(str(SCRIPT), env)
    results: dict[str, float] = {}
    app.until("Password", app.started)
    time.sleep(1.0)  # the database opens in the background while the log-in screen shows
    if EMAIL not in app.screen():  # the first run: nothing remembered yet
        app.keys(EMAIL, literal=True)
        time.sleep(0.1)
        app.keys("Tab")
        time.sleep(0.2)
    app.keys(PASSWORD, literal=True)
    sent = app.keys("Enter")
    results["login_to_rows_s"] = app.until("Task ", sent)
    app.until("pending", sent)
    time.sleep(0.3)  # the list settles (the counts arrive after the rows)
    toggles = []
    for _ in range(5):  # the first toggle also compiles its statements; the median is the usual cost
        header = next(line for line in app.screen().splitlines() if "pending" in line)
        sent = app.keys("Space")
        toggles.append(app.until(header, sent, absent=True))
        time.sleep(0.2)
    results["toggle_s"] = statistics.median(toggles)
    app.keys("/")
    time.sleep(0.3)  # the focus moves to the search box before the text is sent
    app.keys("Task 00004", literal=True)  # several matches (words ANDed: 000040-000049, 000004, ...)
    app.until("Task 000040", time.perf_counter())  # shown, or the measure below reads 0: already absent
    time.sleep(1.5)
    sent = app.keys("2", literal=True)  # the keystroke measured: ten matches become one
    results["search_s"] = app.until("Task 000040", sent, absent=True)  # the rows narrowed to Task 000042
    app.keys("Escape")
    app.until(f"{count} shown", time.perf_counter())
    # A search the rows held cannot answer: a rare word typed into an empty box (its last key measured,
    # debounce included), which the database must find among all the tasks.
    top = re.search(r"Task \d{6}", app.screen()).group()  # the first row of the whole list
    app.keys("/")
    time.sleep(0.3)
    app.keys("00001", literal=True)
    sent = app.keys("3", literal=True)
    app.until("Task 000013", sent)  # only Task 000013 has "000013" (then the rows before it went)
    results["search_fresh_s"] = app.until(top, sent, absent=True)
    app.until(" 1 shown", sent)  # its count too, or the next wait would pass on the count still shown
    app.keys("Escape")
    app.until(top, time.perf_counter())
    app.until(f"{count} shown", time.perf_counter())
    time.sleep(0.3)  # the list settles (focus back from the search box) before End
    sent = app.keys("End")
    results["end_s"] = app.until(last_title, sent)  # the list's last task, read directly
    pages = []
    app.keys("g")
    time.sleep(0.3)
    for _ in range(5):
        before = app.screen()
        sent = app.keys("PageDown")
        pages.append(_changed(app, before, sent))
    results["pgdn_s"] = statistics.median(pages)
    sent = app.keys("t")
    results["stats_s"] = app.until("% ", sent)  # the completion rate: the numbers have arrived
    app.keys("Escape")
    app.until("Task ", time.perf_counter())
    time.sleep(0.3)
    sent = app.keys("c")  # the agenda: its sections have arrived (at today's clock most tasks are overdue)
    results["agenda_s"] = app.until("Overdue", sent)
    app.keys("Escape")
    app.until("Task ", time.perf_counter())
    time.sleep(0.3)
    sent = app.keys("m")  # the month: its counts have arrived
    results["month_s"] = app.until("tasks due", sent)
    app.keys("Escape")
    app.until("Task ", time.perf_counter())
    time.sleep(0.3)
    app.keys("w")  # the saved views (made for the user the first time), then the first one: Inbox
    app.until("Upcoming", time.perf_counter())
    time.sleep(0.3)
    sent = app.keys("Enter")
    results["view_s"] = app.until("Inbox ·", sent)  # the header names the view once its rows are in
    app.until("shown", sent)
    with open(f"/proc/{app.pid()}/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM"))
    results["app_peak_rss_mib"] = int(peak.split()[1]) / 1024
    app.keys("q")
    app.close()
    return results


def _changed(app: Terminal, before: str, sent: float, colours: bool = False) -> float:
    deadline = sent + 10
    while time.perf_counter() < deadline:
        if app.screen(colours) != before:
            return time.perf_counter() - sent
        time.sleep(POLL_S)
    return float("nan")


def check_vs_sqlmodel(env: dict[str, str], repeat: int) -> dict[str, float]:
    check = [measured([str(SCRIPT), "--check"], env)[0] for _ in range(repeat)]
    floor = [measured([sys.executable, "-c", "import sqlmodel"], env)[0] for _ in range(repeat)]
    return {"check_s": statistics.median(check), "import_sqlmodel_s": statistics.median(floor)}


def run_sizes(sizes: list[int], repeat: int, report: dict, only: set[str], presses: int) -> None:
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix=f"tui-tasks-bench-{count}-") as scratch:
            root = Path(scratch)
            env = environment(root)
            print(f"{count} tasks: building through the import path…", file=sys.stderr)
            row: dict[str, list[float]] = {}
            built, last_title = build_database(root, count)
            for key, value in built.items():
                row.setdefault(key, []).append(value)
            for _ in range(repeat):
                measures = {}
                if "startup" in only:
                    measures |= startup(root, env)
                if "session" in only:
                    measures |= session(root, env, count, last_title)
                if "keys" in only:
                    measures |= keys_side_by_side(root, env, count, presses)
                for key, value in measures.items():
                    row.setdefault(key, []).append(value)
            if "check" in only:
                for key, value in check_vs_sqlmodel(env, repeat).items():
                    row.setdefault(key, []).append(value)
            report["sizes"][count] = {key: statistics.median(values) for key, values in row.items()}
            print(json.dumps({count: report["sizes"][count]}, indent=1), file=sys.stderr)


PARTS = ("startup", "session", "keys", "check")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS), help="which measures (default: all)")
    parser.add_argument("--presses", type=int, default=20, help="presses of each navigation key per run (p95 of them)")
    args = parser.parse_args()
    if shutil.which("tmux") is None or not SCRIPT.exists():
        sys.exit("benchmarks need tmux and the installed tui-tasks script next to this python")
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "sizes": {}}  # fmt: skip
    # One session lives throughout: when the last one closes, the tmux server exits, and a session
    # started in that moment fails with "server exited unexpectedly".
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__import__("tui_tasks").__file__).parent)],
                   check=True, stdout=subprocess.DEVNULL)  # as an installed package has it  # fmt: skip
    keeper = f"bench-keeper-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", keeper, "sleep 86400"], check=True)
    try:
        run_sizes(args.sizes, args.repeat, report, set(args.only), args.presses)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", keeper], check=False)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(report, indent=2))
    keys = list(next(iter(report["sizes"].values())))
    print(f"{'measure (median)':<30}" + "".join(f"{size:>12}" for size in report["sizes"]))
    for key in keys:
        print(f"{key:<30}" + "".join(f"{report['sizes'][size][key]:>12.3f}" for size in report["sizes"]))


if __name__ == "__main__":
    main()
