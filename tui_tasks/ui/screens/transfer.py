"""Import… and Export… from the command palette: a path, a format, a progress bar, a notification."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.widgets.error_label import ErrorLabel

# The same names as tui_tasks.services.formats.FORMATS (not imported: the UI loads no storage code).
FORMATS = ("json", "csv", "taskwarrior", "todotxt")


class TransferScreen(ModalScreen[str | None]):
    """Dismissed with a one-line summary of what was imported or exported, or None if cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="transfer.cancel")]

    class Progressed(Message):
        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TransferScreen.Progressed)

    class Finished(Message):
        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, exporting: bool) -> None:
        super().__init__()
        self.exporting = exporting
        self.running = False

    def compose(self) -> ComposeResult:
        verb = "Export tasks to" if self.exporting else "Import tasks from"
        choices = [(f, f) for f in FORMATS] if self.exporting else [("auto (by name and content)", "auto")] + [
            (f, f) for f in FORMATS
        ]
        with Vertical(classes="dialog"):
            yield Static(verb, classes="dialog-title")
            with Vertical(classes="field"):
                yield Label("File")
                yield Input(placeholder="~/tasks.json", id="path", compact=True)
                yield ErrorLabel(id="path-error")
            with Vertical(classes="field"):
                yield Label("Format")
                yield Select(choices, value=choices[0][1], allow_blank=False, id="format", compact=True)
            yield ProgressBar(total=1.0, show_eta=False, id="progress")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export" if self.exporting else "Import", id="go", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        field = self.query_one("#path", Input)
        field.cursor_blink = self.app.live
        field.focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def start(self) -> None:
        if self.running:
            return
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.query_one("#path-error", ErrorLabel).show("Give a file")
            return
        path, fmt, user = Path(text).expanduser(), self.query_one(Select).value, self.app.user
        self.running = True
        self.query_one("#path-error", ErrorLabel).show("")
        self.query_one("#progress").display = True
        report = lambda progress: self.post_message(self.Progressed(progress.fraction))  # noqa: E731

        def run(services) -> str:
            from tui_tasks.services import transfer

            if self.exporting:
                count = transfer.export_tasks(services, user, path, fmt)
                return f"Exported {count} tasks to {path}"
            result = transfer.import_tasks(services, user, path, fmt, progress=report)
            return f"Imported from {path}: {result.summary}, in {result.seconds:.1f} s"

        self.app.run_service(self, run, self.Finished, write=not self.exporting, group="transfer", tag="transfer")

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.query_one(ProgressBar).update(progress=event.fraction)

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        self.dismiss(event.summary)

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        """The error stays in the dialog with the path as typed, so it can be corrected."""
        event.stop()
        self.running = False
        self.query_one("#progress").display = False
        problems = getattr(event.error, "problems", ())
        detail = "; ".join(str(p) for p in problems[:3])
        message = event.error.message + (f": {detail}" if detail else "")
        self.query_one("#path-error", ErrorLabel).show(message)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)
