"""Stats screen (being built)."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static


class StatsScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="stats.back")]

    def compose(self):
        yield Static("Stats")
        yield Footer()
