"""Shown instead of the app when the database cannot be opened at start."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static


class ProblemScreen(Screen[None]):
    """The reason the database cannot be used, and where to look next."""

    BINDINGS = [Binding("q,escape,ctrl+q", "app.quit", "Quit", id="problem.quit")]

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
                yield Static("Run  tui-tasks --check  for a full report.", id="problem-hint")
        yield Footer(compact=True)
