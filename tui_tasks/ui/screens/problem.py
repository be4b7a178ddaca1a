"""Shown instead of the app when the database cannot be opened at start."""

from __future__ import annotations

import shlex

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui_tasks import locations

EXIT_FAILED = 1  # cli.ExitCode.FAILED: a script that started the app learns it could not be used


class ProblemScreen(Screen[None]):
    """The reason the database cannot be used, and where to look next. Leaving it ends the app with
    exit code 1."""

    BINDINGS = [Binding("q,escape,ctrl+q", "leave", "Quit", id="problem.quit")]
    LEAVES_THE_APP = True  # the app's ctrl+q (a priority binding) leaves through `action_leave`: exit code 1

    def __init__(self, place: str, reason: str) -> None:
        super().__init__()
        self.place = place
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="problem-box"):
                yield Static("The database cannot be used", id="problem-title")
                yield Static(self.place, id="problem-place", markup=False)
                yield Static(self.reason, id="problem-reason", markup=False)
                yield Static(f"Run  {check_command(self.place)}  for a full report.", id="problem-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.app.use_command_palette = False  # its "Quit" would end the app as if all were well

    def action_leave(self) -> None:
        self.app.exit(return_code=EXIT_FAILED)


def check_command(place: str) -> str:
    """The `--check` that reports on this database: with `--db` unless it is the default one. `place`
    is the database as settings display it (a server password already shown as ***)."""
    if place == str(locations.default_database()):
        return "tui-tasks --check"
    return f"tui-tasks --check --db {shlex.quote(place)}"
