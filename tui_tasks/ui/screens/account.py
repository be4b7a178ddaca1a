"""The account ("me"): who you are and your task counts; change the password; delete the account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from tui_tasks.state import load_state, save_state
from tui_tasks.domain import TaskCounts, UserView, local_date
from tui_tasks.errors import ValidationError
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.widgets.error_label import ErrorLabel
from tui_tasks.ui.widgets.status_bar import StatusBar
from tui_tasks.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from tui_tasks.services.facade import Services

PASSWORD_FIELDS = ("old_password", "new_password", "confirm_password")
DELETE_HINT = "Deletes the account and all its tasks for good. Confirm with your password."
NARROW = 60  # columns below which labels go above their fields
PROFILE_ROWS = (("Email", "email"), ("Display name", "name"), ("Member since", "since"), ("Tasks", "counts"))


class AccountScreen(Screen[None]):
    """Profile and counts of the logged-in user. Password hashing and deleting run in workers; while
    one runs its section shows a loading indicator and leaving is held back until it has answered."""

    class Loaded(Message):
        """The account as stored now, and its task counts."""

        def __init__(self, user: UserView, counts: TaskCounts) -> None:
            super().__init__()
            self.user = user
            self.counts = counts

    class PasswordChanged(Message):
        """The new password is stored."""

    class Deleted(Message):
        """The account and all its tasks are gone."""

    COMMAND_CATEGORY = "Account"
    BINDINGS = [
        Binding("escape", "back", "Back", id="account.back"),
        Binding("ctrl+l", "app.log_out", "Log out", id="account.log_out", show=False),
    ]

    _narrow: bool | None = None  # the layout in force: labels above their fields (True) or beside them
    busy: reactive[str] = reactive("")  # the section whose service call is running: "", "password" or "delete"

    def compose(self) -> ComposeResult:
        yield Static("Account", id="account-header")
        with VerticalScroll(id="account-body"):
            with Vertical(id="account-profile", classes="account-section") as profile:
                profile.border_title = "Profile"
                for label, name in PROFILE_ROWS:
                    with Horizontal(classes="account-row"):
                        yield Label(label, classes="account-label")
                        yield Static(id=f"account-{name}", classes="account-value", markup=False)
            with Vertical(id="account-password", classes="account-section") as password:
                password.border_title = "Change password"
                yield from self._field("old_password", "Current password", "")
                yield from self._field("new_password", "New password", "8 to 72 bytes")
                yield from self._field("confirm_password", "Confirm new", "type it again")
                yield ErrorLabel(id="password-error")
                with Horizontal(classes="account-buttons"):
                    yield Button("Change password", id="change-password", variant="primary", compact=True)
            with Vertical(id="account-delete", classes="account-section") as delete:
                delete.border_title = "Delete account"
                yield Static(DELETE_HINT, classes="account-hint")
                with Horizontal(classes="account-row"):
                    yield Label("Your password", classes="account-label")
                    yield Input(id="delete_password", password=True, compact=True)
                    yield Button("Delete account", id="delete-account", variant="error", compact=True)
                yield ErrorLabel(id="delete_password-error")
        yield StatusBar()
        yield KeyFooter()

    def on_resize(self) -> None:
        self._fit(self.size.width < NARROW)

    def _fit(self, narrow: bool) -> None:
        """Below NARROW columns each label goes above its field, full width, so no field or button is
        squeezed out of sight. Inline styles: the app's stylesheet sets the wide layout, and it outranks a
        screen's DEFAULT_CSS."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        for row in self.query(".account-row"):
            row.styles.layout = "vertical" if narrow else "horizontal"
        for label in self.query(".account-label"):
            if narrow:
                label.styles.width = "100%"
            else:
                label.styles.clear_rule("width")
        for widget in (*self.query(ErrorLabel), *self.query(".account-buttons"), self.query_one("#delete-account")):
            if narrow:
                widget.styles.margin = (0, 0, 0, 0)
            else:
                widget.styles.clear_rule("margin")

    def _field(self, name: str, label: str, placeholder: str) -> ComposeResult:
        with Horizontal(classes="account-row"):
            yield Label(label, classes="account-label")
            yield Input(id=name, password=True, placeholder=placeholder, compact=True)
        yield ErrorLabel(id=f"{name}-error")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.app.live
        user = self.app.user
        self._show_user(user)
        self.query_one("#account-counts", Static).update("…")
        self.query_one("#old_password", Input).focus()
        self.app.run_service(
            self, lambda s: (s.accounts.me(user), s.stats.counts(user)), lambda r: self.Loaded(*r), tag="load"
        )

    def _show_user(self, user: UserView) -> None:
        self.query_one("#account-email", Static).update(user.email)
        self.query_one("#account-name", Static).update(user.display_name)
        self.query_one("#account-since", Static).update(local_date(user.created_at).isoformat())

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self._show_user(event.user)
        c = event.counts
        self.query_one("#account-counts", Static).update(f"{c.pending} pending · {c.done} done · {c.total} total")

    # --- leaving --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Leaving mid-call would drop its answer: the user would not know whether the password changed.
        return None if action == "back" and self.busy else True

    def action_back(self) -> None:
        self.dismiss()

    def watch_busy(self, busy: str) -> None:
        for section in ("password", "delete"):
            self.query_one(f"#account-{section}").loading = busy == section
        for widget in (*self.query(Input), *self.query(Button)):
            widget.disabled = bool(busy)
        self.refresh_bindings()

    # --- errors ---------------------------------------------------------------------------------
    def show_error(self, field: str, message: str, fallback: str) -> None:
        """Show `message` under the input named `field`, or under its section (`fallback`)."""
        target = self.query(f"#{field}-error")
        (target.first(ErrorLabel) if target else self.query_one(f"#{fallback}-error", ErrorLabel)).show(message)
        if field in (*PASSWORD_FIELDS, "delete_password"):
            self.query_one(f"#{field}", Input).focus()

    def _clear_errors(self, *names: str) -> None:
        for name in names:
            self.query_one(f"#{name}-error", ErrorLabel).show("")

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        if event.tag not in ("password", "delete"):
            return  # loading failed: the app's notification says why
        event.stop()
        self.busy = ""
        section = "password" if event.tag == "password" else "delete_password"
        # The delete section has one field: every refusal there (a wrong password, the lock) is about it.
        field = event.error.field if section == "password" and isinstance(event.error, ValidationError) else section
        self.show_error(field, event.error.message, section)

    # --- change password ------------------------------------------------------------------------
    @on(Input.Submitted, "#old_password, #new_password")
    def _next_field(self, event: Input.Submitted) -> None:
        self.query_one(f"#{PASSWORD_FIELDS[PASSWORD_FIELDS.index(event.input.id) + 1]}", Input).focus()

    @on(Input.Submitted, "#confirm_password")
    @on(Button.Pressed, "#change-password")
    def change_password(self) -> None:
        """Check the confirmation here, then let the service check the rest (it hashes: a worker)."""
        if self.busy:
            return
        self._clear_errors(*PASSWORD_FIELDS, "password")
        old, new, confirm = (self.query_one(f"#{name}", Input).value for name in PASSWORD_FIELDS)
        if new != confirm:
            self.show_error("confirm_password", "Passwords do not match", "password")
            return
        user = self.app.user
        self.busy = "password"
        self.app.run_service(
            self, lambda s: s.accounts.change_password(user, old, new), lambda _: self.PasswordChanged(),
            write=True, group="account", tag="password",
        )  # fmt: skip

    @on(PasswordChanged)
    def _password_changed(self) -> None:
        self.busy = ""
        for name in PASSWORD_FIELDS:
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#old_password", Input).focus()
        self.notify("Password changed", title="Account")

    # --- delete account -------------------------------------------------------------------------
    @on(Input.Submitted, "#delete_password")
    @on(Button.Pressed, "#delete-account")
    def delete_account(self) -> None:
        """Delete the account and all its tasks if the password typed is the account's (the service checks
        it and counts a wrong one as a failed log-in)."""
        if self.busy:
            return
        self._clear_errors("delete_password")
        user, typed = self.app.user, self.query_one("#delete_password", Input).value

        def call(services: Services) -> None:
            services.accounts.delete_account(user, typed)
            if load_state(services.db.target).get("last_email") == user.email:  # not offered at the next log-in
                save_state(services.db.target, last_email="")

        self.busy = "delete"
        self.app.run_service(self, call, lambda _: self.Deleted(), write=True, group="account", tag="delete")

    @on(Deleted)
    def _deleted(self) -> None:
        email = self.app.user.email
        self.app.action_log_out()
        self.app.notify(f"Account {email} and all its tasks were deleted", title="Account deleted", markup=False)
