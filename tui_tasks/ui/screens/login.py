"""Log in, or create an account (ctrl+n switches).

The first paint of the app is this screen, so it starts small (start-up is measured against a bare
Textual app, and each widget costs it ~1 ms): what is hidden at first (the account fields, the error
lines, the busy indicator) is mounted, and its modules imported, when first needed; its buttons and
footer are light ones (`FormButton`, `KeyHints`: one frame, a few lines of CSS).
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, Static

from tui_tasks.state import load_state, save_state
from tui_tasks.errors import ValidationError
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.widgets.form_button import FormButton
from tui_tasks.ui.widgets.key_hints import KeyHints

FIELDS = ("email", "password", "confirm", "display_name")
LABELS = {  # field -> (label, password, placeholder)
    "email": ("Email", False, "you@example.com"),
    "password": ("Password", True, "8 to 72 bytes"),
    "confirm": ("Confirm password", True, "type it again"),
    "display_name": ("Display name", False, "optional"),
}


def _labelled(name: str, *, blink: bool) -> tuple[Static, Input]:
    """A field's label and input."""
    label, password, placeholder = LABELS[name]
    field = Input(id=name, password=password, placeholder=placeholder, compact=True)
    field.cursor_blink = blink
    return Static(label), field


def _field(name: str, *, blink: bool) -> Vertical:
    """A field that is hidden at first, with its error line, in a box that CSS shows when creating."""
    from tui_tasks.ui.widgets.error_label import ErrorLabel  # error lines come after the first paint (see module)

    return Vertical(*_labelled(name, blink=blink), ErrorLabel(id=f"{name}-error"), classes=f"field field-{name}")


def _heading(mode: str) -> Content:
    """The box's title and what it does ("Log in", "Create account"): one widget (each costs the start)."""
    return Content.assemble(("tui-tasks", "bold $primary"), "\n", (mode, "bold"))


class LoginScreen(Screen[None]):
    """The first screen: email and password; creating an account adds a confirmation and a name."""

    COMMAND_CATEGORY = "Log in"
    BINDINGS = [
        Binding("ctrl+n", "switch_mode", "Log in ⇄ New account", id="login.switch_mode"),
        # A priority binding, as the app's own ctrl+q: else the app's (shown nowhere) hides it from the footer.
        Binding("ctrl+q", "app.quit", "Quit", id="login.quit", priority=True),
    ]
    # Below 50 columns the box's buttons ("Log in", "Create account instead": 41 cells with their gap, in a
    # box whose content is 6 cells narrower than the box, less 2 for the screen's scrollbar) stack.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (50, "-wide")]

    creating: reactive[bool] = reactive(False, init=False)
    busy: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.refused: dict[str, str] = {}  # field -> the value its error is about

    def compose(self) -> ComposeResult:
        # Email and password are the box's own children (no field container each): every widget costs the
        # start some 1 ms; their error lines are mounted after the first paint, below them.
        with Vertical(id="login-box"):
            yield Static(_heading("Log in"), id="login-mode")
            for name in FIELDS[:2]:
                yield from _labelled(name, blink=self.app.live)
            with Horizontal(id="login-buttons"):
                yield FormButton("Log in", id="submit", variant="primary")
                yield FormButton("Create account instead", id="switch")
        yield KeyHints()

    def on_mount(self) -> None:
        email = load_state(self.app.settings.db).get("last_email")
        if isinstance(email, str) and email:
            self.query_one("#email", Input).value = email
            self.query_one("#password", Input).focus()
        else:
            self.query_one("#email", Input).focus()

    def _mount_hidden(self) -> AwaitComplete:
        """Mount, once, what is hidden at first: the account fields, the error lines, the busy indicator."""
        if self.query("#form-error"):
            return AwaitComplete.nothing()
        from tui_tasks.ui.widgets.error_label import ErrorLabel

        box = self.query_one("#login-box")
        extra = [_field(name, blink=self.app.live) for name in FIELDS[2:]]
        return AwaitComplete(
            *(box.mount(ErrorLabel(id=f"{name}-error"), after=f"#{name}") for name in FIELDS[:2]),
            box.mount_all([*extra, ErrorLabel(id="form-error")], before="#login-buttons"),
            box.mount(LoadingIndicator(id="login-busy")),
        )

    def watch_creating(self, creating: bool) -> None:
        self.set_class(creating, "-creating")
        self.query_one("#login-mode", Static).update(_heading("Create account" if creating else "Log in"))
        self.query_one("#submit", FormButton).label = "Create account" if creating else "Log in"
        self.query_one("#switch", FormButton).label = "Log in instead" if creating else "Create account instead"
        self._clear_errors()
        self._focus_a_field(creating)

    def _focus_a_field(self, creating: bool) -> None:
        """The focus lands on a field the mode shows: else it is left on a hidden one (nothing focused), and a
        Tab puts it in Email, where a password being typed would show in clear."""
        email = self.query_one("#email", Input)
        if creating:
            email.focus()
        elif self.focused is None or self.focused.id not in ("email", "password"):  # stay in a field still shown
            (self.query_one("#password", Input) if email.value else email).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._show_focused, event.widget)

    def _show_focused(self, widget: Widget) -> None:
        """Scroll the focused widget into view above the key hints (a button focused at 40x15 was under them):
        Textual scrolls only to a widget it finds outside the screen, which counts the hints' line as seen,
        and its `scroll_to_widget` misses the box's padding (it scrolls a line short). The widget's region
        is where it is drawn; plus the scroll, where it is in the screen's content."""
        if widget is self.focused and widget.region:
            gutter = self.query_one("#login-box").dock_gutter  # the hints' line
            self.scroll_to_region(widget.region.translate(self.scroll_offset), spacing=gutter, animate=False)

    def watch_busy(self, busy: bool) -> None:
        self._mount_hidden()
        self.set_class(busy, "-busy")
        for widget in (*self.query(Input), *self.query(FormButton)):
            widget.disabled = busy

    async def action_switch_mode(self) -> None:
        await self._mount_hidden()  # before the next key: a tab typed right after ctrl+n finds the new fields
        self.creating = not self.creating

    @on(FormButton.Pressed, "#switch")
    async def _switch_pressed(self) -> None:
        await self.action_switch_mode()

    @on(FormButton.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.submit()

    @on(Input.Submitted)
    def _enter_pressed(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; in the last one it submits."""
        visible = [f for f in FIELDS if self.creating or f in ("email", "password")]
        name = event.input.id or ""
        if name in visible and name != visible[-1]:
            self.query_one(f"#{visible[visible.index(name) + 1]}", Input).focus()
        else:
            self.submit()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """An error goes as soon as its field is edited (to something other than what was refused)."""
        if event.value != self.refused.get(event.input.id or ""):
            for label in self.query(f"#{event.input.id}-error"):  # none before they are mounted
                label.show("")

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def _clear_errors(self) -> None:
        for label in self.query("ErrorLabel"):  # by name: the module is imported with the first error line
            label.show("")

    def show_error(self, field: str, message: str) -> None:
        """Show `message` under the field it belongs to (or under the form)."""
        self._mount_hidden()
        if field in FIELDS:
            self.refused[field] = self._value(field)
        target = f"#{field}-error" if field in FIELDS else "#form-error"
        self.query_one(target).show(message)
        if field in FIELDS:
            self.query_one(f"#{field}", Input).focus()

    def submit(self) -> None:
        if self.busy:
            return
        self._clear_errors()
        email, password = self._value("email"), self._value("password")
        if self.creating:
            from tui_tasks.services.validation import password_bytes  # (not needed for the first paint)

            try:  # the password's own fault first: a short one unconfirmed is too short, not "do not match"
                password_bytes(password)
            except ValidationError as error:
                self.show_error("password", error.message)
                return
            if password != self._value("confirm"):
                self.show_error("confirm", "Passwords do not match")
                return
        creating = self.creating
        name = self._value("display_name") if creating else ""

        def call(services):
            if creating:
                user = services.accounts.register(email, password, name or None)
            else:
                user = services.accounts.log_in(email, password)
            save_state(services.db.target, last_email=user.email)
            return user

        from tui_tasks.ui.messages import LoggedIn  # with the read models: not needed for the first paint

        self.busy = True
        self.app.run_service(self, call, LoggedIn, group="login", tag="login")

    def on_logged_in(self) -> None:  # by name: messages.py comes with the read models, after the first paint
        """The task list opens over the app's first log-in screen, which stays under it: without the password."""
        self.query_one("#password", Input).value = ""
        self.busy = False

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        event.stop()
        self.busy = False
        field = event.error.field if isinstance(event.error, ValidationError) else "password"
        self.show_error(field, event.error.message)
