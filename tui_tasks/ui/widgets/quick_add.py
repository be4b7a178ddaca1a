"""Quick add: one line at the bottom of the list that becomes a task, its parts highlighted as typed and
a preview of what Enter would save under it ("Water plants every 3 days due:today #home !high")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from tui_tasks.domain import TaskDraft
from tui_tasks.quickadd import QuickAdd, parse_quick_add

# What each kind of token looks like: a theme variable (so every theme stays readable) and a style.
TOKEN_STYLES = {"tag": ("text-accent", ""), "project": ("text-primary", "bold"), "priority": ("text-error", "bold"),
                "due": ("text-warning", "underline"), "recur": ("text-success", "underline"), "wait": ("text-secondary", "italic"),
                "parent": ("text-secondary", "bold"), "depends": ("text-secondary", "bold"), "quoted": ("", "italic")}  # fmt: skip
HINT = "#tag  !high  due:fri  every 3 days  wait:mon  project:x  parent:12  ·  enter save · tab full form · esc close"


class TokenHighlighter(Highlighter):
    """Styles each token the quick-add parser recognised in the line (the parse is kept for the preview)."""

    def __init__(self, parse: Callable[[str], QuickAdd], colors: Callable[[], dict[str, str]]) -> None:
        self.parse = parse
        self.colors = colors

    def highlight(self, text: Text) -> None:
        colors = self.colors()
        for token in self.parse(text.plain).tokens:
            variable, style = TOKEN_STYLES.get(token.kind, ("", ""))
            color = colors.get(variable, "") if variable else ""
            if color or style:
                text.stylize(f"{style} {color}".strip(), token.start, token.end)


class QuickAddLine(Input):
    """The line itself: enter or ctrl+s saves, escape closes, tab or ctrl+e opens the full form."""

    BINDINGS = [
        Binding("enter,ctrl+s", "submit", "Save", id="quick.save", key_display="⏎"),
        Binding("tab,ctrl+e", "full_form", "Full form", id="quick.full_form"),
        Binding("escape", "close", "Close", id="quick.close"),
    ]

    def action_close(self) -> None:
        self.post_message(QuickAddBar.Closed())

    def action_full_form(self) -> None:
        bar = next(a for a in self.ancestors if isinstance(a, QuickAddBar))
        self.post_message(QuickAddBar.FullFormWanted(bar.parsed().draft or TaskDraft(self.value.strip())))


class QuickAddBar(Vertical):
    """Hidden until `open()`; posts `Submitted` with the draft (the parent saves it and closes the line),
    `Closed`, or `FullFormWanted`. What was typed stays for the next `open()`, selected, unless saved."""

    DEFAULT_CSS = """
    QuickAddBar { display: none; height: auto; border-top: tall $primary; background: $surface; padding: 0 1; }
    QuickAddBar.-open { display: block; }
    QuickAddBar #quick-row { height: 1; }
    QuickAddBar #quick-prompt { width: auto; color: $text-primary; text-style: bold; padding-right: 1; }
    QuickAddBar #quick-line { width: 1fr; background: $panel; }
    QuickAddBar #quick-preview { height: 1; color: $text-success; }
    QuickAddBar.-error #quick-preview { color: $text-error; }
    QuickAddBar.-empty #quick-preview { color: $text-muted; }
    """

    class Submitted(Message):
        """Enter on a line that makes a task."""

        def __init__(self, draft: TaskDraft, text: str) -> None:
            super().__init__()
            self.draft = draft
            self.text = text

    class Closed(Message):
        """Escape: the line closes, keeping what was typed."""

    class FullFormWanted(Message):
        """Tab or ctrl+e: carry what was typed to the full form."""

        def __init__(self, draft: TaskDraft) -> None:
            super().__init__()
            self.draft = draft

    def __init__(self, clock: Callable[[], datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self._parsed: tuple[str, QuickAdd] | None = None
        self._refused: tuple[str, str] | None = None  # (the line, why its save was refused) until edited

    def compose(self) -> ComposeResult:
        with Horizontal(id="quick-row"):
            yield Label("New task ›", id="quick-prompt")
            yield QuickAddLine(
                id="quick-line", compact=True, placeholder="Water plants every 3 days due:today #home !high",
                highlighter=TokenHighlighter(self._parse, lambda: self.app.theme_variables),
            )  # fmt: skip
        yield Static(HINT, id="quick-preview", markup=False)

    def on_mount(self) -> None:
        self.line.cursor_blink = self.app.live
        self._preview()

    @property
    def line(self) -> QuickAddLine:
        return self.query_one(QuickAddLine)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, text: str | None = None, error: str | None = None) -> None:
        """Show the line and focus it (keys typed right after reach it); `text` replaces what it holds,
        and `error` (a refused save) shows in place of the preview until the line is edited."""
        self.add_class("-open")
        if text is not None:
            self.line.value = text
        self._refused = (self.line.value, error) if error else None
        self.line.focus()
        self._preview()

    def close(self, *, clear: bool = False) -> None:
        self.remove_class("-open")
        if clear:
            self.line.value = ""

    def parsed(self) -> QuickAdd:
        return self._parse(self.line.value)

    def _parse(self, text: str) -> QuickAdd:
        """The parse of `text`, kept: the highlighter and the preview ask for the same line."""
        if self._parsed is None or self._parsed[0] != text:
            self._parsed = (text, parse_quick_add(text, self.clock()))
        return self._parsed[1]

    @on(Input.Changed, "#quick-line")
    def _changed(self) -> None:
        self._preview()

    def _preview(self) -> None:
        text = self.line.value
        quick = self._parse(text)
        error = self._refused[1] if self._refused and self._refused[0] == text else None
        empty = not text.strip()
        self.set_class(empty, "-empty")
        self.set_class(not empty and (error is not None or quick.error is not None), "-error")
        shown = HINT if empty else error or ("→ " + quick.preview(self.clock()) if quick.draft else quick.error or "")
        self.query_one("#quick-preview", Static).update(shown)

    @on(Input.Submitted, "#quick-line")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        quick = self.parsed()
        if quick.draft is None:  # the line stays, its error under it in the error colour
            if not self.line.value.strip():
                self.post_message(self.Closed())  # enter on an empty line: nothing to add
            return
        self.post_message(self.Submitted(quick.draft, self.line.value))
