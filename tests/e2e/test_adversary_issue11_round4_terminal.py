"""Adversary, issue 11, round 4: the installed tui-tasks in tmux; what the table keeps drawn after a theme change."""

from __future__ import annotations

import re
import subprocess
import time

from tests.e2e.test_terminal import SCRIPT, Terminal, terminal_env, with_services


def colour_of_done_mark(window: Terminal) -> str:
    """The SGR codes in force where the first ✓ is painted (colours only show with -e)."""
    shown = subprocess.run(["tmux", "capture-pane", "-p", "-e", "-t", window.name], capture_output=True, text=True).stdout
    line = next(line for line in shown.splitlines() if "✓" in line)
    before = line[: line.index("✓")]
    return [code for code in re.findall(r"\x1b\[([0-9;]*)m", before) if code.startswith("38;")][-1]


def open_list(env: dict[str, str], remembered: bool = False) -> Terminal:
    window = Terminal(f"{SCRIPT}; sleep 30", env)
    if remembered:  # the last email is filled in and the password has the focus
        window.wait_for("kim@example.com")
        window.type("kims-password")
        window.keys("Enter")
    else:
        window.log_in("kim@example.com", "kims-password")
    window.wait_for("finished")
    time.sleep(0.5)
    return window


def test_a_theme_changed_from_the_palette_repaints_the_rows_as_a_fresh_start_does(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, "u = s.accounts.register('kim@example.com', 'kims-password', 'Kim');"
                       "t = s.tasks.create(u, TaskDraft('finished')); s.tasks.toggle(u, t.id, t.version);"
                       "s.tasks.create(u, TaskDraft('still open'))")  # on top: the cursor's row is not the ✓'s
    first = open_list(env)
    try:
        dark = colour_of_done_mark(first)
        first.keys("C-p")
        first.wait_for("Search for commands")
        first.type("theme")
        first.keys("Enter")
        time.sleep(0.8)
        first.type("nord")
        first.keys("Enter")
        deadline = time.monotonic() + 10
        while 'theme = "nord"' not in "".join(p.read_text() for p in (tmp_path / "config").rglob("*.toml")):
            assert time.monotonic() < deadline, "the theme was not changed"
            time.sleep(0.2)
        time.sleep(0.5)
        changed = colour_of_done_mark(first)
    finally:
        first.close()
    fresh = open_list(env, remembered=True)  # starts with theme nord (saved)
    try:
        afresh = colour_of_done_mark(fresh)
    finally:
        fresh.close()
    assert afresh != dark  # nord's success colour is not textual-dark's
    assert changed == afresh, (dark, changed, afresh)
