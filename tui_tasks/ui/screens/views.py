"""Saved views: pick one (Enter), save the list's current filter and order as one, rename, delete, reorder."""

from __future__ import annotations

import unicodedata
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_tasks.domain import SavedViewView, SortField, UserView, visible
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.keys_in_force import key_in_force
from tui_tasks.ui.screens.confirm import ConfirmScreen
from tui_tasks.ui.widgets.filter_bar import sort_name

NAME_MAX = 40  # the service's limit (tests check they agree); importing it would load SQLAlchemy

NARROW = 60  # below this width a view is its name alone (its filter shows in the search box once chosen)
HINT_LINES = 3  # the hint and the line above it, in ROOM
ROOM = 10  # lines of the dialog besides the list: borders, title, hint, error, and the margins that keep the footer in view


def same_name(a: str, b: str) -> bool:
    """As the service compares view names (tests check they agree): one name whatever the case, and
    whatever the Unicode form of its letters (NFC or NFD "Café")."""
    key = lambda name: unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()  # noqa: E731
    return key(a) == key(b)


def order_text(filter_text: str, sort: SortField, descending: bool) -> str:
    """A view's filter and order in words: "is:pending due<=today · due↑"."""
    return f"{visible(filter_text) or 'everything'} · {sort_name(sort)}{'↓' if descending else '↑'}"


def describe(view: SavedViewView, narrow: bool = False) -> Content:
    """One line of the picker: the name, then its filter and order, dimmed. Content, not markup: escape()
    would show a name ending in a backslash ("C:\\") with that backslash doubled."""
    if narrow:
        return Content(visible(view.name))
    return Content.assemble(visible(view.name), "  ", (order_text(view.filter, view.sort, view.descending), "dim"))


class ViewsScreen(ModalScreen[SavedViewView | None]):
    """Dismissed with the chosen view, or None (escape)."""

    DEFAULT_CSS = """
    ViewsScreen #views { height: auto; max-height: 12; border: none; padding: 0; }
    ViewsScreen #view-name { display: none; margin-top: 1; }
    ViewsScreen.-naming #view-name { display: block; }
    ViewsScreen #views-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="views.close"),
        Binding("s", "name('save')", "Save current as…", id="views.save"),
        Binding("r", "name('rename')", "Rename", id="views.rename"),
        Binding("d", "delete", "Delete", id="views.delete"),
        Binding("shift+up", "move(-1)", "Move up", id="views.move_up"),
        Binding("shift+down", "move(1)", "Move down", id="views.move_down"),
    ]

    class Loaded(Message):
        """The user's views were read (or changed), in their order."""

        def __init__(self, views: list[SavedViewView], highlight: int | None = None) -> None:
            super().__init__()
            self.views = views
            self.highlight = highlight  # the id of the view to put the cursor on

    def __init__(self, user: UserView, filter_text: str, sort: SortField, descending: bool, current: int | None = None) -> None:
        """`filter_text`, `sort`, `descending`: what the list shows now (what `s` saves); `current`: its view."""
        super().__init__()
        self.user = user
        self.current = (filter_text, sort, descending)
        self.current_id = current
        self.views: list[SavedViewView] = []
        self.naming: str | None = None  # "save" or "rename" while the name box is open

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Views", classes="dialog-title")
            yield OptionList(id="views")
            yield Input(placeholder="name of the view", id="view-name", max_length=NAME_MAX, compact=True, select_on_focus=False)
            yield Static("", id="views-error", markup=False)
            yield Static(self._hint(), classes="dialog-hint", markup=False)

    def _hint(self, narrow: bool = False) -> str:
        """The keys, as [keys] of config.toml has them: "enter open · s save current as… · … · esc close";
        when narrow, one line of those the footer has no room for: "d delete · shift+↑↓ move"."""
        key = lambda binding_id: key_in_force(self, f"views.{binding_id}")  # noqa: E731
        up, down = key("move_up"), key("move_down")
        move = f"{up}{down.removeprefix('shift+')}" if up.startswith("shift+") and down.startswith("shift+") else f"{up}/{down}"
        if narrow:
            return f"{key('delete')} delete · {move} move"
        return f"enter open · {key('save')} save current as… · {key('rename')} rename · {key('delete')} delete · {move} move · {key('close')} close"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._call(lambda views: views.list(self.user), write=False, highlight=self.current_id)

    def _call(self, action, *, write: bool, highlight: int | None = None) -> None:
        """Run a views service call in a worker; the views it leaves come back as Loaded."""

        def run(services):
            views = services.views
            result = action(views)
            listed = result if isinstance(result, list) else views.list(self.user)
            return listed, result.id if isinstance(result, SavedViewView) else highlight

        self.app.run_service(self, run, lambda done: ViewsScreen.Loaded(*done), write=write, group="views", tag="views")

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.views = event.views
        self._show(event.highlight)
        if self.naming is not None and self.query_one("#view-name", Input).disabled:  # the name was taken
            self._close_name()

    def _show(self, highlight: int | None) -> None:
        options = self.query_one(OptionList)
        narrow = self.size.width < NARROW
        options.clear_options()
        options.add_options([Option(describe(view, narrow), id=str(view.id)) for view in self.views])
        ids = [view.id for view in self.views]
        if ids:
            options.highlighted = ids.index(highlight) if highlight in ids else 0

    def on_resize(self) -> None:
        """The list takes what height the terminal leaves, so the hint under it always shows; when narrow
        the hint is one line of the keys the footer has no room for (the whole hint wrapped to three lines
        and was cut at 40 columns)."""
        narrow = self.size.width < NARROW
        self.query_one(".dialog-hint", Static).update(self._hint(narrow))
        room = ROOM - (HINT_LINES - 2) if narrow else ROOM  # (the line above it, and one line)
        self.query_one(OptionList).styles.max_height = max(2, min(12, self.size.height - room))
        if self.views:
            current = self._highlighted()
            self._show(current.id if current else None)

    @on(ServiceFailed)
    def _failed(self, event: ServiceFailed) -> None:
        if event.tag != "views":
            return
        event.stop()
        self.query_one("#views-error", Static).update(event.error.message)
        box = self.query_one("#view-name", Input)
        if self.naming is not None:  # a refused name: the box stays open with it, for another try
            box.disabled = False
            box.focus()
            self._call(lambda views: views.list(self.user), write=False, highlight=self._highlighted_id())  # named elsewhere?

    def _highlighted_id(self) -> int | None:
        view = self._highlighted()
        return view.id if view else None

    def _highlighted(self) -> SavedViewView | None:
        index = self.query_one(OptionList).highlighted
        return self.views[index] if index is not None and index < len(self.views) else None

    @on(OptionList.OptionSelected, "#views")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.views[event.option_index])

    def action_name(self, purpose: str) -> None:
        """Open the name box: for a new view of the current filter, or a new name for the highlighted one."""
        view = self._highlighted()
        if purpose == "rename" and view is None:
            return
        self.naming = purpose
        box = self.query_one("#view-name", Input)
        box.placeholder = "new name" if purpose == "rename" else "save the current filter as…"
        box.value = view.name if purpose == "rename" and view else ""
        box.cursor_position = len(box.value)
        self.set_class(True, "-naming")
        self.query_one("#views-error", Static).update("")
        box.focus()

    @on(Input.Submitted, "#view-name")
    def _named(self, event: Input.Submitted) -> None:
        event.stop()
        name, purpose, view = event.value, self.naming, self._highlighted()
        if not name.strip():  # said at once, and the box stays open: letters must not reach the list
            self.query_one("#views-error", Static).update("View name is required")
            return
        if purpose == "save":
            existing = next((v for v in self.views if same_name(v.name, name)), None)
            if existing is not None:
                self._ask_replace(existing, name)
                return
            self._save(name, replace=False)  # one named so in another window meanwhile is refused, not lost
        elif purpose == "rename" and view is not None:
            event.input.disabled = True  # until the service answers: the box closes once the name is taken
            self._call(lambda views: views.rename(self.user, view.id, name), write=True)

    def _save(self, name: str, *, replace: bool) -> None:
        self.query_one("#view-name", Input).disabled = True  # until the service answers (see _loaded)
        text, sort, descending = self.current
        self._call(lambda views: views.save(self.user, name, text, sort, descending, replace=replace), write=True)

    def _ask_replace(self, existing: SavedViewView, name: str) -> None:
        """Saving under a name in use replaces that view: only once the user says so; no keeps the box as typed."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(name, replace=True)
            else:
                self.query_one("#view-name", Input).focus()

        text, sort, descending = self.current
        detail = f"It shows  {order_text(existing.filter, existing.sort, existing.descending)}\nIt would show  {order_text(text, sort, descending)}"
        title = Content(f"A view named “{visible(existing.name)}” exists — replace it?")  # as typed: no markup
        self.app.push_screen(ConfirmScreen(title, detail, "Replace"), answered)

    def _close_name(self) -> None:
        self.naming = None
        self.query_one("#views-error", Static).update("")  # it was about the name no longer being typed
        self.query_one("#view-name", Input).disabled = False
        self.set_class(False, "-naming")
        self.query_one(OptionList).focus()

    def action_delete(self) -> None:
        view = self._highlighted()
        if view is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._call(lambda views: views.delete(self.user, view.id), write=True)

        self.app.push_screen(ConfirmScreen("Delete view?", f"“{visible(view.name)}” ({view.filter or 'everything'})", "Delete"), answered)

    def action_move(self, step: int) -> None:
        view = self._highlighted()
        if view is not None:
            self._call(lambda views: views.move(self.user, view.id, step), write=True, highlight=view.id)

    def action_close(self) -> None:
        if self.naming is not None:
            self._close_name()
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters go to the name box while it is open."""
        if self.naming is not None and action in ("name", "delete", "move"):
            return False
        return True
