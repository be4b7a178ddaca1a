"""The task list's quick add: a line under the list that saves a task from one line of text (`a` opens it,
`A` the full form instead); a part of `TaskListScreen`, kept in its own module.

The line closes at once and the task is saved behind it; keys typed after the Enter wait (type-ahead)
until the new task's row shows, or the line opens again with what was typed and why it was refused.

Handlers here are named for their messages: Textual does not see `@on` in a mixin."""

from __future__ import annotations

from textual.message import Message

from tui_tasks.domain import TaskView
from tui_tasks.errors import OutcomeUnknown
from tui_tasks.ui.dispatch import ServiceFailed
from tui_tasks.ui.widgets.quick_add import QuickAddBar


class QuickAdded(Message):
    """A quick add's task was saved."""

    def __init__(self, task: TaskView, tag: str) -> None:
        super().__init__()
        self.task = task
        self.tag = tag


class QuickAdding:
    """Quick add on the task list."""

    @property
    def quick_add(self) -> QuickAddBar:
        return self.query_one(QuickAddBar)

    def action_quick_add(self) -> None:
        if self.has_class("-detail") and self.has_class("-narrow"):
            self.action_details()  # the list comes back, and the line under it
        self.quick_add.open()

    def on_quick_add_bar_submitted(self, event: QuickAddBar.Submitted) -> None:
        """The line closes at once and the task is saved behind it; a refused save opens the line again
        with what was typed and the reason. Keys typed after the Enter act once one or the other shows:
        type-ahead holds them until then (a Space right after it completes the new task, not the row the
        cursor was on before)."""
        self.quick_add.close(clear=True)
        self.table.focus()
        user, draft = self.user, event.draft
        self._quick_serial += 1
        tag = f"quick:{self._quick_serial}"
        self._quick_pending[tag] = event.text
        self._quick_holds[tag] = self.app.type_ahead.hold(self)
        self.app.run_service(
            self, lambda s: s.tasks.create(user, draft), lambda task: QuickAdded(task, tag), write=True, tag=tag
        )  # fmt: skip

    def on_quick_added(self, event: QuickAdded) -> None:
        self._quick_pending.pop(event.tag, None)
        self.reload(focus_id=event.task.id)  # the keys held go once its rows show (`on_page_loaded`)
        if (release := self._quick_holds.pop(event.tag, None)) is not None:
            self._shown_holds.append(release)

    def quick_failed(self, event: ServiceFailed) -> None:
        text = self._quick_pending.pop(event.tag, "")
        release = self._quick_holds.pop(event.tag, lambda: None)
        if isinstance(event.error, OutcomeUnknown):
            self._outcome_unknown(event)  # it may be saved: never offered again to save twice
            release()
            return
        event.stop()
        line = self.quick_add
        if line.is_open and line.line.value.strip() and line.line.value != text:  # typing the next one
            self.notify(f"“{text}” was not added: {event.error.message}", severity="error", markup=False)
        else:
            line.open(text, f"Not added: {event.error.message}")
        release()

    def on_quick_add_bar_closed(self) -> None:
        self.quick_add.close()
        self.table.focus()

    def on_quick_add_bar_full_form_wanted(self, event: QuickAddBar.FullFormWanted) -> None:
        self.quick_add.close(clear=True)
        self.table.focus()
        self.action_add(event.draft)
