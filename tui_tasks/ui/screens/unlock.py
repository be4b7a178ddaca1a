"""The idle lock: the same user's password again, over the screen that was showing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_tasks.domain import UserView
from tui_tasks.errors import AccountLocked, AuthError
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.keys_in_force import key_in_force
from tui_tasks.ui.widgets.error_label import ErrorLabel
from tui_tasks.ui.messages import Unlocked


class UnlockScreen(ModalScreen[None]):
    """Hides everything until the password is given; ctrl+l logs out instead. The screens under it
    keep their state (a half-typed form included)."""

    BINDINGS = [Binding("ctrl+l", "log_out", "Log out", id="unlock.log_out")]

    def __init__(self, user: UserView) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box", classes="dialog"):
            yield Static("Locked after a while without input", classes="dialog-title")
            yield Static(f"Password for {self.user.email}", markup=False)
            yield Input(id="unlock-password", password=True, compact=True)
            yield ErrorLabel(id="unlock-error")
            yield Static(f"enter unlock · {key_in_force(self, 'unlock.log_out')} log out · {key_in_force(self.app, 'app.quit')} quit", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.app.live
        field.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        password, email = event.value, self.user.email
        event.input.disabled = True
        self.app.run_service(
            self, lambda services: services.accounts.log_in(email, password), lambda _: Unlocked(), tag="unlock"
        )

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        event.stop()
        field = self.query_one(Input)
        field.disabled = False
        field.value = ""
        field.focus()
        locked = isinstance(event.error, AccountLocked) or not isinstance(event.error, AuthError)
        self.query_one("#unlock-error", ErrorLabel).show(event.error.message if locked else "Wrong password")

    @on(Unlocked)
    def _unlocked(self) -> None:
        self.dismiss()

    def action_log_out(self) -> None:
        self.app.action_log_out()
