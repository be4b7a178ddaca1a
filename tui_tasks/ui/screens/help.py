"""Every key of the screen it was opened from, read from the real bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


def describe_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every binding active on `screen`, keys of one action together."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    # The screen's own keys first, then the app's, then those of the focused widget.
    ranked = sorted(
        screen.active_bindings.items(),
        key=lambda item: 0 if item[1].node is screen else 1 if item[1].node is screen.app else 2,
    )
    # Textual's own keys (copy, focus next, scrolling sideways...) are left out unless one of ours
    # does the same thing: our bindings are the ones with an id.
    ours = {(id(active.node), active.binding.action) for _key, active in ranked if active.binding.id}
    ranked = [(key, active) for key, active in ranked if (id(active.node), active.binding.action) in ours]
    for key, active in ranked:
        binding = active.binding
        action = f"{active.node.__class__.__name__}.{binding.action}"
        keys.setdefault(action, []).append(screen.app.get_key_display(Binding(key, binding.action)))
        descriptions[action] = binding.description or binding.action.replace("_", " ")
    return [(" / ".join(dict.fromkeys(keys[action])), descriptions[action]) for action in keys]


class HelpScreen(ModalScreen[None]):
    """A table of keys; escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, source: Screen) -> None:
        super().__init__()
        self.rows = describe_keys(source)
        self.hint = getattr(source, "HELP_HINT", "")  # what the keys alone do not say (quick add's syntax)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            if self.hint:
                yield Static(self.hint, classes="dialog-hint", markup=False)
            yield Static("ctrl+p opens the command palette: every action is also there.", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action")
        table.add_rows(self.rows)
        table.focus()

    def action_dismiss(self) -> None:
        self.dismiss()
