"""A question with a few answers, each a button with its own key: the series question, the snooze choices."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

BUTTON_MIN = 16  # a compact Button's min-width
BUTTON_GAP = 1  # .dialog-buttons Button's margin-right


def row_width(labels: Sequence[str]) -> int:
    """Cells compact buttons with these labels take side by side: each its label and a space either side
    (at least BUTTON_MIN), and the gap after it."""
    return sum(max(BUTTON_MIN, cell_len(label) + 2) + BUTTON_GAP for label in labels)


class WholeButtons:
    """For a dialog screen: its `.dialog-buttons` rows stack their buttons one a line (the screen's class
    `-stacked`) when they don't fit whole side by side, so that a label is never cut ("Dism", "Cancel (e")."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit_buttons)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_buttons)

    def fit_buttons(self) -> None:
        if not self.is_attached:
            return
        rows = list(self.query(".dialog-buttons"))
        stacked = any(row_width([str(b.label) for b in row.query(Button)]) > row.size.width for row in rows if row.size.width)
        self.set_class(stacked, "-stacked")


class ChoiceScreen(WholeButtons, ModalScreen[str | None]):
    """Dismissed with the chosen answer (its key, or its button), or None (escape, or Cancel)."""

    DEFAULT_CSS = """
    ChoiceScreen .dialog-buttons { height: auto; layout: horizontal; }
    """
    BINDINGS = [Binding("escape", "choose", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, detail: str, choices: Sequence[tuple[str, str, str]], cancel: str = "Cancel") -> None:
        """`choices`: (answer, label, key) each, in the order shown; the first has the focus."""
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.choices = tuple(choices)
        self.cancel_label = cancel
        # Each question has its own keys: bound here, not in BINDINGS, so that the footer says them and
        # escape's word ("Dismiss") is the button's; the answers first, in their order, escape last.
        keys = self._bindings.key_to_bindings
        keys.pop("escape", None)
        for answer, label, key in self.choices:
            keys[key] = [Binding(key, f"choose({answer!r})", label, id=f"choice.{answer}")]
        keys["escape"] = [Binding("escape", "choose", cancel, id="choice.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.detail:
                yield Static(self.detail, classes="dialog-detail", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for n, (answer, label, key) in enumerate(self.choices):
                    yield Button(f"{label} ({key})", id=f"choice-{answer}", compact=True, variant="primary" if n == 0 else "default")
                yield Button(f"{self.cancel_label} (esc)", id="choice-cancel", compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def action_choose(self, answer: str | None = None) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        answer = (event.button.id or "").removeprefix("choice-")
        self.dismiss(None if answer == "cancel" else answer)
