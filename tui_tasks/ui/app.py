"""The tui-tasks application: screens, the session, service calls in workers, health, idle lock."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState, get_current_worker

from tui_tasks import __version__
from tui_tasks.config import Settings, save_setting
from tui_tasks.errors import Conflict, OutcomeUnknown, StorageError, TasksError
from tui_tasks.ui.dispatch import ServiceFailed, WriteQueue
from tui_tasks.ui.notices import Forgotten, Notices
from tui_tasks.ui.typeahead import TypeAhead

if TYPE_CHECKING:  # domain and messages (the read models) are imported after the first paint: see _utcnow
    from tui_tasks.services.facade import Services
    from textual.notifications import SeverityLevel

    from tui_tasks.domain import HealthReport, UserView
    from tui_tasks.ui.keymap import KeymapChecked
    from tui_tasks.ui.messages import ChangesPolled, DatabaseOpened, HealthChecked, LoggedIn, WritesRefused
    from tui_tasks.ui.screens.snooze import ReminderBell, RemindersFetched

T = TypeVar("T")
# A worker reading the database holds the GIL up to Python's switch interval (5 ms) before a key's
# handler or the thread writing a frame out gets it: keys that met a poll or a page read came 5-15 ms late.
SWITCH_INTERVAL_S = 0.001
GC_QUIET_S = 0.5  # no key or click for this long: a full garbage collection delays nobody
FULL_GC_EVERY_S = 60.0  # and at least this often, input or not
FULL_GC_NEVER = 10**9  # the generation-2 threshold that leaves full collections to the app
log = logging.getLogger("tui_tasks.ui")
SCREENS_CSS = Path(__file__).with_name("screens.tcss")  # every screen's rules but the log-in screen's


def _utcnow() -> datetime:
    """`domain.utcnow`, the default clock. Start-up is measured to the log-in screen complete, which
    needs neither the read models nor the messages that carry them (~10 ms of imports): this module
    imports them where they are used, and its message handlers go by name (`on_logged_in`)."""
    from tui_tasks.domain import utcnow

    return utcnow()


def _screen_commands():  # the palette's provider, imported when the palette first opens
    from tui_tasks.ui.commands import ScreenCommands

    return ScreenCommands


class RefusedWhileDown(StorageError):
    """A write not sent, because the database is down (the bar already says why)."""


class TasksApp(App[None]):
    """A keyboard-first task manager. Build it with settings; tests may pass ready services and a clock."""

    CSS_PATH = "app.tcss"  # the log-in screen's rules and the shared ones; SCREENS_CSS after the first paint
    TITLE = "tui-tasks"
    COMMANDS = App.COMMANDS | {_screen_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),  # over any dialog too
        Binding("ctrl+o", "snooze_reminder", "Snooze reminder", id="app.snooze", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        services: Services | None = None,
        clock: Callable[[], datetime] = _utcnow,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.live = live  # timers (health, idle lock) and cursor blink; off in snapshot tests
        self.services: Services | None = services
        self.user: UserView | None = None
        self.reminder_bell: ReminderBell | None = None  # reminders of the logged-in user's timed dues
        self.health: HealthReport | None = None  # the last check, and a refused write's reason (see _publish_health)
        self._checked: HealthReport | None = None  # the last check alone
        self._writes_refused: str | None = None
        self.health_signal: Signal[HealthReport] = Signal(self, "health")
        self._services_ready = threading.Event()
        self._writes = WriteQueue()
        self._last_input = time.monotonic()
        self._last_full_gc = self._last_input
        self.notices = Notices(self)
        self.type_ahead = TypeAhead(self, super().on_event)  # keys typed in a burst go where the ones before sent them
        self._reminder_timer_started = False
        self._saved_theme: str | None = None  # None until mounted: setting the first theme saves nothing
        self.theme = settings.theme if settings.theme in self.available_themes else "textual-dark"

    # --- start-up -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """The log-in screen is the first screen itself, not pushed over Textual's empty default one:
        one screen less to mount and lay out, and one frame less, before the first paint (start-up is
        measured). It stays the base of the stack, hidden, as the empty one did: the task list opens
        over it, and a log-out puts a new log-in screen in the list's place (Textual replaces no base)."""
        from tui_tasks.ui.screens.login import LoginScreen

        return LoginScreen()

    def on_mount(self) -> None:
        self._saved_theme = self.theme
        self.call_after_refresh(self.read_screens_css)
        if self.settings.keys or self.settings.key_problems:
            self.call_after_refresh(self.check_keymap)
        if self.services is None:
            # After the first paint: importing the storage stack holds the GIL for a while.
            self.call_after_refresh(self.open_database)
        else:
            self._services_ready.set()
        if self.live:
            self.set_interval(self.settings.health_interval_seconds, self.check_health)
            self.set_interval(5, self._check_idle)
            gc.set_threshold(*gc.get_threshold()[:2], FULL_GC_NEVER)  # full collections: when idle (below)
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            self.set_interval(GC_QUIET_S, self.collect_garbage_when_quiet)

    def read_screens_css(self) -> None:
        """Read SCREENS_CSS, once: after the first paint, or before any other screen is shown."""
        if not self.stylesheet.has_source(os.path.abspath(SCREENS_CSS), ""):
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.update(self)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[override]  (its overloads stay Textual's)
        self.read_screens_css()
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):  # type: ignore[override]
        self.read_screens_css()
        return super().switch_screen(screen)

    @work(thread=True, exit_on_error=False, group="open")
    def open_database(self) -> None:
        """Import the storage stack and open the database while the log-in screen is shown."""
        from tui_tasks.services.facade import open_services
        from tui_tasks.ui.messages import DatabaseOpened

        self.post_message(DatabaseOpened(open_services(self.settings, self.clock)))

    @work(thread=True, exit_on_error=False, group="keymap")
    def check_keymap(self) -> None:
        """Check config.toml's [keys] against every binding (this imports every screen: not before the
        first paint, and not on the UI thread); `on_keymap_checked` applies what is right."""
        from tui_tasks.ui.keymap import KeymapChecked, checked_keymap

        try:
            checked = checked_keymap(self.settings, type(self))
        except Exception as error:  # a screen that fails to import: the default keys, and one line why
            log.error("the [keys] table could not be checked", exc_info=error)
            checked = KeymapChecked({}, [f"{self.settings.config_file}: [keys] could not be checked "
                                         f"({type(error).__name__}, details in the log); using the default keys"])  # fmt: skip
        self.post_message(checked)

    def on_keymap_checked(self, event: KeymapChecked) -> None:  # by name: keymap.py is imported only if needed
        for problem in event.problems:
            log.warning("%s", problem)
        if event.problems:  # one notice, a short line per problem (each in full, with the file, in the log)
            lines = [problem.split("[keys] ", 1)[-1].removesuffix("; using its default key") for problem in event.problems]
            where = self.settings.config_file.name if self.settings.config_file else "config.toml"
            title = f"{where} [keys]: {len(lines)} problem{'s' if len(lines) != 1 else ''} (their default keys stay)"
            self.say("\n".join(lines), key="keys", title=title, severity="warning", timeout=20)
        self.set_keymap(event.keymap)

    async def action_quit(self) -> None:
        """ctrl+q, over any screen or dialog: a screen that ends the app its own way (the problem screen
        exits 1: the database could not be used) is asked first."""
        leave = getattr(self.screen, "action_leave", None)
        if leave is not None and getattr(self.screen, "LEAVES_THE_APP", False):
            leave()
            return
        await super().action_quit()

    # --- notifications ----------------------------------------------------------------------------
    def say(
        self,
        message: str,
        *,
        key: str | None = None,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notify; a notice with the same `key` (default: the same text) replaces the one before it.
        Thread-safe. Examples: `say("Deleted … press u to undo", key="undo")`, then `forget("undo")`."""
        self.notices.say(message, key=key, title=title, severity=severity, timeout=timeout, markup=markup)

    def forget(self, key: str) -> None:
        """Remove the notice said with `key`, if it is still shown (what it offered is done or gone)."""
        self.notices.forget(key)

    def on_forgotten(self, event: Forgotten) -> None:
        if event.notification in self._notifications:
            self._unnotify(event.notification)  # Textual has no public way to remove one toast

    def on_database_opened(self, event: DatabaseOpened) -> None:
        self.services = event.services
        self._services_ready.set()
        self.check_health()

    def wait_for_services(self) -> Services:
        """The services, once open (call from a worker thread only); StorageError if they never will be."""
        self._services_ready.wait()
        if self.services is None:
            raise StorageError("the database could not be opened")
        return self.services

    def on_unmount(self) -> None:
        self._writes.close()
        self._services_ready.set()  # a worker still waiting for the database must not hold up the exit
        if self.services is not None:
            self.services.close()

    # --- service calls --------------------------------------------------------------------------
    def run_service(
        self,
        target: Any,
        call: Callable[[Services], T],
        done: Callable[[T], Message | None] | None = None,
        *,
        write: bool = False,
        exclusive: bool = False,
        group: str = "service",
        tag: str = "",
    ) -> Worker:
        """Run `call(services)` in a thread worker; post `done(result)` to `target`.

        A TasksError is posted as ServiceFailed (to show inline, or as a notification); writes run one
        at a time in the order asked. A superseded exclusive call posts nothing.
        """
        ticket = self._writes.take() if write else None

        def attempt(run: Callable[[], T]) -> None:
            """Run, then post the answer or the error (unless superseded meanwhile)."""
            from tui_tasks.ui.messages import WritesRefused

            failure: TasksError | None = None
            try:
                result = run()
            except TasksError as error:
                failure = error
            except Exception as error:  # a bug, or an OS error no service expected: logged, then shown
                log.error("unexpected error in a %s call", group, exc_info=error)
                failure = TasksError(f"Unexpected error: {type(error).__name__} (details in the log)")
            if write:  # the bar says "down" while the database refuses writes, whatever a read-only check says
                if isinstance(failure, StorageError) and not isinstance(failure, (Conflict, RefusedWhileDown)):
                    unknown = isinstance(failure, OutcomeUnknown)
                    reason = failure.reason if unknown else failure.message.removeprefix("Not saved: ")
                    self.post_message(WritesRefused(f"a change {'may not have been' if unknown else 'was not'} saved: {reason}"))
                elif failure is None and self._writes_refused is not None:
                    self.post_message(WritesRefused(None))
            if get_current_worker().is_cancelled:
                return  # superseded: its answer, or its error, is of no use any more
            if failure is not None:
                target.post_message(ServiceFailed(failure, tag))
                return
            message = done(result) if done is not None else None
            if message is not None:
                target.post_message(message)

        def work() -> None:
            if ticket is None:
                attempt(lambda: call(self.wait_for_services()))
                return
            try:
                with self._writes.turn(ticket):
                    # The answer is posted before the turn passes on: answers arrive in the order of the writes.
                    attempt(lambda: (self._refuse_if_down(), call(self.wait_for_services()))[1])
            except TasksError as error:  # the queue closed before this write's turn came
                target.post_message(ServiceFailed(error, tag))

        # A write's worker belongs to the app, not to the screen that asked: closing the screen (log out)
        # must not cancel a write that has its ticket, or every later write would wait for it forever.
        owner = self if write else target
        return owner.run_worker(work, thread=True, exit_on_error=False, exclusive=exclusive, group=group)

    def _refuse_if_down(self) -> None:
        """While the last health report says the database is down, look again before writing, and
        refuse with the reason if it still is: a change must never look saved when it was not."""
        from tui_tasks.domain import Status

        if self.health is None or self.health.status is not Status.FAIL:
            return
        report = self._fresh_health()
        if report.status is Status.FAIL:
            reason = next(c.message for c in report.checks if c.status is Status.FAIL)
            raise RefusedWhileDown(f"Not saved: {reason}")

    @on(ServiceFailed)
    def _service_failed(self, event: ServiceFailed) -> None:
        if event.tag == "reminders":  # read again at the next change or check; the bar says what is wrong
            log.warning("reminders not read: %s", event.error.message)
            return
        self.say(event.error.message, title="Could not do that", severity="error")

    def _fatal_error(self) -> None:
        """A bug in a handler ends the app (Textual stops the failing message loop); the user gets one
        line and the log gets the traceback. Tests (live=False) keep Textual's traceback."""
        if not self.live:
            super()._fatal_error()
            return
        log.error("unexpected error; tui-tasks stopped", exc_info=self._exception)
        self._exit_renderables.append(
            f"tui-tasks stopped after an unexpected error ({type(self._exception).__name__}); "
            "the details are in the log. Everything saved before it is safe."
        )
        self._close_messages_no_wait()

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker is turned into something a user can read."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "open":
            from tui_tasks.ui.screens.problem import ProblemScreen

            self._services_ready.set()  # anything waiting for the database gives up (services stay None)
            message = error.message if isinstance(error, TasksError) else f"unexpected error ({error!r})"
            if not isinstance(error, TasksError):
                log.error("opening the database failed", exc_info=error)
            self.push_screen(ProblemScreen(self.settings.db.display, message))
            return
        log.error("unexpected error in %s", event.worker.name, exc_info=error)
        self.say(f"{type(error).__name__}: {error} (details in the log)", title="Unexpected error", severity="error")

    # --- session --------------------------------------------------------------------------------
    def on_logged_in(self, event: LoggedIn) -> None:
        from tui_tasks.ui.screens.snooze import CHECK_EVERY_S, ReminderBell
        from tui_tasks.ui.screens.task_list import TaskListScreen

        if self.live and not self._reminder_timer_started:  # the first log-in; snooze.py is not needed before it
            self._reminder_timer_started = True
            self.set_interval(CHECK_EVERY_S, self.check_reminders)
        self.user = event.user
        self._last_input = time.monotonic()
        self.reminder_bell = ReminderBell(self)
        self.reminder_bell.fetch()
        if len(self.screen_stack) == 1:  # the first log-in: over the first log-in screen (see get_default_screen)
            self.push_screen(TaskListScreen())
        else:
            self.switch_screen(TaskListScreen())

    def action_log_out(self) -> None:
        from tui_tasks.ui.screens.login import LoginScreen

        self.user = None
        self.reminder_bell = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    # --- reminders (see screens/snooze.py) -------------------------------------------------------
    def check_reminders(self) -> None:
        """Tell the timed dues that came (the timer calls this; tests too, after moving the clock)."""
        if self.reminder_bell is not None:
            self.reminder_bell.check()

    def on_reminders_fetched(self, event: RemindersFetched) -> None:  # by name: snooze.py is imported at log-in
        if self.reminder_bell is not None:
            self.reminder_bell.fetched(event)

    def on_changes_polled(self, event: ChangesPolled) -> None:
        """The list's change poll, bubbling up: a change may have moved a due."""
        if self.reminder_bell is not None:
            self.reminder_bell.changes_polled(event.changes)

    def action_snooze_reminder(self) -> None:
        if self.reminder_bell is not None:
            self.reminder_bell.offer_snooze()

    # --- health ---------------------------------------------------------------------------------
    def check_health(self) -> None:
        if self.services is not None:
            self._run_health_check()

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def _run_health_check(self) -> None:
        self._fresh_health()

    def _fresh_health(self) -> HealthReport:
        """Check now (in a worker thread) and tell the app; returns the report."""
        from tui_tasks.services.health import check_health
        from tui_tasks.ui.messages import HealthChecked

        services = self.wait_for_services()
        engine = services.db.engine if self.settings.db.kind != "sqlite" else None
        report = check_health(self.settings, engine=engine, integrity=False, expect_database=True)
        self.post_message(HealthChecked(report))
        return report

    def on_health_checked(self, event: HealthChecked) -> None:
        from tui_tasks.domain import Status

        before = self._checked.status if self._checked else Status.OK  # the check's own, not the bar's
        if event.report.status is not before:
            problems = "; ".join(f"{c.name}: {c.message}" for c in event.report.checks if c.status is not Status.OK)
            log.warning("database health %s -> %s %s", before.value, event.report.status.value, problems)
        self._checked = event.report
        self._publish_health()

    def on_writes_refused(self, event: WritesRefused) -> None:
        if event.reason is not None and event.reason != self._writes_refused:
            log.warning("writes refused: %s", event.reason)
        self._writes_refused = event.reason
        self._publish_health()

    def _publish_health(self) -> None:
        """The bar's health: the last check, and "down" with the reason while writes are refused."""
        from tui_tasks.domain import CheckResult, HealthReport, Status

        report = self._checked
        if self._writes_refused is not None:
            refused = CheckResult("writes", Status.FAIL, self._writes_refused)
            report = report or HealthReport(__version__, self.settings.db.display)
            report = dataclasses.replace(report, checks=(refused, *report.checks))
        self.health = report
        if report is not None:
            self.health_signal.publish(report)

    # --- idle lock and theme --------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = time.monotonic()
        await self.type_ahead.receive(event)

    def since_input(self) -> float:
        """Seconds since the last key or click."""
        return time.monotonic() - self._last_input

    def collect_garbage_when_quiet(self) -> None:
        """Python's full garbage collections walk every object: 70-120 ms here once Textual's render
        caches hold a few hundred thousand, and they struck in the middle of a key's work (End at
        100k tasks: 60-90 ms usually, 200-300 ms when one did; a profile showed 108 ms of it inside
        the collector). The young generations still collect on their own, cheaply; the full
        collection runs here instead, once input has been quiet for GC_QUIET_S after some input (or
        after FULL_GC_EVERY_S in any case), when no key is waiting on it."""
        now = time.monotonic()
        quiet = now - self._last_input >= GC_QUIET_S
        if quiet and (self._last_input > self._last_full_gc or now - self._last_full_gc >= FULL_GC_EVERY_S):
            gc.collect()
            self._last_full_gc = time.monotonic()

    def _check_idle(self) -> None:
        from tui_tasks.ui.screens.unlock import UnlockScreen

        minutes = self.settings.idle_lock_minutes
        idle = time.monotonic() - self._last_input
        if self.user and minutes and idle >= minutes * 60 and not isinstance(self.screen, UnlockScreen):
            self.lock()

    def lock(self) -> None:
        """Ask for the password again, over whatever is on screen."""
        from tui_tasks.ui.screens.unlock import UnlockScreen

        if self.user is not None:
            log.info("idle lock user_id=%s", self.user.id)
            self.push_screen(UnlockScreen(self.user))

    def watch_theme(self, theme: str) -> None:
        """Remember a theme chosen in the palette for the next start."""
        if self._saved_theme is not None and theme != self._saved_theme:
            self._saved_theme = theme
            self.run_worker(
                lambda: save_setting("theme", theme, self.settings.config_file), thread=True, exit_on_error=False
            )  # a config file it cannot write is reported by the worker-error handler, not fatal
