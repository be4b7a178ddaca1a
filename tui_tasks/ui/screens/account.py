"""Account screen (being built)."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static


class AccountScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="account.back")]

    def compose(self):
        yield Static("Account")
        yield Footer()
