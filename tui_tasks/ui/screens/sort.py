"""Choose the list's order: a field and a direction."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_tasks.domain import SortField
from tui_tasks.ui.widgets.filter_bar import sort_name

FIELDS = (SortField.URGENCY, *(field for field in SortField if field is not SortField.URGENCY))  # "next" first
CHOICES = [
    (field, descending)
    for field in FIELDS
    for descending in ((True, False) if field in (SortField.URGENCY, SortField.CREATED, SortField.UPDATED,
                                                  SortField.PRIORITY) else (False, True))  # fmt: skip
]
LABELS = {
    SortField.URGENCY: ("most urgent first", "least urgent first"),
    SortField.CREATED: ("newest first", "oldest first"),
    SortField.UPDATED: ("recently changed first", "least recently changed first"),
    SortField.DUE: ("latest due first", "soonest due first"),
    SortField.PRIORITY: ("highest first", "lowest first"),
    SortField.TITLE: ("Z to A", "A to Z"),
}


class SortScreen(ModalScreen[tuple[SortField, bool] | None]):
    """Dismissed with (field, descending), or None on escape."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="sort.cancel")]

    def __init__(self, field: SortField, descending: bool) -> None:
        super().__init__()
        self.current = (field, descending)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Sort tasks by", classes="dialog-title")
            yield OptionList(
                *(Option(f"{sort_name(field):<9} {LABELS[field][0 if desc else 1]}", id=f"{field.value}:{int(desc)}")
                  for field, desc in CHOICES)  # fmt: skip
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = CHOICES.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(CHOICES[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
